"""ember.nn (torch.nn): modules, parameters, functional, init."""

from . import (  # noqa: F401
    functional,
    init,
    modules,  # noqa: F401,E402
    parallel,  # noqa: F401,E402
    utils,
)
from .modules import *  # noqa: F401,F403
from .modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401,E402
from .modules.module import Module  # noqa: F401,E402
from .parallel import DataParallel  # noqa: F401,E402
from .parameter import *  # noqa: F401,F403
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401


def _export_torch_functions() -> None:
    # torch.softmax & co. live in ember.ops.nn; ember/__init__.py (not this package's file) does not import them
    # yet, so they are added to the namespace here when missing.
    import ember

    from ..ops import nn as _ops_nn

    extra = {"softmax": _ops_nn.softmax, "log_softmax": _ops_nn.log_softmax, "dropout": functional.dropout,
             "alpha_dropout": functional.alpha_dropout, "feature_dropout": functional.dropout2d,
             "layer_norm": functional.layer_norm, "group_norm": functional.group_norm,
             "batch_norm": functional.batch_norm, "instance_norm": functional.instance_norm,
             "embedding": functional.embedding, "cosine_similarity": functional.cosine_similarity,
             "pairwise_distance": functional.pairwise_distance, "threshold": functional.threshold,
             "selu": functional.selu, "celu": functional.celu, "prelu": functional.prelu,
             "hardshrink": functional.hardshrink, "bilinear": functional.bilinear,
             "binary_cross_entropy_with_logits": functional.binary_cross_entropy_with_logits}
    for name, fn in extra.items():
        if not hasattr(ember, name):
            setattr(ember, name, fn)


_export_torch_functions()
del _export_torch_functions

"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters, rnn (pack/pad helpers)."""

from __future__ import annotations

from .clip_grad import (  # noqa: F401
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401


def skip_init(module_cls, *args, **kwargs):
    """Build ``module_cls(*args, **kwargs)`` without consuming the random generator (torch leaves it uninitialised)."""
    import ember

    state = ember.get_rng_state()
    try:
        return module_cls(*args, **kwargs)
    finally:
        ember.set_rng_state(state)


try:  # the RNN helpers belong to the RNN work (pad_sequence, pack_padded_sequence ...)
    from . import rnn  # noqa: F401
except ImportError:  # pragma: no cover
    pass

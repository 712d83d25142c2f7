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


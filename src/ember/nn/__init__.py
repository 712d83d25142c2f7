"""ember.nn (torch.nn): modules, parameters, functional, init."""

from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import *  # noqa: F401,F403

"""torch.nn.functional: the math of the layers (modules hold state; F holds math)."""

from .functional_conv import *  # noqa: F401,F403  (conv, pooling, padding, interpolation: nn/functional_conv.py)

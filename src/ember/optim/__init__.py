"""ember.optim (torch.optim): optimizers and learning-rate schedulers."""

from . import optimizer  # noqa: F401
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Adam", "AdamW", "Optimizer", "SGD"]

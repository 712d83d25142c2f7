"""torch.optim names ember does not implement yet: constructing one raises NotImplementedError."""

from __future__ import annotations

from .optimizer import Optimizer

__all__ = ["SparseAdam", "Muon"]


class _Unsupported(Optimizer):
    _why = ""

    def __init__(self, params, *args, **kwargs) -> None:
        raise NotImplementedError(f"ember: torch.optim.{type(self).__name__} is not implemented ({self._why})")

    def step(self, closure=None):
        raise NotImplementedError


class SparseAdam(_Unsupported):
    """torch.optim.SparseAdam (not implemented: ember's optimizers take dense gradients)."""

    _why = "it needs sparse gradients; use Adam"


class Muon(_Unsupported):
    """torch.optim.Muon (not implemented)."""

    _why = "no Newton-Schulz orthogonalisation yet; use AdamW"

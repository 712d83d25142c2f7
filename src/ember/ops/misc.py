"""The rest of the op library (issue 6) and the torch.* names of ops that live elsewhere in ember.

ember/__init__.py star-imports this module, so ``__all__`` here is what joins the torch namespace.
"""

from __future__ import annotations

from . import _return_types as return_types
from .reduce import (
    aminmax, cummax, cummin, logcumsumexp, median, mode, nanmean, nanmedian, nanquantile, nansum, norm, quantile,
)

__all__ = [
    "return_types",
    "aminmax", "cummax", "cummin", "logcumsumexp", "median", "mode", "nanmean", "nanmedian", "nanquantile", "nansum",
    "norm", "quantile",
]

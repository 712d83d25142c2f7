"""nn.parallel: DataParallel, which on ember runs the wrapped module unchanged on one device."""

from __future__ import annotations

from .data_parallel import DataParallel, data_parallel  # noqa: F401
from .scatter_gather import gather, parallel_apply, replicate, scatter, scatter_kwargs  # noqa: F401

DistributedDataParallel = DataParallel
__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel", "scatter", "gather", "replicate",
           "parallel_apply", "scatter_kwargs"]

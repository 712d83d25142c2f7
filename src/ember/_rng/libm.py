"""Element-wise double-precision libm calls that give the same bits as the C library torch links against.

torch's scalar kernels call glibc's ``log``, ``log1p``, ``sin``, ``cos``, ``tan`` and ``exp``. NumPy's SIMD loops
(SVML on AVX-512) differ from glibc in the last bit for a few elements in ten thousand, so these helpers map
Python's ``math`` functions (thin wrappers of the same libm) over the values instead; about 60 ns an element.
"""

from __future__ import annotations

import math

import numpy as np


def _map(fn, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    out = np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float64, count=x.size)
    return out.reshape(x.shape)


def _safe(fn, bad):
    def call(v: float) -> float:
        try:
            return fn(v)
        except (ValueError, OverflowError):
            return bad(v)

    return call


# math raises where C returns inf/nan; the fallbacks give C's results for the inputs those kernels can see.
_log = _safe(math.log, lambda v: -math.inf if v == 0 else math.nan)
_log1p = _safe(math.log1p, lambda v: -math.inf if v == -1 else math.nan)
_exp = _safe(math.exp, lambda v: math.inf)
_tan = _safe(math.tan, lambda v: math.nan)


def log(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``log`` of each element."""
    return _map(_log, x)


def log1p(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``log1p`` of each element."""
    return _map(_log1p, x)


def exp(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``exp`` of each element."""
    return _map(_exp, x)


def sin(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``sin`` of each element."""
    return _map(math.sin, x)


def cos(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``cos`` of each element."""
    return _map(math.cos, x)


def tan(x: np.ndarray) -> np.ndarray:
    """Return glibc's ``tan`` of each element."""
    return _map(_tan, x)

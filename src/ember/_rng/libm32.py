"""Element-wise single-precision libm calls (``logf``, ``sinf``, ``cosf``) for torch's generic float kernels.

torch's non-vectorised ``normal_fill`` (the float16 path, and float32 on CPUs without AVX2) calls the C library's
float functions. They are reached through ctypes when the C math library can be loaded (glibc on Linux: the same
library torch uses, so the same bits); otherwise the value is computed in double and rounded, which differs from
glibc's in rare last-bit cases.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np


def _load():
    name = ctypes.util.find_library("m")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
        fns = []
        for fn_name in ("logf", "sinf", "cosf"):
            fn = getattr(lib, fn_name)
            fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
            fns.append(fn)
        return fns
    except (OSError, AttributeError):
        return None


_FNS = _load()
EXACT = _FNS is not None  # True when the C library's own float functions are used


def _apply(idx: int, fallback, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    vals = x.ravel().tolist()
    if _FNS is not None:
        out = np.fromiter(map(_FNS[idx], vals), dtype=np.float32, count=len(vals))
    else:
        out = np.fromiter(map(fallback, vals), dtype=np.float64, count=len(vals)).astype(np.float32)
    return out.reshape(x.shape)


def _log(v: float) -> float:
    return math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)


def logf(x: np.ndarray) -> np.ndarray:
    """Return the C library's ``logf`` of each float32 element."""
    return _apply(0, _log, x)


def sinf(x: np.ndarray) -> np.ndarray:
    """Return the C library's ``sinf`` of each float32 element."""
    return _apply(1, math.sin, x)


def cosf(x: np.ndarray) -> np.ndarray:
    """Return the C library's ``cosf`` of each float32 element."""
    return _apply(2, math.cos, x)

"""torch's thread controls on NumPy: the intra-op count is the BLAS's (OpenBLAS, found through ctypes).

NumPy's wheels bundle scipy-openblas (``numpy.libs/libscipy_openblas64_-*.so``); other builds link a system
OpenBLAS. When no known BLAS is found the calls still work and only remember the value.
"""

from __future__ import annotations

import ctypes
import os

_blas = None  # (get, set) ctypes functions, or False when none was found
_threads: int | None = None  # the remembered count when there is no BLAS to ask
_interop: int | None = None

# (setter, getter) symbol pairs, newest naming first
_SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads_64_", "scipy_openblas_get_num_threads_64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)


def _candidate_libraries() -> list[str]:
    import numpy as np  # noqa: F401  (loads NumPy's BLAS so that it shows in the process's maps)

    paths = []
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                path = line.rsplit(None, 1)[-1]
                if "blas" in path.lower() and path.startswith("/") and path not in paths:
                    paths.append(path)
    except OSError:  # not Linux: look next to numpy instead
        import numpy

        root = os.path.dirname(os.path.dirname(numpy.__file__))
        for d in (os.path.join(root, "numpy.libs"), os.path.join(os.path.dirname(numpy.__file__), ".libs")):
            if os.path.isdir(d):
                paths += [os.path.join(d, f) for f in sorted(os.listdir(d)) if "blas" in f.lower()]
    return paths


def _find_blas():
    global _blas
    if _blas is None:
        _blas = False
        for path in _candidate_libraries():
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for set_name, get_name in _SYMBOLS:
                try:
                    setter, getter = getattr(lib, set_name), getattr(lib, get_name)
                except AttributeError:
                    continue
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                _blas = (getter, setter)
                return _blas
    return _blas


def _check_positive(n, fn: str) -> int:
    if type(n) is bool or not isinstance(n, int):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")
    return int(n)


def get_num_threads() -> int:
    """Return the number of threads used for intra-op parallelism (the BLAS's)."""
    blas = _find_blas()
    if blas:
        return int(blas[0]())
    return _threads if _threads is not None else (os.cpu_count() or 1)


def set_num_threads(n: int) -> None:
    """Set the number of threads used for intra-op parallelism (NumPy's BLAS)."""
    global _threads
    n = _check_positive(n, "set_num_threads")
    _threads = n
    blas = _find_blas()
    if blas:
        blas[1](n)


def get_num_interop_threads() -> int:
    """Return the number of threads used for inter-op parallelism (ember runs ops one at a time)."""
    return _interop if _interop is not None else (os.cpu_count() or 1)


def set_num_interop_threads(n: int) -> None:
    """Set the number of inter-op threads: remembered only (ember has no inter-op pool); settable once, as torch."""
    global _interop
    n = _check_positive(n, "set_num_interop_threads")
    if _interop is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _interop = n

"""Array modules behind devices: NumPy for the CPU, CuPy (optional) for CUDA GPUs.

Ops never import numpy for compute on their own: they ask ``array_module(x)`` for the module
that owns an array, so the same forward runs on either backend.
"""

from __future__ import annotations

import numpy as np

from .._device import CPU, device

ndarray = np.ndarray

try:  # optional dependency; absent on most machines
    import cupy as _cupy  # type: ignore

    _cupy.cuda.runtime.getDeviceCount()
except Exception:  # pragma: no cover - depends on the machine (no CuPy, no driver, no GPU)
    _cupy = None

ARRAY_TYPES: tuple = (np.ndarray,) if _cupy is None else (np.ndarray, _cupy.ndarray)


def cupy():
    """Return the cupy module, or raise torch's error when CUDA is not usable here."""
    if _cupy is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    return _cupy


def array_module(x):
    """numpy or cupy: the module that computes on array ``x``."""
    if type(x) is np.ndarray or _cupy is None:
        return np
    return _cupy.get_array_module(x)


def device_of(x) -> device:
    if type(x) is np.ndarray or _cupy is None or not isinstance(x, _cupy.ndarray):
        return CPU
    return device("cuda", x.device.id)


def module_for(dev: device):
    """The array module that holds data on ``dev``."""
    if dev.type == "cpu":
        return np
    if dev.type == "cuda":
        cp = cupy()
        n = cp.cuda.runtime.getDeviceCount()
        if (dev.index or 0) >= n:
            raise RuntimeError("CUDA error: invalid device ordinal")
        return cp
    raise RuntimeError(f"ember has no backend for device type '{dev.type}'")


def to_device(x, dev: device):
    """Copy array ``x`` to ``dev`` (no copy when it is already there)."""
    if dev.type == "cpu":
        if type(x) is np.ndarray:
            return x
        return _cupy.asnumpy(x)
    cp = module_for(dev)
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(x)


def asarray_on(x, dev: device | None):
    if dev is None or dev.type == "cpu":
        return x
    return to_device(x, dev)

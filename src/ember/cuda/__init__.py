"""ember.cuda: device queries for CuPy-backed GPUs (all False / 0 without CuPy and a GPU)."""

from __future__ import annotations

from ..backend import _cupy


def is_available() -> bool:
    """True when CuPy and at least one CUDA GPU are usable."""
    return _cupy is not None and device_count() > 0


def device_count() -> int:
    if _cupy is None:
        return 0
    try:
        return _cupy.cuda.runtime.getDeviceCount()
    except Exception:
        return 0


def current_device() -> int:
    if _cupy is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    return _cupy.cuda.Device().id


def set_device(device) -> None:
    if _cupy is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    from .._device import device as _dev

    d = _dev(device) if not isinstance(device, int) else _dev("cuda", device)
    _cupy.cuda.Device(d.index or 0).use()


def get_device_name(device=None) -> str:
    if _cupy is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    idx = 0 if device is None else (device if isinstance(device, int) else (device.index or 0))
    return _cupy.cuda.runtime.getDeviceProperties(idx)["name"].decode()


def synchronize(device=None) -> None:
    if _cupy is not None:
        _cupy.cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    """Seed the GPU generators (a no-op without CUDA, as in torch)."""


def manual_seed_all(seed: int) -> None:
    """Seed all GPU generators (a no-op without CUDA, as in torch)."""


def is_initialized() -> bool:
    return _cupy is not None


def empty_cache() -> None:
    if _cupy is not None:
        _cupy.get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None) -> int:
    if _cupy is None:
        return 0
    return _cupy.get_default_memory_pool().used_bytes()

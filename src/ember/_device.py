"""device objects: ``device("cpu")`` computes with NumPy, ``device("cuda:N")`` with CuPy on GPU N."""

from __future__ import annotations


class device:
    """Where a tensor lives; printed as torch prints it (``device(type='cuda', index=0)``)."""

    __slots__ = ("type", "index")

    def __new__(cls, type_or_device=None, index: int | None = None):
        if isinstance(type_or_device, device):
            return type_or_device
        if isinstance(type_or_device, int) and not isinstance(type_or_device, bool) and index is None:
            type_or_device, index = "cuda", type_or_device  # torch: device(0) means cuda:0
        if not isinstance(type_or_device, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type(type_or_device).__name__})")
        spec = type_or_device.strip()
        kind, _, idx = spec.partition(":")
        if kind not in ("cpu", "cuda", "meta", "mps", "xpu"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
                f"vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {spec}"
            )
        if idx:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {spec}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{spec}'")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self = object.__new__(cls)
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "index", index)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("device objects are immutable")

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except (RuntimeError, TypeError):
                return False
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))

    def __enter__(self):  # torch: `with torch.device(...)` sets the default device for factories
        from . import _device_ctx

        _device_ctx.push(self)
        return self

    def __exit__(self, *exc):
        from . import _device_ctx

        _device_ctx.pop()


CPU = device("cpu")

"""device objects: ``device("cpu")`` computes with NumPy, ``device("cuda:N")`` with CuPy on GPU N."""

from __future__ import annotations

_KNOWN_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
                "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """Where a tensor lives; printed as torch prints it (``device(type='cuda', index=0)``)."""

    __slots__ = ("type", "index")

    def __new__(cls, type_or_device=None, index: int | None = None):
        if isinstance(type_or_device, device):
            return type_or_device
        if isinstance(type_or_device, int) and not isinstance(type_or_device, bool) and index is None:
            # torch: device(0) is index 0 of the current accelerator, an error where there is none
            from . import cuda

            if not cuda.is_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type_or_device, index = "cuda", type_or_device
        if not isinstance(type_or_device, str):
            name = type(type_or_device).__name__
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({name}), but expected one of:\n"
                f" * (torch.device device)\n      didn't match because some of the arguments have invalid types: "
                f"(!{name}!)\n * (str type, int index = -1)\n"
            )
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not {type(index).__name__}")
        spec = type_or_device
        if not spec:
            raise RuntimeError("Device string must not be empty")
        kind, colon, idx = spec.partition(":")
        if kind not in _KNOWN_TYPES:
            if not kind.isalpha():  # torch: spaces and other characters make the string invalid, not the type
                raise RuntimeError(f"Invalid device string: '{spec}'")
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
                f"vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {spec}"
            )
        if colon:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed explicitly: {spec}"
                )
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):  # torch: "cuda:01" is invalid
                raise RuntimeError(f"Invalid device string: '{spec}'")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
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

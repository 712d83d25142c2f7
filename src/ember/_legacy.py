"""torch's legacy typed tensor classes (FloatTensor, LongTensor, ...): constructors and isinstance checks."""

from __future__ import annotations

from . import _dtype as D
from ._tensor import Tensor


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype and obj.is_cpu

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


# the C++ names torch prints in its TensorOptions text
_CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
    "complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "int64": "long int", "int32": "int",
    "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
}


def _options(dtype) -> str:
    return (f"TensorOptions(dtype={_CPP_NAMES[dtype.name]}, device=cpu, layout=Strided, requires_grad=false (default), "
            "pinned_memory=false (default), memory_format=(nullopt))")


def legacy_new(cls, dtype, args, kwargs, typed: bool):
    """torch.Tensor(...) (``typed`` False: the default dtype) and torch.FloatTensor(...) etc. (``typed`` True)."""
    from .ops.creation import _legacy_new

    if len(args) == 1:
        data = args[0]
        if isinstance(data, Tensor):
            if kwargs:
                raise RuntimeError(
                    "Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not supported.  "
                    "Use torch.tensor(...) or torch.as_tensor(...) instead."
                )
            if typed and data.dtype is not dtype:
                raise TypeError(f"expected {_options(dtype)} (got {_options(data.dtype)})")
            if not typed:  # torch: torch.Tensor(t) is an alias of t, whatever its dtype
                alias = data.view(data.shape) if data.requires_grad else data.detach()
                if cls is not Tensor:
                    sub = object.__new__(cls)
                    sub._data, sub.dtype = alias._data, alias.dtype
                    return sub
                return alias
        elif isinstance(data, (float, complex, bool)) or (
                hasattr(data, "dtype") and getattr(data, "ndim", None) == 0 and not isinstance(data, Tensor)
                and data.dtype.kind not in "iu"):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return _legacy_new(cls, dtype, args, kwargs)


def _make(name, dtype):
    def __new__(cls, *args, **kwargs):
        return legacy_new(Tensor, dtype, args, kwargs, typed=True)

    return _LegacyMeta(name, (), {"__new__": __new__, "_dtype": dtype, "dtype": dtype, "is_sparse": False})


FloatTensor = _make("FloatTensor", D.float32)
DoubleTensor = _make("DoubleTensor", D.float64)
HalfTensor = _make("HalfTensor", D.float16)
LongTensor = _make("LongTensor", D.int64)
IntTensor = _make("IntTensor", D.int32)
ShortTensor = _make("ShortTensor", D.int16)
CharTensor = _make("CharTensor", D.int8)
ByteTensor = _make("ByteTensor", D.uint8)
BoolTensor = _make("BoolTensor", D.bool)

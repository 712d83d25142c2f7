"""torch's legacy typed tensor classes (FloatTensor, LongTensor, ...): constructors and isinstance checks."""

from __future__ import annotations

from . import _dtype as D
from ._tensor import Tensor


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype and obj.is_cpu

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _make(name, dtype):
    def __new__(cls, *args, **kwargs):
        from .ops.creation import _legacy_new

        return _legacy_new(Tensor, dtype, args, kwargs)

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

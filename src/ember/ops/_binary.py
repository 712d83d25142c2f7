"""Binary ops with torch's type promotion, decided from the dtype table before NumPy runs."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._errors import broadcast_mismatch
from .._tensor import Tensor
from ..autograd.function import Op, _run

_float_default = D.get_default_dtype


def result_dtype(a, b) -> D.dtype:
    """torch.result_type(a, b) for a Tensor ``a`` and a Tensor or scalar ``b`` (either order)."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        da, db = a.dtype, b.dtype
        if da is db:
            return da
        if (a._data.ndim == 0) == (b._data.ndim == 0):
            return D._PROMOTE[(da, db)]
        return D.result_type_of((a, b))
    t, s = (a, b) if ta else (b, a)
    d = t.dtype
    st = type(s)
    if st is float:
        return d if d._cat >= 2 else D._default[0]
    if st is int:
        return d if d._cat >= 1 else D.int64
    if st is bool:
        return d
    return D.result_type_of((a, b))


class Binary(Op):
    """An element-wise op of two operands; they are cast to the promoted dtype before forward."""

    out_kind = "promote"  # "promote" | "float" (true division: ints give the default float) | "bool"

    @classmethod
    def apply(cls, a, b, **kwargs):
        # speed (bench_overhead "a + b"): two CPU tensors of one dtype, nothing to record: no promotion work
        if (type(a) is Tensor and type(b) is Tensor and a.dtype is b.dtype and not a._requires_grad
                and not b._requires_grad and (a.dtype._cat >= 2 or cls.out_kind == "promote")
                and type(a._data) is np.ndarray and type(b._data) is np.ndarray):
            try:
                return _run(cls, (a, b), (a._data, b._data), kwargs, False)
            except ValueError as e:
                if "broadcast" in str(e):
                    raise broadcast_mismatch(a._data.shape, b._data.shape) from None
                raise
        dt = result_dtype(a, b)
        if cls.out_kind == "float" and dt._cat < 2:
            dt = D._default[0]
        npdt = dt.np
        record = False
        if isinstance(a, Tensor):
            xa = a._data
            if xa.dtype != npdt:
                xa = xa.astype(npdt)
            record = a._requires_grad
        else:
            xa = a if type(a) in _PY_SCALARS else _scalar(a, npdt)
            if type(xa) is int and npdt in _INT_RANGE:
                xa = _wrap_int(xa, npdt)
        if isinstance(b, Tensor):
            xb = b._data
            if xb.dtype != npdt:
                xb = xb.astype(npdt)
            record = record or b._requires_grad
        else:
            xb = b if type(b) in _PY_SCALARS else _scalar(b, npdt)
            if type(xb) is int and npdt in _INT_RANGE:
                xb = _wrap_int(xb, npdt)
        if type(xa) is not np.ndarray or type(xb) is not np.ndarray:
            _check_device(a, b)
        try:
            return _run(cls, (a, b), (xa, xb), kwargs, record)
        except ValueError as e:
            if isinstance(a, Tensor) and isinstance(b, Tensor) and "broadcast" in str(e):
                raise broadcast_mismatch(a._data.shape, b._data.shape) from None
            raise


# exact types: a NumPy scalar (np.float64 subclasses float) would make NumPy compute in its own dtype
_PY_SCALARS = frozenset((int, float, bool, complex))


_INT_RANGE = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max), 1 << np.iinfo(t).bits)
              for t in (np.uint8, np.int8, np.int16, np.int32, np.int64)}


def _wrap_int(x, npdt):
    # torch casts a Python int to the op's integer dtype, wrapping around (uint8 + -1 adds 255; NumPy would raise)
    lo, hi, span = _INT_RANGE[npdt]
    return x if lo <= x <= hi else (x - lo) % span + lo


def _scalar(x, npdt):
    if isinstance(x, np.generic):
        return x.item()
    for t in (int, float, complex):  # a subclass (np.float64 is handled above, IntEnum here) as its base type
        if isinstance(x, t):
            return t(x)
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def _check_device(a, b):
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        da, db = a.device, b.device
        if da != db and a._data.ndim and b._data.ndim:
            raise RuntimeError(
                f"Expected all tensors to be on the same device, but found at least two devices, {db} and {da}!"
            )

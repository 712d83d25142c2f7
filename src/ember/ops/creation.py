"""Creating tensors: tensor, as_tensor, from_numpy, zeros/ones/full/empty(+_like), arange, linspace, eye, ..."""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _device_ctx
from .. import _dtype as D
from .._device import device as _device
from .._dims import shape_args, varargs
from .._errors import not_implemented_for
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..backend import ARRAY_TYPES, array_module, device_of, module_for, to_device


def _finish(arr, dtype, device, requires_grad):
    """Place ``arr`` on ``device`` and wrap it; dtype must already be right."""
    if device is None:
        device = _device_ctx.current()
    if device is not None:
        dev = _device(device)
        if dev.type != "cpu":
            arr = to_device(arr, dev)
    t = Tensor._from(arr, dtype)
    if requires_grad:
        _require_grad(t)
    return t


def _require_grad(t):
    if t.dtype._cat < 2:  # torch: the factories' own text (requires_grad_() says "floating point dtype")
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t.requires_grad_(True)


def _resolve(dtype, default=None):
    if dtype is None:
        return default if default is not None else D._default[0]
    if not isinstance(dtype, D.dtype):
        if isinstance(dtype, type) and hasattr(dtype, "_dtype"):
            return dtype._dtype
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    D.np_dtype(dtype)
    return dtype


# ------------------------------------------------------------------------------------------- tensor()
def _infer_list_dtype(arr: np.ndarray) -> D.dtype:
    k = arr.dtype.kind
    if k == "b":
        return D.bool
    if k in "iu":
        return D.int64
    if k == "f":
        return D._default[0]
    if k == "c":
        return D.default_complex()
    raise TypeError(f"new(): invalid data type '{arr.dtype}'")


def _ragged_error(data):
    """Find the first ragged level the way torch reports it."""

    def shape_of(x):
        if isinstance(x, (list, tuple)):
            return len(x)
        if isinstance(x, Tensor):
            return x.shape[0] if x.ndim else None
        return None

    def walk(x, dim, expected_shape):
        n = shape_of(x)
        if dim < len(expected_shape):
            if n != expected_shape[dim]:
                if n is None:
                    raise TypeError("not a sequence")
                raise ValueError(f"expected sequence of length {expected_shape[dim]} at dim {dim} (got {n})")
        for item in x if isinstance(x, (list, tuple)) else ():
            walk(item, dim + 1, expected_shape)

    shape = []
    x = data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    walk(data, 0, shape)


def _from_data(data, dtype):
    """Return (array, dtype) for ``tensor(data)``, with torch's dtype inference."""
    if isinstance(data, Tensor):
        arr = data._data
        return (arr.copy() if dtype is None or dtype is data.dtype else arr.astype(D.np_dtype(dtype))), \
            (dtype or data.dtype)
    if isinstance(data, ARRAY_TYPES):
        inferred = D.from_numpy_dtype(data.dtype)
        if dtype is None:
            return data.copy(), inferred
        return data.astype(D.np_dtype(dtype)), dtype
    if isinstance(data, np.generic):
        inferred = D.from_numpy_dtype(data.dtype)
        d = dtype or inferred
        return np.asarray(data, dtype=D.np_dtype(d)), d
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        d = dtype or D.scalar_dtype(data)
        if isinstance(data, int) and not isinstance(data, bool) and not -(2**63) <= data < 2**63:
            raise ValueError("Overflow when unpacking long long")
        return np.asarray(data, dtype=D.np_dtype(d)), d
    if not hasattr(data, "__len__"):  # None, generators, other objects
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if isinstance(data, (list, tuple)):
        tensors_inside = _contains_tensor(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = np.asarray(data if not tensors_inside else _unwrap_tensors(data))
        except (ValueError, TypeError):
            _ragged_error(data)
            raise
        if arr.dtype == object:
            _ragged_error(data)
            for x in arr.reshape(-1):
                if isinstance(x, str):
                    raise TypeError("new(): invalid data type 'str'")
            raise TypeError(f"Could not infer dtype of {type(arr.reshape(-1)[0]).__name__}")
        if arr.dtype.kind in "US":
            raise TypeError("new(): invalid data type 'str'")
        if tensors_inside:
            inferred = _tensor_list_dtype(data)
        else:
            inferred = _infer_list_dtype(arr) if arr.size or arr.dtype.kind != "f" else D._default[0]
            if arr.dtype.kind in "iuf" and arr.size <= _SCAN_LIMIT and isinstance(_first_leaf(data), np.number):
                inferred = _np_float_scalars(data, inferred)
        d = dtype or inferred
        if dtype is not None:  # an inferred dtype always holds the values
            if d._cat == 1 and arr.dtype.kind in "iuf":
                _check_int_overflow(arr, d)
            if arr.dtype.kind == "c" and not d.is_complex:
                raise TypeError("must be real number, not complex")
        return arr.astype(D.np_dtype(d), copy=False), d
    # any other sequence / array-like (e.g. range, objects with __array__)
    arr = np.asarray(data if not isinstance(data, range) else list(data))
    if isinstance(data, range) or not hasattr(data, "__array__"):
        inferred = _infer_list_dtype(arr) if arr.size else D._default[0]
    else:
        inferred = D.from_numpy_dtype(arr.dtype)
    d = dtype or inferred
    return arr.astype(D.np_dtype(d), copy=False), d


_SCAN_LIMIT = 1 << 16  # lists longer than this are not scanned for NumPy float scalars


def _first_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _np_float_scalars(data, inferred):
    # torch: a NumPy scalar in a list keeps its own dtype: [np.float64(1.5), 2] is float64, [np.int32(1)] int32
    stack, found, d = [data], False, None
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        if isinstance(x, (np.floating, np.integer)):
            found, xd = True, D.from_numpy_dtype(x.dtype)
        elif isinstance(x, (builtins.int, builtins.float, builtins.complex)):
            xd = D.scalar_dtype(x)
        else:  # ranges, arrays, tensors: NumPy's inference stands
            return inferred
        d = xd if d is None else D._PROMOTE[(d, xd)]
    return d if found else inferred


def _check_int_overflow(arr, d):
    # torch: an element outside an integer dtype's range is an error, not a wrap-around (except that an unsigned
    # dtype takes negative ints down to -max, wrapping them)
    info = np.iinfo(D.np_dtype(d))
    low = -builtins.int(info.max) if arr.dtype.kind in "iu" and info.min == 0 else builtins.int(info.min)
    with np.errstate(invalid="ignore"):
        bad = (arr < low) | (arr > info.max)
        if arr.dtype.kind == "f":
            bad |= np.isnan(arr)
    if bad.any():
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")


def _contains_tensor(data):
    x = data
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, Tensor)


def _unwrap_tensors(data):
    if isinstance(data, Tensor):
        if data._data.size != 1 and data.ndim == 0:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return np.asarray(data._data) if type(data._data) is np.ndarray else to_device(data._data, _device("cpu"))
    if isinstance(data, (list, tuple)):
        return [_unwrap_tensors(x) for x in data]
    return data


def _tensor_list_dtype(data):
    dt = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            dt = x.dtype if dt is None else D._PROMOTE[(dt, x.dtype)]
        else:
            s = D.scalar_dtype(x)
            dt = s if dt is None else D._PROMOTE[(dt, s)]
    return dt or D._default[0]


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Build a tensor from data (a list, number, NumPy array or tensor), copying it.

    >>> ember.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    """
    # speed: a flat list of Python floats (or of ints) on the default device needs no inference beyond the element
    # types (bench_overhead "torch.tensor([1,2])"); everything else, ragged or mixed lists included, goes below
    if type(data) is list and data and dtype is None and device is None and requires_grad is False \
            and not _device_ctx._stack:
        t0 = type(data[0])
        if t0 is float or t0 is int:
            for x in data:
                if type(x) is not t0:
                    break
            else:
                d = D._default[0] if t0 is float else D.int64
                if d.np is not None:
                    try:
                        return Tensor._from(np.array(data, dtype=d.np), d)
                    except OverflowError:  # an int outside int64: the checked path raises torch's error
                        pass
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    arr, d = _from_data(data, _resolve(dtype) if dtype is not None else None)
    if isinstance(data, Tensor) and device is None:
        device = data.device
    return _finish(arr, d, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Convert to a tensor, sharing memory with a tensor or NumPy array when dtype and device allow."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device) if (dtype or device) else data
    if isinstance(data, np.ndarray) and (dtype is None or D.np_dtype(_resolve(dtype)) == data.dtype) and \
            (device is None or _device(device).type == "cpu"):
        return from_numpy(data)
    arr, d = _from_data(data, _resolve(dtype) if dtype is not None else None)
    return _finish(arr, d, device, False)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    if copy:
        t = tensor(obj, dtype=dtype, device=device) if not isinstance(obj, Tensor) else obj.clone().to(
            dtype=dtype or obj.dtype)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray) -> Tensor:
    """Wrap a NumPy array as a tensor sharing its memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype.byteorder not in "=|":
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
    if any(st < 0 for st in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) "
        )
    d = D.from_numpy_dtype(ndarray.dtype)
    return Tensor._from(ndarray, d)


def from_dlpack(ext):
    arr = np.from_dlpack(ext) if not hasattr(ext, "_data") else ext._data
    return Tensor._from(arr)


# ------------------------------------------------------------------------------------------- filled factories
def _xp_for(device):
    if device is None:
        device = _device_ctx.current()
    if device is None:
        return np, None
    dev = _device(device)
    return module_for(dev), dev


def _filled(kind, size, fill, dtype, device, requires_grad, out=None):
    shape = shape_args(size)
    for s in shape:
        if s < 0:
            if kind == "zeros":  # torch: zeros checks sizes itself, with its own text
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: [{', '.join(map(str, shape))}]")
    xp, dev = _xp_for(device)
    npdt = D.np_dtype(dtype)
    if dev is not None and dev.type == "cuda":
        with xp.cuda.Device(dev.index or 0):
            arr = _make(xp, kind, shape, fill, npdt)
    else:
        arr = _make(xp, kind, shape, fill, npdt)
    t = Tensor._from(arr, dtype)
    if requires_grad:
        _require_grad(t)
    if out is not None:
        from .arith import _out

        return _out(t, out)
    return t


def _make(xp, kind, shape, fill, npdt):
    if kind == "zeros":
        return xp.zeros(shape, dtype=npdt)
    if kind == "ones":
        return xp.ones(shape, dtype=npdt)
    if kind == "empty":
        return xp.empty(shape, dtype=npdt)
    return xp.full(shape, fill, dtype=npdt)


def zeros(*size_, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False) -> Tensor:
    """A tensor of zeros; ``zeros(2, 3)`` and ``zeros((2, 3))`` both work."""
    size = varargs(size_, size, "size", "zeros")
    return _filled("zeros", size, 0, _resolve(dtype), device, requires_grad, out)


def ones(*size_, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False) -> Tensor:
    """A tensor of ones."""
    size = varargs(size_, size, "size", "ones")
    return _filled("ones", size, 1, _resolve(dtype), device, requires_grad, out)


def empty(*size_, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None) -> Tensor:
    """An uninitialised tensor (its values are whatever memory held)."""
    size = varargs(size_, size, "size", "empty")
    return _filled("empty", size, 0, _resolve(dtype), device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (int64, bool or the default float)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    d = _resolve(dtype, D.scalar_dtype(fill_value))
    fill_value = D.checked_scalar(fill_value, d)  # torch: 300 does not fit uint8; -1 wraps to 255
    return _filled("full", (size,) if isinstance(size, int) else (tuple(size),), fill_value, d, device,
                   requires_grad, out)


def _like(kind, input, fill=0, dtype=None, device=None, requires_grad=False):
    d = _resolve(dtype, input.dtype)
    if kind == "full":
        fill = D.checked_scalar(fill.item() if isinstance(fill, Tensor) else fill, d)
    dev = device if device is not None else input.device
    x = input._data
    if x.ndim < 2 or x.flags.c_contiguous or 0 in x.strides or device is not None:
        return _filled(kind, (x.shape,), fill, d, dev if str(dev) != "cpu" else None, requires_grad)
    # torch: preserve_format gives a transposed input's layout to the new tensor
    arr = array_module(x).empty_like(x, dtype=D.np_dtype(d), order="K")
    if kind != "empty":
        arr[...] = {"zeros": 0, "ones": 1}.get(kind, fill)
    return _finish(arr, d, None, requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return _like("zeros", input, 0, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return _like("ones", input, 1, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return _like("empty", input, 0, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    return _like("full", input, fill_value, dtype, device, requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    d = _resolve(dtype)
    return _finish(np.asarray(s, dtype=D.np_dtype(d)), d, device, requires_grad)


def scalar_tensor_like(value, other) -> Tensor:
    """A 0-d tensor holding Python number ``value``, with the dtype ``value op other`` would promote to."""
    from ._binary import result_dtype

    if isinstance(value, Tensor):
        return value
    d = result_dtype(other, value) if isinstance(other, Tensor) else D.scalar_dtype(value)
    arr = np.asarray(value, dtype=D.np_dtype(d))
    if isinstance(other, Tensor) and type(other._data) is not np.ndarray:
        arr = to_device(arr, other.device)
    return Tensor._from(arr, d)


# ------------------------------------------------------------------------------------------- ranges
def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; all-int arguments give int64.

    >>> ember.arange(0, 11, 3)
    tensor([0, 3, 6, 9])
    """
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if any(isinstance(v, float) and not math.isfinite(v) for v in (start, end, step)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) / step < 0 and end != start:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))  # torch: bools count as ints
    d = _resolve(dtype, D.int64 if all_int else D._default[0])
    if d is D.bool or d.is_complex:
        raise not_implemented_for("arange_cpu", d)
    n = builtins.max(0, math.ceil((end - start) / step))
    if d._cat >= 2:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(D.np_dtype(d))
    elif all_int:
        arr = np.arange(start, start + n * step, step, dtype=np.int64)[:n].astype(D.np_dtype(d))
    else:
        # torch: an integer dtype truncates start and step (and, for int64, sizes the result from the truncated
        # bounds): arange(0, 10, 2.5, dtype=int64) is [0, 2, 4, 6, 8]
        xs, xst = math.trunc(start), math.trunc(step)
        if d is D.int64:
            xe = math.trunc(end)
            if xst == 0:
                raise RuntimeError("step must be nonzero")
            q = xe - xs + xst - ((xst > 0) - (xst < 0))
            n = builtins.max(0, abs(q) // abs(xst) * (1 if (q >= 0) == (xst > 0) else -1))
        arr = (xs + np.arange(n, dtype=np.int64) * xst).astype(D.np_dtype(d))
    t = _finish(arr, d, device, requires_grad)
    if out is not None:
        from .arith import _out

        return _out(t, out)
    return t


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    d = _resolve(dtype)
    n = int(math.floor((end - start) / step)) + 1
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(D.np_dtype(d))
    return _finish(arr, d, device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (torch's symmetric formula)."""
    start, end = _num(start), _num(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _resolve(dtype)
    npdt = D.np_dtype(d)
    if steps == 0:
        arr = np.zeros(0, dtype=npdt)
    elif steps == 1:
        arr = np.full(1, start, dtype=npdt)
    else:
        calc = npdt if d._cat >= 2 else np.float64
        # torch: the first half counts up from start, the second half down from end
        T = np.dtype(calc).type
        s, e = T(start), T(end)
        step = (e - s) / T(steps - 1)
        i = np.arange(steps)
        half = steps // 2
        arr = np.where(i < half, s + step * i.astype(calc), e - step * (steps - i - 1).astype(calc))
        arr = arr.astype(npdt)
    return _maybe_out(_finish(arr, d, device, requires_grad), out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    d = _resolve(dtype)
    lin = linspace(start, end, steps, dtype=D.float64)._data
    arr = np.power(base, lin).astype(D.np_dtype(d))
    return _maybe_out(_finish(arr, d, device, requires_grad), out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An ``n`` x ``m`` matrix with ones on the diagonal."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = _resolve(dtype)
    arr = np.eye(n, n if m is None else m, dtype=D.np_dtype(d))
    return _maybe_out(_finish(arr, d, device, requires_grad), out)


def _maybe_out(t, out):
    if out is None:
        return t
    from .arith import _out

    return _out(t, out)


def complex(real, imag):
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.dtype_name_cap(real.dtype)} but got scalar type "
                           f"{D.dtype_name_cap(imag.dtype)} for second argument")
    return Tensor._from(real._data + 1j * imag._data.astype(real._data.dtype))


# ------------------------------------------------------------------------------------------- conversions
class ToCopy(Op):
    """out = x converted to another dtype and/or device; the gradient converts back."""

    grad_fn = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, npdt, dev):
        ctx.in_dtype = x.dtype
        ctx.in_dev = device_of(x)
        if dev is not None:
            x = to_device(x, dev)
            if npdt is None or x.dtype == npdt:
                return x if x is not ctx else x
        order = "K" if x.ndim < 2 or 0 not in x.strides else "C"  # torch: an expanded input converts contiguous
        if npdt is None:
            return x.copy(order=order)
        if x.dtype.kind in "fc" and npdt.kind not in "fc":
            with np.errstate(invalid="ignore", over="ignore"):  # torch casts nan/inf to ints without a warning
                return x.astype(npdt, order=order)
        return x.astype(npdt, order=order)

    @staticmethod
    def backward(ctx, grad):
        g = grad
        if ctx.in_dev != grad.device:
            g = g.to(ctx.in_dev)
        if grad.dtype.np != ctx.in_dtype:
            if grad.dtype.is_complex and ctx.in_dtype.kind != "c":
                g = g.real
            g = g.to(D.from_numpy_dtype(ctx.in_dtype))
        return g


def _to(self, dtype, dev, copy):
    # speed: a CPU dtype cast that records nothing is one astype (bench_overhead "a.long()"); ToCopy.forward's order
    # rule, and no np.errstate: NumPy's RuntimeWarnings from ember's op modules are filtered once, in ops/arith.py
    if dev is None and dtype is not None and not self._requires_grad and dtype is not self.dtype and not copy:
        x = self._data
        npdt = dtype.np
        if type(x) is np.ndarray and npdt is not None:
            return _wrap(x.astype(npdt, order="K" if x.ndim < 2 or 0 not in x.strides else "C"))
    same_dtype = dtype is None or dtype is self.dtype
    same_dev = dev is None or dev == self.device or (dev.type == "cuda" and dev.index is None
                                                     and self.device.type == "cuda")
    if same_dtype and same_dev:
        return self.clone() if copy else self
    if dev is not None and dev.type not in ("cpu", "cuda"):
        raise RuntimeError(f"ember has no backend for device type '{dev.type}'")
    if dev is not None and dev.type == "cuda":
        module_for(dev)  # raises torch's error without CUDA
    npdt = D.np_dtype(dtype) if not same_dtype else None
    return ToCopy.apply(self, npdt=npdt, dev=None if same_dev else dev)


def _legacy_new(cls, dtype, args, kwargs):
    """torch.Tensor(...) / torch.FloatTensor(...): data, sizes, or nothing."""
    dev = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got {list(kwargs)}")
    if not args:
        t = Tensor._from(np.zeros((0,), dtype=D.np_dtype(dtype)), dtype)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src.dtype is not dtype:
            raise TypeError(f"expected {dtype} (got {src.dtype})")
        t = src.detach()
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == "Size"):
        shape = shape_args(args)
        t = Tensor._from(np.empty(shape, dtype=D.np_dtype(dtype)), dtype)
    elif len(args) == 1:
        arr, _ = _from_data(args[0], dtype)
        t = Tensor._from(arr, dtype)
    else:
        raise TypeError("new() received an invalid combination of arguments")
    if dev is not None:
        t = t.to(dev)
    if cls is not Tensor:
        sub = object.__new__(cls)
        sub._data, sub.dtype = t._data, t.dtype
        return sub
    return t


# ------------------------------------------------------------------------------------------- Tensor.new_*
def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    d = dtype or (data.dtype if isinstance(data, Tensor) else self.dtype)
    arr, d = _from_data(data, d)
    return _finish(arr, d, device or (None if self.is_cpu else self.device), requires_grad)


def _new_filled(kind):
    def method(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        dev = device if device is not None else (None if self.is_cpu else self.device)
        return _filled(kind, size, 0 if kind != "ones" else 1, dtype or self.dtype, dev, requires_grad)

    return method


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    dev = device if device is not None else (None if self.is_cpu else self.device)
    return _filled("full", (tuple(size),), fill_value, dtype or self.dtype, dev, requires_grad)


Tensor.new_tensor = _new_tensor
Tensor.new_zeros = _new_filled("zeros")
Tensor.new_ones = _new_filled("ones")
Tensor.new_empty = _new_filled("empty")
Tensor.new_full = _new_full


def _zero_(self):
    from ._inplace import check_leaf

    check_leaf(self)
    self._data[...] = 0
    self._bump()
    return self


def _fill_(self, value):
    from ._inplace import check_leaf, inplace

    if isinstance(value, Tensor) and value._requires_grad:
        return inplace(self, lambda s, v: v.expand(s.shape).to(s.dtype) * 1, value)
    check_leaf(self)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    self._data[...] = D.checked_scalar(value.item() if isinstance(value, Tensor) else value, self.dtype, True)
    self._bump()
    return self


def _copy_(self, src, non_blocking=False):
    from ._inplace import check_leaf, inplace, will_record

    if will_record(self, (src,)):
        check_leaf(self)
        return inplace(self, lambda s, v: v.to(s.dtype).expand(s.shape) * 1 if v.dtype is not s.dtype
                       else v.expand(s.shape) + 0 * s.detach(), src)
    arr = src._data if isinstance(src, Tensor) else np.asarray(src)
    if type(arr) is not type(self._data):
        arr = to_device(arr, self.device)
    if arr.shape != self._data.shape:
        try:
            shape = np.broadcast_shapes(self._data.shape, arr.shape)
        except ValueError:
            from .._errors import broadcast_mismatch

            raise broadcast_mismatch(self._data.shape, arr.shape) from None
        if shape != self._data.shape:
            raise RuntimeError(f"output with shape [{', '.join(map(str, self._data.shape))}] doesn't match the "
                               f"broadcast shape [{', '.join(map(str, shape))}]")
    try:
        self._data[...] = arr
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) must match the size of tensor "
            f"b ({arr.shape[-1] if arr.ndim else 1}) at non-singleton dimension {max(self._data.ndim - 1, 0)}"
        ) from None
    self._bump()
    return self


Tensor.zero_ = _zero_
Tensor.fill_ = _fill_
Tensor.copy_ = _copy_

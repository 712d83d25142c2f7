"""Indexing: x[index] and x[index] = v, gather, scatter, index_select, masked_fill, masked_select, nonzero.

A basic index (ints, slices, None, ...) gives a view; an advanced one (integer tensors or
lists, bool masks) gives a copy, as in torch. Both share one backward: scatter the gradient
into zeros of the input's shape (``IndexBackward``), itself differentiable.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor, _wrap
from ..autograd.function import Op, _share_storage
from ..backend import array_module
from ._inplace import assign, check_leaf, snapshot, will_record
from .shape import Select as _Select
from .shape import Slice as _Slice


def _convert_index(index, x):
    """Turn a torch-style index into a NumPy one; returns (index, is_basic)."""
    if isinstance(index, list) and any(isinstance(i, (list, tuple, Tensor, slice)) or i is None or i is Ellipsis
                                       for i in index):
        index = tuple(index)  # torch (deprecated): a list holding sequences, slices or tensors acts as a tuple
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    basic = True
    for i in index:
        if isinstance(i, Tensor):
            a = i._data
            if a.dtype.kind in "iu" and a.ndim == 0 and i.dtype is not D.uint8:
                out.append(int(a))
                continue
            if a.dtype == np.uint8:
                a = a.astype(bool)
            elif a.dtype.kind not in "iub" or a.dtype in (np.int8, np.int16):
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(a)
            basic = False
        elif isinstance(i, (bool, np.bool_)):
            out.append(bool(i))
            basic = False
        elif isinstance(i, (list, range)):
            a = np.asarray(i)
            if a.size == 0:
                a = a.astype(np.int64)
            elif a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(a)
            basic = False
        elif isinstance(i, np.ndarray):
            out.append(i)
            basic = False
        elif i is None or i is Ellipsis or isinstance(i, slice):
            if isinstance(i, slice):
                i = slice(_idx(i.start), _idx(i.stop), _idx(i.step))
                if i.step is not None and i.step <= 0:
                    raise ValueError("step must be greater than zero")
            out.append(i)
        else:
            try:
                out.append(i.__index__())
            except AttributeError:
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                    f"(got {type(i).__name__})"
                ) from None
    _check_bounds(out, x.shape)
    return tuple(out), basic


def _idx(v):
    if v is None:
        return None
    return v.__index__()


def _check_bounds(index, shape):
    # torch: IndexError "index 5 is out of bounds for dimension 0 with size 3"
    dim = 0
    n_ell = sum(1 for i in index if i is Ellipsis)
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis and not isinstance(i, bool)
                   and not (isinstance(i, np.ndarray) and i.dtype == np.bool_))
    consumed += sum(i.ndim for i in index if isinstance(i, np.ndarray) and i.dtype == np.bool_)
    if consumed > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    for i in index:
        if i is None or isinstance(i, bool):
            continue
        if i is Ellipsis:
            dim += len(shape) - consumed
            continue
        if isinstance(i, int):
            size = shape[dim]
            if i < -size or i >= size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            dim += 1
        elif isinstance(i, np.ndarray):
            if i.dtype == np.bool_:
                for k in range(i.ndim):
                    if i.shape[k] != shape[dim + k]:
                        raise IndexError(
                            f"The shape of the mask [{', '.join(map(str, i.shape))}] at index {k} does not match the "
                            f"shape of the indexed tensor [{', '.join(map(str, shape))}] at index {dim + k}"
                        )
                dim += i.ndim
            else:
                size = shape[dim]
                if i.size and (i.max() >= size or i.min() < -size):
                    bad = int(i.max()) if i.max() >= size else int(i.min())
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
                dim += 1
        else:
            dim += 1
    _ = n_ell


class Index(Op):
    """out = x[index] for an advanced index (a copy)."""

    grad_fn = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape = x.shape
        ctx.index = index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return IndexBackward.apply(grad, shape=ctx.in_shape, index=ctx.index, accumulate=True)


class IndexBackward(Op):
    """out = zeros(shape) with ``grad`` put (or added, for repeated indices) at ``index``."""

    grad_fn = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, grad, shape, index, accumulate):
        ctx.index = index
        xp = array_module(grad)
        out = xp.zeros(shape, dtype=grad.dtype)
        if accumulate:
            xp.add.at(out, index, grad)
        else:
            out[index] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index] if not isinstance(ctx.index, tuple) else _getitem_raw(grad, ctx.index)


def _getitem_raw(t, index):
    basic = all(not isinstance(i, np.ndarray) and not isinstance(i, bool) for i in index)
    from .shape import Slice

    return Slice.apply(t, index=index) if basic else Index.apply(t, index=index)


def _plain_slice(s):
    t = type(s.step)
    return (type(s.start) is int or s.start is None) and (type(s.stop) is int or s.stop is None) and (
        s.step is None or (t is int and s.step > 0))


def getitem(self, index):
    """Index as torch: basic indices give views, advanced ones copies."""
    x = self._data
    if type(index) is int and x.ndim:  # fast path: x[i]
        size = x.shape[0]
        if index < -size or index >= size:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {size}")
        if not self._requires_grad:  # no autograd: the view directly (Select.forward's result)
            t = _wrap(x[index, ...])
            _share_storage(t, self)
            return t
        return _Select.apply(self, index=index)
    if type(index) is slice and x.ndim:  # fast path: x[a:b] / x[a:b:c]
        step = index.step
        start, stop = index.start, index.stop
        if (step is None or (type(step) is int and step > 0)) and (start is None or type(start) is int) and (
                stop is None or type(stop) is int):
            if not self._requires_grad:
                t = _wrap(x[index])
                _share_storage(t, self)
                return t
            return _Slice.apply(self, index=(index,))
    if x.ndim == 0 and not (index is None or index is Ellipsis or (isinstance(index, tuple) and all(
            i is None or i is Ellipsis for i in index)) or isinstance(index, (Tensor, list, bool))):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    idx, basic = _convert_index(index, x)
    if basic:
        return _basic_node(index, idx, x.shape).apply(self, index=idx)
    try:
        return Index.apply(self, index=idx)
    except IndexError as e:
        if "could not be broadcast" not in str(e):
            raise
        shapes = ", ".join(f"[{', '.join(map(str, i.shape))}]" for i in idx if isinstance(i, np.ndarray))
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") \
            from None


def _basic_node(index, idx, shape):
    """The view op torch records last for a basic index (it applies select/slice/unsqueeze dim by dim)."""
    from .shape import AliasView, Select, Slice, SliceUnsqueeze

    if isinstance(index, slice):
        return Slice
    last, dim = AliasView, 0
    for i in idx:
        if i is Ellipsis:
            dim += len(shape) - builtins.sum(1 for j in idx if j is not None and j is not Ellipsis)
        elif i is None:
            last = SliceUnsqueeze
        elif isinstance(i, int):
            last, dim = Select, dim + 1
        else:
            start, stop, step = i.indices(shape[dim])
            if not (start == 0 and stop == shape[dim] and step == 1):  # torch skips a full slice
                last = Slice
            dim += 1
    return last


class IndexPut(Op):
    """out = x with ``values`` written (or added) at ``index``."""

    grad_fn = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, values, index, accumulate):
        ctx.index, ctx.accumulate = index, accumulate
        out = x.copy()
        if accumulate:
            array_module(x).add.at(out, index, values)
        else:
            out[index] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        gx = gv = None
        if n[0]:
            gx = grad if ctx.accumulate else grad.index_put_mask(ctx.index)
        if n[1]:
            gv = _getitem_raw(grad, ctx.index)
        return gx, gv


class CopySlices(IndexPut):
    grad_fn = "CopySlices"


def setitem(self, index, value):
    """x[index] = value, in place (value broadcast and cast to x's dtype)."""
    x = self._data
    if not isinstance(value, Tensor):
        if not isinstance(value, (int, float, complex, np.number, np.bool_)):
            name = type(value).__name__ if type(value).__module__ == "builtins" else \
                f"{type(value).__module__}.{type(value).__name__}"
            raise TypeError(f"can't assign a {name} to a {self.type()}")
        value = D.checked_scalar(value, self.dtype)
    idx, basic = _convert_index(index, x)
    if will_record(self, (value,)):
        check_leaf(self)
        if not isinstance(value, Tensor):
            value = Tensor._from(np.asarray(value, dtype=x.dtype))
        elif value.dtype is not self.dtype:
            value = value.to(self.dtype)
        cls = CopySlices if basic else IndexPut  # torch: an advanced index writes with index_put_
        return assign(self, cls.apply(snapshot(self), value, index=idx, accumulate=False))
    if isinstance(value, Tensor):
        v = value._data
        if v.dtype != x.dtype:
            v = v.astype(x.dtype)
    else:
        v = value
    try:
        if type(v) is float and x.dtype == np.float16:
            with np.errstate(over="ignore"):  # torch: 1e6 into float16 is inf, silently
                x[idx] = v
        else:
            x[idx] = v
    except ValueError as e:
        target = np.empty(x.shape, dtype=np.bool_)[idx].shape
        if basic:  # torch expands the value to the slice, with expand's text
            vs = np.shape(v)
            for i in range(1, builtins.min(len(vs), len(target)) + 1):
                if vs[-i] != target[-i] and vs[-i] != 1:
                    raise RuntimeError(
                        f"The expanded size of the tensor ({target[-i]}) must match the existing size ({vs[-i]}) at "
                        f"non-singleton dimension {len(target) - i}.  Target sizes: [{', '.join(map(str, target))}]."
                        f"  Tensor sizes: [{', '.join(map(str, vs))}]"
                    ) from e
        raise RuntimeError(
            f"shape mismatch: value tensor of shape [{', '.join(map(str, np.shape(v)))}] cannot be broadcast to "
            f"indexing result of shape [{', '.join(map(str, target))}]"
        ) from e
    self._bump()


def _index_put_mask(self, index):
    """grad with zeros at ``index`` (the part of x that an assignment overwrote)."""
    return MaskOut.apply(self, index=index)


class MaskOut(Op):
    grad_fn = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, index):
        ctx.index = index
        out = g.copy()
        out[index] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.index_put_mask(ctx.index)


Tensor.index_put_mask = _index_put_mask


def index_put_(self, indices, values, accumulate=False):
    idx, _ = _convert_index(tuple(indices), self._data)
    if not isinstance(values, Tensor):
        values = Tensor._from(np.asarray(values, dtype=self._data.dtype))
    if will_record(self, (values,)):
        check_leaf(self)
        return assign(self, IndexPut.apply(snapshot(self), values, index=idx, accumulate=accumulate))
    if accumulate:
        np.add.at(self._data, idx, values._data.astype(self._data.dtype))
    else:
        self._data[idx] = values._data
    self._bump()
    return self


def index_put(input, indices, values, accumulate=False):
    idx, _ = _convert_index(tuple(indices), input._data)
    return IndexPut.apply(input, values, index=idx, accumulate=accumulate)


# ------------------------------------------------------------------------------------------- gather / scatter
class Gather(Op):
    grad_fn = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.dim, ctx.in_shape = dim, x.shape
        ctx.index = index
        return array_module(x).take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        z = grad.new_zeros(ctx.in_shape)
        return z.scatter_add(ctx.dim, Tensor._from(ctx.index), grad), None


def _check_gather(input, dim, index, name):
    if index.dtype is not D.int64 and index.dtype is not D.int32:  # torch 2.13 takes int32 indices too
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (for dim 0): pick along ``dim`` at ``index``."""
    d = wrap_dim(dim, input.ndim)
    _check_gather(input, d, index, "gather")
    x, ix = input._data, index._data
    _check_index_bounds(ix, x.shape[d] if x.ndim else 1, d)
    # take_along_axis needs index of the same rank and broadcastable sizes; torch allows smaller index sizes
    if ix.shape != x.shape:
        sl = tuple(slice(0, s) if i != d else slice(None) for i, s in enumerate(ix.shape))
        from .shape import Slice

        inp = Slice.apply(input, index=sl)
        return Gather.apply(inp, index, dim=d)
    return Gather.apply(input, index, dim=d)


class Scatter(Op):
    grad_fn = "ScatterBackward0"

    @staticmethod
    def forward(ctx, x, index, src, dim, reduce):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        xp = array_module(x)
        src_arr = src if hasattr(src, "shape") else xp.full(index.shape, src, dtype=x.dtype)
        if src_arr.shape != index.shape:
            src_arr = src_arr[tuple(slice(0, s) for s in index.shape)]
        idx = _scatter_index(xp, index, dim)
        if reduce is None:
            out[idx] = src_arr
        elif reduce == "add":
            xp.add.at(out, idx, src_arr)
        elif reduce == "multiply":
            xp.multiply.at(out, idx, src_arr)
        else:
            raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
        return out

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        idx_t = Tensor._from(ctx.index)
        gx = grad.scatter(ctx.dim, idx_t, 0.0) if n[0] else None
        gs = grad.gather(ctx.dim, idx_t) if len(n) > 2 and n[2] else None
        return gx, None, gs


class ScatterAdd(Op):
    grad_fn = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, x, index, src, dim):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        xp = array_module(x)
        if src.shape != index.shape:
            src = src[tuple(slice(0, s) for s in index.shape)]
        xp.add.at(out, _scatter_index(xp, index, dim), src)
        return out

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        gs = grad.gather(ctx.dim, Tensor._from(ctx.index)) if n[2] else None
        return (grad if n[0] else None), None, gs


def _scatter_index(xp, index, dim):
    idx = list(xp.indices(index.shape, sparse=True))
    idx[dim] = index
    return tuple(idx)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Write ``src`` (a tensor or a number) into a copy of ``input`` at ``index`` along ``dim``."""
    if src is None:
        src = value
    d = wrap_dim(dim, input.ndim)
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        _check_scatter(input, d, index, src, "scatter")
        return Scatter.apply(input, index, src, dim=d, reduce=reduce)
    _check_scatter(input, d, index, src, "scatter")
    return ScatterValue.apply(input, index, src, dim=d, reduce=reduce)


class ScatterValue(Scatter):
    grad_fn = "ScatterBackward1"


def scatter_add(input, dim, index, src):
    d = wrap_dim(dim, input.ndim)
    _check_scatter(input, d, index, src, "scatter_add")
    return ScatterAdd.apply(input, index, src, dim=d)


def _check_index_bounds(ix, size, d):
    # torch: gather/scatter/index_add take no negative indices
    if ix.size and (ix.max() >= size or ix.min() < 0):
        bad = int(ix.max()) if ix.max() >= size else int(ix.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")


def _check_scatter(input, d, index, src, name):
    _check_gather(input, d, index, name)
    ish, xsh = index._data.shape, input._data.shape
    src_t = isinstance(src, Tensor)
    if len(ish) == len(xsh) and (any(ish[k] > xsh[k] for k in range(len(ish)) if k != d) or (
            src_t and len(src._data.shape) == len(ish)
            and any(a > b for a, b in zip(ish, src._data.shape, strict=True)))):
        msg = (f"Expected index [{', '.join(map(str, ish))}] to be no larger than self "
               f"[{', '.join(map(str, xsh))}] apart from dimension {d}")
        if src_t:
            msg += f" and to be no larger size than src [{', '.join(map(str, src._data.shape))}]"
        raise RuntimeError(msg)
    _check_index_bounds(index._data, xsh[d] if xsh else 1, d)


class IndexSelect(Op):
    grad_fn = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.dim, ctx.in_shape, ctx.index = dim, x.shape, index
        return array_module(x).take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        z = grad.new_zeros(ctx.in_shape)
        return z.index_add(ctx.dim, Tensor._from(ctx.index), grad), None


def index_select(input, dim, index, *, out=None):
    """Pick the entries ``index`` (a 1-d integer tensor) along ``dim``."""
    d = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype is not D.int64 and index.dtype is not D.int32:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    ix = index._data.reshape(-1)
    size = input._data.shape[d] if input.ndim else 1
    if input.ndim == 0 and ix.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {ix.size} value(s)")
    if ix.size and (ix.max() >= size or ix.min() < -size):
        raise IndexError("index out of range in self")
    return IndexSelect.apply(input, Tensor._from(ix), dim=d) if input.ndim else input.clone()


class IndexAdd(Op):
    grad_fn = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, index, src, dim, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = x.copy()
        idx = [slice(None)] * x.ndim
        idx[dim] = index
        array_module(x).add.at(out, tuple(idx), src * alpha if alpha != 1 else src)
        return out

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        gs = grad.index_select(ctx.dim, Tensor._from(ctx.index)) * ctx.alpha if n[2] else None
        return (grad if n[0] else None), None, gs


def index_add(input, dim, index, source, *, alpha=1):
    """Add ``alpha * source`` into a copy of ``input`` at ``index`` along ``dim`` (repeated indices accumulate)."""
    d = wrap_dim(dim, input.ndim)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({D.dtype_name_cap(input.dtype)}) and source "
                           f"({D.dtype_name_cap(source.dtype)}) must have the same scalar type")
    xs, ss = input._data.shape, source._data.shape
    if len(xs) != len(ss) or any(a != b for k, (a, b) in enumerate(zip(xs, ss, strict=True)) if k != d) or \
            (ss and ss[d] != index._data.size):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = "
            f"[{', '.join(map(str, xs))}] source.shape = [{', '.join(map(str, ss))}]"
        )
    _check_index_bounds(index._data, xs[d] if xs else 1, d)
    return IndexAdd.apply(input, index, source, dim=d, alpha=alpha)


class MaskedFill(Op):
    grad_fn = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, x, mask, value):
        xp = array_module(x)
        ctx.mask = mask
        if hasattr(value, "dtype"):
            value = value.astype(x.dtype)
        return xp.where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        m = Tensor._from(ctx.mask)
        gx = grad.masked_fill(m, 0.0) if n[0] else None
        gv = (grad * m).sum() if len(n) > 2 and n[2] else None
        return gx, None, gv


# torch names dtypes by their C++ type in some messages
_C_NAMES = {D.bool: "bool", D.uint8: "unsigned char", D.int8: "signed char", D.int16: "short int", D.int32: "int",
            D.int64: "long int", D.float16: "c10::Half", D.bfloat16: "c10::BFloat16", D.float32: "float",
            D.float64: "double", D.complex64: "c10::complex<float>", D.complex128: "c10::complex<double>"}


def masked_fill(input, mask, value):
    """Copy of ``input`` with ``value`` where the bool ``mask`` is True (broadcast)."""
    if mask.dtype is not D.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_C_NAMES[mask.dtype]}")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    if mask._data.shape != input._data.shape:
        _broadcast(mask._data.shape, input._data.shape)  # torch names the mask "tensor a"
    return (MaskedFillTensor if isinstance(value, Tensor) else MaskedFill).apply(input, mask, value)


class MaskedFillTensor(MaskedFill):
    grad_fn = "MaskedFillBackward1"


class MaskedSelect(Index):
    grad_fn = "MaskedSelectBackward0"


class Take(Index):
    grad_fn = "TakeBackward0"


def masked_select(input, mask):
    """The elements of ``input`` where the bool ``mask`` (broadcast) is True, as a 1-d tensor."""
    if mask.dtype is not D.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast(mask._data.shape, input._data.shape)
    return MaskedSelect.apply(input.expand(shape), index=(np.broadcast_to(mask._data, shape),))


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-d tensors."""
    x = input._data
    xp = array_module(x)
    nz = xp.nonzero(x) if x.ndim else xp.nonzero(x.reshape(1))
    if as_tuple:
        return tuple(Tensor._from(a.astype(np.int64)) for a in nz)
    return Tensor._from(xp.stack(nz, axis=1).astype(np.int64) if x.ndim else
                        xp.zeros((len(nz[0]), 0), dtype=np.int64))


def argwhere(input):
    return nonzero(input)


def _broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        from .._errors import broadcast_mismatch

        raise broadcast_mismatch(a, b) from None


def take(input, index):
    """Index ``input`` as if it were 1-d; the result has the shape of ``index``."""
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {D.dtype_name_cap(index.dtype)}")
    flat = input.reshape(-1)
    n, ix = flat._data.shape[0], index._data
    if ix.size and (ix.max() >= n or ix.min() < -n):
        bad = int(ix.max()) if ix.max() >= n else int(ix.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return Take.apply(flat, index=(index._data,))


def take_along_dim(input, indices, dim=None):
    if dim is None:
        return take(input, indices.reshape(-1))
    return gather(input, dim, indices)


_METHODS = {
    "__getitem__": getitem, "__setitem__": setitem, "gather": gather, "scatter": scatter,
    "scatter_add": scatter_add, "index_select": index_select, "index_add": index_add, "masked_fill": masked_fill,
    "masked_select": masked_select, "nonzero": nonzero, "argwhere": argwhere, "take": take,
    "take_along_dim": take_along_dim, "index_put_": index_put_, "index_put": index_put,
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f


def _inplace_via(fn):
    from ._inplace import inplace

    return lambda self, *a, **k: inplace(self, fn, *a, **k)


Tensor.masked_fill_ = _inplace_via(masked_fill)
Tensor.scatter_ = _inplace_via(scatter)
Tensor.scatter_add_ = _inplace_via(scatter_add)
Tensor.index_add_ = _inplace_via(index_add)

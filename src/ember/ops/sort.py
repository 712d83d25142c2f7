"""Sorting and selection: sort argsort msort topk kthvalue unique unique_consecutive bincount histc searchsorted
bucketize, and the shared "values picked by indices along a dim" op behind them (and median, mode)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import array_module
from . import _return_types as RT

__all__ = [
    "sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive", "bincount", "histc",
    "histogram", "searchsorted", "bucketize",
]


# ------------------------------------------------------------------------------------------- the shared op
class SortBackward0(Op):
    """Values of ``x`` at ``idx`` along ``dim`` (``squeeze``: that dim is then dropped); grad goes back to idx."""

    grad_fn = "SortBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim, squeeze):
        ctx.idx, ctx.dim, ctx.squeeze = idx, dim, squeeze
        if x.ndim == 0:
            return x.copy()
        v = array_module(x).take_along_axis(x, idx, axis=dim)
        return v.squeeze(dim) if squeeze else v

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        if x.ndim == 0:
            return grad
        idx = Tensor._from(ctx.idx)
        if ctx.squeeze:
            grad = grad.unsqueeze(ctx.dim)
        return x.new_zeros(x.shape).scatter_add(ctx.dim, idx, grad)  # cummax repeats indices: add, not overwrite


def _op(name):
    return type(name, (SortBackward0,), {"grad_fn": name})


SortBackward1 = _op("SortBackward1")
TopkBackward0 = _op("TopkBackward0")
KthvalueBackward0 = _op("KthvalueBackward0")
MedianBackward1 = _op("MedianBackward1")
NanmedianBackward1 = _op("NanmedianBackward1")
ModeBackward0 = _op("ModeBackward0")
CummaxBackward0 = _op("CummaxBackward0")
CumminBackward0 = _op("CumminBackward0")


def picked(cls, input: Tensor, idx, dim: int, squeeze: bool, name: str):
    """Return ``torch.return_types.<name>(values, indices)`` of ``input`` at ``idx`` (int64 array) along ``dim``."""
    values = cls.apply(input, idx=idx, dim=dim, squeeze=squeeze)
    if squeeze and input.ndim:
        idx = idx.squeeze(dim)
    return RT.get(name, RT._VI)(values, Tensor._from(idx))


def write_out(result, out):
    """Copy ``result`` (a Tensor or a named tuple of them) into ``out=`` as torch does; return what torch returns."""
    if out is None:
        return result
    from .arith import _out

    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"out must be a tuple of {len(result)} Tensors")
        outs = [_out(r, o) for r, o in zip(result, out, strict=True)]
        return RT.get(type(result).__name__ + "_out", type(result)._fields)(*outs)  # torch: sort_out, max_out ...
    return _out(result, out)


def _stable_argsort(xp, x, dim, descending):
    """Stable argsort along ``dim``; nan sorts as the largest value (torch); descending keeps ties in order."""
    if x.dtype == np.bool_:
        x = x.view(np.uint8)
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")
    n = x.shape[dim]
    rev = xp.flip(x, axis=dim)
    return (n - 1) - xp.flip(xp.argsort(rev, axis=dim, kind="stable"), axis=dim)


_REPLAY_BUDGET = 100_000  # elements of tied slices replayed in Python per call; beyond it ties stay in order


def _torch_unstable_order(xp, x, idx, dim, descending):
    """Reorder tied values of slices longer than 16 as torch's std::sort does (``idx`` is a stable order)."""
    n = x.shape[dim]
    if n <= 16 or not isinstance(x, np.ndarray):
        return idx
    rows = np.moveaxis(x, dim, -1).reshape(-1, n)
    order = np.moveaxis(idx, dim, -1).reshape(-1, n)
    s = np.take_along_axis(rows, order, axis=1)
    same = s[:, 1:] == s[:, :-1]
    if s.dtype.kind in "fc":
        nan = np.isnan(s)
        same |= nan[:, 1:] & nan[:, :-1]
    tied = np.flatnonzero(same.any(axis=1))
    if tied.size == 0 or tied.size * n > _REPLAY_BUDGET:
        return idx
    from ._introsort import lt_asc, lt_desc, std_sort

    vals = rows.astype(np.float64) if rows.dtype.kind in "biu" else rows
    comp = lt_desc if descending else lt_asc
    order = order.copy()
    for r in tied:
        order[r] = std_sort(vals[r].tolist(), comp)
    moved_shape = x.shape[:dim] + x.shape[dim + 1:] + (n,)
    return np.moveaxis(order.reshape(moved_shape), -1, dim)


# ------------------------------------------------------------------------------------------- sort family
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool | None = None, *, out=None):
    """Sort along ``dim``; returns (values, indices); nan sorts as the largest value.

    ``stable=True`` keeps equal values in order; without it ties come out in the order of torch's std::sort
    (replayed on tied slices, see _introsort.py; past a size budget they stay in order).

    >>> ember.sort(ember.tensor([2, 1, 2, 0]), stable=True)
    torch.return_types.sort(
    values=tensor([0, 1, 2, 2]),
    indices=tensor([3, 1, 0, 2]))
    """
    if isinstance(dim, bool):  # torch: sort(x, True) is not descending; keep the keyword form only
        raise TypeError("sort(): argument 'dim' must be int, not bool")
    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = array_module(x)
    if x.ndim == 0:
        idx = xp.zeros((), dtype=np.int64)
    else:
        idx = _stable_argsort(xp, x, d, descending).astype(np.int64, copy=False)
        if not stable:
            idx = _torch_unstable_order(xp, x, idx, d, descending)
    return write_out(picked(SortBackward1 if stable else SortBackward0, input, idx, d, False, "sort"), out)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (int64)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = array_module(x)
    if x.ndim == 0:
        return Tensor._from(xp.zeros((), dtype=np.int64))
    idx = _stable_argsort(xp, x, d, descending).astype(np.int64, copy=False)
    if not stable:
        idx = _torch_unstable_order(xp, x, idx, d, descending)
    return Tensor._from(idx)


def msort(input: Tensor, *, out=None) -> Tensor:
    """Sort along the first dim, returning the values only."""
    return write_out(sort(input, 0).values, out)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices; ties (and ``sorted=False``) in
    the order torch's CPU algorithm leaves them (replayed, see _introsort.py).

    >>> ember.topk(ember.tensor([5.0, 1.0, 9.0, 3.0]), 2)
    torch.return_types.topk(
    values=tensor([9., 5.]),
    indices=tensor([2, 0]))
    """
    x = input._data
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if input.dtype is D.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    xp = array_module(x)
    if x.ndim == 0:
        idx = xp.zeros((), dtype=np.int64)
    elif 0 < k * 8 < n and x.dtype != np.bool_:
        # a partial sort (argpartition, nan placed last as by sort) then a stable sort of the k candidates
        part = xp.argpartition(x, n - k if largest else k - 1, axis=d)
        cand = xp.take(part, xp.arange(n - k, n) if largest else xp.arange(k), axis=d)
        vals = xp.take_along_axis(x, cand, axis=d)
        order = _stable_argsort(xp, vals, d, largest)
        idx = xp.take_along_axis(cand, order, axis=d).astype(np.int64, copy=False)
    else:
        idx = _stable_argsort(xp, x, d, largest)
        idx = xp.take(idx, xp.arange(k), axis=d).astype(np.int64, copy=False)
    if x.ndim and k:
        idx = _torch_topk_order(x, idx, d, k, largest, sorted)
    return write_out(picked(TopkBackward0, input, idx, d, False, "topk"), out)


def _torch_topk_order(x, idx, dim, k, largest, sorted):
    """Replay torch's topk (partial_sort or nth_element) on slices where ties (or sorted=False) decide the order."""
    if not isinstance(x, np.ndarray):
        return idx
    n = x.shape[dim]
    rows = np.moveaxis(x, dim, -1).reshape(-1, n)
    top = np.moveaxis(idx, dim, -1).reshape(-1, k)
    if sorted:
        tv = np.take_along_axis(rows, top, axis=1)
        kth = tv[:, -1:]
        eq_row = rows == kth
        eq_top = tv == kth
        inner = tv[:, 1:] == tv[:, :-1]
        if rows.dtype.kind in "fc":
            eq_row |= np.isnan(rows) & np.isnan(kth)
            eq_top |= np.isnan(tv) & np.isnan(kth)
            inner |= np.isnan(tv[:, 1:]) & np.isnan(tv[:, :-1])
        todo = np.flatnonzero((eq_row.sum(axis=1) > eq_top.sum(axis=1)) | inner.any(axis=1))
    else:
        todo = np.arange(rows.shape[0])
    if todo.size == 0 or todo.size * n > _REPLAY_BUDGET:
        return idx
    from ._introsort import topk_indices

    vals = rows.astype(np.float64) if rows.dtype.kind in "biu" else rows
    top = top.copy()
    for r in todo:
        top[r] = topk_indices(vals[r].tolist(), k, largest, sorted)
    return np.moveaxis(top.reshape(x.shape[:dim] + x.shape[dim + 1:] + (k,)), -1, dim)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False, *, out=None):
    """The ``k``-th smallest value along ``dim`` (1-based) and its index."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input.dtype is D.bool:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    xp = array_module(x)
    if x.ndim == 0:
        return picked(KthvalueBackward0, input, xp.zeros((), dtype=np.int64), d, False, "kthvalue")
    part = _stable_argsort(xp, x, d, False) if x.dtype == np.bool_ else xp.argpartition(x, k - 1, axis=d)
    idx = xp.take(part, [k - 1], axis=d).astype(np.int64, copy=False)  # a tie is settled below, as torch does
    idx = _torch_kth_index(x, idx, d, k)
    return write_out(picked(KthvalueBackward0, input, idx, d, not keepdim, "kthvalue"), out)


def _torch_kth_index(x, idx, dim, k):
    """Where the k-th value is tied, pick the index torch's quickselect lands on (replayed, budgeted)."""
    if not isinstance(x, np.ndarray) or x.shape[dim] < 2:
        return idx
    n = x.shape[dim]
    rows = np.moveaxis(x, dim, -1).reshape(-1, n)
    picks = np.moveaxis(idx, dim, -1).reshape(-1)
    val = rows[np.arange(rows.shape[0]), picks][:, None]
    same = rows == val
    if rows.dtype.kind in "fc":
        same |= np.isnan(rows) & np.isnan(val)
    tied = np.flatnonzero(same.sum(axis=1) > 1)
    if tied.size == 0 or tied.size * n > _REPLAY_BUDGET:
        return idx
    from ._introsort import quick_select

    vals = rows.astype(np.float64) if rows.dtype.kind in "biu" else rows
    picks = picks.copy()
    for r in tied:
        picks[r] = quick_select(vals[r].tolist(), k - 1)
    return np.moveaxis(picks.reshape(x.shape[:dim] + x.shape[dim + 1:] + (1,)), -1, dim)


# ------------------------------------------------------------------------------------------- unique
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None):
    """Distinct values (sorted), with the inverse indices and counts when asked; ``dim`` picks whole slices."""
    x = input._data
    xp = array_module(x)
    if dim is None:
        # torch: every nan is a distinct value
        vals, inv, counts = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        inv = inv.reshape(x.shape)
    else:
        d = wrap_dim(dim, x.ndim)
        if x.size == 0:
            return _unique_empty(xp, input, d, return_inverse, return_counts)
        moved = xp.moveaxis(x, d, 0).reshape(x.shape[d], -1)
        if x.dtype == np.bool_:
            moved = moved.view(np.uint8)
        vals2, inv, counts = xp.unique(moved, axis=0, return_inverse=True, return_counts=True)
        inv = inv.reshape(-1)
        vals = xp.moveaxis(xp.take(xp.moveaxis(x, d, 0), _first_of_each(xp, inv, len(counts)), axis=0), 0, d)
    out = [Tensor._from(xp.ascontiguousarray(vals), input.dtype)]
    if return_inverse:
        out.append(Tensor._from(inv.astype(np.int64)))
    if return_counts:
        out.append(Tensor._from(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _unique_empty(xp, input, d, return_inverse, return_counts):
    """unique(dim=d) of an empty tensor, by torch's rules."""
    if input.shape[d] != 0:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    if sum(n == 0 for n in input.shape) > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied")
    empty = Tensor._from(xp.zeros((0,), dtype=np.int64))
    out = [Tensor._from(input._data.copy(), input.dtype)] + [empty] * (return_inverse + return_counts)
    return out[0] if len(out) == 1 else tuple(out)


def _first_of_each(xp, inv, n):
    first = xp.full(n, len(inv), dtype=np.int64)
    xp.minimum.at(first, inv, xp.arange(len(inv)))
    return first


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None):
    """Collapse runs of equal consecutive values (or slices along ``dim``)."""
    x = input._data
    xp = array_module(x)
    if dim is None:
        flat = x.reshape(-1)
        change = xp.ones(flat.shape[0], dtype=bool)
        if flat.shape[0] > 1:
            change[1:] = flat[1:] != flat[:-1]
        starts = xp.flatnonzero(change)
        vals = flat[starts]
        inv_shape = x.shape
    else:
        d = wrap_dim(dim, x.ndim)
        if x.size == 0:
            return _unique_empty(xp, input, d, return_inverse, return_counts)
        moved = xp.moveaxis(x, d, 0)
        flat = moved.reshape(moved.shape[0], -1)
        change = xp.ones(flat.shape[0], dtype=bool)
        if flat.shape[0] > 1:
            change[1:] = (flat[1:] != flat[:-1]).any(axis=1)
        starts = xp.flatnonzero(change)
        vals = xp.moveaxis(moved[starts], 0, d)
        inv_shape = (x.shape[d],)
    out = [Tensor._from(xp.ascontiguousarray(vals), input.dtype)]
    if return_inverse:
        out.append(Tensor._from((xp.cumsum(change) - 1).astype(np.int64).reshape(inv_shape)))
    if return_counts:
        out.append(Tensor._from(xp.diff(xp.append(starts, change.shape[0])).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


# ------------------------------------------------------------------------------------------- counting
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Count occurrences of each non-negative int; with ``weights``, sum them (float64 unless weights are float)."""
    x = input._data
    if input.dtype._cat != 1:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{D.dtype_name_cap(input.dtype)}'")
    if x.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = array_module(x)
    if x.size and x.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._from(xp.bincount(x, minlength=minlength).astype(np.int64))
    if weights._data.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    r = xp.bincount(x, weights=weights._data, minlength=minlength)
    dt = weights.dtype if weights.dtype in (D.float32, D.float16) else D.float64  # torch: float weights keep dtype
    return Tensor._from(r.astype(dt.np), dt)


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0, *, out=None) -> Tensor:
    """Histogram with ``bins`` equal bins over [min, max] (the data's range when both are 0); outside is ignored."""
    if input.dtype._cat < 2:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{D.dtype_name_cap(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histc: bins must be > 0, but got " + str(bins) + " for bins")
    x = input._data.reshape(-1)
    xp = array_module(x)
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    sel = x[(x >= lo) & (x <= hi)].astype(np.float64)
    pos = ((sel - lo) * bins / (hi - lo)).astype(np.int64)
    pos = xp.minimum(pos, bins - 1)  # torch: the right edge falls in the last bin
    return write_out(Tensor._from(xp.bincount(pos, minlength=bins).astype(input.dtype.np), input.dtype), out)


def histogram(input: Tensor, bins=100, *, range=None, weight=None, density: bool = False, out=None):
    """Histogram and bin edges (``torch.return_types.histogram``)."""
    x = input._data.reshape(-1)
    xp = array_module(x)
    b = bins._data if isinstance(bins, Tensor) else bins
    w = weight._data.reshape(-1) if weight is not None else None
    h, e = xp.histogram(x, bins=b, range=range, weights=w, density=density)
    return RT.get("histogram", ("hist", "bin_edges"))(Tensor._from(h.astype(input.dtype.np), input.dtype),
                                                      Tensor._from(e.astype(input.dtype.np), input.dtype))


def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False, side=None,
                 sorter=None, out=None) -> Tensor:
    """Indices where ``input`` would be inserted into the innermost dim of ``sorted_sequence`` to keep it sorted."""
    if side is not None:
        right = side == "right"
    seq = sorted_sequence._data
    xp = array_module(seq)
    scalar = not isinstance(input, Tensor)
    vals = xp.asarray(input) if scalar else input._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    sd = "right" if right else "left"
    if seq.ndim <= 1:
        r = xp.searchsorted(seq, vals, side=sd)
    else:
        if seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                "boundaries tensor and input value tensor must match, but we got boundaries tensor "
                f"{list(seq.shape)} and input value tensor {list(vals.shape)}"
            )
        s2 = seq.reshape(-1, seq.shape[-1])
        v2 = vals.reshape(-1, vals.shape[-1])
        r = xp.stack([xp.searchsorted(s2[i], v2[i], side=sd) for i in range(s2.shape[0])]).reshape(vals.shape)
    return write_out(Tensor._from(xp.asarray(r).astype(np.int32 if out_int32 else np.int64)), out)


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False, out=None) -> Tensor:
    """Index of the bucket of each value given 1-d sorted ``boundaries``."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


_METHODS = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue, "unique": unique,
    "unique_consecutive": unique_consecutive, "bincount": bincount, "histc": histc, "histogram": histogram,
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f

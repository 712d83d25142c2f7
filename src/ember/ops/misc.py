"""The rest of the op library (issue 6) and the torch.* names of ops that live elsewhere in ember.

ember/__init__.py star-imports this module, so ``__all__`` here is what joins the torch namespace.
"""

from __future__ import annotations

import builtins
import itertools
import math

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import array_module
from . import _return_types as return_types
from ._inplace import inplace
from .reduce import (
    aminmax,
    cummax,
    cummin,
    logcumsumexp,
    median,
    mode,
    nanmean,
    nanmedian,
    nanquantile,
    nansum,
    norm,
    quantile,
)

__all__ = [
    "return_types",
    "aminmax", "cummax", "cummin", "logcumsumexp", "median", "mode", "nanmean", "nanmedian", "nanquantile", "nansum",
    "norm", "quantile",
]
__all__ += [
    "diagonal", "diag_embed", "diag", "diagflat", "trace", "tril", "triu", "tril_indices", "triu_indices", "roll",
    "rot90", "repeat_interleave", "meshgrid", "einsum", "cartesian_prod", "combinations", "kron", "cross",
    "index_copy", "index_fill", "index_reduce", "masked_scatter", "scatter_reduce", "cdist", "dist", "cov",
    "corrcoef", "deg2rad", "rad2deg", "diff", "block_diag", "atleast_2d", "atleast_3d", "trapezoid", "trapz",
    "cumulative_trapezoid", "vander", "addmv", "addr", "baddbmm", "addbmm", "chain_matmul", "logaddexp2",
    "copysign", "heaviside", "signbit", "sinc", "gcd", "lcm", "positive", "renorm",
    "det", "logdet", "slogdet", "inverse", "svd", "pinverse", "cholesky", "qr", "matrix_power", "matrix_exp",
    "pca_lowrank", "lu", "cholesky_solve", "cholesky_inverse", "lobpcg",
]


def _diag_view(xp, x, offset, d1, d2):
    """A writable view of the diagonal (NumPy's own diagonal() is read-only), as the last axis."""
    v = xp.diagonal(x, offset, d1, d2)
    if isinstance(v, np.ndarray) and not v.flags.writeable and x.flags.writeable:
        sl = [slice(None)] * x.ndim
        sl[d2 if offset >= 0 else d1] = slice(builtins.abs(offset), None)
        start = x[tuple(sl)]  # basic slicing keeps the memory writable; the diagonal starts at its first element
        v = np.lib.stride_tricks.as_strided(start, v.shape, v.strides)
    return v


class Diagonal(Op):
    """A view of the diagonal ``offset`` of the (d1, d2) planes, appended as the last dim."""

    grad_fn = "DiagonalBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = x.shape, offset, d1, d2
        return _diag_view(array_module(x), x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, shape=ctx.shape, offset=ctx.offset, d1=ctx.d1, d2=ctx.d2)


class DiagonalScatter(Op):
    """Zeros of ``shape`` with ``g`` on the diagonal: the adjoint of Diagonal (diag_embed's forward)."""

    grad_fn = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        xp = array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        _diag_view(xp, out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.diagonal(ctx.offset, ctx.d1, ctx.d2)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal of the (dim1, dim2) planes, as the last dim."""
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=offset, d1=d1, d2=d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Put the last dim of ``input`` on the diagonal of new (dim1, dim2) planes."""
    n = input.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = input.shape[-1] + builtins.abs(offset) if input.ndim else 1 + builtins.abs(offset)
    rest = iter(input.shape[:-1])
    shape = tuple(size if i in (d1, d2) else next(rest) for i in range(n))
    return DiagonalScatter.apply(input, shape=shape, offset=offset, d1=d1, d2=d2)


def diag(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """A 1-D input gives a square matrix with it on diagonal ``diagonal``; a 2-D input gives that diagonal (a copy)."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return globals()["diagonal"](input, diagonal, 0, 1).clone()
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    return diag_embed(input.reshape(-1), offset, 0, 1)


class Trace(Op):
    grad_fn = "TraceBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        dt = np.int64 if x.dtype.kind in "biu" else x.dtype
        return array_module(x).asarray(x.trace(dtype=dt))

    @staticmethod
    def backward(ctx, grad):
        n = builtins.min(ctx.shape)
        return DiagonalScatter.apply(grad.expand(n), shape=ctx.shape, offset=0, d1=0, d2=1)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor (int64 for integer inputs)."""
    if input.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(input.ndim))
    if input.dtype is D.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Trace.apply(input)


class Tril(Op):
    grad_fn = "TrilBackward0"
    _fn = "tril"

    @classmethod
    def forward(cls, ctx, x, k):
        ctx.k = k
        return getattr(array_module(x), cls._fn)(x, k)

    @classmethod
    def backward(cls, ctx, grad):
        return getattr(grad, cls._fn)(ctx.k)


class Triu(Tril):
    grad_fn = "TriuBackward0"
    _fn = "triu"


def tril(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims; the rest is zero."""
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, k=diagonal)


def triu(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims; the rest is zero."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, k=diagonal)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    r, c = np.tril_indices(row, offset, col)
    return Tensor._from(np.stack([r, c]).astype((dtype or D.int64).np), dtype or D.int64)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    r, c = np.triu_indices(row, offset, col)
    return Tensor._from(np.stack([r, c]).astype((dtype or D.int64).np), dtype or D.int64)


# ------------------------------------------------------------------------------------------- roll / rot90 / repeat
class Roll(Op):
    grad_fn = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        xp = array_module(x)
        if dims is None:
            return xp.roll(x.reshape(-1), shifts).reshape(x.shape)
        return xp.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        neg = tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts
        return grad.roll(neg, ctx.dims)


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements circularly along ``dims`` (of the flattened tensor when None)."""
    if dims is None or (isinstance(dims, (tuple, list)) and len(dims) == 0):
        s = shifts if isinstance(shifts, int) else tuple(shifts)
        if not isinstance(s, int):
            if len(s) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(s)}, dims:0")
            s = s[0]
        return Roll.apply(input, shifts=s, dims=None)
    sh = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dm = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(sh) != len(dm):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(dm)}")
    return Roll.apply(input, shifts=sh, dims=tuple(wrap_dim(d, input.ndim) for d in dm))


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane ``dims`` (from the first towards the second)."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip(d0, d1)
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Repeat each element (or slice along ``dim``) ``repeats`` times; a lone int tensor repeats its indices."""
    if repeats is None:  # repeat_interleave(counts): index i, counts[i] times
        r = input._data
        return Tensor._from(np.repeat(np.arange(r.shape[0], dtype=np.int64), r))
    if dim is None:
        input, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if isinstance(repeats, Tensor):
        reps = repeats._data.reshape(-1)
        if reps.size == 1:
            reps = np.full(n, int(reps[0]))
        elif reps.size != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{reps.size} and input.size({d}) = {n}")
    else:
        reps = np.full(n, int(repeats))
    if (reps < 0).any():
        raise RuntimeError("repeats can not be negative")
    idx = Tensor._from(np.repeat(np.arange(n, dtype=np.int64), reps))
    if input.ndim == 0:
        input = input.reshape(1)
    return input.index_select(d, idx)


# ------------------------------------------------------------------------------------------- meshgrid, einsum, products
def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids from 1-D tensors; ``indexing='ij'`` (the default, torch) or ``'xy'``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings

        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: " + repr(t))
    ts = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    n = len(ts)
    out = [t.reshape(tuple(-1 if i == j else 1 for j in range(n))).expand(shape) for i, t in enumerate(ts)]
    if swap:  # 'xy': the grid of (y, x, ...) with the first two outputs given back in the callers' order
        out[0], out[1] = out[1], out[0]
    return tuple(out)


class Einsum(Op):
    grad_fn = "EinsumBackward0"

    @staticmethod
    def forward(ctx, *arrays, eq):
        ctx.eq = eq
        return array_module(arrays[0]).einsum(eq, *arrays, optimize=len(arrays) > 2)

    @staticmethod
    def backward(ctx, grad):
        ins, out = ctx.eq.split("->")
        subs = ins.split(",")
        xs = ctx.inputs
        grads = []
        for i, s in enumerate(subs):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [xs[j] for j in range(len(xs)) if j != i]
            osubs = [subs[j] for j in range(len(xs)) if j != i]
            # letters of x_i missing from the other operands and the output are summed out: bring them back
            have = set(out).union(*osubs) if osubs else set(out)
            missing = [c for c in dict.fromkeys(s) if c not in have]
            target = "".join(dict.fromkeys(s))  # a repeated letter (a diagonal) comes back via diag_embed below
            g = Einsum.apply(grad, *others, eq=",".join([out] + osubs) + "->" + "".join(c for c in target
                                                                                    if c not in missing))
            if missing:
                kept = "".join(c for c in target if c not in missing)
                shape = {c: xs[i].shape[s.index(c)] for c in s}
                g = g.reshape(tuple(g.shape) + (1,) * len(missing))
                g = g.expand(tuple(shape[c] for c in kept) + tuple(shape[c] for c in missing))
                cur = kept + "".join(missing)
                g = g.permute(tuple(cur.index(c) for c in target))
            if len(target) != len(s):  # repeated subscripts (a diagonal of x_i)
                g = _undiag(g, target, s, xs[i].shape)
            grads.append(g)
        return tuple(grads)


def _undiag(g, target, s, shape):
    """Spread ``g`` (indexed by the distinct letters ``target``) onto the repeated-letter layout ``s``."""
    eye_terms = []
    out = g
    letters = list(target)
    for pos, c in enumerate(s):
        if s.index(c) != pos:
            eye_terms.append((s.index(c), pos))
    full = Tensor._from(np.zeros(shape, dtype=g._data.dtype))
    # build a mask of positions where every repeated letter agrees, then gather g into it
    idx = np.indices(shape)
    mask = np.ones(shape, dtype=bool)
    for a, b in eye_terms:
        mask &= idx[a] == idx[b]
    src = tuple(idx[s.index(c)] for c in letters)
    return out[tuple(Tensor._from(a) for a in src)] * Tensor._from(mask) + full


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation (``'ij,jk->ik'``); the output subscripts default to the sorted unpaired letters."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = equation.replace(" ", "")
    if "..." in eq:
        xs = [o._data for o in operands]
        eq = _expand_ellipsis(eq, xs)
    if "->" not in eq:
        letters = eq.replace(",", "")
        eq += "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    _check_einsum(eq, operands)
    dt = operands[0].dtype
    for o in operands[1:]:
        if o.dtype is not dt:
            raise RuntimeError(f"expected scalar type {D.dtype_name_cap(dt)} but found {D.dtype_name_cap(o.dtype)}")
    return Einsum.apply(*operands, eq=eq)


def _check_einsum(eq, operands):
    subs = eq.split("->")[0].split(",")
    if len(subs) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(subs) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    seen = {}
    for k, (sub, op) in enumerate(zip(subs, operands, strict=True)):
        if len(sub) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(sub)}) does not match the "
                               f"number of dimensions ({op.ndim}) for operand {k} and no ellipsis was given")
        for c, n in zip(sub, op.shape, strict=True):
            if c in seen and seen[c] != n and 1 not in (seen[c], n):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {seen[c]}")
            if c not in seen or seen[c] == 1:
                seen[c] = n


def _expand_ellipsis(eq, xs):
    ins, _, out = eq.partition("->")
    subs = ins.split(",")
    used = set(eq)
    free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    nell = 0
    if "..." in ins:
        nell = builtins.max((x.ndim - (len(s) - 3)) for s, x in zip(subs, xs, strict=False) if "..." in s)
    ell = "".join(free[:nell])
    new = []
    for s, x in zip(subs, xs, strict=False):
        if "..." in s:
            k = x.ndim - (len(s) - 3)
            s = s.replace("...", ell[nell - k:])
        new.append(s)
    if "->" in eq:
        out = out.replace("...", ell)
    else:
        letters = "".join(new)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return ",".join(new) + "->" + out


def cartesian_prod(*tensors) -> Tensor:
    """All combinations of the elements of 1-D tensors, one per row."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    from .shape import stack

    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-``r`` combinations of the elements of a 1-D tensor, one per row (as itertools)."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    fn = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(fn(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if idx.size == 0:
        return input[:0]
    return input[Tensor._from(idx)]


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product."""
    nd = builtins.max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    sa, sb = a.shape, b.shape
    a2 = a.reshape(tuple(x for s in sa for x in (s, 1)))
    b2 = b.reshape(tuple(x for s in sb for x in (1, s)))
    return (a2 * b2).reshape(tuple(x * y for x, y in zip(sa, sb, strict=False)))


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (the first dim of size 3 when None, as torch)."""
    from .. import linalg

    if dim is None:
        import warnings

        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        if input.ndim != other.ndim:
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        from .pointwise import check_broadcast

        shape = check_broadcast(input.shape, other.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return linalg.cross(input, other, dim=dim)


# ------------------------------------------------------------------------------------------- index ops
class IndexCopy(Op):
    grad_fn = "IndexCopyBackward0"

    @staticmethod
    def forward(ctx, x, source, index, dim):
        ctx.index, ctx.dim = index, dim
        out = x.copy()
        sl = (slice(None),) * dim + (index,)
        out[sl] = source  # torch: with repeated indices the last write wins, as here
        return out

    @staticmethod
    def backward(ctx, grad):
        idx = Tensor._from(ctx.index)
        n = ctx.needs_input_grad
        gx = grad.index_fill(ctx.dim, idx, 0.0) if n[0] else None
        gs = grad.index_select(ctx.dim, idx) if n[1] else None
        return gx, gs


class IndexFill(Op):
    grad_fn = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, x, index, dim, value):
        ctx.index, ctx.dim = index, dim
        out = x.copy()
        out[(slice(None),) * dim + (index,)] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.index_fill(ctx.dim, Tensor._from(ctx.index), 0.0)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """Copy of ``input`` with the slices at ``index`` along ``dim`` replaced by ``source``'s."""
    d = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return source.reshape(()).clone()
    if index.dtype is not D.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{D.dtype_name_cap(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{D.dtype_name_cap(input.dtype)} and (source) {D.dtype_name_cap(source.dtype)}")
    ix = index._data.reshape(-1)
    if source.ndim and ix.size != source.shape[d]:
        raise IndexError(f"index_copy_(): Number of indices ({ix.size}) should be equal to source.size(dim) "
                         f"({source.shape[d]})")
    size = input.shape[d]
    bad = ix[(ix >= size) | (ix < -size)]
    if bad.size:
        raise IndexError(f"index_copy_(): index {int(bad[0])} is out of bounds for dimension {d} with size {size}")
    return IndexCopy.apply(input, source, index=ix, dim=d)


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """Copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    d = wrap_dim(dim, input.ndim)
    if index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if input.ndim == 0:
        return input.masked_fill(Tensor._from(np.array(True)), value)
    ix = index._data.reshape(-1)
    size = input.shape[d]
    bad = ix[(ix >= size) | (ix < -size)]
    if bad.size:
        raise IndexError(f"index {int(bad[0])} is out of bounds for dimension {d} with size {size}")
    if isinstance(value, Tensor):
        value = value.item()
    return IndexFill.apply(input, index=ix, dim=d, value=value)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    d = wrap_dim(dim, input.ndim)
    shape = [1] * source.ndim
    shape[d] = -1
    idx = index.reshape(shape).expand(source.shape)
    return scatter_reduce(input, d, idx, source, reduce, include_self=include_self)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """Copy of ``input`` with the elements where ``mask`` holds taken, in order, from ``source``."""
    from .pointwise import check_broadcast

    m = mask.expand(check_broadcast(mask.shape, input.shape))
    x = input.expand(m.shape)
    k = int(m._data.sum())
    if source.numel() < k:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
    src = source.reshape(-1)[:k]
    pos = np.zeros(m.shape, dtype=np.int64)
    pos[m._data] = np.arange(k)
    picked = src[Tensor._from(pos)] if k else x * 0
    from .pointwise import where

    return where(m, picked, x)


class ScatterReduce(Op):
    grad_fn = "ScatterReduceBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, index, src, dim, reduce, include_self):
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        xp = array_module(x)
        out = x.copy()
        idx = list(xp.indices(index.shape, sparse=True))
        idx[dim] = index
        idx = tuple(idx)
        src = src[tuple(slice(0, s) for s in index.shape)]
        cnt = xp.zeros(x.shape, dtype=np.int64)
        xp.add.at(cnt, idx, 1)
        touched = cnt > 0
        if not include_self:
            fill = {"sum": 0, "mean": 0, "prod": 1, "amax": _lowest(x.dtype), "amin": _highest(x.dtype)}[reduce]
            out[touched] = fill
        uf = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
        uf.at(out, idx, src)
        if reduce == "mean":
            denom = cnt + (1 if include_self else 0)
            denom = xp.where(denom == 0, 1, denom)
            out = ((out / denom) if x.dtype.kind == "f" else out // denom).astype(x.dtype)  # torch: floor for ints
        return out

    @staticmethod
    def backward(ctx, grad):
        x, index, src = ctx.inputs
        n = ctx.needs_input_grad
        d = ctx.dim
        idx = Tensor._from(ctx.index)
        src = src[tuple(slice(0, s) for s in ctx.index.shape)]
        if ctx.reduce == "sum":
            gx = grad if ctx.include_self else grad.scatter(d, idx, 0.0)
            gs = grad.gather(d, idx)
        elif ctx.reduce == "mean":
            cnt = x.new_zeros(x.shape).scatter_add(d, idx, src.new_ones(src.shape)) + (1 if ctx.include_self else 0)
            cnt = cnt.clamp(min=1)
            gx = grad / cnt if ctx.include_self else (grad / cnt).scatter(d, idx, 0.0)
            gs = (grad / cnt).gather(d, idx)
        elif ctx.reduce == "prod":
            y = ctx.output
            gx = grad * y / x if ctx.include_self else grad.scatter(d, idx, 0.0)
            gs = (grad * y).gather(d, idx) / src
        else:
            y = ctx.output
            hit_s = (src == y.gather(d, idx)).to(grad.dtype)
            hit_x = (x == y).to(grad.dtype) if ctx.include_self else x.new_zeros(x.shape)
            if not ctx.include_self:
                hit_x = (x == y).to(grad.dtype).scatter(d, idx, 0.0)
            count = hit_x.scatter_add(d, idx, hit_s)
            gx = grad * hit_x / count.clamp(min=1)
            gs = (grad / count.clamp(min=1)).gather(d, idx) * hit_s
        return (gx if n[0] else None), None, (gs if n[2] else None)


def _lowest(dt):
    return -np.inf if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.inf if dt.kind == "f" else np.iinfo(dt).max


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True):
    """Reduce ``src`` into a copy of ``input`` at ``index`` along ``dim`` with sum/prod/mean/amax/amin."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d = wrap_dim(dim, input.ndim)
    ix = index._data
    if ix.size and (ix.max() >= input.shape[d] or ix.min() < -input.shape[d]):
        bad = int(ix.max()) if ix.max() >= input.shape[d] else int(ix.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {input.shape[d]}")
    return ScatterReduce.apply(input, index, src, dim=wrap_dim(dim, input.ndim), reduce=reduce,
                               include_self=include_self)


# ------------------------------------------------------------------------------------------- distances, statistics
class Dist(Op):
    """||a - b||_p over all elements (broadcasting); the backward is vector_norm's on the difference."""

    grad_fn = "DistBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, a, b, p):
        from ..linalg.norms import LinalgVectorNorm

        ctx.p = p
        d = a - b
        return LinalgVectorNorm.forward(ctx, d, ord=p, dims=tuple(range(d.ndim)), keepdim=False)

    @staticmethod
    def backward(ctx, grad):
        from ..linalg.norms import norm_backward

        a, b = ctx.inputs
        g = norm_backward(a - b, ctx.p, ctx.output, grad, tuple(range(builtins.max(a.ndim, b.ndim))), False)
        n = ctx.needs_input_grad
        return (g if n[0] else None), (-g if n[1] else None)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other``."""
    from .pointwise import check_broadcast

    check_broadcast(input.shape, other.shape)
    if input.dtype._cat < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{D.dtype_name_cap(input.dtype)}")
    p = float(p)
    if math.isfinite(p) and p == int(p):
        p = int(p)
    dt = D._PROMOTE[(input.dtype, other.dtype)]
    return Dist.apply(input.to(dt), other.to(dt), p=p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and ``x2`` (..., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dtype._cat != 2:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {D.dtype_name_cap(t.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    from .. import linalg

    return linalg.vector_norm(diff, p, dim=-1)


def cov(input: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """Covariance matrix of the variables in the rows of ``input`` (observations in columns)."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    if x.dtype._cat < 2:
        x = x.to(D.get_default_dtype())
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        mean = x.mean(1, keepdim=True)
        xc = x - mean
        c = xc @ xc.mT.conj() / builtins.max(n - correction, 0)
    else:
        w = w.to(x.dtype)
        wsum = w.sum()
        mean = (x * w).sum(1, keepdim=True) / wsum
        xc = x - mean
        if aweights is None:
            norm_ = wsum - correction
        else:
            norm_ = wsum - correction * (w * aweights).sum() / wsum
        c = (xc * w) @ xc.mT.conj() / norm_.clamp(min=0)
    return c.squeeze() if input.ndim < 2 or x.shape[0] == 1 else c


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of ``input``."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal().sqrt()
    r = c / d.unsqueeze(1) / d.unsqueeze(0)
    return r.clamp(-1, 1)


def deg2rad(input: Tensor) -> Tensor:
    """Degrees to radians."""
    if input.dtype._cat < 2:
        input = input.to(D.get_default_dtype())
    return input * (math.pi / 180)


def rad2deg(input: Tensor) -> Tensor:
    """Radians to degrees."""
    if input.dtype._cat < 2:
        input = input.to(D.get_default_dtype())
    return input * (180 / math.pi)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The n-th forward difference along ``dim``."""
    from .shape import cat

    d = wrap_dim(dim, input.ndim)
    x = input
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, x, append) if p is not None]
        x = cat(parts, d)
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        a, b = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
        x = a ^ b if x.dtype is D.bool else a - b
    return x


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix from 0-, 1- and 2-D tensors."""
    ms = [t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t for t in tensors]
    dt = ms[0].dtype
    for m in ms[1:]:
        dt = D._PROMOTE[(dt, m.dtype)]
    rows = builtins.sum(m.shape[0] for m in ms)
    cols = builtins.sum(m.shape[1] for m in ms)
    out = Tensor._from(np.zeros((rows, cols), dtype=dt.np), dt)
    r = c = 0
    from .shape import cat

    blocks = []
    for m in ms:
        left = out[r:r + m.shape[0], :c]
        right = out[r:r + m.shape[0], c + m.shape[1]:]
        blocks.append(cat([left, m.to(dt), right], 1))
        r, c = r + m.shape[0], c + m.shape[1]
    return cat(blocks, 0) if blocks else out


def atleast_2d(*tensors):
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = [t.reshape(1, -1) if t.ndim < 2 else t for t in ts]
    return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else tuple(out)


def atleast_3d(*tensors):
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = []
    for t in ts:
        if t.ndim == 0:
            t = t.reshape(1, 1, 1)
        elif t.ndim == 1:
            t = t.reshape(1, -1, 1)
        elif t.ndim == 2:
            t = t.unsqueeze(-1)
        out.append(t)
    return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else tuple(out)


def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Integrate ``y`` along ``dim`` with the trapezoid rule."""
    d = wrap_dim(dim, y.ndim)
    m = y.shape[d]
    if m == 0:
        return y.sum(d)
    avg = (y.narrow(d, 1, m - 1) + y.narrow(d, 0, m - 1)) / 2
    if x is None:
        return avg.sum(d) * (1 if dx is None else dx)
    if isinstance(x, Tensor):
        return (avg * diff(x, dim=-1 if x.ndim == 1 else d).reshape(
            (-1,) + (1,) * (y.ndim - d - 1) if x.ndim == 1 else tuple(x.shape[:d]) + (-1,) + tuple(x.shape[d + 1:])
        )).sum(d)
    return avg.sum(d) * x


trapz = trapezoid


def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    d = wrap_dim(dim, y.ndim)
    m = y.shape[d]
    avg = (y.narrow(d, 1, m - 1) + y.narrow(d, 0, m - 1)) / 2
    if isinstance(x, Tensor):
        avg = avg * diff(x, dim=-1).reshape((-1,) + (1,) * (y.ndim - d - 1))
    elif dx is not None:
        avg = avg * dx
    return avg.cumsum(d)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    n = x.shape[0] if N is None else N
    p = Tensor._from(np.arange(n, dtype=np.int64))
    if not increasing:
        p = p.flip(0)
    xx = x if x.dtype._cat >= 1 else x.long()
    return xx.unsqueeze(1) ** p


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    r = mat.mv(vec)
    return (r * alpha if alpha != 1 else r) + (input * beta if beta != 1 else input) if beta != 0 else r * alpha


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    r = vec1.outer(vec2)
    return (r * alpha if alpha != 1 else r) + (input * beta if beta != 1 else input) if beta != 0 else r * alpha


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    r = batch1.bmm(batch2)
    return (r * alpha if alpha != 1 else r) + (input * beta if beta != 1 else input) if beta != 0 else r * alpha


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    r = batch1.bmm(batch2).sum(0)
    return (r * alpha if alpha != 1 else r) + (input * beta if beta != 1 else input) if beta != 0 else r * alpha


def chain_matmul(*matrices, out=None):
    from .. import linalg

    return linalg.multi_dot(list(matrices))


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2**input + 2**other) without overflow."""
    if input.dtype._cat < 2:
        raise NotImplementedError(f'"logaddexp2_cpu" not implemented for \'{D.dtype_name_cap(input.dtype)}\'')
    ln2 = math.log(2.0)
    from .pointwise import logaddexp

    return logaddexp(input * ln2, other * ln2) / ln2


def copysign(input, other) -> Tensor:
    """|input| with the sign of ``other`` (floats: integer results become the promoted float type)."""
    from ._binary import result_dtype

    dt = result_dtype(input, other)
    a = input.to(dt if dt._cat >= 2 else D.get_default_dtype())
    o = other._data if isinstance(other, Tensor) else other
    sign = Tensor._from(np.where(np.signbit(np.asarray(o)), -1.0, 1.0).astype(a.dtype.np))
    return a.abs() * sign


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    x = input._data
    return Tensor._from(np.heaviside(x, values._data).astype(x.dtype), input.dtype)


def signbit(input: Tensor) -> Tensor:
    return Tensor._from(np.signbit(input._data))


def sinc(input: Tensor) -> Tensor:
    x = input if input.dtype._cat >= 2 else input.to(D.get_default_dtype())
    px = x * math.pi
    safe = px.masked_fill(px == 0, 1.0)
    from .pointwise import where

    return where(px == 0, x * 0 + 1, safe.sin() / safe)


def gcd(input: Tensor, other: Tensor) -> Tensor:
    return Tensor._from(np.gcd(input._data, other._data))


def lcm(input: Tensor, other: Tensor) -> Tensor:
    return Tensor._from(np.lcm(input._data, other._data))


def positive(input: Tensor) -> Tensor:
    if input.dtype is D.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` to norm ``maxnorm``."""
    from .. import linalg

    d = wrap_dim(dim, input.ndim)
    others = tuple(i for i in range(input.ndim) if i != d)
    nrm = linalg.vector_norm(input, p, others, keepdim=True).detach()
    factor = (maxnorm / (nrm + 1e-7)).masked_fill(nrm <= maxnorm, 1.0)
    return input * factor


# ------------------------------------------------------------------------------------------- torch.* linear algebra
def det(input: Tensor) -> Tensor:
    from .. import linalg

    return linalg.det(input)


def logdet(input: Tensor) -> Tensor:
    """log(det(A)): nan for a negative determinant, -inf for a singular matrix."""
    from .. import linalg

    sign, logabs = linalg.slogdet(input)
    return logabs.masked_fill(sign < 0, float("nan"))


def slogdet(input: Tensor):
    from .. import linalg

    s, l = linalg.slogdet(input)
    return return_types.get("slogdet", ("sign", "logabsdet"))(s, l)


def inverse(input: Tensor, *, out=None) -> Tensor:
    from .. import linalg

    return linalg.inv(input)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):
    """torch.svd: (U, S, V) with V (not Vh); reduced unless ``some=False``."""
    from .. import linalg

    if not compute_uv:
        s = linalg.svdvals(input)
        m, n = input.shape[-2], input.shape[-1]
        z = input.new_zeros(tuple(input.shape[:-2]) + ((m, m) if not some else (m, builtins.min(m, n))))
        zv = input.new_zeros(tuple(input.shape[:-2]) + ((n, n) if not some else (n, builtins.min(m, n))))
        return return_types.get("svd", ("U", "S", "V"))(z, s, zv)
    U, S, Vh = linalg.svd(input, full_matrices=not some)
    return return_types.get("svd", ("U", "S", "V"))(U, S, Vh.mH)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    from .. import linalg

    return linalg.pinv(input, rtol=rcond)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    from .. import linalg

    return linalg.cholesky(input, upper=upper)


def qr(input: Tensor, some: bool = True, *, out=None):
    from .. import linalg

    Q, R = linalg.qr(input, "reduced" if some else "complete")
    return return_types.get("qr", ("Q", "R"))(Q, R)


def matrix_power(input: Tensor, n: int) -> Tensor:
    from .. import linalg

    return linalg.matrix_power(input, n)


def matrix_exp(input: Tensor) -> Tensor:
    from .. import linalg

    return linalg.matrix_exp(input)


def lu(*args, **kwargs):
    raise NotImplementedError("ember: torch.lu is not implemented yet (issue 6)")


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    A = L.mH @ L if upper else L @ L.mH
    from .. import linalg

    return linalg.solve(A, B)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    A = L.mH @ L if upper else L @ L.mH
    from .. import linalg

    return linalg.inv(A)


def lobpcg(A: Tensor, k: int | None = None, B=None, X=None, n: int | None = None, iK=None, niter=None, tol=None,
           largest: bool | None = None, method=None, tracker=None, ortho_iparams=None, ortho_fparams=None,
           ortho_bparams=None):
    """The ``k`` largest (or smallest) eigenpairs of a symmetric matrix: exact (eigh), not torch's iteration."""
    from .. import linalg

    if k is None:
        k = 1 if X is None else X.shape[-1]
    if B is not None:
        L = linalg.cholesky(B)
        Li = linalg.inv(L)
        w, V = linalg.eigh(Li @ A @ Li.mT)
        V = Li.mT @ V
    else:
        w, V = linalg.eigh(A)
    if largest is None or largest:
        w, V = w.flip(-1), V.flip(-1)
    return w[..., :k], V[..., :k]


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2):
    """(U, S, V) of the centred ``A`` truncated to ``q`` components (exact SVD here, not torch's randomized one)."""
    m, n = A.shape[-2], A.shape[-1]
    if q is None:
        q = builtins.min(6, m, n)
    x = A - A.mean(-2, keepdim=True) if center else A
    U, S, V = svd(x)
    return U[..., :q], S[..., :q], V[..., :q]


# ------------------------------------------------------------------------------------------- complex parts
class Real(Op):
    """The real part: a view for complex input (the tensor itself for real input)."""

    grad_fn = "RealBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x):
        ctx.dtype = x.dtype
        return x.real

    @staticmethod
    def backward(ctx, grad):
        return grad.to(D._FROM_NP[ctx.dtype])


class Imag(Op):
    grad_fn = "ImagBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.imag

    @staticmethod
    def backward(ctx, grad):
        return grad.to(D.complex64 if grad.dtype is D.float32 else D.complex128) * 1j


def real(input: Tensor) -> Tensor:
    """The real part of a complex tensor (a view); real tensors are returned as they are."""
    return Real.apply(input) if input.dtype.is_complex else input


def imag(input: Tensor) -> Tensor:
    """The imaginary part of a complex tensor (a view)."""
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return Imag.apply(input)


def angle(input: Tensor) -> Tensor:
    """The argument of each element (0 or pi for real input)."""
    x = input._data
    r = np.angle(x)
    dt = input.dtype if input.dtype._cat == 2 else D.get_default_dtype() if input.dtype._cat < 2 else \
        (D.float32 if input.dtype is D.complex64 else D.float64)
    return Tensor._from(np.asarray(r, dtype=dt.np), dt)


__all__ += ["real", "imag", "angle"]
Tensor.real = property(real)
Tensor.imag = property(imag)


_METHODS = {
    "angle": angle,
    "diagonal": diagonal, "diag_embed": diag_embed, "diag": diag, "diagflat": diagflat, "trace": trace,
    "tril": tril, "triu": triu, "roll": roll, "rot90": rot90, "repeat_interleave": repeat_interleave,
    "kron": kron, "cross": cross, "index_copy": index_copy, "index_fill": index_fill, "index_reduce": index_reduce,
    "masked_scatter": masked_scatter, "scatter_reduce": scatter_reduce, "dist": dist, "cov": cov,
    "corrcoef": corrcoef, "deg2rad": deg2rad, "rad2deg": rad2deg, "diff": diff, "addmv": addmv, "addr": addr,
    "baddbmm": baddbmm, "addbmm": addbmm, "logaddexp2": logaddexp2, "copysign": copysign, "heaviside": heaviside,
    "signbit": signbit, "sinc": sinc, "gcd": gcd, "lcm": lcm, "positive": positive, "renorm": renorm,
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse, "svd": svd, "pinverse": pinverse,
    "cholesky": cholesky, "qr": qr, "matrix_power": matrix_power, "matrix_exp": matrix_exp,
    "cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse,
    "vdot": lambda self, other: __import__("ember").vdot(self, other),
    "tril_": lambda self, diagonal=0: inplace(self, tril, diagonal),
    "triu_": lambda self, diagonal=0: inplace(self, triu, diagonal),
    "index_copy_": lambda self, dim, index, source: inplace(self, index_copy, dim, index, source),
    "index_fill_": lambda self, dim, index, value: inplace(self, index_fill, dim, index, value),
    "masked_scatter_": lambda self, mask, source: inplace(self, masked_scatter, mask, source),
    "scatter_reduce_": lambda self, dim, index, src, reduce, *, include_self=True: inplace(
        self, scatter_reduce, dim, index, src, reduce, include_self=include_self),
    "deg2rad_": lambda self: inplace(self, deg2rad), "rad2deg_": lambda self: inplace(self, rad2deg),
    "renorm_": lambda self, p, dim, maxnorm: inplace(self, renorm, p, dim, maxnorm),
    "addmv_": lambda self, mat, vec, *, beta=1, alpha=1: inplace(self, addmv, mat, vec, beta=beta, alpha=alpha),
    "addr_": lambda self, v1, v2, *, beta=1, alpha=1: inplace(self, addr, v1, v2, beta=beta, alpha=alpha),
    "baddbmm_": lambda self, b1, b2, *, beta=1, alpha=1: inplace(self, baddbmm, b1, b2, beta=beta, alpha=alpha),
    "copysign_": lambda self, other: inplace(self, copysign, other),
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f

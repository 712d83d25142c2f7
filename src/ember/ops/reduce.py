"""Reductions: sum mean prod max min amax amin argmax argmin std var logsumexp cumsum cumprod all any norm."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim, wrap_dims
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..backend import array_module
from . import _return_types as RT


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _unreduce(grad, shape, dims, keepdim):
    """Give ``grad`` back the reduced axes as size 1 (when keepdim was False), ready to broadcast."""
    if not keepdim and dims:
        grad = grad.reshape(_kept_shape(shape, dims))
    return grad


_ALL_AXES = tuple(tuple(range(n)) for n in range(65))  # axis=all of an n-d array, built once


def _sum_dtype(input: Tensor, dtype):
    if dtype is not None:
        return dtype
    return D.int64 if input.dtype._cat <= 1 else input.dtype  # torch: bool and int sums are int64


def _np_sum(x, dims, keepdim, dtype):
    # ndarray.sum's own steps (np.add.reduce) called from here, so that NumPy's nan/inf RuntimeWarnings are
    # attributed to ember.ops and filtered (torch is silent), without np.errstate's cost
    if type(x) is np.ndarray:
        return np.add.reduce(x, axis=dims, dtype=dtype, keepdims=keepdim)
    return x.sum(axis=dims, keepdims=keepdim, dtype=dtype)


class Sum(Op):
    """Sum over ``dims`` (all when every axis is listed)."""

    grad_fn = "SumBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.dims, ctx.keepdim = dims, keepdim
        return _np_sum(x, dims, keepdim, dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return _Expand.apply(_unreduce(grad, x.shape, ctx.dims, ctx.keepdim), shape=tuple(x.shape))


class SumAll(Sum):
    grad_fn = "SumBackward0"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        # a 0-d grad broadcasts to any shape as it is: the Expand op itself, without expand()'s argument checks
        return _Expand.apply(grad, shape=tuple(x.shape))


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Sum the elements of ``input``, over ``dim`` when given; bool and int inputs give int64."""
    if (dim is None and not input._requires_grad and not keepdim and dtype is None and out is None
            and axis is None and keepdims is None):
        # no-grad fast path for x.sum(): SumAll.forward's call, without Op.apply's bookkeeping
        dt = input.dtype
        if dt._cat <= 1:
            dt = D.int64
        x = input._data
        return _wrap(_np_sum(x, _ALL_AXES[x.ndim], False, dt.np))
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = _sum_dtype(input, dtype)
    if dim is None and not keepdim:
        dims, op = _ALL_AXES[input.ndim], SumAll
    else:  # torch: an empty dim list, like None, reduces everything (but records SumBackward1)
        all_dims = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
        dims = tuple(range(input.ndim)) if all_dims else wrap_dims(dim, input.ndim)
        op = Sum
    if input._requires_grad:
        r = op.apply(input, dims=dims, keepdim=keepdim, dtype=dt.np)
    else:  # nothing to record: the forward's one call
        r = _wrap(_np_sum(input._data, dims, keepdim, dt.np))
    return _maybe_out(r, out)


def _np_mean(xp, x, dims, keepdim, dtype):
    with np.errstate(invalid="ignore", divide="ignore"):
        if x.size == 0:  # torch: nan, silently (NumPy's mean warns "Mean of empty slice")
            return xp.true_divide(xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype), 0)
        return xp.mean(x, axis=dims, keepdims=keepdim, dtype=dtype)


class Mean(Op):
    grad_fn = "MeanBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.count = 1
        for d in dims:
            ctx.count *= x.shape[d]
        return _np_mean(array_module(x), x, dims, keepdim, dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return _Expand.apply(_unreduce(grad, x.shape, ctx.dims, ctx.keepdim), shape=tuple(x.shape)) / ctx.count


class MeanAll(Mean):
    grad_fn = "MeanBackward0"


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Average over ``dim`` (all elements by default); integer inputs are an error, as in torch."""
    if (dim is None and not input._requires_grad and not keepdim and dtype is None and out is None
            and axis is None and keepdims is None and input.dtype._cat >= 2):
        # no-grad fast path for x.mean(): MeanAll.forward's call, without Op.apply's bookkeeping
        x = input._data
        return _wrap(_np_mean(array_module(x), x, _ALL_AXES[x.ndim], False, input.dtype.np))
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    dt = dtype or input.dtype
    if dt._cat < 2:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {D.dtype_name_cap(dt)}"
        )
    if dim is None and not keepdim:
        dims, op = _ALL_AXES[input.ndim], MeanAll
    else:
        all_dims = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
        dims = tuple(range(input.ndim)) if all_dims else wrap_dims(dim, input.ndim)
        op = Mean
    if input._requires_grad:
        r = op.apply(input, dims=dims, keepdim=keepdim, dtype=dt.np)
    else:  # nothing to record: the forward's one call
        x = input._data
        r = _wrap(_np_mean(array_module(x), x, dims, keepdim, dt.np))
    if r.dtype is not dt:
        r = r.to(dt)
    return _maybe_out(r, out)


class Prod(Op):
    grad_fn = "ProdBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim, dtype):
        ctx.dim, ctx.keepdim = dim, keepdim
        return array_module(x).prod(x, axis=dim, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        dims = (ctx.dim,) if ctx.dim is not None else tuple(range(x.ndim))
        g = _unreduce(grad, x.shape, dims, ctx.keepdim)
        if ctx.dim is None:
            flat = x.reshape(-1)
            return (g.reshape(()) * _prod_others(flat, 0)).reshape(x.shape)
        return g * _prod_others(x, ctx.dim)


def _prod_others(x, dim):
    """Product of all other elements along ``dim`` (exact also where x has zeros)."""
    ones = x.narrow(dim, 0, 1) * 0 + 1
    n = x.shape[dim]
    left = cat([ones, x.narrow(dim, 0, n - 1).cumprod(dim)], dim) if n > 1 else ones
    right = cat([x.flip(dim).narrow(dim, 0, n - 1).cumprod(dim).flip(dim), ones], dim) if n > 1 else ones
    return left * right


class ProdAll(Prod):
    grad_fn = "ProdBackward0"


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = _sum_dtype(input, dtype)
    if dim is None:
        return ProdAll.apply(input, dim=None, keepdim=False, dtype=dt.np)
    return _maybe_out(Prod.apply(input, dim=wrap_dim(dim, input.ndim), keepdim=keepdim, dtype=dt.np), out)


# ------------------------------------------------------------------------------------------- max / min
class Amax(Op):
    """Max (or min) over ``dims``; the gradient is split evenly between tied maxima, as in torch."""

    grad_fn = "AmaxBackward0"
    saves_output = True
    _fn = "max"

    @classmethod
    def forward(cls, ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        if x.size == 0 and builtins.any(x.shape[d] == 0 for d in dims):
            raise IndexError(f"{cls._fn}(): Expected reduction dim {dims[0]} to have non-zero size.")
        return getattr(array_module(x), cls._fn)(x, axis=dims, keepdims=True) if keepdim else \
            getattr(array_module(x), cls._fn)(x, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        y = _unreduce(ctx.output, x.shape, ctx.dims, ctx.keepdim)
        g = _unreduce(grad, x.shape, ctx.dims, ctx.keepdim)
        mask = (x == y).to(grad.dtype)
        return mask * (g / mask.sum(dim=ctx.dims, keepdim=True))


class Amin(Amax):
    grad_fn = "AminBackward0"
    _fn = "min"


class MaxAll(Amax):
    """max() of all elements; the gradient is split evenly between the elements equal to it (nan included)."""

    grad_fn = "MaxBackward1"

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        y = ctx.output
        mask = ((x == y) | (x.isnan() & y.isnan())).to(grad.dtype)
        return mask * (grad / mask.sum())


class MinAll(Amin):
    grad_fn = "MinBackward1"
    backward = MaxAll.backward


def amax(input, dim=(), keepdim=False, *, out=None):
    dims = wrap_dims(dim, input.ndim) if dim != () else tuple(range(input.ndim))
    return _maybe_out(Amax.apply(input, dims=dims, keepdim=keepdim), out)


def amin(input, dim=(), keepdim=False, *, out=None):
    dims = wrap_dims(dim, input.ndim) if dim != () else tuple(range(input.ndim))
    return _maybe_out(Amin.apply(input, dims=dims, keepdim=keepdim), out)


class MaxDim(Op):
    """Values and indices of the max (or min) along one dim; the gradient goes to the chosen index."""

    grad_fn = "MaxBackward0"
    n_outputs = 2
    _arg = "argmax"

    @classmethod
    def forward(cls, ctx, x, dim, keepdim):
        xp = array_module(x)
        if x.ndim and x.shape[dim] == 0:
            raise IndexError(
                f"{cls._arg[3:]}(): Expected reduction dim {dim} to have non-zero size."
            )
        if x.ndim == 0:
            idx = xp.zeros((), dtype=np.int64)
            ctx.dim, ctx.keepdim = dim, keepdim
            return x.copy(), idx
        idx = _arg_first(xp, x, dim, cls._arg)
        vals = xp.take_along_axis(x, xp.expand_dims(idx, dim), axis=dim)
        if not keepdim:
            vals = vals.squeeze(dim)
        else:
            idx = xp.expand_dims(idx, dim)
        ctx.dim, ctx.keepdim = dim, keepdim
        ctx.idx = idx
        return vals, idx

    @staticmethod
    def backward(ctx, grad, grad_idx):
        (x,) = ctx.inputs
        if x.ndim == 0:
            return grad
        idx = Tensor._from(ctx.idx)
        if not ctx.keepdim:
            idx = idx.unsqueeze(ctx.dim)
            grad = grad.unsqueeze(ctx.dim)
        return x.new_zeros(x.shape).scatter(ctx.dim, idx, grad)


class MinDim(MaxDim):
    grad_fn = "MinBackward0"
    _arg = "argmin"


def _arg_first(xp, x, dim, which):
    # torch: nan counts as the max (and the min); ties give the first index
    if x.dtype.kind in "fc":
        nan = xp.isnan(x)
        if nan.any():
            with np.errstate(invalid="ignore"):
                return xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim), getattr(xp, which)(x, axis=dim))
    return getattr(xp, which)(x, axis=dim)


max_return_types = RT.get("max", RT._VI)
min_return_types = RT.get("min", RT._VI)


def _minmax(input, dim, keepdim, other, out, all_cls, dim_cls, rt, pair):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return pair(input, other)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{all_cls._fn}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                "reduction dim with the 'dim' argument."
            )
        return all_cls.apply(input, dims=tuple(range(input.ndim)), keepdim=False)
    values, indices = dim_cls.apply(input, dim=wrap_dim(dim, input.ndim), keepdim=keepdim)
    return _maybe_out(rt(values, indices), out)


def max(input, dim=None, keepdim=False, *, out=None, other=None):
    """Max of all elements; or (values, indices) along ``dim``; or the element-wise maximum with a tensor."""
    from .pointwise import maximum

    return _minmax(input, dim, keepdim, other, out, MaxAll, MaxDim, max_return_types, maximum)


def min(input, dim=None, keepdim=False, *, out=None, other=None):
    from .pointwise import minimum

    return _minmax(input, dim, keepdim, other, out, MinAll, MinDim, min_return_types, minimum)


def _arg_reduce(input, dim, keepdim, which: str) -> Tensor:
    """argmax / argmin: int64 indices, of the flattened tensor when ``dim`` is None; ties give the first."""
    if input.dtype is D.bool:
        raise RuntimeError(f"{which}(): does not support bool input")
    x = input._data
    xp = array_module(x)
    if dim is None:
        if x.size == 0:
            raise RuntimeError(f"{which}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = _arg_first(xp, x.reshape(-1), 0, which)
        return Tensor._from(xp.asarray(r, dtype=np.int64).reshape((1,) * x.ndim if keepdim else ()))
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return Tensor._from(xp.zeros((), dtype=np.int64))
    r = _arg_first(xp, x, d, which)
    if keepdim:
        r = xp.expand_dims(r, d)
    return Tensor._from(xp.asarray(r, dtype=np.int64))


def argmax(input, dim=None, keepdim=False, *, axis=None):
    """Index of the maximum (of the flattened tensor when ``dim`` is None); ties give the first."""
    return _arg_reduce(input, axis if axis is not None else dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False, *, axis=None):
    """Index of the minimum (of the flattened tensor when ``dim`` is None); ties give the first."""
    return _arg_reduce(input, axis if axis is not None else dim, keepdim, "argmin")


# ------------------------------------------------------------------------------------------- var / std
class Var(Op):
    grad_fn = "VarBackward0"

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.dims, ctx.correction, ctx.keepdim = dims, correction, keepdim
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.n = n
        xp = array_module(x)
        with np.errstate(invalid="ignore", divide="ignore"):
            if n - correction > 0:
                return xp.var(x, axis=dims, ddof=correction, keepdims=keepdim)
            # torch: divides by max(0, n - correction), so a positive sum of squares gives inf, zero gives nan
            ss = xp.sum(xp.abs(x - xp.mean(x, axis=dims, keepdims=True)) ** 2, axis=dims, keepdims=keepdim)
            return (ss / x.dtype.type(0)).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = _unreduce(grad, x.shape, ctx.dims, ctx.keepdim)
        mu = x.mean(dim=ctx.dims, keepdim=True)
        return g * 2 * (x - mu) / builtins.max(ctx.n - ctx.correction, 0)


def _out_shape(shape, dims, keepdim):
    return tuple(1 if i in dims else s for i, s in enumerate(shape) if keepdim or i not in dims)


def _var_args(input, dim, unbiased, keepdim, correction, name="var"):
    if isinstance(dim, bool) and unbiased is None:  # var(x, False): the old "unbiased" positional
        unbiased, dim = dim, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input.dtype._cat < 2:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = wrap_dims(dim, input.ndim)
    n = 1
    for d in dims:
        n *= input.shape[d]
    if n - correction <= 0:
        import warnings

        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, correction, keepdim


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's correction by default (``correction=1``)."""
    dims, corr, keepdim = _var_args(input, dim, unbiased, keepdim, correction, "var")
    return _maybe_out(Var.apply(input, dims=dims, correction=corr, keepdim=keepdim), out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim`` with Bessel's correction by default."""
    dims, corr, keepdim = _var_args(input, dim, unbiased, keepdim, correction, "std")
    return _maybe_out(Std.apply(input, dims=dims, correction=corr, keepdim=keepdim), out)


class Std(Var):
    grad_fn = "StdBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        with np.errstate(invalid="ignore"):
            return array_module(x).sqrt(Var.forward(ctx, x, dims, correction, keepdim))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = _unreduce(grad / (2 * ctx.output), x.shape, ctx.dims, ctx.keepdim)
        mu = x.mean(dim=ctx.dims, keepdim=True)
        return g * 2 * (x - mu) / builtins.max(ctx.n - ctx.correction, 0)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) over ``dim``."""
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


# ------------------------------------------------------------------------------------------- logsumexp, cumulative
def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(x))) over ``dim``, computed stably."""
    if input.dtype._cat < 2:
        input = input.to(D._default[0])
    dims = wrap_dims(dim, input.ndim)
    if input._data.size == 0:
        return sum(input.exp(), dims, keepdim).log()
    m = amax(input, dims, keepdim=True).detach()
    m = m.masked_fill(~m.isfinite(), 0.0)
    r = (input - m).exp().sum(dims, keepdim=True).log() + m
    return r if keepdim else r.squeeze(dims) if dims else r


class Cumsum(Op):
    grad_fn = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if not x.ndim:
            return x.astype(dtype, copy=True)
        if np.dtype(dtype) == np.float16:  # torch: half sums accumulate in float
            return array_module(x).cumsum(x, axis=dim, dtype=np.float32).astype(np.float16)
        return array_module(x).cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return grad
        return grad.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim)


def cumsum(input, dim=None, *, dtype=None, out=None, axis=None):
    """Cumulative sum along ``dim`` (or ``axis``); bool and int inputs give int64."""
    if axis is not None:
        dim = axis
    if dim is None:
        raise TypeError("cumsum() missing 1 required positional arguments: \"dim\"")
    dt = _sum_dtype(input, dtype)
    return _maybe_out(Cumsum.apply(input, dim=wrap_dim(dim, input.ndim), dtype=dt.np), out)


class Cumprod(Op):
    grad_fn = "CumprodBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        return array_module(x).cumprod(x, axis=dim, dtype=dtype) if x.ndim else x.astype(dtype, copy=True)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        if x.ndim == 0:
            return grad
        d = ctx.dim
        # sum_{j>=i} grad_j * prod_{k<=j, k!=i} x_k, exact at zeros via an O(n^2) fallback only when needed
        y = ctx.output
        if not (x == 0).any().item():
            return (grad * y).flip(d).cumsum(d).flip(d) / x
        n = x.shape[d]
        parts = []
        for i in range(n):
            xi = x.narrow(d, i, 1)
            rep = x.narrow(d, 0, i).prod(d, keepdim=True) if i else xi * 0 + 1
            acc = grad.narrow(d, i, 1) * rep
            run = rep
            for j in range(i + 1, n):
                run = run * x.narrow(d, j, 1)
                acc = acc + grad.narrow(d, j, 1) * run
            parts.append(acc)
        return cat(parts, d)


def cumprod(input, dim=None, *, dtype=None, out=None, axis=None):
    """Cumulative product along ``dim`` (or ``axis``); bool and int inputs give int64."""
    if axis is not None:
        dim = axis
    if dim is None:
        raise TypeError("cumprod() missing 1 required positional arguments: \"dim\"")
    dt = _sum_dtype(input, dtype)
    return _maybe_out(Cumprod.apply(input, dim=wrap_dim(dim, input.ndim), dtype=dt.np), out)


# ------------------------------------------------------------------------------------------- all / any / counts
def all(input, dim=None, keepdim=False, *, out=None):
    x = input._data
    r = array_module(x).all(x, axis=wrap_dims(dim, x.ndim) if dim is not None else None, keepdims=keepdim)
    res = Tensor._from(array_module(x).asarray(r))
    return res if input.dtype is not D.uint8 else res.to(D.uint8)


def any(input, dim=None, keepdim=False, *, out=None):
    x = input._data
    r = array_module(x).any(x, axis=wrap_dims(dim, x.ndim) if dim is not None else None, keepdims=keepdim)
    res = Tensor._from(array_module(x).asarray(r))
    return res if input.dtype is not D.uint8 else res.to(D.uint8)


def count_nonzero(input, dim=None):
    x = input._data
    r = array_module(x).count_nonzero(x, axis=wrap_dims(dim, x.ndim) if dim is not None else None)
    return Tensor._from(array_module(x).asarray(r, dtype=np.int64))


# ------------------------------------------------------------------------------------------- nan-aware, aminmax
class Nansum(Op):
    grad_fn = "NansumBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.dims, ctx.keepdim = dims, keepdim
        return array_module(x).nansum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        g = _unreduce(grad, x.shape, ctx.dims, ctx.keepdim).expand(x.shape)
        return g * (~x.isnan()).to(g.dtype)  # torch: a product, so an inf grad gives nan at nan inputs


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating nan as zero."""
    dt = _sum_dtype(input, dtype)
    dims = tuple(range(input.ndim)) if dim is None or dim == () or dim == [] else wrap_dims(dim, input.ndim)
    return _maybe_out(Nansum.apply(input, dims=dims, keepdim=keepdim, dtype=dt.np), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-nan elements."""
    if (dtype or input.dtype)._cat < 2:
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{D.dtype_name_cap(input.dtype)}"
        )
    n = (~input.isnan()).sum(dim, keepdim)
    return _maybe_out(nansum(input, dim, keepdim, dtype=dtype) / n, out)


class Aminmax(Op):
    grad_fn = "AminmaxBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        xp = array_module(x)
        return xp.min(x, axis=dims, keepdims=keepdim), xp.max(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad_min, grad_max):
        (x,) = ctx.inputs
        out = None
        for g, fn in ((grad_min, amin), (grad_max, amax)):
            if g is None:
                continue
            y = _unreduce(fn(x.detach(), ctx.dims, ctx.keepdim), x.shape, ctx.dims, ctx.keepdim)
            mask = (x == y).to(g.dtype)
            part = mask * (_unreduce(g, x.shape, ctx.dims, ctx.keepdim) / mask.sum(dim=ctx.dims, keepdim=True))
            out = part if out is None else out + part
        return out


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(min, max) in one call, as ``torch.return_types.aminmax``."""
    if input._data.size == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    dims = tuple(range(input.ndim)) if dim is None else wrap_dims(dim, input.ndim)
    mn, mx = Aminmax.apply(input, dims=dims, keepdim=keepdim)
    return _maybe_out(RT.get("aminmax", ("min", "max"))(mn, mx), out)


# ------------------------------------------------------------------------------------------- median / mode
class MedianAll(Op):
    """The lower median of all elements; the gradient is split evenly between elements equal to it (torch)."""

    grad_fn = "MedianBackward0"
    saves_output = True
    _nan = False

    @classmethod
    def forward(cls, ctx, x, dims, keepdim):
        xp = array_module(x)
        flat = x.reshape(-1)
        if cls._nan:
            flat = flat[~xp.isnan(flat)] if flat.dtype.kind in "fc" else flat
        elif flat.dtype.kind in "fc" and xp.isnan(flat).any():
            return xp.asarray(np.nan, dtype=x.dtype)
        if flat.size == 0:
            return xp.asarray(np.nan, dtype=x.dtype) if x.dtype.kind in "fc" else xp.zeros((), x.dtype)
        return xp.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2].reshape(())

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        y = ctx.output
        mask = (x == y) | (x.isnan() & y.isnan())
        mask = mask.to(grad.dtype)
        return mask * (grad / mask.sum())


class NanmedianAll(MedianAll):
    grad_fn = "NanmedianBackward0"
    _nan = True


def _median_dim(input, dim, keepdim, ignore_nan, name):
    from .sort import MedianBackward1, NanmedianBackward1, _stable_argsort, picked

    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = array_module(x)
    cls = NanmedianBackward1 if ignore_nan else MedianBackward1
    if x.ndim == 0:
        return picked(cls, input, xp.zeros((), dtype=np.int64), d, False, name)
    n = x.shape[d]
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    order = _stable_argsort(xp, x, d, False)  # nan last
    if x.dtype.kind in "fc":
        nan = xp.isnan(x)
        if ignore_nan:
            m = n - nan.sum(axis=d, keepdims=True)
            pos = xp.where(m > 0, (m - 1) // 2, 0)
            idx = xp.take_along_axis(order, pos, axis=d)
        else:
            idx = xp.take(order, [(n - 1) // 2], axis=d)
            first_nan = xp.expand_dims(xp.argmax(nan, axis=d), d)
            idx = xp.where(xp.expand_dims(nan.any(axis=d), d), first_nan, idx)
    else:
        idx = xp.take(order, [(n - 1) // 2], axis=d)
    return picked(cls, input, idx.astype(np.int64, copy=False), d, not keepdim, name)


def _no_bool(input, kernel):
    if input.dtype is D.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median: of all elements (a 0-d tensor), or (values, indices) along ``dim``; nan propagates.

    >>> ember.median(ember.tensor([[2.0, 4.0, 4.0, 1.0]]), dim=1)
    torch.return_types.median(
    values=tensor([2.]),
    indices=tensor([0]))
    """
    _no_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return MedianAll.apply(input, dims=None, keepdim=False)
    return _maybe_out(_median_dim(input, dim, keepdim, False, "median"), out)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median() ignoring nan values."""
    _no_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return NanmedianAll.apply(input, dims=None, keepdim=False)
    return _maybe_out(_median_dim(input, dim, keepdim, True, "nanmedian"), out)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest on a tie) and the index torch reports for it."""
    from .sort import ModeBackward0, picked

    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = array_module(x)
    if x.ndim == 0:
        return picked(ModeBackward0, input, xp.zeros((), dtype=np.int64), d, False, "mode")
    n = x.shape[d]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    from ._introsort import mode_index

    rows = np.asarray(xp.moveaxis(x, d, -1).reshape(-1, n))
    pos = np.empty(rows.shape[0], dtype=np.int64)
    nan_rows = np.isnan(rows).any(axis=1) if rows.dtype.kind in "fc" else np.zeros(rows.shape[0], bool)
    for r in range(rows.shape[0]):  # mode is rare: one np.unique per slice keeps it simple
        row = rows[r]
        vals, inv, counts = np.unique(row, return_inverse=True, return_counts=True)
        best = int(np.argmax(counts))  # first max count = the smallest value among the most frequent
        if (n > 16 and counts[best] > 1) or nan_rows[r]:
            # torch: the index is the last of the run in std::sort's order, which is its own past 16 elements
            pos[r] = mode_index(row.astype(np.float64).tolist())
        else:
            pos[r] = n - 1 - int(np.argmax((inv == best)[::-1]))
    idx = xp.moveaxis(xp.asarray(pos).reshape(x.shape[:d] + x.shape[d + 1:] + (1,)), -1, d)
    return _maybe_out(picked(ModeBackward0, input, idx, d, not keepdim, "mode"), out)


# ------------------------------------------------------------------------------------------- cummax / cummin
def _cumext(input, dim, which):
    from .sort import CummaxBackward0, CumminBackward0, picked

    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = array_module(x)
    cls = CummaxBackward0 if which == "cummax" else CumminBackward0
    if x.ndim == 0:
        return picked(cls, input, xp.zeros((), dtype=np.int64), d, False, which)
    uf = xp.maximum if which == "cummax" else xp.minimum
    y = uf.accumulate(x, axis=d) if x.size else x.copy()
    match = x == y  # torch: a tie takes the later index; a nan becomes (and stays) the running value
    if x.dtype.kind in "fc":
        match |= xp.isnan(x)
    shape = [1] * x.ndim
    shape[d] = x.shape[d]
    pos = xp.where(match, xp.arange(x.shape[d]).reshape(shape), 0)
    idx = xp.maximum.accumulate(pos, axis=d) if x.size else pos
    return picked(cls, input, idx.astype(np.int64), d, False, which)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where it was reached."""
    return _maybe_out(_cumext(input, dim, "cummax"), out)


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where it was reached."""
    return _maybe_out(_cumext(input, dim, "cummin"), out)


def logcumsumexp(input, dim):
    """log(cumsum(exp(x))) along ``dim``, computed stably."""
    if input.dtype._cat < 2:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{D.dtype_name_cap(input.dtype)}\'')
    d = wrap_dim(dim, input.ndim)
    m = input.detach().amax(d, keepdim=True) if input.numel() else input.detach()
    m = m.masked_fill(~m.isfinite(), 0.0)
    return (input - m).exp().cumsum(d).log() + m


# ------------------------------------------------------------------------------------------- quantile
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles (``q`` a float or a 1-d tensor) over ``dim`` (all elements when None)."""
    return _maybe_out(_quantile(input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile() ignoring nan values."""
    return _maybe_out(_quantile(input, q, dim, keepdim, interpolation, True), out)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    from .sort import sort as _sort

    if input.dtype._cat < 2:
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qs = np.atleast_1d(np.asarray(q._data if not scalar_q else q, dtype=np.float64))
    if qs.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    x = input
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = wrap_dim(dim, input.ndim)
        if x.ndim == 0:
            x, d = x.reshape(1), 0
    v = _sort(x, d).values
    n = v.shape[d]
    if ignore_nan:
        cnt = (~x.isnan()).sum(d, keepdim=True).to(D.float64)
    else:
        cnt = Tensor._from(np.full(_kept_shape(x.shape, (d,)), float(n)))
    outs = []
    for qq in qs:
        rank = (cnt - 1).clamp(min=0) * float(qq)
        lo = rank.floor()
        hi = rank.ceil()
        if interpolation == "lower":
            pos_lo = pos_hi = lo
        elif interpolation == "higher":
            pos_lo = pos_hi = hi
        elif interpolation == "nearest":
            pos_lo = pos_hi = rank.round()
        else:
            pos_lo, pos_hi = lo, hi
        vlo = v.gather(d, pos_lo.long())
        vhi = v.gather(d, pos_hi.long())
        if interpolation == "midpoint":
            r = vlo + (vhi - vlo) * 0.5
        elif interpolation == "linear":
            r = vlo + (vhi - vlo) * (rank - lo).to(v.dtype)
        else:
            r = vlo
        if not ignore_nan:
            r = r.masked_fill(x.isnan().any(d, keepdim=True), float("nan"))
        else:
            r = r.masked_fill(cnt == 0, float("nan"))
        if dim is not None and keepdim:
            pass
        elif dim is not None:
            r = r.squeeze(d) if input.ndim else r.reshape(())
        else:
            r = r.reshape((1,) * input.ndim) if keepdim else r.reshape(())
        outs.append(r)
    return outs[0] if scalar_q or (isinstance(q, Tensor) and q.ndim == 0) else _stack(outs)


def _stack(ts):
    from .shape import stack

    return stack(ts, 0)


# ------------------------------------------------------------------------------------------- norm
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: a vector p-norm (over ``dim`` or all elements), the Frobenius or the nuclear matrix norm."""
    from .. import linalg

    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) == 1 or len(dim) == 2):
            dims = dim if dim is not None else None
            return linalg.vector_norm(input, 2, dims, keepdim, dtype=dtype)
        if p == "nuc":
            if dim is None and input.ndim != 2:
                raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                                   + " ".join(str(i) for i in range(input.ndim)))
            return linalg.matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
        raise RuntimeError(f"norm(): unknown p {p}")
    if p is None:
        p = 2
    return linalg.vector_norm(input, p, dim, keepdim, dtype=dtype)


def _maybe_out(r, out):
    if out is None:
        return r
    from .sort import write_out

    return write_out(r, out)


from .shape import Expand as _Expand  # noqa: E402
from .shape import cat  # noqa: E402  (shape imports nothing from here)

_METHODS = {
    "sum": sum, "mean": mean, "prod": prod, "amax": amax, "amin": amin, "max": max, "min": min,
    "argmax": argmax, "argmin": argmin, "var": var, "std": std, "logsumexp": logsumexp, "cumsum": cumsum,
    "cumprod": cumprod, "all": all, "any": any, "count_nonzero": count_nonzero,
    "cumsum_": lambda self, dim=None, *, dtype=None, axis=None: self.copy_(cumsum(self, dim, dtype=dtype, axis=axis)),
    "nansum": nansum, "nanmean": nanmean, "aminmax": aminmax, "median": median, "nanmedian": nanmedian,
    "mode": mode, "cummax": cummax, "cummin": cummin, "logcumsumexp": logcumsumexp, "quantile": quantile,
    "nanquantile": nanquantile, "norm": norm,
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f

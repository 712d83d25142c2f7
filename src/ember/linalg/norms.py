"""Vector and matrix norms: vector_norm, matrix_norm, norm (torch.linalg)."""

from __future__ import annotations

import builtins
import math

import numpy as np

from .._dims import wrap_dim, wrap_dims
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import array_module
from ._common import check_float


class LinalgVectorNorm(Op):
    """The p-norm of |x| over ``dims``; backward as torch's (zero where the norm is zero, ties share inf-norms)."""

    grad_fn = "LinalgVectorNormBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        xp = array_module(x)
        kw = {"axis": dims, "keepdims": keepdim}
        if ord == 2 and x.dtype.kind == "f":  # no abs needed; a full reduction is one BLAS dot (benchmark: norm)
            if len(dims) == x.ndim and not keepdim:
                flat = x.reshape(-1)
                return xp.sqrt(xp.dot(flat, flat)).astype(x.dtype).reshape(())
            return xp.sqrt(xp.sum(x * x, **kw)).astype(x.dtype, copy=False)
        a = xp.abs(x)
        if ord == 2:
            r = xp.sqrt(xp.sum(a * a, **kw))
        elif ord == math.inf:
            r = xp.max(a, **kw) if a.size else xp.zeros(_red_shape(a.shape, dims, keepdim), a.dtype)
        elif ord == -math.inf:
            r = xp.min(a, **kw)
        elif ord == 0:
            r = xp.sum(a != 0, **kw).astype(a.dtype)
        elif ord == 1:
            r = xp.sum(a, **kw)
        else:
            with np.errstate(divide="ignore", over="ignore"):
                r = xp.sum(a ** ord, **kw) ** (1.0 / ord)
        return r.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return norm_backward(x, ctx.ord, ctx.output, grad, ctx.dims, ctx.keepdim)


def norm_backward(x, p, y, grad, dims, keepdim):
    """The gradient of ``y = ||x||_p`` over ``dims``, as torch computes it (0 where the norm is 0)."""
    if not keepdim and dims:
        shape = tuple(1 if i in dims else s for i, s in enumerate(x.shape))
        y, grad = y.reshape(shape), grad.reshape(shape)
    if p == 0:
        return x * 0
    sgn = x.sgn()
    if p == 1:
        return sgn * grad
    if p == 2:
        return x * (grad / y).masked_fill(y == 0, 0.0)
    if p in (math.inf, -math.inf):
        mask = (x.abs() == y).to(grad.dtype)
        return sgn * mask * (grad / mask.sum(dims, keepdim=True))
    a = x.abs()
    scale = (grad / y ** (p - 1)).masked_fill(y == 0, 0.0)
    return sgn * a ** (p - 1) * scale


def _red_shape(shape, dims, keepdim):
    return tuple(1 if i in dims else s for i, s in enumerate(shape) if keepdim or i not in dims)


def vector_norm(x: Tensor, ord: float = 2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The ``ord``-norm of the elements over ``dim`` (all of them by default), as if flattened.

    >>> ember.linalg.vector_norm(ember.tensor([3.0, -4.0]))
    tensor(5.)
    """
    check_float("linalg.vector_norm", x)
    if dtype is not None:
        x = x.to(dtype)
    ord = float(ord)
    if math.isfinite(ord) and ord == int(ord):
        ord = int(ord)
    if x.ndim == 0:
        return LinalgVectorNorm.apply(x.reshape(1), ord=ord, dims=(0,), keepdim=False)
    dims = tuple(range(x.ndim)) if dim is None else wrap_dims(dim, x.ndim)
    if x.numel() == 0 and ord < 0 or (ord == -math.inf and builtins.any(x.shape[d] == 0 for d in dims)):
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the operation does not "
            "have an identity"
        )
    r = LinalgVectorNorm.apply(x, ord=ord, dims=dims, keepdim=keepdim)
    if x.dtype.is_complex:
        r = r.real if r.dtype.is_complex else r
    return r


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    check_float("linalg.matrix_norm", A)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = wrap_dim(dim[0], A.ndim), wrap_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        from .decompositions import svdvals

        perm = [i for i in range(A.ndim) if i not in (d0, d1)] + [d0, d1]
        s = svdvals(A.permute(perm))
        r = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            r = r.unsqueeze(builtins.min(d0, d1)).unsqueeze(builtins.max(d0, d1))
        return r
    if ord in (1, -1, math.inf, -math.inf):
        sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=True)
        r = s.amax(red_dim, keepdim=True) if ord > 0 else s.amin(red_dim, keepdim=True)
        return r if keepdim else r.squeeze((d0, d1))
    if isinstance(ord, (int, float)):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """torch.linalg.norm: a vector norm for 1-D input or an int ``dim``, a matrix norm for 2-D or a 2-tuple ``dim``."""
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2):
        if dim is None:
            if A.ndim != 2:
                raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                                   f"Got {A.ndim}D.")
            dim = (-2, -1)
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


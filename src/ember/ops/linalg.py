"""Matrix products: matmul mm bmm mv dot outer addmm (one GEMM each; backward is two more)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._errors import not_implemented_for
from .._tensor import Tensor, _wrap
from ..autograd.function import Op


def _n(t):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}.get(t.dtype.name, t.dtype.name)


class Mm(Op):
    """out = a @ b for 2-d a, b."""

    grad_fn = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (grad.mm(b.mT.conj()) if n[0] else None), (a.mT.conj().mm(grad) if n[1] else None)


class Bmm(Op):
    grad_fn = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return np.matmul(a, b) if type(a) is np.ndarray else a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (grad.bmm(b.mT.conj()) if n[0] else None), (a.mT.conj().bmm(grad) if n[1] else None)


class Mv(Op):
    grad_fn = "MvBackward0"

    @staticmethod
    def forward(ctx, a, v):
        return a @ v

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.inputs
        n = ctx.needs_input_grad
        return (grad.unsqueeze(1) * v.conj().unsqueeze(0) if n[0] else None), (a.mT.conj().mv(grad) if n[1] else None)


class Dot(Op):
    grad_fn = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return np.dot(a, b) if type(a) is np.ndarray else a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (grad * b.conj() if n[0] else None), (grad * a.conj() if n[1] else None)


class Matmul(Op):
    """Batched/broadcast matmul of tensors with >= 3 dims (or mixed ranks); backward sums broadcast batch dims."""

    grad_fn = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return np.matmul(a, b) if type(a) is np.ndarray else a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = gb = None
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        g = grad
        if a.ndim == 1:
            g = g.unsqueeze(-2)
        if b.ndim == 1:
            g = g.unsqueeze(-1)
        if n[0]:
            ga = g.matmul(b2.mT.conj())
            if a.ndim == 1:
                ga = ga.squeeze(-2)
        if n[1]:
            gb = a2.mT.conj().matmul(g)
            if b.ndim == 1:
                gb = gb.squeeze(-1)
        return ga, gb


class MatmulSqueeze(Matmul):  # torch's node for 1-d @ 2-d
    grad_fn = "SqueezeBackward4"


class MatmulClone(Matmul):  # torch's node for 2-d @ batched
    grad_fn = "CloneBackward0"


def _shape_err(a, b):
    sa = "x".join(map(str, a.shape))
    sb = "x".join(map(str, b.shape))
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")


def _dtype_err(a, b):
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_n(a)} != {_n(b)}")


def _check_float_or_int(a, b, kernel="addmm_impl_cpu_"):
    if a.dtype is not b.dtype:
        raise _dtype_err(a, b)
    if a.dtype is D.bool:
        raise not_implemented_for(kernel, D.bool)


def mm(input, mat2, *, out=None):
    """Matrix product of two 2-d tensors."""
    if out is None and type(input) is Tensor and type(mat2) is Tensor:  # speed: as matmul's 2-d fast path
        a, b = input._data, mat2._data
        if (a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] and input.dtype is mat2.dtype
                and input.dtype is not D.bool and not input._requires_grad and not mat2._requires_grad):
            return _wrap(a @ b)
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise _shape_err(input, mat2)
    _check_float_or_int(input, mat2)
    return _maybe_out(Mm.apply(input, mat2), out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-d tensors."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    a, b = input._data.shape, mat2._data.shape
    if a[0] != b[0] or a[2] != b[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a[0]}, {a[2]}] but got: "
            f"[{b[0]}, {b[1]}]."
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {D.dtype_name_cap(input.dtype)} but found "
                           f"{D.dtype_name_cap(mat2.dtype)}")
    _check_float_or_int(input, mat2, "bmm")
    return _maybe_out(Bmm.apply(input, mat2), out)


def mv(input, vec, *, out=None):
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input._data.shape[0]}), mat ({input._data.shape[0]}x{input._data.shape[1]}), "
            f"vec ({vec._data.shape[0]})"
        )
    if input.dtype is not vec.dtype:
        c = D.dtype_name_cap
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {c(vec.dtype)}, "
                           f"{c(input.dtype)}, and {c(vec.dtype)}")
    _check_float_or_int(input, vec, "addmv_impl_cpu")
    return _maybe_out(Mv.apply(input, vec), out)


def dot(input, other, *, out=None):
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    if input._data.shape[0] != other._data.shape[0]:
        raise RuntimeError(
            "inconsistent tensor size, expected tensor [" + str(input._data.shape[0]) + "] and src ["
            + str(other._data.shape[0]) + "] to have the same number of elements, but got "
            + str(input._data.shape[0]) + " and " + str(other._data.shape[0]) + " elements respectively"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {D.dtype_name_cap(input.dtype)} and "
            f"{D.dtype_name_cap(other.dtype)}"
        )
    if input.dtype is D.bool:
        raise not_implemented_for("dot", D.bool)
    return _maybe_out(Dot.apply(input, other), out)


inner = dot
def vdot(input, other, *, out=None):
    """The dot product with ``input`` conjugated (as NumPy's vdot)."""
    return dot(input.conj() if input.dtype.is_complex else input, other, out=out)


def matmul(input, other, *, out=None):
    """Matrix product with torch's rules for 1-d, 2-d and batched (broadcast) operands."""
    # speed: 2-d @ 2-d of one non-bool dtype with nothing to record is Mm.forward plus a wrap (bench_overhead
    # "2x3 @ 3x4"); anything else, errors included, takes the checked path below
    if out is None and type(input) is Tensor and type(other) is Tensor:
        a, b = input._data, other._data
        if (a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0] and input.dtype is other.dtype
                and input.dtype is not D.bool and not input._requires_grad and not other._requires_grad):
            return _wrap(a @ b)
    da, db = input.ndim, other.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da == 1 and db == 1:
        return dot(input, other, out=out)
    if da == 2 and db == 2:
        return mm(input, other, out=out)
    if da == 2 and db == 1:
        return mv(input, other, out=out)
    if da == 1 and db == 2:
        if input._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{input._data.shape[0]} and "
                f"{other._data.shape[0]}x{other._data.shape[1]})"
            )
        _check_float_or_int(input, other)
        return _maybe_out(MatmulSqueeze.apply(input, other), out)
    ka = input._data.shape[-1]
    kb = other._data.shape[-2] if db >= 2 else other._data.shape[0]
    if ka != kb:
        if da >= 3 and db >= 3:  # torch's batched path names batch2
            try:
                nb = int(np.prod(np.broadcast_shapes(input._data.shape[:-2], other._data.shape[:-2])))
            except ValueError:
                nb = int(np.prod(other._data.shape[:-2]))
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{nb}, {ka}] but got: "
                               f"[{nb}, {kb}].")
        if db >= 2 and da >= 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({int(np.prod(input._data.shape[:-1]))}x{ka} and {kb}x{other._data.shape[-1]})")
        raise _shape_err(input, other)
    try:
        np.broadcast_shapes(input._data.shape[:-2], other._data.shape[:-2] if db >= 2 else ())
    except ValueError:
        from .._errors import broadcast_mismatch

        raise broadcast_mismatch(input._data.shape[:-2], other._data.shape[:-2]) from None
    _check_float_or_int(input, other)  # torch: shapes are checked before dtypes
    return _maybe_out((MatmulClone if da == 2 else Matmul).apply(input, other), out)


def outer(input, vec2):
    """The outer product of two 1-d tensors."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


class Addmm(Op):
    """out = beta * c + alpha * (a @ b): the fused op behind nn.Linear."""

    grad_fn = "AddmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        r = a @ b
        if alpha != 1:
            r *= alpha
        if beta != 0:
            r += c if beta == 1 else beta * c
        return r

    @staticmethod
    def backward(ctx, grad):
        c, a, b = ctx.inputs
        n = ctx.needs_input_grad
        gc = (grad if ctx.beta == 1 else grad * ctx.beta) if n[0] else None
        ga = grad.mm(b.mT) if n[1] else None
        gb = a.mT.mm(grad) if n[2] else None
        if ctx.alpha != 1:
            ga = ga * ctx.alpha if ga is not None else None
            gb = gb * ctx.alpha if gb is not None else None
        return gc, ga, gb


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2), ``input`` broadcast to the product's shape."""
    if mat1.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got " + str(mat1.ndim) + "-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix, got " + str(mat2.ndim) + "-D tensor")
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise _shape_err(mat1, mat2)
    target = (mat1._data.shape[0], mat2._data.shape[1])
    if input._data.shape != target:
        input.expand(*target)  # torch's expand error when input does not broadcast to the product
    return _maybe_out(Addmm.apply(input, mat1, mat2, beta=beta, alpha=alpha), out)


def _maybe_out(r, out):
    if out is None:
        return r
    from .arith import _out

    return _out(r, out)


_METHODS = {"matmul": matmul, "mm": mm, "bmm": bmm, "mv": mv, "dot": dot, "inner": inner, "outer": outer,
            "ger": outer, "addmm": addmm, "__matmul__": matmul,
            "__rmatmul__": lambda self, other: matmul(other, self)}
for _k, _f in _METHODS.items():
    setattr(Tensor, _k, _f)
del _k, _f

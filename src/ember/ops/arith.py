"""Arithmetic: add sub mul div pow neg remainder floor_divide, their operators and in-place forms."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._errors import not_implemented_for
from .._tensor import Tensor
from ..autograd.function import Op
from ._binary import Binary, result_dtype
from ._inplace import inplace

# torch computes with nan and inf silently: NumPy's floating-point RuntimeWarnings ("invalid value encountered in
# multiply", "overflow encountered in cast") raised inside ember's ops are noise to the user, so they are filtered for
# ember's op modules only (np.errstate around every op would cost a microsecond each, bench_overhead)
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.ops\.")


class Add(Binary):
    """out = a + alpha * b, broadcasting."""

    grad_fn = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        if alpha != 1:
            if getattr(a, "dtype", None) == np.bool_ or getattr(b, "dtype", None) == np.bool_:
                return a | (b & bool(alpha))  # bool results: alpha acts as a bool too
            return a + b * alpha
        return a + b

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        return (grad if n[0] else None), ((grad * ctx.alpha if ctx.alpha != 1 else grad) if n[1] else None)


class Sub(Binary):
    """out = a - alpha * b, broadcasting."""

    grad_fn = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        if getattr(a, "dtype", None) == np.bool_:  # operands are already cast to the result dtype
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                "`logical_xor()` operator instead."
            )
        if alpha != 1:
            return a - b * alpha
        return a - b

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        return (grad if n[0] else None), ((-grad * ctx.alpha if ctx.alpha != 1 else -grad) if n[1] else None)


class Rsub(Binary):
    """out = b - alpha * a (``scalar - tensor``)."""

    grad_fn = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return b - a * alpha if alpha != 1 else b - a

    @staticmethod
    def backward(ctx, grad):
        return -grad * ctx.alpha if ctx.alpha != 1 else -grad, None


class Mul(Binary):
    """out = a * b, broadcasting."""

    grad_fn = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (grad * _conj(b) if n[0] else None), (grad * _conj(a) if n[1] else None)


class Div(Binary):
    """out = a / b (true division: integer inputs give the default float dtype)."""

    grad_fn = "DivBackward0"
    out_kind = "float"

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.true_divide(a, b) if type(a) is np.ndarray or type(b) is np.ndarray else a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = grad / _conj(b) if n[0] else None
        gb = -grad * _conj(a) / _conj(b * b) if n[1] else None
        return ga, gb


class DivMode(Binary):
    """out = a / b rounded toward zero ("trunc") or down ("floor"); integer inputs stay integer."""

    grad_fn = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        xp = _xp(a, b)
        _no_complex(a, b, f"div_{rounding_mode}_cpu")
        with np.errstate(divide="ignore", invalid="ignore"):
            if rounding_mode == "floor":
                if _is_int(a, b):
                    _check_int_zero_div(b)
                    return xp.floor_divide(a, b)
                return _floor_divide_float(xp, a, b)
            if _is_int(a, b):
                _check_int_zero_div(b)
                q = xp.floor_divide(a, b)
                fix = (xp.remainder(a, b) != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0))
                return q + fix.astype(q.dtype)
            return xp.trunc(xp.true_divide(a, b))

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad  # torch: zero gradients for both operands
        return (grad * 0 if n[0] else None), (grad * 0 if n[1] else None)


def _floor_divide_float(xp, a, b):
    # torch (and Python's float //): from fmod, so inf // 2.5 is nan and -0.0 // 1 keeps its sign
    dt = a.dtype if hasattr(a, "shape") else b.dtype  # the one array holds the result dtype
    a, b = xp.asarray(a, dtype=dt), xp.asarray(b, dtype=dt)
    mod = xp.fmod(a, b)
    div = (a - mod) / b
    div = xp.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floor = xp.floor(div)
    floor = xp.where(div - floor > 0.5, floor + 1, floor)
    out = xp.where(div != 0, floor, xp.copysign(xp.zeros_like(div), a / b))
    return xp.where(b == 0, a / b, out).astype(div.dtype, copy=False)


def _remainder_float(xp, a, b):
    # torch: fmod, then move into the divisor's sign; a zero result keeps fmod's sign (-0.0 % 1 is -0.0)
    mod = xp.fmod(a, b)
    return xp.where((mod != 0) & ((xp.asarray(b) < 0) != (mod < 0)), mod + b, mod)


class Remainder(Binary):
    """out = a - floor(a / b) * b (Python's sign convention, like NumPy's mod)."""

    grad_fn = "RemainderBackward1"  # torch: ...Backward0 is the node for a scalar divisor

    @staticmethod
    def forward(ctx, a, b):
        _no_complex(a, b, "remainder_cpu")
        if _is_int(a, b):
            _check_int_zero_div(b)
            return _xp(a, b).remainder(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _remainder_float(_xp(a, b), a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        gb = None
        if n[1]:
            gb = -grad * a.div(b, rounding_mode="floor")  # torch's floor division: inf // 1 is nan, not inf
        return (grad if n[0] else None), gb


class Fmod(Binary):
    """out = a - trunc(a / b) * b (C's sign convention)."""

    grad_fn = "FmodBackward1"  # torch: ...Backward0 is the node for a scalar divisor

    @staticmethod
    def forward(ctx, a, b):
        _no_complex(a, b, "fmod_cpu")
        if _is_int(a, b):
            _check_int_zero_div(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp(a, b).fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        gb = -grad * (a / b).trunc() if n[1] else None
        return (grad if n[0] else None), gb


class Pow(Binary):
    """out = a ** b."""

    grad_fn = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        xp = _xp(a, b)
        if _is_int(a, b) and np.any(np.asarray(b) < 0):
            if not hasattr(b, "shape"):
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            # torch: a negative exponent tensor gives 1 for base 1, +-1 for base -1 and 0 otherwise
            dt = b.dtype if hasattr(b, "shape") else a.dtype
            a, b = xp.broadcast_arrays(xp.asarray(a, dtype=dt), xp.asarray(b, dtype=dt))
            neg = b < 0
            out = xp.power(a, xp.where(neg, 0, b))
            one = xp.ones_like(out)
            small = xp.where(a == 1, one, xp.where(a == -1, xp.where(b % 2 == 0, one, -one), 0 * one))
            return xp.where(neg, small, out)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return xp.power(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        ga = gb = None
        if n[0]:
            if isinstance(b, Tensor):
                # torch: the gradient is 0 where the exponent is 0 (even at a = 0)
                ga = (grad * b * a ** (b - 1)).masked_fill(b == 0, 0.0)
            elif b == 0:
                ga = grad * 0
            else:
                ga = grad * b * a ** (b - 1)
        if n[1]:
            out = a**b
            if isinstance(a, Tensor):
                # torch: where a == 0 and b >= 0 the gradient is 0, not nan
                gb = (grad * out * a.log()).masked_fill((a == 0) & (b >= 0), 0.0)
            else:
                gb = grad * out * float(np.log(a)) if a > 0 else grad * out * float("nan") if a < 0 else \
                    (grad * out * 0).masked_fill(b < 0, float("-inf"))
        return ga, gb


class RemainderScalar(Remainder):
    grad_fn = "RemainderBackward0"


class FmodScalar(Fmod):
    grad_fn = "FmodBackward0"


class DivScalarBase(Div):  # torch: scalar / tensor is computed as reciprocal(tensor) * scalar
    grad_fn = "MulBackward0"


class PowScalar(Pow):
    grad_fn = "PowBackward0"


class PowScalarBase(Pow):
    grad_fn = "PowBackward2"


class Neg(Op):
    grad_fn = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead."
            )
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def _conj(x):
    if isinstance(x, Tensor) and x.dtype.is_complex:
        return x.conj()
    return x


def _xp(a, b):
    from ..backend import array_module

    return array_module(a if hasattr(a, "dtype") and not isinstance(a, np.generic) else b)


def _is_int(a, b):
    dt = a.dtype if hasattr(a, "dtype") else b.dtype
    return dt.kind in "iub"


def _no_complex(a, b, kernel):
    x = a if hasattr(a, "dtype") else b  # operands arrive cast to the result dtype
    if x.dtype.kind == "c":
        raise not_implemented_for(kernel, D.from_numpy_dtype(x.dtype))


def _check_int_zero_div(b):
    if np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


# ------------------------------------------------------------------------------------------- functions
def _check_alpha(input, other, alpha):
    dt = result_dtype(input, other) if isinstance(input, Tensor) else result_dtype(other, input)
    if isinstance(alpha, complex) and not dt.is_complex:
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    if isinstance(alpha, float) and dt._cat < 2:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, bool) and dt is not D.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def add(input, other, *, alpha=1, out=None):
    """Add ``other`` (times ``alpha``) to ``input``, broadcasting.

    >>> ember.add(ember.tensor([1.0, 2.0]), 3)
    tensor([4., 5.])
    """
    if alpha != 1 or type(alpha) is not int:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        r = Add.apply(other, input, alpha=1) if alpha == 1 else Add.apply(input, other, alpha=alpha)
    else:
        r = Add.apply(input, other, alpha=alpha) if alpha != 1 else Add.apply(input, other)
    return _out(r, out)


def sub(input, other, *, alpha=1, out=None):
    """Subtract ``other`` (times ``alpha``) from ``input``, broadcasting."""
    if alpha != 1 or type(alpha) is not int:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        return _out(Rsub.apply(other, input, alpha=alpha), out)
    return _out(Sub.apply(input, other, alpha=alpha) if alpha != 1 else Sub.apply(input, other), out)


subtract = sub


def rsub(input, other, *, alpha=1):
    return Rsub.apply(input, other, alpha=alpha)


def mul(input, other, *, out=None):
    """Multiply ``input`` by ``other`` element-wise, broadcasting.

    >>> ember.mul(ember.tensor([1.0, 2.0]), 3)
    tensor([3., 6.])
    """
    if not isinstance(input, Tensor):
        input, other = other, input
    return _out(Mul.apply(input, other), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Divide ``input`` by ``other``: true division, or rounded with ``rounding_mode`` "trunc" / "floor"."""
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            from .creation import scalar_tensor_like

            input = scalar_tensor_like(input, other)
        return _out(Div.apply(input, other), out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    if not isinstance(input, Tensor):
        from .creation import scalar_tensor_like

        input = scalar_tensor_like(input, other)
    return _out(DivMode.apply(input, other, rounding_mode=rounding_mode), out)


divide = div


def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


def floor_divide(input, other, *, out=None):
    """Divide and round down (torch >= 1.13 floors, like Python's ``//``)."""
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None):
    if not isinstance(input, Tensor):
        from .creation import scalar_tensor_like

        input = scalar_tensor_like(input, other)
    return _out((Remainder if isinstance(other, Tensor) else RemainderScalar).apply(input, other), out)


def fmod(input, other, *, out=None):
    return _out((Fmod if isinstance(other, Tensor) else FmodScalar).apply(input, other), out)


def pow(input, exponent, *, out=None):
    """Raise ``input`` to ``exponent`` element-wise; either may be a Python number."""
    if not isinstance(input, Tensor):
        return _out(PowScalarBase.apply(input, exponent), out)
    if not isinstance(exponent, Tensor):
        return _out(PowScalar.apply(input, exponent), out)
    return _out(Pow.apply(input, exponent), out)


def float_power(input, exponent, *, out=None):
    dt = D.complex128 if (isinstance(input, Tensor) and input.is_complex()) else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return pow(a, b, out=out)


def neg(input, *, out=None):
    return _out(Neg.apply(input), out)


negative = neg


def _grad_enabled():
    from ..autograd.grad_mode import is_grad_enabled

    return is_grad_enabled()


def _out(result, out):
    """Write ``result`` into ``out=`` (resizing as torch does) and return ``out``; or return ``result``."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if (out._requires_grad or result._requires_grad) and _grad_enabled():
        raise RuntimeError(
            "add(): functions with out=... arguments don't support automatic differentiation, but one of the "
            "arguments requires grad."
        )
    from ._inplace import cast_error

    if result.dtype is not out.dtype and not D.can_cast(result.dtype, out.dtype):
        raise cast_error(result.dtype, out.dtype)
    if out._data.shape != result._data.shape:
        out._data = result._data.astype(out.dtype.np, copy=True)
    else:
        out._data[...] = result._data
    out._bump()
    return out


# ------------------------------------------------------------------------------------------- Tensor methods
def _radd(self, other):
    return Add.apply(self, other)


def _rsub_op(self, other):
    return Rsub.apply(self, other)


def _rmul(self, other):
    return Mul.apply(self, other)


def _rtruediv(self, other):
    from .creation import scalar_tensor_like

    return DivScalarBase.apply(scalar_tensor_like(other, self), self)


def _rfloordiv(self, other):
    from .creation import scalar_tensor_like

    return DivMode.apply(scalar_tensor_like(other, self), self, rounding_mode="floor")


def _rmod(self, other):
    from .creation import scalar_tensor_like

    return Remainder.apply(scalar_tensor_like(other, self), self)


def _rpow(self, other):
    return PowScalarBase.apply(other, self)


def _add_(self, other, *, alpha=1):
    return inplace(self, add, other, alpha=alpha)


def _sub_(self, other, *, alpha=1):
    return inplace(self, sub, other, alpha=alpha)


def _mul_(self, other):
    return inplace(self, mul, other)


def _div_(self, other, *, rounding_mode=None):
    return inplace(self, div, other, rounding_mode=rounding_mode)


def _pow_(self, exponent):
    return inplace(self, pow, exponent)


_METHODS = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div, "divide": div,
    "true_divide": true_divide, "floor_divide": floor_divide, "remainder": remainder, "fmod": fmod, "pow": pow,
    "float_power": float_power, "neg": neg, "negative": neg,
    "add_": _add_, "sub_": _sub_, "subtract_": _sub_, "mul_": _mul_, "multiply_": _mul_, "div_": _div_,
    "divide_": _div_, "true_divide_": _div_, "pow_": _pow_,
    "floor_divide_": lambda self, o: inplace(self, floor_divide, o),
    "remainder_": lambda self, o: inplace(self, remainder, o),
    "fmod_": lambda self, o: inplace(self, fmod, o),
    "neg_": lambda self: inplace(self, neg), "negative_": lambda self: inplace(self, neg),
    "__add__": lambda self, o: Add.apply(self, o), "__radd__": _radd,
    "__sub__": lambda self, o: Sub.apply(self, o), "__rsub__": _rsub_op,
    "__mul__": lambda self, o: Mul.apply(self, o), "__rmul__": _rmul,
    "__truediv__": lambda self, o: Div.apply(self, o), "__rtruediv__": _rtruediv,
    "__floordiv__": floor_divide, "__rfloordiv__": _rfloordiv,
    "__mod__": remainder, "__rmod__": _rmod,
    "__pow__": pow, "__rpow__": _rpow,
    "__neg__": lambda self: Neg.apply(self), "__pos__": lambda self: self,
    "__iadd__": _add_, "__isub__": _sub_, "__imul__": _mul_, "__itruediv__": _div_,
    "__ifloordiv__": lambda self, o: inplace(self, floor_divide, o),
    "__imod__": lambda self, o: inplace(self, remainder, o), "__ipow__": _pow_,
}
def _operator(fn, reflected=False):
    """An operator method: NotImplemented for a non-number operand, so Python raises its own TypeError."""

    def op(self, other):
        try:
            return fn(self, other)
        except D.NotANumber:
            if isinstance(other, np.ndarray) and other.ndim and not reflected:  # torch: t + array works, not array + t
                return fn(self, Tensor._from(other))
            return NotImplemented

    op.__name__ = fn.__name__
    return op


_OPERATORS = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow")
for _name, _fn in _METHODS.items():
    if _name.startswith("__") and (_name.strip("_") in _OPERATORS or _name.strip("_")[1:] in _OPERATORS):
        _fn = _operator(_fn, _name.startswith("__r"))
    setattr(Tensor, _name, _fn)
del _name, _fn

"""Element-wise functions of one tensor, one table row each: forward on arrays, backward on Tensors.

Each row becomes class ``Exp`` (grad_fn ``ExpBackward0``), ``ember.exp``, ``Tensor.exp`` and
``Tensor.exp_``. ``kind`` "float": integer and bool inputs give the default float dtype (as
torch); "same": the output keeps the input's dtype.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._errors import not_implemented_for
from .._tensor import Tensor, _wrap
from ..autograd.function import Op, _run
from ..backend import array_module
from ._inplace import inplace
from .arith import _out as _write_out


def _special(name, fix=None):
    """A function of ops/_special.py on any shape (it is elementwise on 1-d arrays), with ``fix`` for edge values."""

    def f(xp, x):
        from . import _special as sp

        flat = x.reshape(-1)
        safe = flat if fix is None else xp.where(xp.isfinite(flat), flat, 0.5).astype(flat.dtype, copy=False)
        y = xp.asarray(getattr(sp, name)(xp, safe)).astype(x.dtype, copy=False)
        if fix is not None:
            y = fix(xp, flat, y)
        return y.reshape(x.shape)

    return f


def _nonfinite(xp, x, y, at_inf, at_minus_inf):
    y = xp.where(xp.isnan(x), x, y)
    y = xp.where(xp.isposinf(x), at_inf, y)
    return xp.where(xp.isneginf(x), at_minus_inf, y).astype(x.dtype, copy=False)


def _digamma_fix(xp, x, y):
    y = _nonfinite(xp, x, y, math.inf, math.nan)
    # torch: digamma(+-0) is -+inf (copysign(inf, -x)); the other non-positive integers give nan
    return xp.where(x == 0, xp.copysign(xp.asarray(math.inf, dtype=x.dtype), -x), y).astype(x.dtype, copy=False)


_erfinv = _special("erfinv")
_erf = _special("erf", lambda xp, x, y: _nonfinite(xp, x, y, 1.0, -1.0))
_lgamma = _special("lgamma", lambda xp, x, y: _nonfinite(xp, x, y, math.inf, math.inf))
_digamma = _special("digamma", _digamma_fix)


def _sigmoid(xp, x):
    # exp(-logaddexp(0, -x)) is stable for large |x| in both directions
    with np.errstate(over="ignore"):
        return (1 / (1 + xp.exp(-x))).astype(x.dtype, copy=False)


def _sign(xp, x):
    if x.dtype.kind == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    if x.dtype == np.bool_:
        return x.copy()
    if x.dtype.kind == "f":  # torch: sign(nan) is 0 and sign(-0.0) is +0.0
        return ((x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)) + 0
    return xp.sign(x)


def _sgn(xp, x):
    return xp.sign(x) if x.dtype.kind == "c" else _sign(xp, x)  # x / |x| (0 at 0) for complex


def _round_half_even(xp, x):
    return xp.round(x)


def _rsqrt(xp, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (1 / xp.sqrt(x)).astype(x.dtype, copy=False)


def _abs(xp, x):
    if x.dtype == np.bool_:
        raise not_implemented_for("abs_cpu", D.bool)
    return xp.abs(x)


def _same_or(fn, name):
    def f(xp, x):
        if x.dtype == np.bool_:
            raise not_implemented_for(f"{name}_vml_cpu", D.bool)
        if x.dtype.kind == "c":
            raise NotImplementedError(f"{name} is not supported for complex inputs")
        if x.dtype.kind in "iu":
            return x.copy()
        return fn(xp, x)

    return f


def _frac(xp, x):
    if x.dtype.kind not in "fc":
        raise not_implemented_for("frac_cpu", D.from_numpy_dtype(x.dtype))
    return x - xp.trunc(x)


def _square(xp, x):
    return x.astype(np.int64) if x.dtype == np.bool_ else x * x  # torch: square is pow(x, 2); bool gives int64


def _relu(xp, x):
    if x.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    if x.dtype.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    out = xp.maximum(x, x.dtype.type(0))  # speed: 15x faster than np.where (bench_ops "relu(x)"); keeps nan
    zero = x == 0
    if zero.any():  # torch: relu(-0.0) is -0.0
        xp.copyto(out, x, where=zero)
    return out


_SQRT_PI = 2 / math.sqrt(math.pi)

# fmt: off
UNARY = [
    # name        kind     forward on arrays                               backward on Tensors: g grad, x input, y output   uses
    ("exp",       "float", lambda xp, x: xp.exp(x),                        lambda g, x, y: g * y,                           "y"),
    ("exp2",      "float", lambda xp, x: xp.exp2(x),                       lambda g, x, y: g * y * math.log(2.0),           "y"),
    ("expm1",     "float", lambda xp, x: xp.expm1(x),                      lambda g, x, y: g * (y + 1),                     "y"),
    ("log",       "float", lambda xp, x: xp.log(x),                        lambda g, x, y: g / x,                           "x"),
    ("log2",      "float", lambda xp, x: xp.log2(x),                       lambda g, x, y: g / (x * math.log(2.0)),         "x"),
    ("log10",     "float", lambda xp, x: xp.log10(x),                      lambda g, x, y: g / (x * math.log(10.0)),        "x"),
    ("log1p",     "float", lambda xp, x: xp.log1p(x),                      lambda g, x, y: g / (x + 1),                     "x"),
    ("sqrt",      "float", lambda xp, x: xp.sqrt(x),                       lambda g, x, y: g / (2 * y),                     "y"),
    ("rsqrt",     "float", _rsqrt,                                         lambda g, x, y: g * (-0.5) * y ** 3,             "y"),
    ("sin",       "float", lambda xp, x: xp.sin(x),                        lambda g, x, y: g * x.cos(),                     "x"),
    ("cos",       "float", lambda xp, x: xp.cos(x),                        lambda g, x, y: -g * x.sin(),                    "x"),
    ("tan",       "float", lambda xp, x: xp.tan(x),                        lambda g, x, y: g * (1 + y * y),                 "y"),
    ("asin",      "float", lambda xp, x: xp.arcsin(x),                     lambda g, x, y: g * (1 - x * x).rsqrt(),         "x"),
    ("acos",      "float", lambda xp, x: xp.arccos(x),                     lambda g, x, y: -g * (1 - x * x).rsqrt(),        "x"),
    ("atan",      "float", lambda xp, x: xp.arctan(x),                     lambda g, x, y: g / (1 + x * x),                 "x"),
    ("sinh",      "float", lambda xp, x: xp.sinh(x),                       lambda g, x, y: g * x.cosh(),                    "x"),
    ("cosh",      "float", lambda xp, x: xp.cosh(x),                       lambda g, x, y: g * x.sinh(),                    "x"),
    ("tanh",      "float", lambda xp, x: xp.tanh(x),                       lambda g, x, y: g * (1 - y * y),                 "y"),
    ("asinh",     "float", lambda xp, x: xp.arcsinh(x),                    lambda g, x, y: g * (x * x + 1).rsqrt(),         "x"),
    ("acosh",     "float", lambda xp, x: xp.arccosh(x),                    lambda g, x, y: g * (x * x - 1).rsqrt(),         "x"),
    ("atanh",     "float", lambda xp, x: xp.arctanh(x),                    lambda g, x, y: g / (1 - x * x),                 "x"),
    ("sigmoid",   "float", _sigmoid,                                       lambda g, x, y: g * y * (1 - y),                 "y"),
    ("erf",       "float", _erf,                                           lambda g, x, y: g * _SQRT_PI * (-x * x).exp(),   "x"),
    ("erfc",      "float", lambda xp, x: 1 - _erf(xp, x),                  lambda g, x, y: -g * _SQRT_PI * (-x * x).exp(),  "x"),
    ("erfinv",    "float", _erfinv,                                        lambda g, x, y: g * (math.sqrt(math.pi) / 2) * (y * y).exp(), "y"),
    ("lgamma",    "float", _lgamma,                                        lambda g, x, y: g * x.digamma(),                 "x"),
    ("digamma",   "float", _digamma,                                       None,                                            "x"),
    ("reciprocal", "float", lambda xp, x: xp.reciprocal(x),                lambda g, x, y: -g * y * y,                      "y"),
    ("abs",       "real",  _abs,                                           lambda g, x, y: g * x.sgn(),                     "x"),
    ("sign",      "same",  _sign,                                          lambda g, x, y: g * 0,                           ""),
    ("sgn",       "same",  _sgn,                                           lambda g, x, y: g * 0,                           ""),
    ("floor",     "same",  _same_or(lambda xp, x: xp.floor(x), "floor"),           lambda g, x, y: g * 0,                           ""),
    ("ceil",      "same",  _same_or(lambda xp, x: xp.ceil(x), "ceil"),            lambda g, x, y: g * 0,                           ""),
    ("trunc",     "same",  _same_or(lambda xp, x: xp.trunc(x), "trunc"),           lambda g, x, y: g * 0,                           ""),
    ("frac",      "same",  _frac,                                           lambda g, x, y: g,                               ""),
    ("square",    "sq",    _square,                                        lambda g, x, y: g * 2 * x,                       "x"),
    ("relu",      "same",  _relu,                                          lambda g, x, y: g.masked_fill(y <= 0, 0),       "y"),
]
# fmt: on
_GRAD_FN_NAMES = {"relu": "ReluBackward0", "square": "PowBackward0", "sgn": "SgnBackward0", "log1p": "Log1PBackward0"}


def _make(name, kind, fwd, bwd, uses):
    cap = "".join(p.capitalize() for p in name.split("_"))

    def forward(ctx, x):
        # no np.errstate here (a microsecond a call, bench_overhead): NumPy's RuntimeWarnings from ember's op modules
        # are filtered once, in ops/arith.py
        y = fwd(np if type(x) is np.ndarray else array_module(x), x)
        if kind == "same" and y.dtype != x.dtype:
            y = y.astype(x.dtype)
        elif kind == "real" and x.dtype.kind == "c":  # torch: abs of a complex tensor is real
            y = y.real.astype(x.real.dtype, copy=False)
        return y

    def backward(ctx, grad):
        if bwd is None:
            raise NotImplementedError(f"ember: the derivative of {name} is not implemented")
        x = ctx.inputs[0] if "x" in uses else None
        y = ctx.output if "y" in uses else None
        return bwd(grad, x, y)

    cls = type(cap, (Op,), {
        "grad_fn": _GRAD_FN_NAMES.get(name, cap + "Backward0"),
        "saves_output": "y" in uses,
        "forward": staticmethod(forward),
        "backward": staticmethod(backward),
        "__doc__": f"out = {name}(x), element-wise.",
    })

    # speed: with nothing to record and no out=, call the forward and wrap its array directly (bench_overhead
    # "a.exp()"): _run's generic path costs a microsecond a call on tiny tensors
    if kind == "float":
        def fn(input, *, out=None):
            if input.dtype._cat < 2:
                input = input.to(D._default[0])
            if input._requires_grad or out is not None:
                return _out(_run(cls, (input,), (input._data,), {}, input._requires_grad), out)
            return _wrap(forward(None, input._data))
    else:
        def fn(input, *, out=None):
            if input._requires_grad or out is not None:
                return _out(_run(cls, (input,), (input._data,), {}, input._requires_grad), out)
            return _wrap(forward(None, input._data))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Compute {name} element-wise."
    return cls, fn


def _out(result, out):
    return _write_out(result, out) if out is not None else result


_g = globals()
for _row in UNARY:
    _cls, _fn = _make(*_row)
    _g[_cls.__name__] = _cls
    _g[_row[0]] = _fn
    setattr(Tensor, _row[0], _fn)
    setattr(Tensor, _row[0] + "_", (lambda f: lambda self: inplace(self, f))(_fn))
del _row, _cls, _fn

# aliases, as torch has them
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh  # noqa: F821
absolute = abs  # noqa: F821
fix = trunc  # noqa: F821
for _a, _t in [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("arcsinh", "asinh"),
               ("arccosh", "acosh"), ("arctanh", "atanh"), ("absolute", "abs"), ("fix", "trunc")]:
    setattr(Tensor, _a, getattr(Tensor, _t))
    setattr(Tensor, _a + "_", getattr(Tensor, _t + "_"))
Tensor.__abs__ = abs  # noqa: F821


class Conj(Op):
    grad_fn = "ConjBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.conj() if x.dtype.kind == "c" else x

    @staticmethod
    def backward(ctx, grad):
        return grad.conj()


def conj(input):
    if not input.dtype.is_complex:
        return input
    return Conj.apply(input)


Tensor.conj = conj
Tensor.conj_physical = conj
Tensor.resolve_conj = lambda self: self
Tensor.resolve_neg = lambda self: self
Tensor.is_conj = lambda self: False

"""Element-wise ops beyond arithmetic: maximum minimum clamp where lerp addcmul addcdiv atan2 hypot."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import array_module
from ._binary import Binary
from ._inplace import inplace


class Maximum(Binary):
    """out = max(a, b) element-wise; nan wins; a tie splits the gradient evenly."""

    grad_fn = "MaximumBackward0"
    _ufunc = np.maximum

    @classmethod
    def forward(cls, ctx, a, b):
        return cls._ufunc(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        pick_a = ((a > b) if cls._ufunc is np.maximum else (a < b)).to(grad.dtype)
        tie = (a == b).to(grad.dtype) * 0.5
        return (grad * (pick_a + tie) if n[0] else None), (grad * (1 - pick_a - tie) if n[1] else None)


class Minimum(Maximum):
    grad_fn = "MinimumBackward0"
    _ufunc = np.minimum


def maximum(input, other, *, out=None):
    _same_dtype_check(input, other)
    return Maximum.apply(input, other)


def minimum(input, other, *, out=None):
    _same_dtype_check(input, other)
    return Minimum.apply(input, other)


def _same_dtype_check(a, b):
    if not isinstance(b, Tensor):
        raise TypeError(f"maximum(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")


def fmax(input, other):
    return Tensor._from(np.fmax(input._data, other._data))


def fmin(input, other):
    return Tensor._from(np.fmin(input._data, other._data))


class Clamp(Op):
    grad_fn = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = array_module(x)
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        if out is x:
            out = x.copy()
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.inputs
        keep = None
        if lo is not None:
            keep = x >= lo
        if hi is not None:
            k = x <= hi
            keep = k if keep is None else keep & k
        n = ctx.needs_input_grad
        gx = grad * keep if n[0] else None
        glo = grad * (x < lo) if len(n) > 1 and n[1] else None
        ghi = grad * (x > hi) if len(n) > 2 and n[2] else None
        return gx, glo, ghi


class ClampMin(Clamp):
    grad_fn = "ClampMinBackward0"


class ClampMax(Clamp):
    grad_fn = "ClampMaxBackward0"


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to [min, max]; either bound may be None, a number or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = input.dtype
        for b in (min, max):
            if isinstance(b, Tensor):
                dt = D._PROMOTE[(dt, b.dtype)]
        x = input if input.dtype is dt else input.to(dt)
        lo = min.to(dt) if isinstance(min, Tensor) and min.dtype is not dt else min
        hi = max.to(dt) if isinstance(max, Tensor) and max.dtype is not dt else max
        r = Clamp.apply(x, lo, hi)
    else:
        x = input
        if input.dtype._cat < 2 and (isinstance(min, float) or isinstance(max, float)):
            x = input.to(D._default[0])
        cls = Clamp if (min is not None and max is not None) else ClampMin if min is not None else ClampMax
        r = cls.apply(x, min, max)
    if out is not None:
        from .arith import _out

        return _out(r, out)
    return r


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


class Where(Op):
    grad_fn = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return array_module(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        c = Tensor._from(ctx.cond)
        n = ctx.needs_input_grad
        return None, (grad.masked_fill(~c, 0.0) if n[1] else None), (grad.masked_fill(c, 0.0) if n[2] else None)


def where(condition, input=None, other=None, *, out=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other``; with one argument, nonzero()."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition.dtype is not D.bool:
        if condition.dtype is D.uint8:
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{D.dtype_name_cap(condition.dtype)}")
    from ._binary import result_dtype

    if isinstance(input, Tensor):
        dt = result_dtype(input, other)
    elif isinstance(other, Tensor):
        dt = result_dtype(other, input)
    else:
        dt = D.result_type_of((input, other))
    a = input.to(dt) if isinstance(input, Tensor) and input.dtype is not dt else input
    b = other.to(dt) if isinstance(other, Tensor) and other.dtype is not dt else other
    if not isinstance(a, Tensor):
        a = Tensor._from(np.asarray(a, dtype=dt.np))
    if not isinstance(b, Tensor):
        b = Tensor._from(np.asarray(b, dtype=dt.np))
    return Where.apply(condition, a, b)


def lerp(input, end, weight):
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 / tensor2


class Atan2(Binary):
    grad_fn = "Atan2Backward0"
    out_kind = "float"

    @staticmethod
    def forward(ctx, a, b):
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        d = a * a + b * b
        n = ctx.needs_input_grad
        return (grad * b / d if n[0] else None), (grad * -a / d if n[1] else None)


def atan2(input, other, *, out=None):
    return Atan2.apply(input, other)


arctan2 = atan2


def hypot(input, other, *, out=None):
    return (input * input + other * other).sqrt()


def xlogy(input, other):
    r = input * other.log() if isinstance(other, Tensor) else input * float(np.log(other))
    return r.masked_fill(input == 0, 0.0) if isinstance(input, Tensor) else r


def logaddexp(input, other):
    m = maximum(input, other).detach()
    return m + ((input - m).exp() + (other - m).exp()).log()


def logit(input, eps=None):
    x = input if eps is None else input.clamp(eps, 1 - eps)
    return (x / (1 - x)).log()


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return Tensor._from(np.nan_to_num(input._data, nan=nan, posinf=posinf, neginf=neginf), input.dtype)


def round(input, *, decimals=0):
    """Round half to even (as torch), optionally to ``decimals`` places."""
    if decimals == 0:
        return _Round.apply(input, decimals=0)
    return _RoundDec.apply(input, decimals=decimals)


class _Round(Op):
    grad_fn = "RoundBackward0"

    @staticmethod
    def forward(ctx, x, decimals):
        if x.dtype.kind in "iub":
            return x.copy()
        return array_module(x).round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class _RoundDec(_Round):
    grad_fn = "RoundBackward1"


_METHODS = {
    "maximum": maximum, "minimum": minimum, "fmax": fmax, "fmin": fmin, "clamp": clamp, "clip": clamp,
    "clamp_min": clamp_min, "clamp_max": clamp_max, "where": lambda self, cond, other: where(cond, self, other),
    "lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv, "atan2": atan2, "arctan2": atan2, "hypot": hypot,
    "xlogy": xlogy, "logaddexp": logaddexp, "logit": logit, "nan_to_num": nan_to_num, "round": round,
    "clamp_": lambda self, min=None, max=None: inplace(self, clamp, min, max),
    "clip_": lambda self, min=None, max=None: inplace(self, clamp, min, max),
    "clamp_min_": lambda self, m: inplace(self, clamp, m, None),
    "clamp_max_": lambda self, m: inplace(self, clamp, None, m),
    "round_": lambda self, decimals=0: inplace(self, round, decimals=decimals),
    "lerp_": lambda self, e, w: inplace(self, lerp, e, w),
    "addcmul_": lambda self, a, b, value=1: inplace(self, addcmul, a, b, value=value),
    "addcdiv_": lambda self, a, b, value=1: inplace(self, addcdiv, a, b, value=value),
    "nan_to_num_": lambda self, nan=0.0, posinf=None, neginf=None: inplace(self, nan_to_num, nan, posinf, neginf),
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f

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
    _same_dtype_check(input, other, "minimum")
    return Minimum.apply(input, other)


def _same_dtype_check(a, b, name="maximum"):
    if not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")


class Fmax(Binary):
    """out = fmax(a, b): like maximum, but a nan loses to a number; a tie sends the gradient to ``a``."""

    grad_fn = "FmaxBackward0"
    _ufunc = np.fmax

    @classmethod
    def forward(cls, ctx, a, b):
        return cls._ufunc(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        pick_a = ((a >= b) if cls._ufunc is np.fmax else (a <= b)) | b.isnan()
        return (grad * pick_a if n[0] else None), (grad * ~pick_a if n[1] else None)


class Fmin(Fmax):
    grad_fn = "FminBackward0"
    _ufunc = np.fmin


def fmax(input, other, *, out=None):
    """Element-wise maximum ignoring nan (nan only where both are nan)."""
    _same_dtype_check(input, other, "fmax")
    return Fmax.apply(input, other)


def fmin(input, other, *, out=None):
    """Element-wise minimum ignoring nan (nan only where both are nan)."""
    _same_dtype_check(input, other, "fmin")
    return Fmin.apply(input, other)


class Clamp(Op):
    grad_fn = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = array_module(x)
        if lo is not None and hi is not None and not hasattr(lo, "shape") and not hasattr(hi, "shape") and lo <= hi:
            return xp.clip(x, lo, hi).astype(x.dtype, copy=False)  # one pass: half the time of max then min
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
        both = lo is not None and hi is not None
        # torch: with both bounds, a crossed pair (lo > hi) gives hi, and hi takes the gradient
        glo = grad * ((x < lo) & (lo < hi) if both else (x < lo)) if len(n) > 1 and n[1] else None
        ghi = grad * ((x > hi) | (lo > hi) if both else (x > hi)) if len(n) > 2 and n[2] else None
        return gx, glo, ghi


class ClampTensor(Clamp):
    grad_fn = "ClampBackward0"


class ClampMin(Clamp):
    grad_fn = "ClampMinBackward0"


class ClampMax(Clamp):
    grad_fn = "ClampMaxBackward0"


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to [min, max]; either bound may be None, a number or a tensor."""
    if isinstance(min, (np.floating, np.integer)):  # NumPy scalars count as Python numbers
        min = min.item()
    if isinstance(max, (np.floating, np.integer)):
        max = max.item()
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        check_broadcast(input.shape, _shape(min), _shape(max))
        dt = input.dtype
        for b in (min, max):
            if isinstance(b, Tensor):
                dt = D._PROMOTE[(dt, b.dtype)]
        x = input if input.dtype is dt else input.to(dt)
        lo = min.to(dt) if isinstance(min, Tensor) and min.dtype is not dt else min
        hi = max.to(dt) if isinstance(max, Tensor) and max.dtype is not dt else max
        r = ClampTensor.apply(x, lo, hi)
    else:
        x = input
        if input.dtype._cat < 2 and (isinstance(min, float) or isinstance(max, float)):
            x = input.to(D._default[0])
        elif input.dtype is D.bool and (type(min) is int or type(max) is int):
            x = input.to(D.int64)  # torch: bool with int bounds promotes to int64
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

    check_broadcast(condition.shape, _shape(input), _shape(other))
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


def check_broadcast(*shapes) -> tuple:
    """The broadcast shape of ``shapes``; torch's error (naming the first pair that fails) when there is none."""
    from .._errors import broadcast_mismatch

    out = tuple(shapes[0])
    for sh in shapes[1:]:
        try:
            out = np.broadcast_shapes(out, tuple(sh))
        except ValueError:
            raise broadcast_mismatch(out, tuple(sh)) from None
    return out


def _shape(v):
    return tuple(v.shape) if isinstance(v, Tensor) else ()


def _not_implemented(kernel, t):
    return NotImplementedError(f'"{kernel}" not implemented for \'{D.dtype_name_cap(t.dtype)}\'')


class Lerp(Op):
    """out = start + weight * (end - start), computed from the nearer end as torch does (exact at weight 0 and 1)."""

    grad_fn = "LerpBackward0"

    @staticmethod
    def forward(ctx, start, end, weight):
        xp = array_module(start)
        w = weight
        small = xp.abs(w) < 0.5
        diff = end - start
        return xp.where(small, start + w * diff, end - diff * (1 - w)).astype(start.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.inputs
        n = ctx.needs_input_grad
        gw = grad * (end - start) if len(n) > 2 and n[2] else None
        return (grad * (1 - weight) if n[0] else None), (grad * weight if n[1] else None), gw


class LerpTensor(Lerp):
    grad_fn = "LerpBackward1"


def lerp(input: Tensor, end: Tensor, weight, *, out=None) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``; ``weight`` a number or a tensor."""
    if input.dtype._cat < 2:
        raise _not_implemented("lerp_kernel_scalar" if not isinstance(weight, Tensor) else "lerp_kernel_tensor",
                               input)
    if end.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {_dt_str(input.dtype)} for `end` but got dtype {_dt_str(end.dtype)}")
    check_broadcast(input.shape, end.shape, _shape(weight))
    if isinstance(weight, Tensor):
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_dt_str(input.dtype)} for `weight` but got dtype "
                               f"{_dt_str(weight.dtype)}")
        r = LerpTensor.apply(input, end, weight)
    else:
        r = Lerp.apply(input, end, float(weight))
    return _maybe_out(r, out)


def _dt_str(dt):
    return str(dt).replace("torch.", "").replace("float32", "float").replace("float64", "double")


def _maybe_out(r, out):
    if out is None:
        return r
    from .arith import _out

    return _out(r, out)


class Addcmul(Op):
    grad_fn = "AddcmulBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.value = value
        return (x + value * t1 * t2).astype(np.result_type(x, t1, t2), copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, t1, t2 = ctx.inputs
        n = ctx.needs_input_grad
        v = ctx.value
        return (grad if n[0] else None), (grad * t2 * v if n[1] else None), (grad * t1 * v if n[2] else None)


class Addcdiv(Op):
    grad_fn = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.value = value
        with np.errstate(divide="ignore", invalid="ignore"):
            return (x + value * (t1 / t2)).astype(np.result_type(x, t1, t2), copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, t1, t2 = ctx.inputs
        n = ctx.needs_input_grad
        v = ctx.value
        return (grad if n[0] else None), (grad * v / t2 if n[1] else None), \
            (-grad * v * t1 / (t2 * t2) if n[2] else None)


def _promote3(a, b, c):
    dt = D._PROMOTE[(D._PROMOTE[(a.dtype, b.dtype)], c.dtype)]
    return tuple(t if t.dtype is dt else t.to(dt) for t in (a, b, c))


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 * tensor2, broadcasting all three."""
    check_broadcast(input.shape, tensor1.shape, tensor2.shape)
    x, t1, t2 = _promote3(input, tensor1, tensor2)
    if x.dtype._cat < 2:
        value = int(value)  # torch: the scalar is converted to the integer type first
    return _maybe_out(Addcmul.apply(x, t1, t2, value=value), out)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 / tensor2, broadcasting all three (integer tensors are an error, as in torch)."""
    if tensor1.dtype._cat < 2 and tensor2.dtype._cat < 2:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
            "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
            "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes."
        )
    check_broadcast(input.shape, tensor1.shape, tensor2.shape)
    x, t1, t2 = _promote3(input, tensor1, tensor2)
    return _maybe_out(Addcdiv.apply(x, t1, t2, value=value), out)


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


class Hypot(Binary):
    grad_fn = "HypotBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, a, b):
        return np.hypot(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        y = ctx.output
        n = ctx.needs_input_grad
        return (grad * a / y if n[0] else None), (grad * b / y if n[1] else None)


def _promoted(input, other):
    from ._binary import result_dtype

    return result_dtype(input, other)


def hypot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """sqrt(input**2 + other**2) without overflow."""
    if not isinstance(other, Tensor):
        raise TypeError(f"hypot(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    dt = _promoted(input, other)
    if dt._cat < 2:
        raise _not_implemented("hypot_cpu", input if input.dtype is dt else other)
    return _maybe_out(Hypot.apply(input, other), out)


class Xlogy(Binary):
    """x * log(y), and 0 where x == 0 (unless y is nan)."""

    grad_fn = "XlogyBackward0"
    out_kind = "float"

    @staticmethod
    def forward(ctx, x, y):
        xp = array_module(x) if hasattr(x, "shape") else array_module(y)
        dt = x.dtype if hasattr(x, "dtype") else y.dtype
        with np.errstate(divide="ignore", invalid="ignore"):
            r = xp.asarray(x * xp.log(y), dtype=dt)
            return xp.where((xp.asarray(x) == 0) & ~xp.isnan(y), xp.zeros((), dt), r)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        n = ctx.needs_input_grad
        gx = grad * xlogy((x != 0).to(grad.dtype), y) if n[0] else None
        gy = grad * x / y if n[1] else None
        return gx, gy


def xlogy(input, other, *, out=None) -> Tensor:
    """input * log(other), defined as 0 where input is 0 (torch.special.xlogy)."""
    return _maybe_out(Xlogy.apply(input, other), out)


class Logaddexp(Binary):
    grad_fn = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(invalid="ignore"):
            return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.inputs
        n = ctx.needs_input_grad
        return (grad / (1 + (b - a).exp()) if n[0] else None), (grad / (1 + (a - b).exp()) if n[1] else None)


def logaddexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """log(exp(input) + exp(other)) without overflow."""
    if not isinstance(other, Tensor):
        raise TypeError(f"logaddexp(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    dt = _promoted(input, other)
    if dt._cat < 2:
        raise _not_implemented("logaddexp_cpu", input if input.dtype is dt else other)
    return _maybe_out(Logaddexp.apply(input, other), out)


def logit(input, eps=None):
    x = input if eps is None else input.clamp(eps, 1 - eps)
    return (x / (1 - x)).log()


class NanToNum(Op):
    grad_fn = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        if x.dtype.kind not in "fc":
            return x.copy()
        return array_module(x).nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return grad * x.isfinite()


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None, *,
               out=None) -> Tensor:
    """Replace nan, +inf and -inf (by default with 0 and the dtype's largest and lowest finite values)."""
    return _maybe_out(NanToNum.apply(input, nan=nan if nan is not None else 0.0, posinf=posinf, neginf=neginf), out)


def round(input, *, decimals=0, out=None):
    """Round half to even (as torch), optionally to ``decimals`` places."""
    if decimals != 0 and input.dtype._cat < 2:
        raise _not_implemented("round_cpu", input)
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
    "hypot_": lambda self, other: inplace(self, hypot, other),
    "xlogy_": lambda self, other: inplace(self, xlogy, other),
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f

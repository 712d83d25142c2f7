"""Pooling: max, average and adaptive pooling over the spatial dims of (B, C, *S) arrays, with backward.

Windows are strided views of the (padded) input; the only Python loops run over kernel offsets. 1-d pooling is
2-d pooling of an unsqueezed input (as torch does, whose 1-d nodes are ``SqueezeBackward1``).
"""

from __future__ import annotations

import itertools
import math

from ..autograd.function import Op
from ..backend import array_module


def pool_out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """torch's pooling output size: floor (or ceil) division, and no window may start inside the right padding."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded(xp, x, pads, fill):
    """x with (lo, hi) pads on its spatial dims, filled with ``fill``."""
    if not any(lo or hi for lo, hi in pads):
        return x
    buf = xp.full(
        x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads, strict=False)), fill, dtype=x.dtype
    )
    buf[
        (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[2:], pads, strict=False))
    ] = x
    return buf


def _pads(sp, out, ksize, stride, padding, dilation):
    """(lo, hi) per dim: lo = padding, hi large enough for the last (ceil_mode) window."""
    return tuple(
        (p, max(s * (o - 1) + d * (k - 1) + 1 - n - p, 0))
        for n, o, k, s, p, d in zip(sp, out, ksize, stride, padding, dilation, strict=False)
    )


def _windows(xp, x, out, ksize, stride, dilation):
    """A view (B, C, *out, *K) of the windows of padded ``x``."""
    st = x.strides
    return xp.lib.stride_tricks.as_strided(
        x,
        x.shape[:2] + tuple(out) + tuple(ksize),
        st[:2]
        + tuple(a * s for a, s in zip(st[2:], stride, strict=False))
        + tuple(a * d for a, d in zip(st[2:], dilation, strict=False)),
    )


# --------------------------------------------------------------------------------------------- max pooling
def _offset_slices(ksize, stride, dilation, out):
    """For each kernel offset (in row-major order), the strided slice of the padded input it reads."""
    for offs in itertools.product(*(range(k) for k in ksize)):
        yield (slice(None), slice(None)) + tuple(
            slice(o * d, o * d + s * (n - 1) + 1, s) for o, d, s, n in zip(offs, dilation, stride, out, strict=False)
        )


def _max_pool(ctx, x, ksize, stride, padding, dilation, ceil_mode, with_indices):
    xp = array_module(x)
    sp = x.shape[2:]
    out = tuple(pool_out_size(*a, ceil_mode) for a in zip(sp, ksize, stride, padding, dilation, strict=False))
    pads = _pads(sp, out, ksize, stride, padding, dilation)
    low = -xp.inf if x.dtype.kind in "fc" else xp.iinfo(x.dtype).min
    xpad = _padded(xp, x, pads, low)
    slices = list(_offset_slices(ksize, stride, dilation, out))
    # the max over the kernel offsets: k*k - 1 in-place maximum passes over the output, no window copy
    y = xpad[slices[0]].copy()
    for sl in slices[1:]:
        xp.maximum(y, xpad[sl], out=y)
    if y.dtype.kind == "f" and xp.isnan(y).any():  # torch: NaN wins; the window copy + argmax keeps it
        win = xp.ascontiguousarray(_windows(xp, xpad, out, ksize, stride, dilation))
        win = win.reshape(win.shape[: 2 + len(out)] + (-1,))
        arg = win.argmax(axis=-1)
        y = xp.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    else:  # the offset of the maximum: scan from the last offset to the first, so the first maximum wins
        adt = xp.uint8 if len(slices) < 256 else xp.int32
        arg = xp.full(y.shape, len(slices) - 1, dtype=adt)
        for n in range(len(slices) - 2, -1, -1):
            xp.copyto(arg, n, where=xpad[slices[n]] == y)
    ctx.arg = arg
    ctx.params = (ksize, stride, dilation, pads)
    if not with_indices:
        return y
    # kernel offset -> flat index into the unpadded input (only when asked for: it costs more than the max)
    flat = xp.zeros(arg.shape, dtype=xp.int64)
    rem = arg.astype(xp.int64)
    for i, (s, p, d, n) in enumerate(zip(stride, padding, dilation, sp, strict=False)):
        kd, rem = xp.divmod(rem, math.prod(ksize[i + 1 :]))
        o = xp.arange(out[i], dtype=xp.int64).reshape((-1,) + (1,) * (len(out) - 1 - i))
        flat = flat * n + (o * s - p + kd * d)
    return y, flat


class MaxPool2d(Op):
    """The max of each window (the offset of each maximum is kept for backward)."""

    grad_fn = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, *, ksize, stride, padding, dilation, ceil_mode):
        return _max_pool(ctx, x, ksize, stride, padding, dilation, ceil_mode, False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return MaxPoolScatter.apply(grad, arg=ctx.arg, x_shape=tuple(x.shape), params=ctx.params)


class MaxPool2dWithIndices(Op):
    """(values, indices) of the max of each window; indices are flat positions in the input's spatial dims."""

    grad_fn = "MaxPool2DWithIndicesBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, *, ksize, stride, padding, dilation, ceil_mode):
        return _max_pool(ctx, x, ksize, stride, padding, dilation, ceil_mode, True)

    @staticmethod
    def backward(ctx, grad, grad_indices):
        return MaxPool2d.backward(ctx, grad)


class MaxPoolScatter(Op):
    """Send each output's gradient to the window position its maximum came from (``arg``: the kernel offset)."""

    grad_fn = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, arg, x_shape, params):
        xp = array_module(grad)
        ksize, stride, dilation, pads = params
        ctx.arg, ctx.params = arg, params
        sp = x_shape[2:]
        out = grad.shape[2:]
        overlap = any(s < d * (k - 1) + 1 for k, s, d in zip(ksize, stride, dilation, strict=False))
        buf = xp.zeros(
            x_shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads, strict=False)), dtype=grad.dtype
        )
        for n, sl in enumerate(_offset_slices(ksize, stride, dilation, out)):
            if overlap:
                buf[sl] += grad * (arg == n)
            else:  # each input position is in at most one window: multiply straight into it
                xp.multiply(grad, arg == n, out=buf[sl])
        return xp.ascontiguousarray(
            buf[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(sp, pads, strict=False))]
        )

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolGather.apply(grad, arg=ctx.arg, params=ctx.params)


class MaxPoolGather(Op):
    """Read, for each output, the value at the position its maximum came from (the transpose of MaxPoolScatter)."""

    grad_fn = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, *, arg, params):
        xp = array_module(x)
        ksize, stride, dilation, pads = params
        ctx.arg, ctx.params = arg, params
        xpad = _padded(xp, x, pads, 0)
        y = xp.zeros(x.shape[:2] + arg.shape[2:], dtype=x.dtype)
        for n, sl in enumerate(_offset_slices(ksize, stride, dilation, arg.shape[2:])):
            xp.copyto(y, xpad[sl], where=arg == n)
        return y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return MaxPoolScatter.apply(grad, arg=ctx.arg, x_shape=tuple(x.shape), params=ctx.params)


class AdaptiveMaxPool2d(MaxPool2dWithIndices):
    grad_fn = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, *, out):
        xp = array_module(x)
        sp = x.shape[2:]
        if all(n % o == 0 for n, o in zip(sp, out, strict=False)):
            k = tuple(n // o for n, o in zip(sp, out, strict=False))
            one = (1,) * len(sp)
            return _max_pool(ctx, x, k, k, (0,) * len(sp), one, False, True)
        # uneven windows: start = floor(i * n / o), end = ceil((i + 1) * n / o); loop over output positions
        bounds = [[(i * n // o, -((-(i + 1) * n) // o)) for i in range(o)] for n, o in zip(sp, out, strict=False)]
        y = xp.empty(x.shape[:2] + tuple(out), dtype=x.dtype)
        flat = xp.empty(x.shape[:2] + tuple(out), dtype=xp.int64)
        for pos in itertools.product(*(range(o) for o in out)):
            box = tuple(slice(*bounds[d][i]) for d, i in enumerate(pos))
            win = x[(slice(None), slice(None)) + box]
            wshape = win.shape[2:]
            win = win.reshape(win.shape[:2] + (-1,))
            arg = win.argmax(axis=-1)
            idx = (slice(None), slice(None)) + pos
            y[idx] = xp.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
            coords = xp.unravel_index(arg, wshape)
            f = 0
            for d, c in enumerate(coords):
                f = f * sp[d] + (c + bounds[d][pos[d]][0])
            flat[idx] = f
        ctx.indices = flat
        return y, flat

    @staticmethod
    def backward(ctx, grad, grad_indices):
        (x,) = ctx.inputs
        if "arg" in ctx.__dict__:  # even windows: a plain max pool
            return MaxPool2d.backward(ctx, grad)
        return MaxPoolBackward.apply(grad, indices=ctx.indices, x_shape=tuple(x.shape))


class MaxPoolBackward(Op):
    """Scatter ``grad`` to the input positions named by ``indices`` (summing where windows share a maximum)."""

    grad_fn = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, indices, x_shape):
        xp = array_module(grad)
        ctx.indices = indices
        B, C = x_shape[:2]
        n = math.prod(x_shape[2:])
        # adaptive windows overlap: several outputs may pick one input, so accumulate (bincount sums in float64)
        rows = (xp.arange(B * C, dtype=xp.int64) * n)[:, None]
        flat = (indices.reshape(B * C, -1) + rows).ravel()
        out = xp.bincount(flat, weights=grad.reshape(-1), minlength=B * C * n).astype(grad.dtype)
        return out.reshape(x_shape)

    @staticmethod
    def backward(ctx, grad):  # gather at the indices: the adjoint of a scatter
        from .._tensor import Tensor

        idx = Tensor._from(ctx.indices)
        B, C = grad.shape[:2]
        return grad.reshape(B, C, -1).gather(2, idx.reshape(B, C, -1)).reshape(idx.shape)


# --------------------------------------------------------------------------------------------- average pooling
def _avg_divisor(xp, sp, out, ksize, stride, padding, count_include_pad, divisor_override, dtype):
    """The divisor of each output position (an array broadcastable to (*out), or one scalar when all are equal)."""
    if divisor_override:
        return divisor_override
    if not any(padding) and all((o - 1) * s + k <= n for n, o, k, s in zip(sp, out, ksize, stride, strict=False)):
        # every window lies inside the input: one divisor, k*k (dividing by it equals dividing by an array of it)
        return xp.dtype(dtype).type(math.prod(ksize))
    div = 1
    for i, (n, o, k, s, p) in enumerate(zip(sp, out, ksize, stride, padding, strict=False)):
        start = xp.arange(o) * s - p
        end = xp.minimum(start + k, n + p)
        if count_include_pad:
            cnt = end - start
        else:
            cnt = xp.minimum(end, n) - xp.maximum(start, 0)
        div = div * cnt.reshape((-1,) + (1,) * (len(out) - 1 - i))
    return div.astype(dtype)


class AvgPool2d(Op):
    """Mean of each window (zero padding; divisor by count_include_pad / divisor_override as torch's)."""

    grad_fn = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, *, ksize, stride, padding, ceil_mode, count_include_pad, divisor_override):
        xp = array_module(x)
        sp = x.shape[2:]
        one = (1,) * len(sp)
        out = tuple(pool_out_size(*a, 1, ceil_mode) for a in zip(sp, ksize, stride, padding, strict=False))
        pads = _pads(sp, out, ksize, stride, padding, one)
        xpad = _padded(xp, x, pads, 0)
        y = xp.zeros(x.shape[:2] + out, dtype=x.dtype)
        for offs in itertools.product(*(range(k) for k in ksize)):
            y += xpad[
                (slice(None), slice(None))
                + tuple(slice(o, o + s * (n - 1) + 1, s) for o, s, n in zip(offs, stride, out, strict=False))
            ]
        div = _avg_divisor(xp, sp, out, ksize, stride, padding, count_include_pad, divisor_override, x.dtype)
        y /= div
        ctx.params = dict(
            ksize=ksize,
            stride=stride,
            padding=padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
            divisor_override=divisor_override,
        )
        return y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return AvgPoolBackward.apply(grad, x_shape=tuple(x.shape), **ctx.params)


class AvgPoolBackward(Op):
    """Spread each output's gradient evenly over its window (the transpose of AvgPool2d)."""

    grad_fn = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, x_shape, ksize, stride, padding, ceil_mode, count_include_pad, divisor_override):
        xp = array_module(grad)
        ctx.params = dict(
            ksize=ksize,
            stride=stride,
            padding=padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
            divisor_override=divisor_override,
        )
        sp = x_shape[2:]
        out = grad.shape[2:]
        pads = _pads(sp, out, ksize, stride, padding, (1,) * len(sp))
        g = grad / _avg_divisor(xp, sp, out, ksize, stride, padding, count_include_pad, divisor_override, grad.dtype)
        buf = xp.zeros(
            x_shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads, strict=False)), dtype=grad.dtype
        )
        for offs in itertools.product(*(range(k) for k in ksize)):
            buf[
                (slice(None), slice(None))
                + tuple(slice(o, o + s * (n - 1) + 1, s) for o, s, n in zip(offs, stride, out, strict=False))
            ] += g
        return xp.ascontiguousarray(
            buf[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(sp, pads, strict=False))]
        )

    @staticmethod
    def backward(ctx, grad):
        return AvgPool2d.apply(grad, **ctx.params)


# --------------------------------------------------------------------------------------------- adaptive average
def _adaptive_matrix(xp, n, o, dtype):
    """(o, n) averaging matrix: row i averages input[floor(i*n/o) : ceil((i+1)*n/o)]."""
    m = xp.zeros((o, n), dtype=dtype)
    for i in range(o):
        a, b = i * n // o, -((-(i + 1) * n) // o)
        m[i, a:b] = 1.0 / (b - a)
    return m


def _adaptive_avg(xp, x, out):
    sp = x.shape[2:]
    if all(n % o == 0 for n, o in zip(sp, out, strict=False)):  # even windows: a reshape and a mean
        shape = x.shape[:2] + tuple(v for o, n in zip(out, sp, strict=False) for v in (o, n // o))
        return x.reshape(shape).mean(axis=tuple(range(3, 2 + 2 * len(sp), 2)))
    y = x
    for i, (n, o) in enumerate(zip(sp, out, strict=False)):  # separable: one small matrix product per spatial dim
        m = _adaptive_matrix(xp, n, o, x.dtype)
        y = xp.moveaxis(xp.moveaxis(y, 2 + i, -1) @ m.T, -1, 2 + i)
    return xp.ascontiguousarray(y)


class AdaptiveAvgPool2d(Op):
    grad_fn = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, *, out):
        return _adaptive_avg(array_module(x), x, out)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        return AdaptiveAvgPoolBackward.apply(grad, x_shape=tuple(x.shape))


class AdaptiveAvgPoolBackward(Op):
    grad_fn = "AdaptiveAvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, *, x_shape):
        xp = array_module(grad)
        sp = x_shape[2:]
        out = grad.shape[2:]
        ctx.out = out
        y = grad
        for i, (n, o) in enumerate(zip(sp, out, strict=False)):
            m = _adaptive_matrix(xp, n, o, grad.dtype)
            y = xp.moveaxis(xp.moveaxis(y, 2 + i, -1) @ m, -1, 2 + i)
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad):
        return AdaptiveAvgPool2d.apply(grad, out=ctx.out)

"""Convolution (1-d, 2-d, 3-d) and transposed convolution: im2col on strided views + one GEMM.

Layout: the columns of an input are laid out ``(groups, C/groups * prod(K), L * B)`` (L = output positions), so the
forward is one GEMM ``weight (O, C*K) @ cols (C*K, L*B)`` per call (batched over groups only when groups > 1), and the
weight gradient is one GEMM ``grad (O, L*B) @ cols.T``. The input gradient is the transpose of im2col (col2im): one
GEMM ``weight.T @ grad`` and then a scatter-add of the columns, looping over kernel offsets only.

Three ops form a family closed under differentiation, so double backward works:
``Convolution(x, w, b)``, ``ConvBackwardInput(g, w)`` (col2im(w.T @ g), also the forward of a transposed conv) and
``ConvBackwardWeight(x, g)``; the backward of each is written with the other two.
"""

from __future__ import annotations

import itertools
import math

from ..autograd.function import Op, _Scratch
from ..backend import array_module

# --------------------------------------------------------------------------------------------- array helpers
# Two layouts of the columns. Batch-outer, (C, *K, B, *out): each kernel offset copies (im2col) or adds (col2im) runs
# of out[-1] values, and the GEMM's output (O, B, *out) becomes (B, O, *out) by moving runs of L values. Batch-last,
# (C, *K, *out, B): runs of out[-1] * B values, but the output transpose moves single values. Narrow outputs (LeNet's
# second conv, 10 wide) are faster batch-last, wide ones batch-outer (benchmarks/bench_conv.py).
_BATCH_LAST_BELOW = 16


def batch_last(out) -> bool:
    """The layout for a convolution whose output has spatial shape ``out``."""
    return out[-1] < _BATCH_LAST_BELOW


def _padded_input(xp, x, pads, bl):
    """x (B, C, *S) zero-padded by pads ((lo, hi) per dim, negative ones crop) as a contiguous array laid out
    (C, *padded S, B) when ``bl``, else (B, C, *padded S)."""
    nsp = len(pads)
    src = [slice(None), slice(None)]
    dst = [slice(None), slice(None)] if not bl else [slice(None)]
    size = []
    for (lo, hi), n in zip(pads, x.shape[2:], strict=True):
        a, b = max(-lo, 0), n - max(-hi, 0)  # the part of x that is kept
        src.append(slice(a, b))
        dst.append(slice(max(lo, 0), max(lo, 0) + b - a))
        size.append(max(lo, 0) + b - a + max(hi, 0))
    kept = x[tuple(src)]
    if bl:
        kept = kept.transpose(1, *range(2, 2 + nsp), 0)
        dst.append(slice(None))
        shape = (x.shape[1], *size, x.shape[0])
    else:
        shape = (x.shape[0], x.shape[1], *size)
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return xp.ascontiguousarray(kept)
    buf = xp.zeros(shape, dtype=x.dtype)
    buf[tuple(dst)] = kept
    return buf


def im2col(xp, x, ksize, stride, dilation, pads, groups, bl=None):
    """Columns of ``x`` (B, C, *S): an array (groups, C/groups * prod(K), B * L) in the layout ``bl`` (chosen from
    the output shape when None), the output spatial shape and the layout."""
    B, C = x.shape[:2]
    sp = [n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads, strict=True)]
    out = tuple((n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(sp, ksize, stride, dilation, strict=True))
    if bl is None:
        bl = batch_last(out)
    xt = _padded_input(xp, x, pads, bl)
    st = xt.strides
    sst = st[1:-1] if bl else st[2:]  # strides of the spatial dims
    win = tuple(a * d for a, d in zip(sst, dilation, strict=True))
    step = tuple(a * s for a, s in zip(sst, stride, strict=True))
    if bl:
        shape, strides = (C, *ksize, *out, B), (st[0], *win, *step, st[-1])
    else:
        shape, strides = (C, *ksize, B, *out), (st[1], *win, st[0], *step)
    cols = xp.ascontiguousarray(xp.lib.stride_tricks.as_strided(xt, shape, strides))  # the one copy
    return cols.reshape(groups, C // groups * math.prod(ksize), math.prod(out) * B), out, bl


# A third layout, per sample: (B, C*K, L). The forward is one batched GEMM (O, C*K) @ (B, C*K, L) that writes
# (B, O, L), the output's own layout, so the output transpose disappears; the weight gradient is B GEMMs
# (O, L) @ (L, C*K) summed over the batch, which pays off only while C*K is small. LeNet's first conv (C*K = 25,
# 28 wide): forward 5.05 -> 3.12 ms, weight gradient 3.26 -> 1.14 ms.
_PER_SAMPLE_MAX_CK = 64


def per_sample(out, groups, ck) -> bool:
    """Whether a convolution with output spatial shape ``out`` uses the per-sample layout."""
    return groups == 1 and ck <= _PER_SAMPLE_MAX_CK and not batch_last(out)


def _out_shape(x_shape, ksize, stride, dilation, pads):
    sp = [n + lo + hi for n, (lo, hi) in zip(x_shape[2:], pads, strict=True)]
    return tuple((n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(sp, ksize, stride, dilation, strict=True))


def _im2col_per_sample(xp, x, ksize, stride, dilation, pads, out):
    """Columns of ``x`` (B, C, *S) as (B, C * prod(K), L)."""
    B, C = x.shape[:2]
    xt = _padded_input(xp, x, pads, False)
    st = xt.strides
    win = tuple(a * d for a, d in zip(st[2:], dilation, strict=True))
    step = tuple(a * s for a, s in zip(st[2:], stride, strict=True))
    cols = xp.ascontiguousarray(xp.lib.stride_tricks.as_strided(xt, (B, C, *ksize, *out), (st[0], st[1], *win, *step)))
    return cols.reshape(B, C * math.prod(ksize), math.prod(out))


def col2im(xp, cols, x_shape, ksize, stride, dilation, pads, bl):
    """Transpose of im2col: scatter-add ``cols`` ((C, *K, *out, B) if ``bl`` else (C, *K, B, *out)) into an array of
    ``x_shape`` (unpadded)."""
    B, C = x_shape[:2]
    sp = x_shape[2:]
    nk = len(ksize)
    out = cols.shape[1 + nk : 1 + 2 * nk] if bl else cols.shape[2 + nk :]
    # the padded buffer must hold every window; pads may be negative (output_padding of a transposed conv)
    need = [s * (o - 1) + d * (k - 1) + 1 for o, k, s, d in zip(out, ksize, stride, dilation, strict=True)]
    size = [max(nd, lo + n + max(hi, 0)) for nd, n, (lo, hi) in zip(need, sp, pads, strict=True)]
    buf = xp.zeros((C, *size, B) if bl else (C, B, *size), dtype=cols.dtype)
    lead = (slice(None),) if bl else (slice(None), slice(None))
    for offs in itertools.product(*(range(k) for k in ksize)):
        idx = lead + tuple(
            slice(o * d, o * d + s * (n - 1) + 1, s) for o, d, s, n in zip(offs, dilation, stride, out, strict=True)
        )
        buf[idx] += cols[(slice(None), *offs)]
    crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, sp, strict=True))
    if bl:
        return xp.ascontiguousarray(xp.moveaxis(buf[(slice(None), *crop, slice(None))], -1, 0))
    return xp.ascontiguousarray(buf[(slice(None), slice(None), *crop)].swapaxes(0, 1))


def _grad_rows(xp, g, groups, bl):
    """grad (B, O, *out) as (groups, O/groups, B * L) in the columns' layout: the other operand of their GEMMs."""
    rows = xp.moveaxis(g, 0, -1) if bl else g.swapaxes(0, 1)
    return xp.ascontiguousarray(rows).reshape(groups, g.shape[1] // groups, math.prod(g.shape[2:]) * g.shape[0])


def _gemm(xp, a, b):
    """a @ b over a leading groups axis; a plain 2-d GEMM when there is one group."""
    if a.shape[0] == 1:
        return (a[0] @ b[0])[None]
    return xp.matmul(a, b)


def conv_forward(xp, x, w, b, stride, pads, dilation, groups, keep_cols=False):
    O = w.shape[0]
    ck = math.prod(w.shape[1:])
    out = _out_shape(x.shape, w.shape[2:], stride, dilation, pads)
    if per_sample(out, groups, ck):
        cols = _im2col_per_sample(xp, x, w.shape[2:], stride, dilation, pads, out)
        y = xp.matmul(w.reshape(O, ck), cols)  # (B, O, L)
        if b is not None:
            y += b[:, None]
        y = y.reshape(x.shape[0], O, *out)
        return (y, cols) if keep_cols else y
    cols, out, bl = im2col(xp, x, w.shape[2:], stride, dilation, pads, groups)
    y = _gemm(xp, w.reshape(groups, O // groups, cols.shape[1]), cols).reshape(O, cols.shape[2])
    if b is not None:
        y += b[:, None]
    if bl:
        y = xp.ascontiguousarray(xp.moveaxis(y.reshape(O, *out, x.shape[0]), -1, 0))
    else:
        y = xp.ascontiguousarray(y.reshape(O, x.shape[0], *out).swapaxes(0, 1))
    return (y, cols) if keep_cols else y


def conv_input_grad(xp, g, w, x_shape, stride, pads, dilation, groups):
    O = w.shape[0]
    bl = batch_last(g.shape[2:])
    wg = w.reshape(groups, O // groups, math.prod(w.shape[1:])).swapaxes(1, 2)  # (groups, C/g*K, O/g)
    dcols = _gemm(xp, wg, _grad_rows(xp, g, groups, bl))  # (groups, C/g*K, B*L)
    if bl:
        dcols = dcols.reshape(x_shape[1], *w.shape[2:], *g.shape[2:], x_shape[0])
    else:
        dcols = dcols.reshape(x_shape[1], *w.shape[2:], x_shape[0], *g.shape[2:])
    return col2im(xp, dcols, x_shape, w.shape[2:], stride, dilation, pads, bl)


def conv_weight_grad(xp, x, g, w_shape, stride, pads, dilation, groups, cols=None):
    ck = math.prod(w_shape[1:])
    if per_sample(g.shape[2:], groups, ck):
        if cols is None:
            cols = _im2col_per_sample(xp, x, w_shape[2:], stride, dilation, pads, g.shape[2:])
        B, O = g.shape[:2]
        gw = xp.matmul(g.reshape(B, O, math.prod(g.shape[2:])), cols.swapaxes(1, 2)).sum(axis=0)
        return gw.reshape(w_shape)
    bl = batch_last(g.shape[2:])
    if cols is None:
        cols, _, _ = im2col(xp, x, w_shape[2:], stride, dilation, pads, groups, bl)
    # (cols @ rows.T).T: BLAS runs this shape (long inner dimension) about twice as fast as rows @ cols.T
    gw = _gemm(xp, cols, _grad_rows(xp, g, groups, bl).swapaxes(1, 2)).swapaxes(1, 2)
    return xp.ascontiguousarray(gw).reshape(w_shape)


# --------------------------------------------------------------------------------------------- ops
class Convolution(Op):
    """y = conv(x, w) + b for x (B, C, *S), w (O, C/groups, *K), b (O,) or None."""

    grad_fn = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, *, stride, pads, dilation, groups):
        xp = array_module(x)
        ctx.params = (stride, pads, dilation, groups)
        if type(ctx) is _Scratch:
            return conv_forward(xp, x, w, b, stride, pads, dilation, groups)
        y, ctx.cols = conv_forward(xp, x, w, b, stride, pads, dilation, groups, keep_cols=True)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w, b = ctx.inputs
        n = ctx.needs_input_grad
        stride, pads, dilation, groups = ctx.params
        gx = gw = gb = None
        if n[0]:
            gx = ConvBackwardInput.apply(grad, w, x_shape=tuple(x.shape), **_kw(ctx.params))
        if n[1]:
            gw = ConvBackwardWeight.apply(x, grad, w_shape=tuple(w.shape), cols=ctx.cols, **_kw(ctx.params))
        if n[2]:
            gb = grad.sum(dim=[0, *range(2, grad.ndim)])
        ctx.cols = None
        return gx, gw, gb


def _kw(params):
    stride, pads, dilation, groups = params
    return {"stride": stride, "pads": pads, "dilation": dilation, "groups": groups}


class ConvBackwardInput(Op):
    """col2im(w.T @ g): the gradient of a convolution with respect to its input (x_shape)."""

    grad_fn = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, g, w, *, x_shape, stride, pads, dilation, groups):
        ctx.params = (stride, pads, dilation, groups)
        return conv_input_grad(array_module(g), g, w, x_shape, stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, grad):  # grad has the shape of the convolution's input
        g, w = ctx.inputs
        n = ctx.needs_input_grad
        gg = Convolution.apply(grad, w, None, **_kw(ctx.params)) if n[0] else None
        gw = ConvBackwardWeight.apply(grad, g, w_shape=tuple(w.shape), cols=None, **_kw(ctx.params)) if n[1] else None
        return gg, gw


class ConvBackwardWeight(Op):
    """The gradient of a convolution with respect to its weight (w_shape), given input x and output grad g."""

    grad_fn = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, g, *, w_shape, cols, stride, pads, dilation, groups):
        ctx.params = (stride, pads, dilation, groups)
        return conv_weight_grad(array_module(x), x, g, w_shape, stride, pads, dilation, groups, cols)

    @staticmethod
    def backward(ctx, grad):  # grad has the shape of the weight
        x, g = ctx.inputs
        n = ctx.needs_input_grad
        gx = ConvBackwardInput.apply(g, grad, x_shape=tuple(x.shape), **_kw(ctx.params)) if n[0] else None
        gg = Convolution.apply(x, grad, None, **_kw(ctx.params)) if n[1] else None
        return gx, gg


class ConvolutionTranspose(Op):
    """y = conv_transpose(x, w) + b: the input-gradient of a convolution, used as a layer (w: (Cin, Cout/g, *K))."""

    grad_fn = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, *, y_shape, stride, pads, dilation, groups):
        ctx.params = (stride, pads, dilation, groups)
        y = conv_input_grad(array_module(x), x, w, y_shape, stride, pads, dilation, groups)
        if b is not None:
            y += b.reshape((-1,) + (1,) * (y.ndim - 2))
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w, b = ctx.inputs
        n = ctx.needs_input_grad
        gx = Convolution.apply(grad, w, None, **_kw(ctx.params)) if n[0] else None
        gw = ConvBackwardWeight.apply(grad, x, w_shape=tuple(w.shape), cols=None, **_kw(ctx.params)) if n[1] else None
        gb = grad.sum(dim=[0, *range(2, grad.ndim)]) if n[2] else None
        return gx, gw, gb


class Im2Col(Op):
    """unfold: (B, C, *S) -> (B, C * prod(K), L) columns, zero padding (torch's F.unfold)."""

    grad_fn = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, *, ksize, stride, pads, dilation):
        xp = array_module(x)
        ctx.params = (ksize, stride, pads, dilation)
        B = x.shape[0]
        cols, out, _ = im2col(xp, x, ksize, stride, dilation, pads, 1, True)  # (1, C*K, L*B)
        ctx.out = out
        return xp.ascontiguousarray(cols.reshape(cols.shape[1], math.prod(out), B).transpose(2, 0, 1))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        ksize, stride, pads, dilation = ctx.params
        return Col2Im.apply(
            grad, x_shape=tuple(x.shape), out=ctx.out, ksize=ksize, stride=stride, pads=pads, dilation=dilation
        )


class Col2Im(Op):
    """fold: (B, C * prod(K), L) -> (B, C, *S), summing overlapping values (torch's F.fold)."""

    grad_fn = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, *, x_shape, out, ksize, stride, pads, dilation):
        xp = array_module(cols)
        ctx.params = (ksize, stride, pads, dilation)
        B, C = x_shape[:2]
        c = xp.ascontiguousarray(cols.transpose(1, 2, 0)).reshape(C, *ksize, *out, B)
        return col2im(xp, c, x_shape, ksize, stride, dilation, pads, True)

    @staticmethod
    def backward(ctx, grad):
        ksize, stride, pads, dilation = ctx.params
        return Im2Col.apply(grad, ksize=ksize, stride=stride, pads=pads, dilation=dilation)


class ConstantPadNd(Op):
    """Pad with a constant; ``pairs[i]`` = (before, after) for dim -1-i; a negative amount crops."""

    grad_fn = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, *, pairs, value):
        xp = array_module(x)
        ctx.pairs = pairs
        nd = len(pairs)
        pads = [(0, 0)] * (x.ndim - nd) + [(max(lo, 0), max(hi, 0)) for lo, hi in reversed(pairs)]
        if any(a or b for a, b in pads):
            y = xp.pad(x, pads, constant_values=value)
        else:
            y = x.copy()
        if any(lo < 0 or hi < 0 for lo, hi in pairs):
            idx = [slice(None)] * (x.ndim - nd)
            for (lo, hi), n in zip(reversed(pairs), y.shape[x.ndim - nd :], strict=False):
                idx.append(slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n))
            y = xp.ascontiguousarray(y[tuple(idx)])
        return y

    @staticmethod
    def backward(ctx, grad):  # the adjoint of padding is cropping by the same amounts
        return ConstantPadNd.apply(grad, pairs=tuple((-lo, -hi) for lo, hi in ctx.pairs), value=0)


def _sum_runs(xp, g, first, d):
    """Sums of the runs of ``g`` along dim ``d`` that start at ``first`` (add.reduceat where the backend has it)."""
    if hasattr(xp.add, "reduceat"):
        return xp.add.reduceat(g, first, axis=d)
    ends = [*first.tolist()[1:], g.shape[d]]  # CuPy has no reduceat: one sum per run
    lead = (slice(None),) * d
    return xp.concatenate(
        [g[(*lead, slice(a, b))].sum(axis=d, keepdims=True) for a, b in zip(first.tolist(), ends, strict=True)], axis=d
    )


def _runs(pos):
    """Split a gather index into runs of consecutive positions: (start in pos, end in pos, first position)."""
    out, j0 = [], 0
    for j in range(1, len(pos) + 1):
        if j == len(pos) or pos[j] != pos[j - 1] + 1:
            out.append((j0, j, int(pos[j0])))
            j0 = j
    return out


class _GatherPad(Op):
    """Reflect, replicate or circular padding, or nearest upsampling: a gather along each dim (``dims_pos``: (dim,
    positions))."""

    grad_fn = "ReflectionPad2DBackward0"

    @staticmethod
    def forward(ctx, x, *, dims_pos):
        xp = array_module(x)
        ctx.dims_pos = dims_pos
        ctx.sizes = tuple(x.shape[d] for d, _ in dims_pos)
        for d, pos in dims_pos:
            x = xp.take(x, xp.asarray(pos), axis=d)
        return x

    @classmethod
    def backward(cls, ctx, grad):
        return _scatter_cls(cls).apply(grad, dims_pos=ctx.dims_pos, sizes=ctx.sizes)


class _ScatterPad(Op):
    """The transpose of _GatherPad: sum each padded position's gradient into the element it copies."""

    grad_fn = "ReflectionPad2DBackwardBackward0"
    _gather = None

    @staticmethod
    def forward(ctx, grad, *, dims_pos, sizes):
        xp = array_module(grad)
        ctx.dims_pos = dims_pos
        g = grad
        for (d, pos), n in reversed(list(zip(dims_pos, sizes, strict=True))):
            shape = list(g.shape)
            shape[d] = n
            out = xp.zeros(shape, dtype=g.dtype)
            lead = (slice(None),) * d
            p = xp.asarray(pos)
            if len(pos) > 1 and bool((p[1:] >= p[:-1]).all()):  # monotone (nearest upsampling): sum equal runs
                first = xp.flatnonzero(xp.concatenate([xp.ones(1, dtype=bool), p[1:] != p[:-1]]))
                out[(*lead, p[first])] = _sum_runs(xp, g, first, d)
            else:
                for j0, j1, p0 in _runs(pos):  # a few runs: the interior and each border element
                    out[(*lead, slice(p0, p0 + j1 - j0))] += g[(*lead, slice(j0, j1))]
            g = out
        return g

    @classmethod
    def backward(cls, ctx, grad):
        return cls._gather.apply(grad, dims_pos=ctx.dims_pos)


_PAD_CLASSES: dict = {}


def gather_pad_op(name: str):
    """The gather-padding op whose node torch names ``name`` (e.g. ReplicationPad2DBackward0)."""
    cls = _PAD_CLASSES.get(name)
    if cls is None:
        cls = type(name.removesuffix("Backward0"), (_GatherPad,), {"grad_fn": name})
        back = type(
            cls.__name__ + "Backward", (_ScatterPad,), {"grad_fn": name.replace("Backward0", "BackwardBackward0")}
        )
        back._gather = cls
        cls._scatter = back
        _PAD_CLASSES[name] = cls
    return cls


def _scatter_cls(cls):
    return cls._scatter


def _scatter_sorted(xp, g, d, p, n):
    """Sum slices of ``g`` along dim ``d`` into an array with ``n`` there, slice j going to position p[j] (p sorted)."""
    shape = list(g.shape)
    shape[d] = n
    out = xp.zeros(shape, dtype=g.dtype)
    first = xp.flatnonzero(xp.concatenate([xp.ones(1, dtype=bool), p[1:] != p[:-1]]))
    out[(*(slice(None),) * d, p[first])] = _sum_runs(xp, g, first, d)
    return out


def _lam_shape(lam, d, ndim):
    shape = [1] * ndim
    shape[d] = lam.shape[0]
    return lam.reshape(shape)


class _LinearInterp(Op):
    """Linear interpolation along dims: y = x[i0] * (1 - lam) + x[i1] * lam per dim (``dims``: (dim, i0, i1, lam))."""

    grad_fn = "UpsampleBilinear2DBackward0"

    @staticmethod
    def forward(ctx, x, *, dims):
        xp = array_module(x)
        ctx.dims = dims
        ctx.sizes = tuple(x.shape[d] for d, *_ in dims)
        for d, i0, i1, lam in dims:
            w = _lam_shape(xp.asarray(lam, dtype=x.dtype), d, x.ndim)
            a = xp.take(x, xp.asarray(i0), axis=d)
            a *= 1 - w
            a += xp.take(x, xp.asarray(i1), axis=d) * w
            x = a
        return x

    @classmethod
    def backward(cls, ctx, grad):
        return cls._transpose.apply(grad, dims=ctx.dims, sizes=ctx.sizes)


class _LinearInterpT(Op):
    """The transpose of _LinearInterp: each output's gradient split between its two sources by lam."""

    grad_fn = "UpsampleBilinear2DBackwardBackward0"
    _forward_cls = None

    @staticmethod
    def forward(ctx, grad, *, dims, sizes):
        xp = array_module(grad)
        ctx.dims = dims
        g = grad
        for (d, i0, i1, lam), n in reversed(list(zip(dims, sizes, strict=True))):
            w = _lam_shape(xp.asarray(lam, dtype=g.dtype), d, g.ndim)
            g = _scatter_sorted(xp, g * (1 - w), d, xp.asarray(i0), n) + _scatter_sorted(
                xp, g * w, d, xp.asarray(i1), n
            )
        return g

    @classmethod
    def backward(cls, ctx, grad):
        return cls._forward_cls.apply(grad, dims=ctx.dims)


_INTERP_CLASSES: dict = {}


def linear_interp_op(name: str):
    """The linear-interpolation op whose node torch names ``name`` (e.g. UpsampleBilinear2DBackward0)."""
    cls = _INTERP_CLASSES.get(name)
    if cls is None:
        cls = type(name.removesuffix("Backward0"), (_LinearInterp,), {"grad_fn": name})
        back = type(
            cls.__name__ + "Backward", (_LinearInterpT,), {"grad_fn": name.replace("Backward0", "BackwardBackward0")}
        )
        back._forward_cls = cls
        cls._transpose = back
        _INTERP_CLASSES[name] = cls
    return cls


def _shuffle(xp, x, r, up):
    *lead, c, h, w = x.shape
    n = len(lead)
    if up:  # (*, C*r*r, H, W) -> (*, C, H*r, W*r)
        y = x.reshape(*lead, c // (r * r), r, r, h, w).transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
        return xp.ascontiguousarray(y).reshape(*lead, c // (r * r), h * r, w * r)
    y = x.reshape(*lead, c, h // r, r, w // r, r).transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return xp.ascontiguousarray(y).reshape(*lead, c * r * r, h // r, w // r)


class PixelShuffle(Op):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r): a copy (torch's pixel_shuffle)."""

    grad_fn = "PixelShuffleBackward0"

    @staticmethod
    def forward(ctx, x, *, r):
        ctx.r = r
        return _shuffle(array_module(x), x, r, True)

    @staticmethod
    def backward(ctx, grad):
        return PixelUnshuffle.apply(grad, r=ctx.r)


class PixelUnshuffle(Op):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W): the inverse of PixelShuffle."""

    grad_fn = "PixelUnshuffleBackward0"

    @staticmethod
    def forward(ctx, x, *, r):
        ctx.r = r
        return _shuffle(array_module(x), x, r, False)

    @staticmethod
    def backward(ctx, grad):
        return PixelShuffle.apply(grad, r=ctx.r)

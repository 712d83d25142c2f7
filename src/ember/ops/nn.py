"""Neural-network primitives: softmax, log_softmax, losses, normalisation, activations, embedding, dropout noise.

Each op holds its forward (on backend arrays) and its backward (ember ops on Tensors) side by side, as torch's
nodes of the same name (``SoftmaxBackward0``, ``NllLossBackward0``, ``NativeBatchNormBackward0`` ...).
cross_entropy is log_softmax + nll_loss as in torch: two nodes, each one vectorised pass.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor
from ..autograd.function import Op
from ..autograd.grad_mode import state
from ..backend import array_module

_wrap = Tensor._from


def _const(arr) -> Tensor:
    """A Tensor around an array computed in a forward, used as a constant in a backward."""
    return _wrap(arr)


# ------------------------------------------------------------------------------------------- softmax family
class Softmax(Op):
    """out = exp(x - max) / sum(exp(x - max)) along ``dim``."""

    grad_fn = "SoftmaxBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = array_module(x)
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        e /= e.sum(axis=dim, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        if not state.enabled:  # plain backward: one pass on arrays (create_graph takes the Tensor path below)
            gy = grad._data * y._data
            gy -= y._data * gy.sum(axis=ctx.dim, keepdims=True)
            return _wrap(gy)
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(Op):
    """out = x - logsumexp(x) along ``dim``, computed stably."""

    grad_fn = "LogSoftmaxBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = array_module(x)
        s = x - x.max(axis=dim, keepdims=True)
        s -= xp.log(xp.exp(s).sum(axis=dim, keepdims=True))
        return s

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        if not state.enabled:  # plain backward: one pass on arrays (create_graph takes the Tensor path below)
            g = grad._data
            xp = array_module(g)
            return _wrap(g - xp.exp(y._data) * g.sum(axis=ctx.dim, keepdims=True))
        return grad - y.exp() * grad.sum(ctx.dim, keepdim=True)


# ------------------------------------------------------------------------------------------- losses
def _reduce_arr(xp, loss, reduction):
    if reduction == "mean":
        return loss.mean(dtype=loss.dtype) if loss.size else xp.asarray(np.nan, dtype=loss.dtype)
    if reduction == "sum":
        return loss.sum(dtype=loss.dtype)
    return loss


def _grad_scale(grad, shape, reduction, n):
    """The incoming gradient broadcast to the elementwise loss's shape (divided by n for 'mean')."""
    if reduction == "mean":
        return (grad / n).expand(shape) if n else grad.expand(shape)
    if reduction == "sum":
        return grad.expand(shape)
    return grad


class NllLoss(Op):
    """out = -w[t] * logp[n, t] for class-index targets; 'mean' divides by the sum of the weights used."""

    grad_fn = "NllLossBackward0"

    @staticmethod
    def forward(ctx, logp, target, weight, reduction, ignore_index):
        xp = array_module(logp)
        # classes on the last axis, one row per target: (N, C, d1, ...) -> (N * d1 * ..., C)
        c = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
        lp = (xp.moveaxis(logp, 1, -1) if logp.ndim > 2 else logp).reshape(-1, c)
        t = target.reshape(-1)
        if t.dtype != np.int64:
            t = t.astype(np.int64)
        # one reduction decides the common case: every target a class index (negatives wrap to huge as unsigned)
        all_valid = (not 0 <= ignore_index < c) and (t.size == 0 or int(t.view(np.uint64).max()) < c)
        if all_valid:
            safe = t
        else:
            valid = t != ignore_index
            safe = xp.where(valid, t, 0)
            if safe.size and (safe.min() < 0 or safe.max() >= c):
                bad = int(safe[(safe < 0) | (safe >= c)][0])
                raise IndexError(f"Target {bad} is out of bounds.")
        rows = xp.arange(t.shape[0])
        if weight is not None:
            w = weight[safe].astype(logp.dtype, copy=False)
            if not all_valid:
                w = w * valid
        else:
            w = None if all_valid else valid.astype(logp.dtype)
        picked = lp[rows, safe]
        loss = -picked if w is None else -picked * w
        ctx.safe, ctx.rows, ctx.w, ctx.reduction = safe, rows, w, reduction
        if reduction == "mean":
            total = xp.asarray(t.shape[0], dtype=logp.dtype) if w is None else w.sum()
            ctx.total = total
            return (loss.sum() / total).astype(logp.dtype)
        if reduction == "none":
            return loss.reshape(target.shape)
        return loss.sum().astype(logp.dtype)

    @staticmethod
    def backward(ctx, grad):
        logp = ctx.inputs[0]
        xp = array_module(logp._data)
        lp_shape = logp._data.shape
        moved = (lp_shape[0],) + lp_shape[2:] + (lp_shape[1],) if logp.ndim > 2 else lp_shape
        dtype = logp._data.dtype
        coef = -ctx.w if ctx.w is not None else xp.full(ctx.rows.shape, -1, dtype=dtype)
        if ctx.reduction == "mean":
            coef = coef / ctx.total
        onehot = xp.zeros((ctx.rows.shape[0], moved[-1]), dtype=dtype)
        onehot[ctx.rows, ctx.safe] = coef
        onehot = onehot.reshape(moved)
        if logp.ndim > 2:
            onehot = xp.moveaxis(onehot, -1, 1)
        g = grad if ctx.reduction != "none" else (grad.unsqueeze(1) if logp.ndim > 1 else grad)
        return g * _const(onehot), None, None


class MseLoss(Op):
    """out = (x - y)^2, reduced."""

    grad_fn = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.reduction = reduction
        d = x - y
        return _reduce_arr(array_module(x), d * d, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        d = x - y
        g = _grad_scale(grad, d.shape, ctx.reduction, d.numel())
        gx = 2 * g * d
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class SmoothL1Loss(Op):
    """out = 0.5 d^2 / beta where |d| < beta else |d| - 0.5 beta (Huber: delta * that, scaled)."""

    grad_fn = "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction, beta, huber):
        xp = array_module(x)
        ctx.reduction, ctx.beta, ctx.huber = reduction, beta, huber
        d = x - y
        a = xp.abs(d)
        if huber:
            loss = xp.where(a < beta, 0.5 * d * d, beta * (a - 0.5 * beta))
        elif beta == 0:
            loss = a
        else:
            loss = xp.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
        return _reduce_arr(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        from .pointwise import where

        x, y = ctx.inputs
        d = x - y
        b = ctx.beta
        g = _grad_scale(grad, d.shape, ctx.reduction, d.numel())
        small = d.abs() < b
        if ctx.huber:
            gd = where(small, d, b * d.sign())
        elif b == 0:
            gd = d.sign()
        else:
            gd = where(small, d / b, d.sign())
        gx = g * gd
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class BinaryCrossEntropy(Op):
    """out = -w (y log p + (1 - y) log(1 - p)), each log clamped at -100 as torch does."""

    grad_fn = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, p, y, weight, reduction):
        xp = array_module(p)
        ctx.reduction = reduction
        if ((p < 0) | (p > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            lp = xp.maximum(xp.log(p), -100)  # torch: clamps log at -100 so p = 0 or 1 stays finite
            l1p = xp.maximum(xp.log1p(-p), -100)
        loss = -(y * lp + (1 - y) * l1p)
        if weight is not None:
            loss = loss * weight
        return _reduce_arr(xp, loss.astype(p.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        p, y, w = ctx.inputs
        g = _grad_scale(grad, p.shape, ctx.reduction, p.numel())
        eps = 1e-12  # torch: the grad divides by max(p (1 - p), 1e-12)
        gp = g * (p - y) / (p * (1 - p)).clamp(min=eps)
        if w is not None:
            gp = gp * w
        gy = None
        if ctx.needs_input_grad[1]:
            gy = g * ((1 - p).clamp(min=eps).log() - p.clamp(min=eps).log())
            if w is not None:
                gy = gy * w
        return gp, gy, None


class BinaryCrossEntropyWithLogits(Op):
    """out = -w (pw y log s(x) + (1 - y) log(1 - s(x))), computed from x with log-sum-exp stability."""

    grad_fn = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        xp = array_module(x)
        ctx.reduction = reduction
        # log(1 + exp(-x)) stably; log s(x) = -softplus(-x), log(1 - s(x)) = -x - softplus(-x)
        sp = xp.logaddexp(0, -x)
        if pos_weight is not None:
            lw = 1 + (pos_weight - 1) * y
            loss = (1 - y) * x + lw * sp
        else:
            loss = (1 - y) * x + sp
        if weight is not None:
            loss = loss * weight
        return _reduce_arr(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y, w, pw = ctx.inputs
        g = _grad_scale(grad, x.shape, ctx.reduction, x.numel())
        s = x.sigmoid()
        if pw is not None:
            gx = g * ((pw * y + 1 - y) * s - pw * y)
        else:
            gx = g * (s - y)
        if w is not None:
            gx = gx * w
        gy = None
        if ctx.needs_input_grad[1]:
            if pw is None:
                gy = -g * x
                if w is not None:
                    gy = gy * w
            else:
                # d/dy [(1 - y) x + (1 + (pw - 1) y) softplus(-x)] = -x + (pw - 1) softplus(-x)
                sp = (-x).exp().log1p()
                gy = g * ((pw - 1) * sp - x)
                if w is not None:
                    gy = gy * w
        return gx, gy, None, None


class CtcLoss(Op):
    """Per-sample CTC negative log likelihood, by the forward (alpha) recursion in log space over all samples at once.

    backward is torch's: grad = exp(lp) - exp(logsumexp_s(alpha + beta) + nll - lp), which, followed by
    log_softmax's backward, is the exact gradient w.r.t. the logits.
    """

    grad_fn = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, lp, targets, input_lengths, target_lengths, blank, zero_infinity):
        T, N, C = lp.shape
        S = 2 * (int(target_lengths.max()) if N else 0) + 1
        ext = np.full((N, S), blank, dtype=np.int64)  # l': blank, l1, blank, l2, ..., blank
        for b in range(N):
            ext[b, 1:2 * target_lengths[b]:2] = targets[b][: target_lengths[b]]
        valid_s = np.arange(S)[None, :] < (2 * target_lengths + 1)[:, None]
        skip = np.zeros((N, S), dtype=bool)  # s may come from s - 2: not a blank, differs from l'(s - 2)
        skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
        rows = np.arange(N)[:, None]
        neg_inf = np.array(-np.inf, dtype=lp.dtype)
        alpha = np.full((T, N, S), -np.inf, dtype=lp.dtype)
        emit = lp[:, rows, ext]  # (T, N, S): lp[t, n, l'(s)]
        alpha[0, :, 0] = emit[0, :, 0]
        if S > 1:  # the first label, for samples that have one
            alpha[0, :, 1:2] = np.where(target_lengths[:, None] > 0, emit[0, :, 1:2], neg_inf)
        alpha[0] = np.where(valid_s, alpha[0], neg_inf)
        with np.errstate(invalid="ignore"):
            for t in range(1, T):
                prev = alpha[t - 1]
                a1 = np.full_like(prev, -np.inf)
                a1[:, 1:] = prev[:, :-1]
                a2 = np.full_like(prev, -np.inf)
                a2[:, 2:] = np.where(skip[:, 2:], prev[:, :-2], neg_inf)
                cur = np.logaddexp(np.logaddexp(prev, a1), a2) + emit[t]
                cur = np.where(valid_s, cur, neg_inf)
                active = (t < input_lengths)[:, None]
                alpha[t] = np.where(active, cur, neg_inf)
        last = alpha[np.maximum(input_lengths - 1, 0), np.arange(N)]  # (N, S) at each sample's last frame
        end = 2 * target_lengths
        l1 = last[np.arange(N), end]
        l2 = np.where(target_lengths > 0, last[np.arange(N), np.maximum(end - 1, 0)], neg_inf)
        nll = -np.logaddexp(l1, l2)
        ctx.saved = (alpha, emit, ext, skip, valid_s, nll, input_lengths, target_lengths, blank, zero_infinity)
        return nll.astype(lp.dtype)  # zero_infinity's where() is applied by the caller, as in torch

    @staticmethod
    def backward(ctx, grad):
        lp_t = ctx.inputs[0]
        lp = lp_t._data
        alpha, emit, ext, skip, valid_s, nll, input_lengths, target_lengths, blank, zero_inf = ctx.saved
        T, N, C = lp.shape
        S = ext.shape[1]
        neg_inf = np.array(-np.inf, dtype=lp.dtype)
        beta = np.full((T, N, S), -np.inf, dtype=lp.dtype)
        n_idx = np.arange(N)
        last_t = np.maximum(input_lengths - 1, 0)
        end = 2 * target_lengths
        beta[last_t, n_idx, end] = emit[last_t, n_idx, end]
        has = target_lengths > 0
        beta[last_t[has], n_idx[has], end[has] - 1] = emit[last_t[has], n_idx[has], end[has] - 1]
        skip_next = np.zeros((N, S), dtype=bool)  # s + 2 may come from s
        skip_next[:, :-2] = skip[:, 2:]
        with np.errstate(invalid="ignore"):
            for t in range(T - 2, -1, -1):
                nxt = beta[t + 1]
                b1 = np.full_like(nxt, -np.inf)
                b1[:, :-1] = nxt[:, 1:]
                b2 = np.full_like(nxt, -np.inf)
                b2[:, :-2] = np.where(skip_next[:, :-2], nxt[:, 2:], neg_inf)
                cur = np.logaddexp(np.logaddexp(nxt, b1), b2) + emit[t]
                cur = np.where(valid_s, cur, neg_inf)
                inside = (t < last_t)[:, None]
                beta[t] = np.where(inside, cur, beta[t])
            ab = alpha + beta  # (T, N, S)
            # logsumexp over the positions s carrying each character c
            m = np.max(ab, axis=2, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            acc = np.zeros((T, N, C), dtype=np.float64)
            np.add.at(acc, (slice(None), np.arange(N)[:, None], ext), np.exp(ab - m))
            with np.errstate(divide="ignore"):
                lcab = np.log(acc) + m
            g = np.exp(lp) - np.exp(lcab + nll[None, :, None] - lp)
        g = np.where((np.arange(T)[:, None] < input_lengths[None, :])[:, :, None], g, 0).astype(lp.dtype)
        if zero_inf:
            g = np.where(np.isinf(nll)[None, :, None], 0, g).astype(lp.dtype)
        return _const(g) * grad.reshape(1, N, 1)


# ------------------------------------------------------------------------------------------- normalisation
class NativeBatchNorm(Op):
    """out = (x - mean) / sqrt(var + eps) * w + b per channel (axis 1); batch statistics when ``training``."""

    grad_fn = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, mean, invstd, axes, training, eps):
        # mean/invstd (x's dtype, shaped to broadcast) are the batch's or the running statistics
        ctx.mean, ctx.invstd, ctx.axes, ctx.training, ctx.eps = mean, invstd, axes, training, eps
        shape = mean.shape
        # torch: out = x * alpha + beta with alpha = invstd * w, beta = b - mean * alpha (same rounding as torch)
        alpha = invstd if weight is None else invstd * weight.reshape(shape)
        beta = -mean * alpha
        if bias is not None:
            beta = beta + bias.reshape(shape)
        out = x * alpha
        out += beta
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w, b = ctx.inputs[:3]
        axes = ctx.axes
        if not state.enabled:
            return _batch_norm_backward_arrays(ctx, grad._data, x._data, None if w is None else w._data)
        f64 = D.float64
        if ctx.training:  # create_graph: batch statistics as functions of x
            xmu = x - x.mean(axes, keepdim=True)
            invstd = ((xmu * xmu).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        else:
            xmu = _const(x._data - ctx.mean)
            invstd = _const(ctx.invstd)
        n = ctx.needs_input_grad
        # per-channel sums accumulated in float64 (torch accumulates them more precisely than pairwise float32)
        sum_g = grad.sum(axes, keepdim=True, dtype=f64).to(grad.dtype)
        dotp = (grad * xmu).sum(axes, keepdim=True, dtype=f64).to(grad.dtype)
        gw = (dotp * invstd).reshape(-1) if n[1] else None
        gb = sum_g.reshape(-1) if n[2] else None
        gx = None
        if n[0]:
            scale = invstd if w is None else invstd * w.reshape(invstd.shape)
            if ctx.training:  # closed form: d/dx of the normalisation by the batch's own mean and variance
                count = x.numel() // x.shape[1]
                k = dotp * (invstd * invstd) / count
                gx = (grad - sum_g / count - xmu * k) * scale
            else:
                gx = grad * scale
        return gx, gw, gb


def _batch_norm_backward_arrays(ctx, g, x, w):
    """NativeBatchNorm's backward on arrays, in torch's order of operations (sums in double, the rest in x's dtype)."""
    axes = ctx.axes
    n = ctx.needs_input_grad
    dt = g.dtype
    xmu = x - ctx.mean
    invstd = ctx.invstd
    sum64 = g.sum(axis=axes, keepdims=True, dtype=np.float64)
    dotp64 = (xmu * g).sum(axis=axes, keepdims=True, dtype=np.float64)
    gw = _wrap((dotp64 * invstd.astype(np.float64)).astype(dt).reshape(-1)) if n[1] else None
    gb = _wrap(sum64.astype(dt).reshape(-1)) if n[2] else None
    gx = None
    if n[0]:
        if ctx.training:
            count = x.size // x.shape[1]
            k = dotp64.astype(dt) * invstd * invstd / dt.type(count)
            grad_mean = (sum64 / count).astype(dt)
            gxa = g - grad_mean
            gxa -= xmu * k
        else:
            gxa = g.copy()
        gxa *= invstd
        if w is not None:
            gxa *= w.reshape(invstd.shape)
        gx = _wrap(gxa)
    return gx, gw, gb


class NativeLayerNorm(Op):
    """out = (x - mean) / sqrt(var + eps) * w + b over the last ``k`` dimensions."""

    grad_fn = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, k, eps):
        xp = array_module(x)
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        d = x - mean
        var = (d * d).mean(axis=axes, keepdims=True)
        invstd = 1 / xp.sqrt(var + eps)
        xhat = d * invstd
        ctx.xhat, ctx.invstd, ctx.axes, ctx.eps = xhat, invstd, axes, eps
        out = xhat
        if weight is not None:
            out = out * weight
        if bias is not None:
            out = out + bias
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, w, b = ctx.inputs[:3]
        axes = ctx.axes
        lead = tuple(range(x.ndim - len(axes)))
        n = ctx.needs_input_grad
        if not state.enabled:  # plain backward: on arrays
            g, xhat, invstd = grad._data, ctx.xhat, ctx.invstd
            gw = _wrap((g * xhat).sum(axis=lead) if lead else g * xhat) if n[1] else None
            gb = _wrap(g.sum(axis=lead) if lead else g.copy()) if n[2] else None
            gx = None
            if n[0]:
                gxhat = g * w._data if w is not None else g
                gxa = gxhat - gxhat.mean(axis=axes, keepdims=True)
                gxa -= xhat * (gxhat * xhat).mean(axis=axes, keepdims=True)
                gxa *= invstd
                gx = _wrap(gxa.astype(g.dtype, copy=False))
            return gx, gw, gb
        # create_graph: rebuild the statistics from x so that the grad depends on x
        xc = x - x.mean(axes, keepdim=True)
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        xhat = xc * invstd
        gw = (grad * xhat).sum(lead) if n[1] and lead else ((grad * xhat) if n[1] else None)
        gb = (grad.sum(lead) if lead else grad) if n[2] else None
        gx = None
        if n[0]:
            gxhat = grad * w if w is not None else grad
            gx = (gxhat - gxhat.mean(axes, keepdim=True) - xhat * (gxhat * xhat).mean(axes, keepdim=True)) * invstd
        return gx, gw, gb


# ------------------------------------------------------------------------------------------- activations
def _act(name, grad_fn, fwd, bwd):
    """Build a pointwise activation op: ``fwd(xp, x, **p)`` on arrays, ``bwd(g, x, y, **p)`` on Tensors."""

    def forward(ctx, x, **p):
        kernel = _KERNELS.get(name)
        if kernel is not None and x.dtype.kind not in "fc":
            raise _not_implemented(kernel, x.dtype)
        ctx.p = p
        return fwd(array_module(x), x, **p).astype(x.dtype, copy=False)

    def backward(ctx, grad):
        return bwd(grad, ctx.inputs[0], None, **ctx.p)

    return type(name, (Op,), {"grad_fn": grad_fn, "forward": staticmethod(forward),
                               "backward": staticmethod(backward), "__doc__": f"The {name} activation."})


# torch's kernel names in its "not implemented for 'Long'" errors (Hardtanh and Threshold accept integers)
_KERNELS = {"LeakyRelu": "leaky_relu_cpu", "Elu": "elu_cpu", "Celu": "elu_cpu", "Gelu": "GeluKernelImpl",
            "Silu": "silu_cpu", "Mish": "mish_cpu", "Hardswish": "hardswish_cpu", "Hardsigmoid": "hardsigmoid_cpu",
            "Softplus": "softplus_cpu", "LogSigmoid": "log_sigmoid_cpu"}


def _not_implemented(kernel, np_dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{D.dtype_name_cap(D.from_numpy_dtype(np_dtype))}\'')


def _w(cond, a, b):
    from .pointwise import where

    return where(cond, a, b)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT1_2 = 1 / math.sqrt(2)
_SQRT2_PI = math.sqrt(2 / math.pi)


def _erf_arr(xp, x):
    from ._special import erf

    return erf(xp, x)


def _gelu_f(xp, x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + xp.tanh(_SQRT2_PI * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1 + _erf_arr(xp, x * _SQRT1_2))


def _gelu_b(g, x, y, approximate):
    if approximate == "tanh":
        inner = _SQRT2_PI * (x + 0.044715 * x * x * x)
        t = inner.tanh()
        d_inner = _SQRT2_PI * (1 + 3 * 0.044715 * x * x)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)
    cdf = 0.5 * (1 + (x * _SQRT1_2).erf())
    pdf = (-0.5 * x * x).exp() * (1 / math.sqrt(2 * math.pi))
    return g * (cdf + x * pdf)


def _softplus_f(xp, x, beta, threshold):
    bx = x * beta
    with np.errstate(over="ignore"):
        return xp.where(bx > threshold, x, xp.log1p(xp.exp(xp.minimum(bx, threshold))) / beta)


def _softplus_b(g, x, y, beta, threshold):
    bx = x * beta
    return g * _w(bx > threshold, 1.0, (bx).sigmoid())


def _mish_f(xp, x):
    return x * xp.tanh(xp.logaddexp(0, x))


def _mish_b(g, x, y):
    sp = _w(x > 20, x, x.exp().log1p())
    t = sp.tanh()
    return g * (t + x * x.sigmoid() * (1 - t * t))


# fmt: off
LeakyRelu = _act("LeakyRelu", "LeakyReluBackward0",
                 lambda xp, x, slope: xp.where(x > 0, x, x * slope),
                 lambda g, x, y, slope: g * _w(x > 0, 1.0, slope))
Elu = _act("Elu", "EluBackward0",
           lambda xp, x, alpha, scale, input_scale: xp.where(x > 0, x * scale,
                                                             alpha * scale * xp.expm1(xp.minimum(x, 0) * input_scale)),
           lambda g, x, y, alpha, scale, input_scale: g * _w(x > 0, scale, (x * input_scale).exp()
                                                             * (alpha * scale * input_scale)))
Celu = _act("Celu", "CeluBackward0",
            lambda xp, x, alpha: xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0) / alpha)),
            lambda g, x, y, alpha: g * _w(x > 0, 1.0, (x / alpha).exp()))
Gelu = _act("Gelu", "GeluBackward0", _gelu_f, _gelu_b)
Silu = _act("Silu", "SiluBackward0",
            lambda xp, x: x / (1 + xp.exp(-x)),
            lambda g, x, y: g * (x.sigmoid() * (1 + x * (1 - x.sigmoid()))))
Mish = _act("Mish", "MishBackward0", _mish_f, _mish_b)
Hardtanh = _act("Hardtanh", "HardtanhBackward0",
                lambda xp, x, lo, hi: xp.clip(x, lo, hi),
                lambda g, x, y, lo, hi: g * ((x > lo) & (x < hi)))
Hardswish = _act("Hardswish", "HardswishBackward0",
                 lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
                 lambda g, x, y: g * _w(x < -3, 0.0, _w(x <= 3, x / 3 + 0.5, 1.0)))
Hardsigmoid = _act("Hardsigmoid", "HardsigmoidBackward0",
                   lambda xp, x: xp.clip(x + 3, 0, 6) / 6,
                   lambda g, x, y: g * ((x > -3) & (x < 3)) / 6)
Softplus = _act("Softplus", "SoftplusBackward0", _softplus_f, _softplus_b)
LogSigmoid = _act("LogSigmoid", "LogSigmoidBackward0",
                  lambda xp, x: -xp.logaddexp(0, -x),
                  lambda g, x, y: g * (-x).sigmoid())
Threshold = _act("Threshold", "ThresholdBackward0",
                 lambda xp, x, threshold, value: xp.where(x > threshold, x, value),
                 lambda g, x, y, threshold, value: g * (x > threshold))
# fmt: on


class Relu(Op):
    """out = max(x, 0), keeping -0.0 and nan as torch does (np.maximum, not a slower np.where)."""

    grad_fn = "ReluBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        out = xp.maximum(x, x.dtype.type(0))
        zero = x == 0
        if zero.any():  # torch: relu(-0.0) is -0.0
            xp.copyto(out, x, where=zero)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.output > 0)


class Prelu(Op):
    """out = x where x > 0 else a * x, ``a`` per channel (axis 1) or shared."""

    grad_fn = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, x, a):
        if x.dtype.kind not in "fc":
            raise _not_implemented("prelu_cpu", x.dtype)
        shape = (1, -1) + (1,) * (x.ndim - 2) if a.size > 1 and x.ndim >= 2 else a.shape if a.size > 1 else ()
        aa = a.reshape(shape) if a.size > 1 else a.reshape(())
        ctx.shape = shape
        return array_module(x).where(x > 0, x, aa * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, a = ctx.inputs
        aa = a.reshape(ctx.shape) if a.numel() > 1 else a.reshape(())
        pos = x > 0
        gx = grad * _w(pos, 1.0, aa) if ctx.needs_input_grad[0] else None
        ga = None
        if ctx.needs_input_grad[1]:
            ga_full = grad * _w(pos, 0.0, x)
            if a.numel() > 1:
                axes = [d for d in range(x.ndim) if d != (1 if x.ndim >= 2 else 0)]
                ga = ga_full.sum(axes) if axes else ga_full
            else:
                ga = ga_full.sum().reshape(a.shape)
        return gx, ga


class Glu(Op):
    """out = a * sigmoid(b) with (a, b) the two halves of x along ``dim``."""

    grad_fn = "GluBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        if x.dtype.kind not in "fc":
            raise _not_implemented("glu_cpu", x.dtype)
        xp = array_module(x)
        ctx.dim = dim
        a, b = xp.split(x, 2, axis=dim)
        return a / (1 + xp.exp(-b))

    @staticmethod
    def backward(ctx, grad):
        from .shape import cat

        (x,) = ctx.inputs
        a, b = x.chunk(2, ctx.dim)
        s = b.sigmoid()
        return cat([grad * s, grad * a * s * (1 - s)], ctx.dim)


# ------------------------------------------------------------------------------------------- embedding
class Embedding(Op):
    """out = weight[indices]; the gradient rows of ``padding_idx`` stay zero."""

    grad_fn = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.indices, ctx.padding_idx = indices, padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        w = ctx.inputs[0]
        xp = array_module(grad._data)
        idx = ctx.indices.reshape(-1)
        g = grad.reshape(-1, w.shape[1])
        if ctx.padding_idx is not None:
            keep = _const((idx != ctx.padding_idx).astype(g._data.dtype)[:, None])
            g = g * keep
        return _EmbeddingGrad.apply(g, rows=w.shape[0], idx=idx, xp=xp), None


class _EmbeddingGrad(Op):
    """out = zeros(rows, D) with the rows of ``g`` added at ``idx`` (backward: g = out[idx])."""

    grad_fn = "EmbeddingDenseBackward0"

    @staticmethod
    def forward(ctx, g, rows, idx, xp):
        ctx.idx = idx
        out = xp.zeros((rows, g.shape[1]), dtype=g.dtype)
        if xp is np:
            np.add.at(out, idx, g)
        else:  # CuPy
            import cupyx

            cupyx.scatter_add(out, idx, g)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[_const(ctx.idx)]


# ------------------------------------------------------------------------------------------- torch.* front functions
def _softmax_front(op, input, dim, dtype, name):
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype._cat < 2:
        raise NotImplementedError(f'"{name}_lastdim_kernel_impl" not implemented for '
                                  f"'{D.dtype_name_cap(input.dtype)}'")
    if input.ndim == 0:
        wrap_dim(dim, 0)
        return op.apply(input.reshape(1), dim=0).reshape(())
    return op.apply(input, dim=wrap_dim(dim, input.ndim))


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (stable: the max is subtracted first)."""
    return _softmax_front(Softmax, input, dim, dtype, "softmax")


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim``."""
    return _softmax_front(LogSoftmax, input, dim, dtype, "log_softmax")


Tensor.softmax = lambda self, dim, dtype=None: softmax(self, dim, dtype)
Tensor.log_softmax = lambda self, dim, dtype=None: log_softmax(self, dim, dtype)

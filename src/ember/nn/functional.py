"""torch.nn.functional: the math of the layers (modules hold state; F holds math).

Functions check their arguments (torch's errors) and call the ops in ``ember.ops.nn`` and the core op modules.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..backend import array_module
from ..ops import nn as _ops
from ..ops._inplace import inplace
from ..ops._inplace import inplace as inplace_
from ..ops.linalg import Addmm

__all__ = [
    "linear", "bilinear", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "celu",
    "gelu", "silu", "mish", "sigmoid", "tanh", "hardtanh", "hardtanh_", "hardswish", "hardsigmoid", "softplus",
    "softsign", "tanhshrink", "threshold", "threshold_", "softmax", "log_softmax", "softmin", "prelu", "glu",
    "logsigmoid", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "one_hot", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss",
    "margin_ranking_loss", "triplet_margin_loss", "soft_margin_loss", "ctc_loss", "batch_norm", "layer_norm",
    "group_norm",
    "instance_norm", "local_response_norm", "embedding", "embedding_bag", "normalize", "cosine_similarity",
    "pairwise_distance", "hardshrink", "softshrink", "rms_norm", "scaled_dot_product_attention",
    "multi_head_attention_forward", "celu_", "selu_", "rrelu", "rrelu_", "gumbel_softmax", "hinge_embedding_loss",
    "gaussian_nll_loss", "poisson_nll_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "triplet_margin_with_distance_loss", "pdist",
]

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn("size_average and reduce args will be deprecated, please use reduction='"
                      f"{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# ------------------------------------------------------------------------------------------- linear
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = input @ weight.T + bias, one fused GEMM (addmm) for any number of leading dimensions."""
    wshape = weight._data.shape
    ishape = input._data.shape
    if weight.ndim != 2 or input.ndim == 0:
        out = input.matmul(weight.t()) if weight.ndim == 2 else input.matmul(weight.t())
        return out + bias if bias is not None else out
    if ishape[-1] != wshape[1]:
        rows = int(np.prod(ishape[:-1])) if input.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ishape[-1]} and "
                           f"{wshape[1]}x{wshape[0]})")
    if input.dtype is not weight.dtype:
        if bias is None:  # torch: mm's text without a bias, addmm's with one
            from ..ops.linalg import _dtype_err

            raise _dtype_err(input, weight)
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {D.dtype_name_cap(input.dtype)} and "
                           f"{D.dtype_name_cap(weight.dtype)}")
    if input.ndim == 2:
        if bias is None:
            return input.mm(weight.t())
        return Addmm.apply(bias, input, weight.t(), beta=1, alpha=1)
    if input.ndim == 1:
        out = input.matmul(weight.t())
        return out + bias if bias is not None else out
    x2 = input.reshape(-1, ishape[-1])
    out = x2.mm(weight.t()) if bias is None else Addmm.apply(bias, x2, weight.t(), beta=1, alpha=1)
    return out.view(*ishape[:-1], wshape[0])


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., o] = x1[..., i] W[o, i, j] x2[..., j] + b[o]."""
    # (.., i) @ (o, i, j) -> (.., o, j), then contract j with x2
    t = input1.unsqueeze(-2).unsqueeze(-2).matmul(weight).squeeze(-2)  # (.., o, j)
    out = (t * input2.unsqueeze(-2)).sum(-1)
    return out + bias if bias is not None else out


# ------------------------------------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) element-wise."""
    if inplace:
        return relu_(input)
    if input.dtype._cat < 2:  # integer and bool inputs: the core op's rules and errors
        return input.relu()
    return _ops.Relu.apply(input)


def relu_(input: Tensor) -> Tensor:
    return input.relu_()


def _maybe_inplace(input, fn, inplace_, *args, **kw):
    if inplace_:
        return inplace(input, lambda x: fn(x, *args, **kw))
    return fn(input, *args, **kw)


def _float_check(input, name):
    if input.dtype._cat < 2:
        raise NotImplementedError(f'"{name}" not implemented for \'{D.dtype_name_cap(input.dtype)}\'')


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, lambda x: _ops.Hardtanh.apply(x, lo=min_val, hi=max_val), inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.LeakyRelu.apply(x, slope=negative_slope), inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Elu.apply(x, alpha=alpha, scale=1.0, input_scale=1.0), inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Elu.apply(x, alpha=_ops._SELU_ALPHA, scale=_ops._SELU_SCALE,
                                                          input_scale=1.0), inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _maybe_inplace(input, lambda x: _ops.Celu.apply(x, alpha=alpha), inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x); ``approximate='tanh'`` uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _ops.Gelu.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Silu.apply(x), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Mish.apply(x), inplace)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def logsigmoid(input: Tensor) -> Tensor:
    return _ops.LogSigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Hardswish.apply(x), inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Hardsigmoid.apply(x), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _ops.Softplus.apply(input, beta=beta, threshold=threshold)


def softsign(input: Tensor) -> Tensor:
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    from ..ops.pointwise import where

    return where(input.abs() > lambd, input, 0.0)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    from ..ops.pointwise import where

    return where(input > lambd, input - lambd, where(input < -lambd, input + lambd, 0.0))


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, lambda x: _ops.Threshold.apply(x, threshold=threshold, value=value), inplace)


def threshold_(input: Tensor, threshold_: float, value: float) -> Tensor:
    return threshold(input, threshold_, value, True)


def _softmax_dim(ndim: int) -> int:
    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as "
                  "an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, computed stably (max subtracted)."""
    return _ops.softmax(input, _softmax_dim(input.ndim) if dim is None else dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim`` (stable)."""
    return _ops.log_softmax(input, _softmax_dim(input.ndim) if dim is None else dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return softmax(-input if dtype is None else -input.to(dtype), dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    n = weight.numel()
    channels = input._data.shape[1] if input.ndim >= 2 else (input._data.shape[0] if input.ndim == 1 else 1)
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and "
                           f"channel size = {channels}.")
    return _ops.Prelu.apply(input, weight)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    if input._data.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input._data.shape[d]}")
    return _ops.Glu.apply(input, dim=d)


# ------------------------------------------------------------------------------------------- dropout
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise(input, shape, p):
    """torch's draws: an empty tensor filled by ``bernoulli_(1 - p)``, then divided by ``1 - p``."""
    from ..random import default_generator

    arr = default_generator._state.bernoulli_scalar(shape, input.dtype.np, 1.0 - p)
    arr = np.asarray(arr, dtype=input.dtype.np)
    if type(input._data) is not np.ndarray:
        from ..backend import to_device

        arr = to_device(arr, input.device)
    return arr


def _dropout(input, p, training, inplace_, feature_shape=None):
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        out_fn = lambda x: x * Tensor._from(np.zeros((), dtype=x.dtype.np))  # noqa: E731
    else:
        arr = _noise(input, feature_shape or tuple(input._data.shape), p)
        arr /= 1.0 - p
        noise = Tensor._from(arr, input.dtype)
        out_fn = lambda x: x * noise  # noqa: E731
    if inplace_:
        return inplace(input, out_fn)
    return out_fn(input)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (when ``training``)."""
    return _dropout(input, p, training, inplace)


def _feature_shape(input, ndim_batched):
    """The shape of a channel-wise mask: (N, C, 1, ...), or (C, 1, ...) for an unbatched input."""
    shape = tuple(input._data.shape)
    if input.ndim == ndim_batched - 1:  # unbatched: (C, ...)
        return (shape[0],) + (1,) * (len(shape) - 1)
    return shape[:2] + (1,) * (len(shape) - 2)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _dropout(input, p, training, inplace, _feature_shape(input, 3))


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels (dim 1) with probability ``p``; a 3-d input is taken as (N, C, L), as torch does."""
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, _feature_shape(input, input.ndim))


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    return _dropout(input, p, training, inplace, _feature_shape(input, 5))


def _alpha_dropout(input, p, training, inplace_, feature):
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return input * 0.0
    shape = tuple(input._data.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input._data.shape)
    keep = _noise(input, shape, p)
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    b = Tensor._from(((keep - 1) * (alpha * a) + alpha * a * p).astype(input.dtype.np), input.dtype)
    noise = Tensor._from((keep * a).astype(input.dtype.np), input.dtype)
    fn = lambda x: x * noise + b  # noqa: E731
    return inplace(input, fn) if inplace_ else fn(input)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    return _alpha_dropout(input, p, training, inplace, True)


# ------------------------------------------------------------------------------------------- losses
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """-input[n, target[n]] (times the class weight), reduced; ``input`` holds log-probabilities."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {D.dtype_name_cap(target.dtype)}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim > 1 and input._data.shape[0] != target._data.shape[0]:
        raise ValueError(f"Expected input batch_size ({input._data.shape[0]}) to match target batch_size "
                         f"({target._data.shape[0]}).")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim == 1 and target.numel() != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.numel()}")
    if input.ndim > 2:
        if target.ndim != input.ndim - 1:
            raise RuntimeError("only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                               f"{target.ndim}")
        if tuple(target._data.shape[1:]) != tuple(input._data.shape[2:]):
            raise RuntimeError(f"Expected target size {[input._data.shape[0]] + list(input._data.shape[2:])}, got "
                               f"{list(target._data.shape)}")
    c = input._data.shape[1] if input.ndim > 1 else input._data.shape[0]
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    tgt = target._data.astype(np.int64, copy=False)
    w = weight._data if weight is not None else None
    if input.ndim == 1:  # unbatched (C,) with a 0-d target
        return _nll_apply(input.unsqueeze(0), tgt.reshape(1), w, reduction, ignore_index, squeeze=True)
    return _nll_apply(input, tgt, w, reduction, ignore_index)


def _nll_apply(input, tgt, w, reduction, ignore_index, squeeze=False):
    out = _ops.NllLoss.apply(input, tgt, w, reduction=reduction, ignore_index=ignore_index)
    if squeeze and reduction == "none":
        out = out.reshape(())
    return out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim (1) then nll_loss; ``target`` holds class indices or class probabilities."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.dtype._cat >= 2 and tuple(target._data.shape) == tuple(input._data.shape):
        # class probabilities
        w = weight.reshape((-1,) + (1,) * (input.ndim - class_dim - 1)) if weight is not None else None
        t = target
        if label_smoothing > 0:
            t = t * (1 - label_smoothing) + label_smoothing / input._data.shape[class_dim]
        prod = logp * t if w is None else logp * t * w
        loss = -prod.sum(class_dim)
        if reduction == "mean":
            n = input.numel() // input._data.shape[class_dim]
            return loss.sum() / n
        return _reduce(loss, reduction)
    if target.dtype._cat >= 2 and input.ndim >= 2 and target.ndim != input.ndim - 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0:
        return nll
    # torch: (1 - eps) * nll + eps / C * (sum over classes of -logp * w), ignored targets masked out
    c = input._data.shape[class_dim]
    lp = logp if weight is None else logp * weight.reshape((-1,) + (1,) * (input.ndim - class_dim - 1))
    smooth = -lp.sum(class_dim)
    mask = Tensor._from(target._data != ignore_index)
    smooth = smooth * mask
    if reduction == "mean":
        if weight is not None:
            tg = np.where(target._data != ignore_index, target._data, 0)
            denom = float((weight._data[tg] * (target._data != ignore_index)).sum())
        else:
            denom = float((target._data != ignore_index).sum())
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / c)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss of (T, N, C) log-probabilities against unaligned targets."""
    reduction = _reduction(None, None, reduction)

    def lengths(v, name):
        if isinstance(v, Tensor):
            return np.asarray(v.numpy(force=True), dtype=np.int64).reshape(-1)
        if isinstance(v, (tuple, list)):
            return np.asarray(v, dtype=np.int64).reshape(-1)
        raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints, not {type(v).__name__}")

    il = lengths(input_lengths, "input_lengths")
    tl = lengths(target_lengths, "target_lengths")
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = lp.shape
    tg = np.asarray(targets.numpy(force=True), dtype=np.int64)
    if unbatched:
        tg = tg.reshape(1, -1)
    if tg.ndim == 1:  # concatenated targets
        offsets = np.concatenate([[0], np.cumsum(tl)[:-1]]).astype(np.int64)
        width = int(tl.max()) if tl.size else 0
        padded = np.zeros((N, width), dtype=np.int64)
        for b in range(N):
            padded[b, :tl[b]] = tg[offsets[b]:offsets[b] + tl[b]]
        tg = padded
    if il.size != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    for b in range(N):
        if il[b] > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {il[b]} (while "
                               f"checking arguments for ctc_loss_cpu)")
    loss = _ops.CtcLoss.apply(lp, targets=tg, input_lengths=il, target_lengths=tl, blank=blank,
                              zero_infinity=zero_infinity)
    if zero_infinity:
        from ..ops.pointwise import where

        loss = where(loss == math.inf, Tensor._from(np.zeros((), dtype=loss.dtype.np)), loss)
    if unbatched:
        loss = loss.squeeze(0)
    if reduction == "mean":
        denom = Tensor._from(np.maximum(tl, 1).astype(log_probs.dtype.np).reshape(loss.shape))
        return (loss / denom).mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _same_size_warn(input, target):
    if tuple(target._data.shape) != tuple(input._data.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)


def _broadcast_pair(input, target):
    if tuple(target._data.shape) != tuple(input._data.shape):
        from .._misc import broadcast_tensors

        return broadcast_tensors(input, target)
    return input, target


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """(input - target)^2, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    _same_size_warn(input, target)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _reduce((input - target) ** 2 * weight, reduction)
    return _ops.MseLoss.apply(input, target, reduction=reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """|input - target|, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    _same_size_warn(input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _same_size_warn(input, target)
    input, target = _broadcast_pair(input, target)
    return _ops.SmoothL1Loss.apply(input, target, reduction=reduction, beta=float(beta), huber=False)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _same_size_warn(input, target)
    input, target = _broadcast_pair(input, target)
    return _ops.SmoothL1Loss.apply(input, target, reduction=reduction, beta=float(delta), huber=True)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """-(t log p + (1 - t) log(1 - p)), logs clamped at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target._data.shape) != tuple(input._data.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if weight is not None and tuple(weight._data.shape) != tuple(input._data.shape):
        weight = weight.expand(input.shape)
    return _ops.BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """binary_cross_entropy(sigmoid(input), target) computed stably from the logits."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target._data.shape) != tuple(input._data.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    return _ops.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction=reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """target * (log target - input) summed as ``reduction`` says ('batchmean' divides by the batch size)."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, "mean")
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from ..ops.pointwise import xlogy

        loss = xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input._data.shape[0] if input.ndim else loss.sum()
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    from ..ops.pointwise import where

    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    m1 = (input1 * input1).sum(-1) + eps
    m2 = (input2 * input2).sum(-1) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = cos * 0
    pos = 1 - cos
    neg = (cos - margin).clamp(min=0)
    loss = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dimension."""
    d = x1 - x2 + eps
    if p == 2:
        return (d * d).sum(-1, keepdim=keepdim).sqrt()
    if p == 1:
        return d.abs().sum(-1, keepdim=keepdim)
    if p == math.inf:
        return d.abs().amax(-1, keepdim=keepdim)
    return (d.abs() ** p).sum(-1, keepdim=keepdim) ** (1.0 / p)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    from ..ops.pointwise import minimum

    reduction = _reduction(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean"):
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-target * input).exp().log1p(), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """x where target is 1, max(0, margin - x) where target is -1."""
    from ..ops.pointwise import where

    reduction = _reduction(size_average, reduce, reduction)
    zeros = input * 0
    loss = where(target != 1, (margin - input).clamp(min=0), zeros) + where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi when ``full``); var clamped at ``eps``."""
    from ..ops.creation import ones_like

    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape, strict=True) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)  # torch: the clamp is not differentiated
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """exp(input) - target * input (log_input) or input - target * log(input + eps), plus Stirling when ``full``."""
    from ..ops.pointwise import where

    reduction = _reduction(size_average, reduce, reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + where(target > 1, stirling, stirling * 0)
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """sum over i != y of max(0, margin - x[y] + x[i])^p / C (times weight[y]) per sample."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x = input if input.ndim == 2 else input.unsqueeze(0)
    t = target.reshape(-1)
    c = x.shape[1]
    picked = x.gather(1, t.unsqueeze(1))
    m = (margin - picked + x).clamp(min=0)
    if p == 2:
        m = m * m
    if weight is not None:
        m = m * weight[t].unsqueeze(1)
    not_y = Tensor._from(np.arange(c)[None, :] != t._data[:, None])
    loss = (m * not_y).sum(1) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C; -1 ends the targets."""
    reduction = _reduction(size_average, reduce, reduction)
    x = input if input.ndim == 2 else input.unsqueeze(0)
    t = target._data.reshape(x.shape)
    n, c = x.shape
    is_target = np.zeros((n, c), dtype=bool)
    pairs = np.zeros((n, c, c), dtype=x.dtype.np)  # pairs[k, j, i] = 1 for target j, non-target i
    for k in range(n):
        js = []
        for v in t[k]:
            if v < 0:
                break
            js.append(int(v))
        is_target[k, js] = True
        for j in js:
            pairs[k, j] = 1
    pairs *= ~is_target[:, None, :]
    m = (1 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp(min=0)  # [k, j, i]
    loss = (m * Tensor._from(pairs)).sum((1, 2)) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(input.dim() - 1) / input.shape[-1]
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *, distance_function=None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    from ..ops.pointwise import minimum

    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), _reduction(None, None, reduction))


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distances between the rows of a 2-d input, upper triangle (i < j) as a 1-d tensor."""
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    if not len(i):
        return input.new_zeros(0)
    d = input[Tensor._from(i)] - input[Tensor._from(j)]
    return _pnorm(d, p, 1).reshape(-1)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """softmax((logits + Gumbel noise) / tau); ``hard`` returns one-hot samples with the soft sample's gradient."""
    from ..ops.creation import empty_like

    gumbels = -empty_like(logits).exponential_().log()  # the same draws as torch
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = Tensor._from(np.zeros(y_soft.shape, dtype=y_soft.dtype.np)).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """x where x >= 0, a * x otherwise: a ~ U(lower, upper) per element when training, (lower + upper) / 2 in eval.

    ember's training-mode slopes are drawn from ember's generator but not in torch's per-element order.
    """
    from ..ops.pointwise import where
    from ..random import rand_like

    if training:
        a = rand_like(input) * (upper - lower) + lower
        fn = lambda x: where(x >= 0, x, x * a)  # noqa: E731
    else:
        fn = lambda x: _ops.LeakyRelu.apply(x, slope=(lower + upper) / 2)  # noqa: E731
    return inplace_(input, fn) if inplace else fn(input)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


# ------------------------------------------------------------------------------------------- normalisation
def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) by batch statistics (training; running stats updated) or running stats."""
    x = input._data
    if input.ndim < 2:
        raise RuntimeError(f"running_mean should contain {x.shape[0] if x.ndim else 1} elements not "
                           f"{running_mean.numel() if running_mean is not None else 0}")
    c = x.shape[1]
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, c) + (1,) * (x.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    xp = array_module(x)
    if training:
        n = x.size // c
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        # torch's arithmetic: sums accumulated in double, the mean and the sum of squares rounded to x's dtype, then
        # invstd = 1 / sqrt(var_sum / n + eps) in double; the running statistics updated in double
        dt = x.dtype
        mean = x.mean(axis=axes, keepdims=True, dtype=np.float64).astype(dt)
        d = x - mean
        var_sum = (d * d).sum(axis=axes, keepdims=True, dtype=np.float64).astype(dt)
        if running_mean is not None:
            with no_grad():
                rm = running_mean._data
                rm[...] = momentum * mean.reshape(c).astype(np.float64) + (1 - momentum) * rm.astype(np.float64)
                running_mean._bump()
        if running_var is not None:
            with no_grad():
                rv = running_var._data
                unbiased = var_sum.reshape(c).astype(np.float64) / (n - 1)
                rv[...] = momentum * unbiased + (1 - momentum) * rv.astype(np.float64)
                running_var._bump()
        invstd = (1 / xp.sqrt((var_sum / dt.type(n)).astype(np.float64) + eps)).astype(dt)
    else:
        mean = running_mean._data.reshape(shape).astype(x.dtype, copy=False)
        invstd = (1 / xp.sqrt(running_var._data.reshape(shape).astype(np.float64) + eps)).astype(x.dtype)
    return _ops.NativeBatchNorm.apply(input, weight, bias, mean=mean, invstd=invstd, axes=axes, training=training,
                                      eps=eps)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each (sample, channel) over its spatial positions."""
    n, c = input._data.shape[:2]
    x = input.reshape(1, n * c, *input._data.shape[2:])
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    if use_input_stats:
        out = batch_norm(x, rm, rv, None, None, True, momentum, eps)
        if running_mean is not None:
            with no_grad():
                running_mean._data[...] = rm._data.reshape(n, c).mean(0)
                running_var._data[...] = rv._data.reshape(n, c).mean(0)
    else:
        out = batch_norm(x, rm, rv, None, None, False, momentum, eps)
    out = out.view(input.shape)
    shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions, then scale and shift."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if tuple(input._data.shape[input.ndim - k:]) != ns or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape [*, "
                           f"{', '.join(map(str, ns))}], but got input of size{list(input._data.shape)}")
    return _ops.NativeLayerNorm.apply(input, weight, bias, k=k, eps=eps)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    dims = tuple(range(input.ndim - len(ns), input.ndim))
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise each group of channels of each sample, then scale and shift per channel."""
    n, c = input._data.shape[:2]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input._data.shape)} and num_groups={num_groups}")
    x = input.reshape(n, num_groups, -1)
    out = _ops.NativeLayerNorm.apply(x, None, None, k=1, eps=eps).view(input.shape)
    shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """x / (k + alpha / size * sum of x^2 over ``size`` neighbouring channels)^beta."""
    from ..ops.shape import stack

    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    sq = input * input
    c = input._data.shape[1]
    lo, hi = size // 2, (size - 1) // 2
    # sum over the window [i - lo, i + hi] of channels, zero padded, as an average over `size`
    parts = []
    for i in range(c):
        a, b = max(0, i - lo), min(c, i + hi + 1)
        parts.append(sq[:, a:b].sum(1))
    div = stack(parts, 1) * (alpha / size) + k
    return input / div ** beta


# ------------------------------------------------------------------------------------------- embedding etc.
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """weight[input]: look up rows of ``weight``."""
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    n = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    idx = input._data
    if idx.size and (idx.min() < -0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        with no_grad():
            xp = array_module(idx)
            rows = xp.unique(idx)
            w = weight._data
            norms = (xp.abs(w[rows]) ** norm_type).sum(1) ** (1.0 / norm_type)
            scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
            w[rows] *= scale[:, None]
            weight._bump()
    return _ops.Embedding.apply(weight, indices=idx, padding_idx=padding_idx)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode: str = "mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None) -> Tensor:
    """Sum, mean or max of the embeddings of each bag (rows of a 2-d input, or spans given by ``offsets``)."""
    from ..ops.shape import stack

    if input.ndim == 2:
        emb = embedding(input, weight, padding_idx)
        if per_sample_weights is not None:
            emb = emb * per_sample_weights.unsqueeze(-1)
        if mode == "sum":
            return emb.sum(1)
        if mode == "mean":
            return emb.mean(1)
        return emb.amax(1)
    offs = offsets._data.tolist()
    ends = offs[1:] + ([] if include_last_offset else [input.numel()])
    if include_last_offset:
        offs = offs[:-1]
    emb = embedding(input, weight, padding_idx)
    if per_sample_weights is not None:
        emb = emb * per_sample_weights.unsqueeze(-1)
    bags = []
    for a, b in zip(offs, ends, strict=False):
        seg = emb[a:b]
        if b <= a:
            bags.append(weight.new_zeros(weight.shape[1]))
        elif mode == "sum":
            bags.append(seg.sum(0))
        elif mode == "mean":
            bags.append(seg.mean(0))
        else:
            bags.append(seg.amax(0))
    return stack(bags, 0)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor with a trailing dimension of size ``num_classes`` holding a 1 at each index."""
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    xp = array_module(idx)
    out = xp.zeros((idx.size, num_classes), dtype=np.int64)
    out[xp.arange(idx.size), idx.reshape(-1)] = 1
    return Tensor._from(out.reshape(idx.shape + (num_classes,)))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """input / max(||input||_p along dim, eps)."""
    return input / _pnorm(input, p, dim).clamp(min=eps).expand_as(input)


def _pnorm(x, p, dim):
    if p == 2:
        return (x * x).sum(dim, keepdim=True).sqrt()
    if p == 1:
        return x.abs().sum(dim, keepdim=True)
    if p == math.inf:
        return x.abs().amax(dim, keepdim=True)
    return (x.abs() ** p).sum(dim, keepdim=True) ** (1.0 / p)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along ``dim``."""
    from ..ops.pointwise import clamp

    n1 = (x1 * x1).sum(dim, keepdim=True).sqrt()
    n2 = (x2 * x2).sum(dim, keepdim=True).sqrt()
    return ((x1 / clamp(n1, min=eps)) * (x2 / clamp(n2, min=eps))).sum(dim)


# ------------------------------------------------------------------------------------------- attention
def _float_mask(mask, dtype):
    """torch's canonical mask: a bool mask (True = not allowed) becomes 0 / -inf of ``dtype``; float stays."""
    if mask is None:
        return None
    if mask.dtype is D.bool:
        arr = np.where(mask._data, -np.inf, 0.0).astype(dtype.np)
        return Tensor._from(arr, dtype)
    if mask.dtype._cat < 2:
        raise AssertionError("only bool and floating types of masks are supported")
    return mask


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(q k^T * scale + mask) v over the last two dimensions (torch's math definition)."""
    from ..ops.creation import ones

    L, S = query._data.shape[-2], key._data.shape[-2]
    scale_factor = 1 / math.sqrt(query._data.shape[-1]) if scale is None else scale
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        causal = ones(L, S, dtype=D.bool).tril(0)
        bias = _float_mask(causal.logical_not(), query.dtype)
    elif attn_mask is not None:  # torch: here a bool mask is True where attention IS allowed (unlike MHA's)
        bias = _float_mask(attn_mask.logical_not() if attn_mask.dtype is D.bool else attn_mask, query.dtype)
    if enable_gqa and key._data.shape[-3] != query._data.shape[-3]:
        rep = query._data.shape[-3] // key._data.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    attn = query.matmul(key.transpose(-2, -1)) * scale_factor
    if bias is not None:
        attn = attn + bias
    attn = softmax(attn, -1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn.matmul(value)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """The computation of nn.MultiheadAttention on (L, N, E) inputs (or unbatched (L, E))."""
    from ..ops.creation import zeros
    from ..ops.shape import cat

    if static_k is not None or static_v is not None:
        raise NotImplementedError("ember: static_k / static_v of multi_head_attention_forward are not supported")
    batched = query.dim() == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _float_mask(key_padding_mask, query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    attn_mask = _float_mask(attn_mask, query.dtype)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
        q, k, v = linear(query, q_proj_weight, b_q), linear(key, k_proj_weight, b_k), linear(value, v_proj_weight, b_v)
    else:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
        b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
        q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = cat([attn_mask, zeros(*attn_mask.shape[:-1], 1, dtype=attn_mask.dtype)], -1)
        if key_padding_mask is not None:
            key_padding_mask = cat([key_padding_mask, zeros(bsz, 1, dtype=key_padding_mask.dtype)], -1)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        k = cat([k, zeros(bsz * num_heads, 1, head_dim, dtype=k.dtype)], 1)
        v = cat([v, zeros(bsz * num_heads, 1, head_dim, dtype=v.dtype)], 1)
        if attn_mask is not None:
            attn_mask = cat([attn_mask, zeros(*attn_mask.shape[:-1], 1, dtype=attn_mask.dtype)], -1)
        if key_padding_mask is not None:
            key_padding_mask = cat([key_padding_mask, zeros(bsz, 1, dtype=key_padding_mask.dtype)], -1)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                                 f"{key_padding_mask.shape}")
        kpm = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(
            bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    q_scaled = q * math.sqrt(1.0 / head_dim)
    scores = q_scaled.bmm(k.transpose(-2, -1))
    if attn_mask is not None:
        scores = scores + attn_mask
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    out = weights.bmm(v)
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, out.shape[1])
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.view(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(1)
    if not batched:
        return out.squeeze(1), weights.squeeze(0)
    return out, weights


from .functional_conv import *  # noqa: E402,F401,F403  (conv, pooling, padding, interpolation: nn/functional_conv.py)
from .functional_conv import __all__ as _conv_all  # noqa: E402

__all__ += [n for n in _conv_all if n not in __all__]  # `from torch.nn.functional import *` gets conv2d & co. too

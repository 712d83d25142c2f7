"""Functional conv, pooling, padding and interpolation (torch.nn.functional): argument checks, then one op each."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._tensor import Tensor
from ..ops import conv as _conv_ops
from ..ops import pool as _pool_ops

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d", "pad", "interpolate", "upsample",
    "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle", "unfold", "fold",
]  # fmt: skip

_TTYPE = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "float16": "torch.HalfTensor"}
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int"}
_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int"}


def _ntuple(v, n: int, name: str, op: str | None = None) -> tuple:
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = tuple(int(a) for a in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the convolution "
            f"dimensions, but got {name}={list(v)}"
        )
    return v


def _size_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


# --------------------------------------------------------------------------------------------- convolution
def _conv(input, weight, bias, stride, padding, dilation, groups, nd: int) -> Tensor:
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv{nd}d, but got input of size: "
            f"{_size_str(input.shape)}"
        )
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input, but got {weight.ndim}-dimensional "
            f"weight of size {_size_str(weight.shape)} instead"
        )
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({_CNAME.get(input.dtype.name)}) and bias type ({_CNAME.get(bias.dtype.name)}) should be "
            "the same"
        )
    if input.dtype is not weight.dtype:
        if input.dtype.name == "float64" or input.dtype.name not in _TTYPE:
            raise RuntimeError(
                f"expected scalar type {_SCALAR.get(input.dtype.name, input.dtype.name)} but found "
                f"{_SCALAR.get(weight.dtype.name, weight.dtype.name)}"
            )
        raise RuntimeError(
            f"Input type ({_TTYPE[input.dtype.name]}) and weight type ({_TTYPE.get(weight.dtype.name)}) should be the "
            "same or input should be a MKLDNN tensor and weight is a dense tensor"
        )
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    ksize = tuple(weight.shape[2:])
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    C = input.shape[1]
    if C != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_size_str(weight.shape)}, expected input"
            f"{_size_str(input.shape)} to have {weight.shape[1] * groups} channels, but got {C} channels instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of "
            f"size {_size_str(weight.shape)} instead"
        )
    if bias is not None:
        if bias.ndim != 1 or bias.shape[0] != weight.shape[0]:
            raise RuntimeError(
                f"Given weight of size {_size_str(weight.shape)}, expected bias to be 1-dimensional with "
                f"{weight.shape[0]} elements, but got bias of size {_size_str(bias.shape)} instead"
            )
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            tot = [d * (k - 1) for d, k in zip(dilation, ksize, strict=False)]
            pads = tuple((t // 2, t - t // 2) for t in tot)  # torch: the odd extra element goes on the right
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _ntuple(padding, nd, "padding"))
        if any(p < 0 for p, _ in pads):
            raise RuntimeError("negative padding is not supported")
    padded = [n + lo + hi for n, (lo, hi) in zip(input.shape[2:], pads, strict=False)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, ksize, strict=False)]
    if any(p < e for p, e in zip(padded, eff, strict=False)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
            f"({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input size"
        )
    out = _conv_ops.Convolution.apply(input, weight, bias, stride=stride, pads=pads, dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


def conv1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups: int = 1
) -> Tensor:
    """Apply a 1-d convolution (cross-correlation) over (N, C, L) input."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups: int = 1
) -> Tensor:
    """Apply a 2-d convolution (cross-correlation) over (N, C, H, W) input: im2col + one GEMM."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups: int = 1
) -> Tensor:
    """Apply a 3-d convolution over (N, C, D, H, W) input."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, output_size=None):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv_transpose{nd}d, but got input of "
            f"size: {_size_str(input.shape)}"
        )
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"Input type ({_TTYPE.get(input.dtype.name)}) and weight type ({_TTYPE.get(weight.dtype.name)}) should "
            "be the same or input should be a MKLDNN tensor and weight is a dense tensor"
        )
    stride = _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    output_padding = _ntuple(output_padding, nd, "output_padding")
    C = input.shape[1]
    if C != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {_size_str(weight.shape)}, expected input{_size_str(input.shape)} to "
            f"have {weight.shape[0]} channels, but got {C} channels instead"
        )
    for op, s, d in zip(output_padding, stride, dilation, strict=False):
        if op >= s and op >= d:
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding_height: {op} output_padding_width: {op} stride_height: {s} "
                f"stride_width: {s} dilation_height: {d} dilation_width: {d}"
            )
    ksize = tuple(weight.shape[2:])
    out = [
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(input.shape[2:], stride, padding, dilation, ksize, output_padding, strict=False)
    ]
    y_shape = (input.shape[0], weight.shape[1] * groups, *out)
    pads = tuple((p, p - op) for p, op in zip(padding, output_padding, strict=False))
    y = _conv_ops.ConvolutionTranspose.apply(
        input, weight, bias, y_shape=y_shape, stride=stride, pads=pads, dilation=dilation, groups=groups
    )
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """Apply a 1-d transposed convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """Apply a 2-d transposed convolution (the gradient of conv2d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """Apply a 3-d transposed convolution."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)


# --------------------------------------------------------------------------------------------- pooling
def _pool_input(input, nd, name):
    if input.ndim not in (nd + 1, nd + 2) or any(s == 0 for s in input.shape[1:]):
        if name.startswith("max_pool") or name.startswith("avg_pool"):
            raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {_size_str(input.shape)}")
    unbatched = input.ndim == nd + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _pool_check(input, ksize, stride, padding, dilation, ceil_mode, max_pool):
    for k, s, p, d in zip(ksize, stride, padding, dilation, strict=False):
        if k <= 0:
            raise RuntimeError(f"kernel_size must be greater than zero, but got kH: {ksize[0]} kW: {ksize[-1]}")
        if s <= 0:
            raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[-1]}")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    sp = input.shape[2:]
    out = [
        _pool_ops.pool_out_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(sp, ksize, stride, padding, dilation, strict=False)
    ]
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, input.shape[1:]))}). Calculated output size: "
            f"({'x'.join(map(str, [input.shape[1], *out]))}). Output size is too small"
        )


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd):
    x, unbatched = _pool_input(input, nd, f"max_pool{nd}d")
    ksize = _ntuple(kernel_size, nd, "kernel_size")
    stride = (
        ksize if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _ntuple(stride, nd, "stride")
    )
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    if nd == 1:  # torch: 1-d pooling is 2-d pooling of an unsqueezed input
        x = x.unsqueeze(-2)
        ksize, stride, padding, dilation = (1, *ksize), (1, *stride), (0, *padding), (1, *dilation)
    _pool_check(x, ksize, stride, padding, dilation, ceil_mode, True)
    kw = dict(ksize=ksize, stride=stride, padding=padding, dilation=dilation, ceil_mode=bool(ceil_mode))
    if not return_indices:
        y = _pool_ops.MaxPool2d.apply(x, **kw)
        y = y.squeeze(-2) if nd == 1 else y
        return y.squeeze(0) if unbatched else y
    y, idx = _pool_ops.MaxPool2dWithIndices.apply(x, **kw)
    if nd == 1:
        y, idx = y.squeeze(-2), idx.squeeze(-2)
    if unbatched:
        y, idx = y.squeeze(0), idx.squeeze(0)
    return y, idx


def max_pool1d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Take the maximum over sliding windows of (N, C, L) input."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def max_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Take the maximum over sliding windows of (N, C, H, W) input (stride defaults to kernel_size)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Take the maximum over sliding windows of (N, C, D, H, W) input."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 1)


def max_pool2d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 2)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd):
    x, unbatched = _pool_input(input, nd, f"avg_pool{nd}d")
    ksize = _ntuple(kernel_size, nd, "kernel_size")
    stride = (
        ksize if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _ntuple(stride, nd, "stride")
    )
    padding = _ntuple(padding, nd, "padding")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if nd == 1:
        x = x.unsqueeze(-2)
        ksize, stride, padding = (1, *ksize), (1, *stride), (0, *padding)
    _pool_check(x, ksize, stride, padding, (1,) * len(ksize), ceil_mode, False)
    y = _pool_ops.AvgPool2d.apply(
        x,
        ksize=ksize,
        stride=stride,
        padding=padding,
        ceil_mode=bool(ceil_mode),
        count_include_pad=bool(count_include_pad),
        divisor_override=divisor_override,
    )
    if nd == 1:
        y = y.squeeze(-2)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(
    input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True
) -> Tensor:
    """Average over sliding windows of (N, C, L) input."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Average over sliding windows of (N, C, H, W) input (stride defaults to kernel_size)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def avg_pool3d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Average over sliding windows of (N, C, D, H, W) input."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


def _adaptive_size(output_size, sp, nd):
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) == 1 and nd > 1:
        output_size = output_size * nd
    return tuple(n if o is None else int(o) for o, n in zip(output_size, sp, strict=False))


def _adaptive(input, output_size, nd, name, kind):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {_size_str(input.shape)}")
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    out = _adaptive_size(output_size, x.shape[2:], nd)
    if nd == 1:
        x = x.unsqueeze(-2)
        out = (1, *out)
    if kind == "avg" and all(o == 1 for o in out):
        y = x.mean(dim=(-2, -1), keepdim=True)  # torch: global average pooling is a mean (MeanBackward1)
        idx = None
    elif kind == "avg":
        y = _pool_ops.AdaptiveAvgPool2d.apply(x, out=out)
        idx = None
    else:
        y, idx = _pool_ops.AdaptiveMaxPool2d.apply(x, out=out)
    if nd == 1:
        y = y.squeeze(-2)
        idx = idx.squeeze(-2) if idx is not None else None
    if unbatched:
        y = y.squeeze(0)
        idx = idx.squeeze(0) if idx is not None else None
    return y, idx


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average (N, C, L) input down to ``output_size`` positions with windows chosen to cover the input."""
    return _adaptive(input, output_size, 1, "adaptive_avg_pool1d", "avg")[0]


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average (N, C, H, W) input down to ``output_size`` (an int, a pair, or None entries to keep a size)."""
    return _adaptive(input, output_size, 2, "adaptive_avg_pool2d", "avg")[0]


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average (N, C, D, H, W) input down to ``output_size``."""
    return _adaptive(input, output_size, 3, "adaptive_avg_pool3d", "avg")[0]


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Take the maximum of (N, C, L) input over adaptive windows."""
    y, idx = _adaptive(input, output_size, 1, "adaptive_max_pool1d", "max")
    return (y, idx) if return_indices else y


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Take the maximum of (N, C, H, W) input over adaptive windows."""
    y, idx = _adaptive(input, output_size, 2, "adaptive_max_pool2d", "max")
    return (y, idx) if return_indices else y


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive(input, output_size, 1, "adaptive_max_pool1d", "max")


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive(input, output_size, 2, "adaptive_max_pool2d", "max")


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling: (sum over the window of x**p) ** (1/p)."""
    k = _ntuple(kernel_size, 1, "kernel_size")
    y = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (y.sign() * y.abs().relu()).mul(k[0]).pow(1.0 / norm_type)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over 2-d windows."""
    kh, kw = _ntuple(kernel_size, 2, "kernel_size")
    y = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (y.sign() * y.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


# --------------------------------------------------------------------------------------------- padding
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)/2 dims: ``pad`` = (left, right) of the last dim, then of the one before, ...

    Modes: constant (negative amounts crop), reflect, replicate, circular.
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    npairs = len(pad) // 2
    if npairs > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got "
            f"padding length {len(pad)} and input of dimension {input.ndim}"
        )
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(npairs)]  # pairs[0] is the last dim
    if mode == "constant":
        return _conv_ops.ConstantPadNd.apply(input, pairs=tuple(pairs), value=0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if input.ndim not in (npairs + 1, npairs + 2) or npairs > 3:
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    dims_pos = []
    for i, (lo, hi) in enumerate(pairs):
        dim = input.ndim - 1 - i
        n = input.shape[dim]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {dim} of input {_size_str(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        pos = np.arange(-lo, n + hi)
        if mode == "reflect":
            period = 2 * (n - 1) if n > 1 else 1
            pos = np.abs(pos) % period
            pos = np.where(pos >= n, period - pos, pos)
        elif mode == "replicate":
            pos = np.clip(pos, 0, n - 1)
        else:
            pos = pos % n
        dims_pos.append((dim, tuple(int(p) for p in pos)))
    if mode == "circular":
        name = "CopySlices"  # torch: circular padding is slice copies
    else:
        name = f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{npairs}DBackward0"
    return _conv_ops.gather_pad_op(name).apply(input, dims_pos=tuple(dims_pos))


# --------------------------------------------------------------------------------------------- interpolation
def _interp_sizes(input, size, scale_factor, nd, recompute_scale_factor):
    sp = input.shape[2:]
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        size = _ntuple(size, nd, "size") if not isinstance(size, (list, tuple)) or len(size) == nd else None
        if size is None:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with "
                f"spatial dimensions of {list(sp)} and output size of {size}. Please provide input tensor "
                "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
            )
        return list(size), [None] * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sf = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * nd
    out = [int(math.floor(float(n) * float(s))) for n, s in zip(sp, sf, strict=False)]
    return out, ([None] * nd if recompute_scale_factor else [float(s) for s in sf])


def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims of (N, C, *S) input: nearest, linear, bilinear, trilinear (align_corners)."""
    nd = input.ndim - 2
    if nd < 1:
        raise ValueError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the input dimensions"
        )
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"
        )
    out_size, scales = _interp_sizes(input, size, scale_factor, nd, recompute_scale_factor)
    if mode == "area":
        return (
            _adaptive(input, tuple(out_size), nd, "adaptive_avg_pool", "avg")[0]
            if nd <= 2
            else adaptive_avg_pool3d(input, out_size)
        )
    y = input
    nearest, linear = [], []
    for i in range(nd):
        dim = 2 + i
        n, o, sc = input.shape[dim], out_size[i], scales[i]
        dst = np.arange(o, dtype=np.float32)
        if mode in ("nearest", "nearest-exact"):
            # torch: scale in float32 = 1/scale_factor when given, else in/out
            scale = np.float32(1.0 / sc) if sc else np.float32(n / o)
            off = np.float32(0.5) if mode == "nearest-exact" else np.float32(0)
            src = np.minimum(np.floor((dst + off) * scale).astype(np.int64), n - 1)
            nearest.append((dim, tuple(int(v) for v in src)))
        elif mode in ("linear", "bilinear", "trilinear", "bicubic"):
            if mode == "bicubic":
                raise NotImplementedError("interpolate: mode='bicubic' is not implemented in ember")
            expect = {"linear": 1, "bilinear": 2, "trilinear": 3}[mode]
            if expect != nd:
                raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {expect + 2}D input")
            acc = np.float64 if input.dtype.name == "float64" else np.float32  # torch: accscalar_t
            d_acc = dst.astype(acc)
            if align_corners:
                scale = acc((n - 1) / (o - 1)) if o > 1 else acc(0)
                src = d_acc * scale
            else:
                scale = acc(1.0 / sc) if sc else acc(n / o)
                src = np.maximum((d_acc + acc(0.5)) * scale - acc(0.5), acc(0))
            i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
            i1 = np.minimum(i0 + 1, n - 1)
            lam = (src - i0).astype(acc)
            linear.append((dim, tuple(int(v) for v in i0), tuple(int(v) for v in i1), lam))
        else:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                f"nearest-exact (got {mode})"
            )
    if linear:  # one op over every dim, named as torch names the node
        name = {1: "UpsampleLinear1DBackward0", 2: "UpsampleBilinear2DBackward0", 3: "UpsampleTrilinear3DBackward0"}
        y = _conv_ops.linear_interp_op(name[nd]).apply(y, dims=tuple(linear))
    if nearest:  # one gather over every dim, named as torch names the node
        name = f"UpsampleNearest{'Exact' if mode == 'nearest-exact' else ''}{nd}DBackward0"
        y = _conv_ops.gather_pad_op(name).apply(y, dims_pos=tuple(nearest))
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange (*, C*r*r, H, W) into (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)"
        )
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
            f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    return _conv_ops.PixelShuffle.apply(input, r=r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange (*, C, H*r, W*r) into (*, C*r*r, H, W)."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with {input.ndim} dimension(s)"
        )
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not "
            f"divisible by {r}"
        )
    if w % r:
        raise RuntimeError(
            f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not "
            f"divisible by {r}"
        )
    return _conv_ops.PixelUnshuffle.apply(input, r=r)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding local blocks: (N, C, H, W) -> (N, C * kh * kw, L)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    k = _ntuple(kernel_size, 2, "kernel_size")
    p = _ntuple(padding, 2, "padding")
    y = _conv_ops.Im2Col.apply(
        x,
        ksize=k,
        stride=_ntuple(stride, 2, "stride"),
        pads=tuple((a, a) for a in p),
        dilation=_ntuple(dilation, 2, "dilation"),
    )
    return y.squeeze(0) if unbatched else y


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum sliding local blocks back into a tensor: (N, C * kh * kw, L) -> (N, C, *output_size)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {input.ndim}D)"
        )
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    k = _ntuple(kernel_size, 2, "kernel_size")
    s = _ntuple(stride, 2, "stride")
    p = _ntuple(padding, 2, "padding")
    d = _ntuple(dilation, 2, "dilation")
    osz = _ntuple(output_size, 2, "output_size")
    out = tuple((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, pp, dd, kk, ss in zip(osz, p, d, k, s, strict=False))
    if x.shape[1] % (k[0] * k[1]):
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
            f"got input.size(1)={x.shape[1]} and kernel_size=({k[0]}, {k[1]})"
        )
    if x.shape[2] != out[0] * out[1]:
        raise RuntimeError(
            f"Given output_size=({osz[0]}, {osz[1]}), kernel_size=({k[0]}, {k[1]}), "
            f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected "
            f"size of input's dimension 2 to match the calculated number of sliding blocks {out[0]} * "
            f"{out[1]} = {out[0] * out[1]}, but got input.size(2)={x.shape[2]}."
        )
    C = x.shape[1] // (k[0] * k[1])
    y = _conv_ops.Col2Im.apply(
        x, x_shape=(x.shape[0], C, *osz), out=out, ksize=k, stride=s, pads=tuple((a, a) for a in p), dilation=d
    )
    return y.squeeze(0) if unbatched else y

"""Convolution layers (torch.nn.modules.conv): state and torch's default init here; the math is in F (conv*)."""

from __future__ import annotations

import math

from .. import functional_conv as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from .module import Module

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "LazyConv1d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyConv2d",
    "LazyConv3d",
]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(v, n):
    if isinstance(v, (tuple, list)):
        return tuple(v) if len(v) == n else tuple(v) * n if len(v) == 1 else tuple(v)
    return (v,) * n


class _ConvNd(Module):
    _nd = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        self._build(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            output_padding=0,
        )

    def _build(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride,
        padding,
        dilation,
        groups,
        bias,
        padding_mode,
        device,
        dtype,
        output_padding,
    ) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in _tuple(stride, nd)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _tuple(kernel_size, nd)
        self.stride = _tuple(stride, nd)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, nd)
        self.dilation = _tuple(dilation, nd)
        self.transposed = self._transposed
        self.output_padding = _tuple(output_padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        # torch: (left, right) pairs for F.pad, last spatial dim first
        if isinstance(self.padding, str):
            pairs = []
            if padding == "same":
                for d, k in zip(self.dilation, self.kernel_size, strict=False):
                    tot = d * (k - 1)
                    pairs.append((tot // 2, tot - tot // 2))
            else:
                pairs = [(0, 0)] * nd
        else:
            pairs = [(p, p) for p in self.padding]
        self._reversed_padding_repeated_twice = [v for pair in reversed(pairs) for v in pair]
        if self._transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        if isinstance(in_channels, int) and in_channels == 0 and type(self).__name__.startswith("Lazy"):
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            self.register_parameter("bias", UninitializedParameter(device=device, dtype=dtype) if bias else None)
            return
        self.weight = Parameter(_tensor_empty(shape, device, dtype))
        if bias:
            self.bias = Parameter(_tensor_empty((out_channels,), device, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # torch's default: kaiming_uniform_(a=sqrt(5)) on the weight, then U(-1/sqrt(fan_in), 1/sqrt(fan_in)) bias
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.weight.shape[2:])
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        nd = self._nd
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"

    def _conv_forward(self, input, weight, bias):
        fn = (F.conv1d, F.conv2d, F.conv3d)[self._nd - 1]
        if self.padding_mode != "zeros":
            return fn(
                F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode),
                weight,
                bias,
                self.stride,
                0,
                self.dilation,
                self.groups,
            )
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


def _tensor_empty(shape, device, dtype):
    import ember

    return ember.empty(shape, device=device, dtype=dtype)


class Conv1d(_ConvNd):
    """Apply a 1-d convolution over (N, C, L) input.

    >>> nn.Conv1d(3, 8, 3)
    Conv1d(3, 8, kernel_size=(3,), stride=(1,))
    """

    _nd = 1


class Conv2d(_ConvNd):
    """Apply a 2-d convolution over (N, C, H, W) input.

    >>> nn.Conv2d(1, 6, kernel_size=5, padding=2)
    Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    """

    _nd = 2


class Conv3d(_ConvNd):
    """Apply a 3-d convolution over (N, C, D, H, W) input."""

    _nd = 3


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        self._build(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            output_padding,
        )

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        nd = self._nd
        output_size = list(output_size)[-nd:]
        if len(output_size) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or {nd + 2} "
                f"elements (got {len(output_size)})"
            )
        res = []
        for i in range(nd):
            n = input.shape[input.ndim - nd + i]
            lo = (n - 1) * self.stride[i] - 2 * self.padding[i] + self.dilation[i] * (self.kernel_size[i] - 1) + 1
            if not lo <= output_size[i] < lo + max(self.stride[i], self.dilation[i]):
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from {lo} to "
                    f"{lo + self.stride[i] - 1} (for an input of {list(input.shape[2:])})"
                )
            res.append(output_size[i] - lo)
        return tuple(res)

    def forward(self, input, output_size=None):
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self._nd - 1]
        op = self._output_padding(input, output_size)
        return fn(input, self.weight, self.bias, self.stride, self.padding, op, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Apply a 1-d transposed convolution (the gradient of Conv1d with respect to its input)."""

    _nd = 1


class ConvTranspose2d(_ConvTransposeNd):
    """Apply a 2-d transposed convolution (the gradient of Conv2d with respect to its input)."""

    _nd = 2


class ConvTranspose3d(_ConvTransposeNd):
    """Apply a 3-d transposed convolution."""

    _nd = 3


class _LazyConvMixin:
    """in_channels is read from the first input; then the module becomes its plain class (torch's cls_to_become)."""

    cls_to_become = None

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def forward(self, input, *args, **kwargs):
        if isinstance(self.weight, UninitializedParameter):
            nd = self._nd
            batched = input.ndim == nd + 2
            self.in_channels = input.shape[1] if batched else input.shape[0]
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self._transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            self.weight.materialize(shape)
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.__class__ = self.cls_to_become
            self.reset_parameters()
        return self.forward(input, *args, **kwargs)


def _lazy_class(plain, __init__):
    return type(
        "Lazy" + plain.__name__,
        (_LazyConvMixin, plain),
        {
            "__init__": __init__,
            "cls_to_become": plain,
            "__module__": __name__,
            "__doc__": f"{plain.__name__} whose in_channels is read from the first input.",
        },
    )


def _lazy(plain):
    def __init__(
        self,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        plain.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype)
        self.out_channels = out_channels

    return _lazy_class(plain, __init__)


def _lazy_transpose(plain):
    def __init__(
        self,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        plain.__init__(
            self,
            0,
            0,
            kernel_size,
            stride,
            padding,
            output_padding,
            groups,
            bias,
            dilation,
            padding_mode,
            device,
            dtype,
        )
        self.out_channels = out_channels

    return _lazy_class(plain, __init__)


LazyConv1d = _lazy(Conv1d)
LazyConv2d = _lazy(Conv2d)
LazyConv3d = _lazy(Conv3d)
LazyConvTranspose1d = _lazy_transpose(ConvTranspose1d)
LazyConvTranspose2d = _lazy_transpose(ConvTranspose2d)
LazyConvTranspose3d = _lazy_transpose(ConvTranspose3d)

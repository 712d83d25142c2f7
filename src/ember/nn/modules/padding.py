"""Padding layers (torch.nn.modules.padding): ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad."""

from __future__ import annotations

from .. import functional_conv as F
from .module import Module

__all__ = [
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
]


def _pairs(padding, nd):
    if isinstance(padding, int):
        return (padding,) * (2 * nd)
    padding = tuple(padding)
    if len(padding) != 2 * nd:
        raise ValueError(f"Padding length must be {2 * nd}, got {len(padding)}")  # torch checks at forward
    return padding


class _ConstantPadNd(Module):
    _nd = 1

    def __init__(self, padding, value: float) -> None:
        super().__init__()
        self.padding = _pairs(padding, self._nd)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant: padding = int or (left, right)."""

    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with a constant: padding = int or (left, right, top, bottom).

    >>> nn.ConstantPad2d((1, 2, 3, 4), 3.5)
    ConstantPad2d(padding=(1, 2, 3, 4), value=3.5)
    """

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with a constant."""

    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""

    _nd = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dims with zeros.

    >>> nn.ZeroPad2d(2)
    ZeroPad2d((2, 2, 2, 2))
    """

    _nd = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dims with zeros."""

    _nd = 3


class _ModePadNd(Module):
    _nd = 1
    _mode = "reflect"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _pairs(padding, self._nd)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _mode_pad(name, nd, mode, doc):
    return type(name, (_ModePadNd,), {"_nd": nd, "_mode": mode, "__doc__": doc, "__module__": __name__})


ReflectionPad1d = _mode_pad("ReflectionPad1d", 1, "reflect", "Pad the last dim with its reflection.")
ReflectionPad2d = _mode_pad("ReflectionPad2d", 2, "reflect", "Pad the last two dims with their reflection.")
ReflectionPad3d = _mode_pad("ReflectionPad3d", 3, "reflect", "Pad the last three dims with their reflection.")
ReplicationPad1d = _mode_pad("ReplicationPad1d", 1, "replicate", "Pad the last dim by repeating its edge.")
ReplicationPad2d = _mode_pad("ReplicationPad2d", 2, "replicate", "Pad the last two dims by repeating their edges.")
ReplicationPad3d = _mode_pad("ReplicationPad3d", 3, "replicate", "Pad the last three dims by repeating edges.")
CircularPad1d = _mode_pad("CircularPad1d", 1, "circular", "Pad the last dim by wrapping around.")
CircularPad2d = _mode_pad("CircularPad2d", 2, "circular", "Pad the last two dims by wrapping around.")
CircularPad3d = _mode_pad("CircularPad3d", 3, "circular", "Pad the last three dims by wrapping around.")

"""Small torch-namespace utilities: is_tensor, numel, result_type, broadcast_shapes, typename."""

from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._size import Size
from ._tensor import Tensor
from .autograd.grad_mode import is_grad_enabled  # noqa: F401


def is_tensor(obj) -> bool:
    """True if ``obj`` is an ember Tensor (or Parameter)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.dtype.is_floating_point


def is_complex(input: Tensor) -> bool:
    return input.dtype.is_complex


def is_nonzero(input: Tensor) -> bool:
    if input.numel() != 1:
        raise RuntimeError(f"Boolean value of Tensor with {'no values' if input.numel() == 0 else 'more than one value'} "
                           "is ambiguous")
    return bool(input.item())


def numel(input: Tensor) -> int:
    return input.numel()


def result_type(tensor1, tensor2) -> D.dtype:
    """The dtype an arithmetic op on the two operands gives (torch's promotion with weak scalars)."""
    return D.result_type_of((tensor1, tensor2))


def can_cast(from_, to) -> bool:
    """Whether torch allows casting ``from_`` to ``to`` in an in-place op."""
    return D.can_cast(from_, to)


def broadcast_shapes(*shapes) -> Size:
    try:
        return Size(np.broadcast_shapes(*[tuple(s) if not isinstance(s, int) else (s,) for s in shapes]))
    except ValueError:
        from ._errors import broadcast_mismatch

        raise broadcast_mismatch(shapes[0], shapes[1]) from None


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(t.expand(shape) for t in tensors)


def typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__module__ + "." + type(obj).__qualname__

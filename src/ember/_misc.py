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
        what = "no values" if input.numel() == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
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
    """Return the shape the given shapes broadcast to, without making tensors (ints count as 1-d shapes)."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for i, shape in enumerate(shapes):
        for k in range(-1, -len(shape) - 1, -1):  # torch: from the last dimension, updating the result as it goes
            n = shape[k]
            if n < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            if n == 1 or n == out[k]:
                continue
            if out[k] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {n} at {k}! Mismatching argument at index {i} "
                    f"had {shape}; but expected shape should be broadcastable to [{', '.join(map(str, out))}]"
                )
            out[k] = n
    return Size(out)


def broadcast_tensors(*tensors):
    """Expand the tensors to their common shape (views); a mismatch names the first pair that fails, as torch."""
    from ._errors import broadcast_mismatch

    shape = ()
    for t in tensors:  # torch: pairwise, left to right, with the tensor-op error text
        try:
            shape = np.broadcast_shapes(shape, tuple(t.shape))
        except ValueError:
            raise broadcast_mismatch(shape, tuple(t.shape)) from None
    return tuple(t.expand(shape) for t in tensors)


def typename(obj) -> str:
    """Return the type name of ``obj``: a tensor's legacy type (``torch.FloatTensor``), else module.qualname."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if not isinstance(qualname, str):
        module, qualname = type(obj).__module__, type(obj).__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"

"""The one mechanism behind every in-place op (``add_``, ``x[i] = v``, ``+=``, ...).

The op is computed out of place, then written into the tensor's own array, so the object and
its memory (and every view of it) keep their identity, and the version counter is bumped.
Under autograd the tensor takes the new node as its history; the node computed on a snapshot
of the old values, so its backward stays correct.
"""

from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor, _new
from ..autograd.grad_mode import state

_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."


def check_leaf(self: Tensor) -> None:
    if self._requires_grad and self.grad_fn is None and state.enabled:
        raise RuntimeError(_LEAF)


def will_record(self: Tensor, others) -> bool:
    if not state.enabled:
        return False
    if self._requires_grad:
        return True
    return any(isinstance(o, Tensor) and o._requires_grad for o in others)


def snapshot(self: Tensor) -> Tensor:
    """A copy of ``self`` that stands in for its old value in the graph (same history, own memory)."""
    old = _new(Tensor)
    old._data = self._data.copy()
    old.dtype = self.dtype
    if self.grad_fn is not None:  # (a leaf that requires grad never gets here: check_leaf)
        old._requires_grad = True
        old.grad_fn = self.grad_fn
        old._out_nr = self._out_nr
    return old


def cast_error(result: D.dtype, out: D.dtype) -> RuntimeError:
    return RuntimeError(
        f"result type {D.dtype_name_cap(result)} can't be cast to the desired output type {D.dtype_name_cap(out)}"
    )


def assign(self: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` into ``self`` in place and make it ``self``'s new value (and history)."""
    if result.dtype is not self.dtype and not D.can_cast(result.dtype, self.dtype):
        raise cast_error(result.dtype, self.dtype)
    xp_self = self._data
    if result._data.shape != xp_self.shape:
        try:
            bshape = __import__("numpy").broadcast_shapes(result._data.shape, xp_self.shape)
        except ValueError:
            bshape = None
        if bshape != xp_self.shape:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, xp_self.shape))}] doesn't match the broadcast shape "
                f"[{', '.join(map(str, bshape or result._data.shape))}]"
            )
    if not xp_self.flags.writeable:
        raise RuntimeError("unsupported operation: the tensor's memory is read-only (an expanded view?)")
    xp_self[...] = result._data
    self._bump()
    if result.grad_fn is not None:
        if self._base is not None and (self._base._requires_grad or result._requires_grad):
            raise NotImplementedError(
                "ember: an in-place op on a view of a tensor that requires grad is not supported yet "
                "(autograd issue: CopySlices); apply the op out of place instead"
            )
        self.grad_fn = result.grad_fn
        self._out_nr = result._out_nr
        self._requires_grad = True
    return self


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Apply ``fn(self, *args)`` and store the result in ``self``."""
    if will_record(self, args):
        check_leaf(self)
        return assign(self, fn(snapshot(self), *args, **kwargs))
    with _NoGrad():
        return assign(self, fn(self, *args, **kwargs))


class _NoGrad:
    __slots__ = ("prev",)

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        state.enabled = self.prev

"""The one mechanism behind every in-place op (``add_``, ``x[i] = v``, ``+=``, ...).

The op is computed out of place, then written into the tensor's own array, so the object and
its memory (and every view of it) keep their identity, and the version counter is bumped.
Under autograd the tensor takes the new node as its history; the node computed on a snapshot
of the old values, so its backward stays correct.

An in-place op on a view of a tensor in the graph rebases the history of the view's base, as
torch does: the base gets a ``CopySlices`` node (the old base with the view's region replaced
by the op's result) and the view becomes ``AsStridedBackward0`` of the new base. Other views of
the same storage notice the write through the version counter and are regenerated the same way
the next time autograd reads their history (``autograd.function._edge``).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _new
from ..autograd import function as _function
from ..autograd.function import Op, _edge, _seq, accumulate_node
from ..autograd.grad_mode import no_grad, state
from ..backend import array_module

_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked)."
)


def _diff_base(self: Tensor):
    """The base whose history an in-place write on ``self`` must rebase, or None (not a differentiable view)."""
    base = self._base
    if base is None or "_vkind" in self.__dict__:
        return None
    return base


def check_leaf(self: Tensor, view: bool = False) -> None:
    """Raise torch's error when an in-place op on ``self`` would be recorded but may not be.

    ``view``: the write goes through a view of ``self`` (``x[0] = v`` is ``x[0].copy_(v)`` in torch).
    """
    if not state.enabled:
        return
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(_VIEW_OF_LEAF if view else _LEAF)
    base = self._base
    if base is not None:
        kind = self.__dict__.get("_vkind")
        if kind == "no_grad":
            raise RuntimeError(_NO_GRAD_VIEW)
        if kind is None and base._requires_grad and base.grad_fn is None:
            raise RuntimeError(_VIEW_OF_LEAF)


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
    if self._requires_grad:  # (a leaf that requires grad never gets here: check_leaf)
        base = _diff_base(self)
        if base is not None and base._requires_grad:
            # the view's value as a function of its base's history: the view's own history (e.g. SelectBackward0)
            # holds the base, which is about to take a history leading here: a cycle for the garbage collector
            fn, nr = _as_strided_node(base, _positions(base._data, self._data)), 0
        else:
            fn, nr = _edge(self)
        old._requires_grad = True
        old.grad_fn = fn
        old._out_nr = nr
    return old


_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
    "Please clone() the tensor before performing the operation."
)


def internal_overlap(a) -> bool:
    """Whether elements of ``a`` share memory (torch's has_internal_overlap: a dimension of size > 1, stride 0)."""
    if a.size == 0:  # NumPy gives empty arrays zero strides; nothing can overlap in them
        return False
    return any(st == 0 and n > 1 for n, st in zip(a.shape, a.strides, strict=True))


def check_overlap(a) -> None:
    """Raise torch's error for a write into ``a`` (an expanded tensor's array) whose elements share memory."""
    if 0 in a.strides and internal_overlap(a):
        raise RuntimeError(_OVERLAP)


class _Interface:
    """An ``__array_interface__`` holder: NumPy makes a writeable array over the memory it describes."""

    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface, base):
        self.__array_interface__ = interface
        self.base = base  # keeps the memory's owner alive as long as the new array


def writable(a):
    """``a``, or a writeable array over the same memory when ``a`` is a read-only view (an expand, or a view of one).

    torch lets ``fill_``/``zero_`` and writes into non-overlapping views (``x.expand(2, 3)[0] = v``) reach the
    expanded tensor's storage; NumPy's broadcast views are read-only, so the write goes through this alias.
    torch also writes into a NumPy array the user flagged read-only (from_numpy warns); memory NumPy does not own
    and that is read-only (np.frombuffer of bytes) stays read-only.
    """
    if a.flags.writeable:
        return a
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.writeable and not root.flags.owndata:  # e.g. np.frombuffer(bytes): truly read-only memory
        raise ValueError("assignment destination is read-only")
    interface = dict(a.__array_interface__)
    interface["data"] = (interface["data"][0], False)
    return np.asarray(_Interface(interface, root))


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
            bshape = np.broadcast_shapes(result._data.shape, xp_self.shape)
        except ValueError:
            bshape = None
        if bshape != xp_self.shape:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, xp_self.shape))}] doesn't match the broadcast shape "
                f"[{', '.join(map(str, bshape or result._data.shape))}]"
            )
    dst = xp_self
    if not xp_self.flags.writeable or 0 in xp_self.strides:
        check_overlap(xp_self)
        dst = writable(xp_self)
    dst[...] = result._data
    self._bump()
    fn = result.grad_fn
    if fn is not None:
        saved = fn._saved_out
        if saved is not None and saved[0] is result._data:
            # torch: the op saved its output, which is now ``self``: a later write to self must be detected
            fn._saved_out = (xp_self, self._vc, self._vc[0], saved[3])
        rebase_history(self, fn, result._out_nr, result)
    return self


def rebase_history(self: Tensor, fn, out_nr: int, result: Tensor | None = None) -> None:
    """Make node ``fn`` (output ``out_nr``) the history of ``self``, just written in place."""
    if self._retains_grad:  # torch: retain_grad follows the tensor to its new history
        old = self.grad_fn
        if old is not None and old._retained:
            old._retained.pop(self._out_nr, None)
        self._retains_grad = False
        moved = True
    else:
        moved = False
    base = _diff_base(self)
    if base is None:
        self.grad_fn = fn
        self._out_nr = out_nr
        self._requires_grad = True
    else:
        _rebase_view(self, base, fn, out_nr, result)
    if moved:
        self.retain_grad()


def _rebase_view(self: Tensor, base: Tensor, fn, out_nr: int, result: Tensor | None) -> None:
    # torch's CopySlices: new base = old base with the view's region replaced by the op's result
    pos = _positions(base._data, self._data)
    cs = CopySlices._node()
    cs._seq = next(_seq)
    cs.pos, cs.view_shape, cs.base_shape = pos, self._data.shape, base._data.shape
    base_edge = _edge(base) if base.grad_fn is not None else (None, 0)
    if result is not None:
        rmeta = (result._data.shape, result.dtype)
    else:
        rmeta = (self._data.shape, self.dtype)
    cs._next = (base_edge, (fn, out_nr))
    cs.needs_input_grad = (base_edge[0] is not None, True)
    cs._in_meta = [(base._data.shape, base.dtype) if base_edge[0] is not None else None, rmeta]
    cs._saved, cs._versions = (), ()
    base.grad_fn = cs
    base._out_nr = 0
    base._requires_grad = True
    _as_strided_history(self, base, pos)


def _as_strided_history(view: Tensor, base: Tensor, pos) -> None:
    view.grad_fn = _as_strided_node(base, pos)
    view._out_nr = 0
    view._requires_grad = True
    view._gv = view._vc[0]


def _as_strided_node(base: Tensor, pos):
    """An AsStridedBackward0 node: the elements ``pos`` of ``base`` as a function of base's history now."""
    node = AsStrided._node()
    node._seq = next(_seq)
    node.pos, node.base_shape = pos, base._data.shape
    node._next = (_edge(base),)
    node.needs_input_grad = (True,)
    node._in_meta = [(base._data.shape, base.dtype)]
    node._saved, node._versions = (), ()
    return node


def _regen_view(view: Tensor):
    """Give a view whose storage was written since its grad_fn was set the history of its base now."""
    base = view._base
    if base._requires_grad:
        if base.grad_fn is None:
            accumulate_node(base)
        _as_strided_history(view, base, _positions(base._data, view._data))
    else:
        view.__dict__.pop("_gv", None)
    return view.grad_fn


_function._regen_view = _regen_view


def _address(a) -> int:
    return a.__array_interface__["data"][0] if type(a) is np.ndarray else a.data.ptr


def _positions(base, view) -> np.ndarray:
    """The flat (C-order) indices into ``base`` of each element of ``view``, an array viewing the same memory."""
    item = base.itemsize
    if view.itemsize != item or any(s < 0 for s in base.strides + view.strides):
        raise NotImplementedError("ember: autograd through an in-place write to this kind of view is not supported")
    off = (_address(view) - _address(base)) // item
    if base.flags.c_contiguous:  # memory offset == flat index: O(view size), whatever the base's size
        pos = np.full(view.shape, off, dtype=np.int64)
        for k, (n, st) in enumerate(zip(view.shape, view.strides, strict=True)):
            step = [1] * view.ndim
            step[k] = n
            pos += (np.arange(n, dtype=np.int64) * (st // item)).reshape(step)
        return pos
    # any other layout: lay the flat indices out in the base's memory order, then read them through the view
    bst = [s // item for s in base.strides]
    extent = 1 + sum((n - 1) * s for n, s in zip(base.shape, bst, strict=True)) if base.size else 0
    buf = np.full(max(extent, 1), -1, dtype=np.int64)
    as_strided = np.lib.stride_tricks.as_strided
    as_strided(buf, base.shape, [s * 8 for s in bst])[...] = np.arange(base.size).reshape(base.shape)
    return as_strided(buf[off:], view.shape, [s // item * 8 for s in view.strides]).copy()


class AsStrided(Op):
    """out = base.flatten()[pos]: the history of a view rebuilt from its base (torch's AsStridedBackward0)."""

    grad_fn = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, x, pos):
        ctx.pos, ctx.base_shape = pos, x.shape
        return x.reshape(-1)[array_module(x).asarray(pos)]

    @staticmethod
    def backward(ctx, grad):
        return AsStridedScatter.apply(grad, pos=ctx.pos, base_shape=ctx.base_shape)


class AsStridedScatter(Op):
    """out = zeros(base_shape) with ``grad`` added at the flat positions ``pos``."""

    grad_fn = "AsStridedScatterBackward0"

    @staticmethod
    def forward(ctx, grad, pos, base_shape):
        ctx.pos = pos
        xp = array_module(grad)
        out = xp.zeros(int(np.prod(base_shape)), dtype=grad.dtype)
        xp.add.at(out, xp.asarray(pos).reshape(-1), grad.reshape(-1))
        return out.reshape(base_shape)

    @staticmethod
    def backward(ctx, grad):
        return AsStrided.apply(grad, pos=ctx.pos)


class CopySlices(Op):
    """out = base with the flat positions ``pos`` replaced by ``value`` (the history of an in-place write)."""

    grad_fn = "CopySlices"

    @staticmethod
    def backward(ctx, grad):
        n = ctx.needs_input_grad
        grad_base = ZeroAt.apply(grad, pos=ctx.pos) if n[0] else None
        grad_value = AsStrided.apply(grad, pos=ctx.pos) if n[1] else None
        return grad_base, grad_value


class ZeroAt(Op):
    """out = x with zeros at the flat positions ``pos``."""

    grad_fn = "CopySlices"

    @staticmethod
    def forward(ctx, x, pos):
        ctx.pos = pos
        out = x.copy()
        out.reshape(-1)[array_module(x).asarray(pos).reshape(-1)] = 0
        return out

    @staticmethod
    def backward(ctx, grad):
        return ZeroAt.apply(grad, pos=ctx.pos)


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Apply ``fn(self, *args)`` and store the result in ``self``."""
    if will_record(self, args):
        check_leaf(self)
        return assign(self, fn(snapshot(self), *args, **kwargs))
    if self._base is not None and state.enabled and self.__dict__.get("_vkind") == "no_grad":
        if self._base._requires_grad:
            raise RuntimeError(_NO_GRAD_VIEW)
    with no_grad():
        return assign(self, fn(self, *args, **kwargs))

"""Graph nodes and the two ways to define a differentiable op.

``Op``: ember's primitives. ``forward(ctx, *arrays, **params)`` computes on backend arrays (NumPy
or CuPy); ``backward(ctx, grad)`` is written with ember ops on Tensors, so it is differentiable
itself. ``Op.apply`` records a node only when grad mode is on and an input requires grad.

``Function``: torch.autograd.Function for users; forward and backward both take Tensors.

The node recorded for an op is also the ``ctx`` its forward and backward share, and is what
``tensor.grad_fn`` returns: its class is named as torch names it (``MulBackward0``).
"""

from __future__ import annotations

import itertools
import weakref

from .grad_mode import no_grad, state

_seq = itertools.count()
_STALE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward."
)


class _Scratch:
    """A throwaway ctx for forwards that record nothing (attributes may be set on it freely)."""


class Node:
    """A recorded op: torch's ``grad_fn``; also the ``ctx`` of the op's forward and backward."""

    _n_outputs = 1
    _next = ()
    _freed = False
    _saved_out = None
    _retained = None  # {output_nr: weakref to a non-leaf tensor that retains its grad}
    _hooks = None  # {output_nr: [hooks on the gradient of that output]}
    _post_hooks = None
    _pre_hooks = None

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        return self._next

    @property
    def metadata(self) -> dict:
        md = self.__dict__.get("_metadata")
        if md is None:
            md = self._metadata = {}
        return md

    # -------------------------------------------------------------- saved values
    def _check_saved(self):
        if self._freed:
            raise RuntimeError(_STALE)

    @property
    def inputs(self) -> tuple:
        """The op's inputs as given to apply(), checked against in-place changes since."""
        if self._freed:
            raise RuntimeError(_STALE)
        for t, v in zip(self._saved, self._versions):
            if v is not None and t._vc[0] != v:
                raise _modified_error(t, v, self)
        return self._saved

    @property
    def output(self):
        """The op's (first) output, rebuilt from what was saved without keeping the output alive."""
        if self._freed:
            raise RuntimeError(_STALE)
        from .._tensor import _wrap

        arr, vc, v, out_nr = self._saved_out
        if vc[0] != v:
            raise _modified_error(None, v, self, current=vc[0], shape=arr.shape)
        t = _wrap(arr)
        t._vc = vc
        t._requires_grad = True
        t.grad_fn = self
        t._out_nr = out_nr
        return t

    def _release(self):
        self._freed = True
        self._saved = ()
        self._saved_out = None

    # -------------------------------------------------------------- running backward
    def _apply_backward(self, grads):
        """Return the gradients for the inputs, a tuple aligned with the inputs."""
        raise NotImplementedError

    def __call__(self, *grads):
        return self._apply_backward(list(grads))

    # -------------------------------------------------------------- hooks
    def register_hook(self, fn):
        """Call ``fn(grad_inputs, grad_outputs)`` after this node's backward has run."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """Call ``fn(grad_outputs)`` before this node's backward runs; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class _RemovableHandle:
    def __init__(self, lst, item):
        self._lst, self._item = lst, item

    def remove(self):
        try:
            self._lst.remove(self._item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _modified_error(t, expected, node, current=None, shape=None):
    if t is not None:
        current = t._vc[0]
        shape = tuple(t.shape)
        tname = t.type()
    else:
        tname = "torch.FloatTensor"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{tname} [{', '.join(str(s) for s in shape)}]], which is output 0 of {node.name()}, is at version "
        f"{current}; expected version {expected} instead. Hint: enable anomaly detection to find the operation "
        "that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True)."
    )


class AccumulateGrad(Node):
    """The node that adds incoming gradients into a leaf tensor's ``.grad``."""

    __slots__ = ()

    def __init__(self, variable):
        self.variable = variable
        self._seq = -1

    def _apply_backward(self, grads):  # the engine calls accumulate(); direct calls just return nothing
        return ()


def accumulate_node(t) -> AccumulateGrad:
    """The AccumulateGrad node of leaf ``t``, created once and held weakly by the tensor."""
    ref = t._accum
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accum = weakref.ref(node)
    return node


def _edge(t):
    """(node, output_nr) that gradients for tensor ``t`` flow into."""
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    return (accumulate_node(t), 0)


class Op:
    """Base of ember's primitives: ``forward`` on arrays, ``backward`` on Tensors (see module doc)."""

    grad_fn = "Backward0"
    differentiable = True
    is_view = False  # output shares memory (and the version counter) with input 0
    saves_output = False  # backward reads ctx.output
    n_outputs = 1
    _node = Node

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        op = cls

        class _OpNode(Node):
            _n_outputs = op.n_outputs
            _op = op

            def _apply_backward(self, grads):
                r = op.backward(self, *grads) if op.n_outputs > 1 else op.backward(self, grads[0])
                return r if type(r) is tuple else (r,)

        _OpNode.__name__ = _OpNode.__qualname__ = cls.grad_fn
        cls._node = _OpNode

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        record = False
        arrays = []
        for a in args:
            if isinstance(a, _Tensor):
                arrays.append(a._data)
                if a._requires_grad:
                    record = True
            else:
                arrays.append(a)
        return _run(cls, args, arrays, kwargs, record)


def _run(cls, args, arrays, kwargs, record):
    """Run ``cls.forward`` on ``arrays`` and wrap the result; record a node when ``record`` and grad mode."""
    if record and state.enabled and cls.differentiable:
        ctx = cls._node()
        out = cls.forward(ctx, *arrays, **kwargs)
        return _record(cls, ctx, args, out)
    out = cls.forward(_Scratch(), *arrays, **kwargs)
    if cls.n_outputs == 1:
        t = _wrap(out)
        if cls.is_view:
            _share_storage(t, args[0])
        return t
    return tuple(_wrap(o) for o in out)


def _record(cls, ctx, args, out):
    ctx._seq = next(_seq)
    saved, versions, nexts, needs, meta = [], [], [], [], []
    for a in args:
        if isinstance(a, _Tensor):
            vc = a._vc
            if vc is None:
                vc = a._vc = [0]
            versions.append(vc[0])
            if a._requires_grad:
                nexts.append(_edge(a))
                needs.append(True)
                meta.append((a._data.shape, a.dtype))
            else:
                nexts.append((None, 0))
                needs.append(False)
                meta.append(None)
        else:
            versions.append(None)
            nexts.append((None, 0))
            needs.append(False)
            meta.append(None)
        saved.append(a)
    ctx._saved = tuple(saved)
    ctx._versions = versions
    ctx._next = tuple(nexts)
    ctx.needs_input_grad = tuple(needs)
    ctx._in_meta = meta
    if cls.n_outputs == 1:
        t = _wrap(out)
        if cls.is_view:
            _share_storage(t, args[0])
        if t.dtype._cat >= 2:  # float or complex: differentiable
            t._requires_grad = True
            t.grad_fn = ctx
            if cls.saves_output:
                vc = t._vc
                if vc is None:
                    vc = t._vc = [0]
                ctx._saved_out = (t._data, vc, vc[0], 0)
        return t
    outs = []
    for i, o in enumerate(out):
        t = _wrap(o)
        if t.dtype._cat >= 2:
            t._requires_grad = True
            t.grad_fn = ctx
            t._out_nr = i
        outs.append(t)
    return tuple(outs)


def _share_storage(view, base):
    """Make ``view`` a view of ``base``: same storage root and the same version counter."""
    vc = base._vc
    if vc is None:
        vc = base._vc = [0]
    view._vc = vc
    view._base = base._base if base._base is not None else base


# ---------------------------------------------------------------------------------------------
# torch.autograd.Function
class FunctionCtx:
    """What a custom Function's forward and backward share (torch's ``ctx``)."""

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(_STALE)
        saved = self.__dict__.get("_saved_t", ())
        for t, v in zip(saved, self.__dict__.get("_saved_v", ())):
            if t is not None and v is not None and t._vc[0] != v:
                raise _modified_error(t, v, self)
        return saved

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool):
        self._materialize = value


class _FunctionNode(Node, FunctionCtx):
    _fn_cls = None
    _materialize = True

    def _release(self):
        super()._release()
        self._saved_t = ()

    def _apply_backward(self, grads):
        from .._tensor import zeros_like_array_tensor

        if self._materialize:
            grads = [g if g is not None else zeros_like_array_tensor(*m) for g, m in zip(grads, self._out_meta)]
        r = self._fn_cls.backward(self, *grads)
        if type(r) is not tuple:
            r = (r,)
        n = len(self._next)
        if len(r) != n:
            if len(r) > n and all(x is None for x in r[n:]):
                r = r[:n]
            else:
                raise RuntimeError(
                    f"function {type(self).__name__} returned an incorrect number of gradients (expected {n}, "
                    f"got {len(r)})"
                )
        return r


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls._backward_cls = type(name + "Backward", (_FunctionNode,), {"_fn_cls": cls})


class Function(metaclass=_FunctionMeta):
    """torch.autograd.Function: subclass it with static ``forward(ctx, ...)`` and ``backward(ctx, ...)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        record = state.enabled and any(isinstance(a, _Tensor) and a._requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not record:
            return out
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        ctx._seq = next(_seq)
        ctx._next = tuple(_edge(a) if isinstance(a, _Tensor) and a._requires_grad else (None, 0) for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, _Tensor) and a._requires_grad for a in args)
        ctx._in_meta = [(a._data.shape, a.dtype) if isinstance(a, _Tensor) and a._requires_grad else None
                        for a in args]
        ctx._versions = []
        ctx._saved = ()
        to_save = ctx.__dict__.pop("_to_save", ())
        non_diff = {id(t) for t in ctx.__dict__.get("_non_diff", ())}
        inputs_by_id = {id(a) for a in args if isinstance(a, _Tensor)}
        result = []
        meta = []
        for i, o in enumerate(outs):
            if isinstance(o, _Tensor):
                if id(o) in inputs_by_id and id(o) not in {id(t) for t in ctx.__dict__.get("_dirty", ())}:
                    o = o.view_as(o)  # torch: an input returned as is becomes a view with new history
                if id(o) not in non_diff and o.dtype._cat >= 2:
                    o._requires_grad = True
                    o.grad_fn = ctx
                    o._out_nr = i
                meta.append((o._data.shape, o.dtype, o._data))
            else:
                meta.append(None)
            result.append(o)
        ctx._out_meta = meta
        ctx._saved_t = tuple(to_save)
        vs = []
        for t in to_save:
            if isinstance(t, _Tensor):
                if t._vc is None:
                    t._vc = [0]
                vs.append(t._vc[0])
            else:
                vs.append(None)
        ctx._saved_v = vs
        return result[0] if single else tuple(result)


class InplaceFunction(Function):
    pass


def once_differentiable(fn):
    return fn


# set by ember._tensor at import (avoids an import cycle)
_Tensor = None
_wrap = None


def _bind(tensor_cls, wrap):
    global _Tensor, _wrap
    _Tensor, _wrap = tensor_cls, wrap

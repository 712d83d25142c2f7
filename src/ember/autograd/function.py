"""Graph nodes and the two ways to define a differentiable op.

``Op``: ember's primitives. ``forward(ctx, *arrays, **params)`` computes on backend arrays (NumPy
or CuPy); ``backward(ctx, grad)`` is written with ember ops on Tensors, so it is differentiable
itself. ``Op.apply`` records a node only when grad mode is on and an input requires grad.

``Function``: torch.autograd.Function for users; forward and backward both take Tensors.

The node recorded for an op is also the ``ctx`` its forward and backward share, and is what
``tensor.grad_fn`` returns: its class is named as torch names it (``MulBackward0``).
"""

from __future__ import annotations

import functools
import itertools
import re
import weakref

from .grad_mode import no_grad, state

_seq = itertools.count()
_CPP_NAMES = {"CopySlices": "torch::autograd::CopySlices", "AccumulateGrad": "torch::autograd::AccumulateGrad"}
_ACCUMULATE_SEQ = 1 << 62  # torch: AccumulateGrad runs as soon as it is ready
_STALE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward."
)


class _Scratch:
    """A throwaway ctx for forwards that record nothing (attributes may be set on it freely)."""


# One scratch ctx shared by every unrecorded forward (saves an allocation per op): forwards only write attributes
# for their backward, which never runs for these, and the few that read one back read what they set in the same
# call. Its __dict__ is cleared after each forward so it keeps no arrays alive.
_SCRATCH = _Scratch()
_SCRATCH_DICT = _SCRATCH.__dict__


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
        n = type(self).__name__
        return _CPP_NAMES.get(n, n)

    @property
    def next_functions(self) -> tuple:
        return self._next

    def _sequence_nr(self) -> int:
        return self.__dict__.get("_seq", 0)

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
        for t, v in zip(self._saved, self._versions, strict=False):
            if v is not None and t._vc[0] != v:
                raise _modified_error(t, v)
        return self._saved

    @property
    def output(self):
        """The op's (first) output, rebuilt from what was saved without keeping the output alive."""
        if self._freed:
            raise RuntimeError(_STALE)
        return _rebuild_output(self, self._saved_out)

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


def _rebuild_output(node, saved):
    """A Tensor for a saved output ``(array, version counter, version, output_nr)`` whose grad_fn is ``node``."""
    arr, vc, v, out_nr = saved
    t = _wrap(arr)
    t._vc = vc
    t._out_nr = out_nr
    if vc[0] != v:
        raise _modified_error(t, v, current=vc[0], fn=node)
    t._requires_grad = True
    t.grad_fn = node
    return t


def _modified_error(t, expected, current=None, fn=None):
    """torch's error for a saved tensor ``t`` changed in place since it was saved at version ``expected``."""
    if current is None:
        current = t._vc[0]
        fn = _edge(t)[0] if t._requires_grad else None
        if type(fn) is AccumulateGrad:
            fn = None
    shape = ", ".join(str(s) for s in t._data.shape)
    which = " "
    if fn is not None:
        which = f", which is output {t._out_nr} of {_BACKWARD_SUFFIX.sub('', fn.name())}, "
    from .anomaly_mode import state as anomaly

    if anomaly.enabled:
        hint = (
            "Hint: the backtrace further above shows the operation that failed to compute its gradient. The "
            "variable in question was changed in there or anywhere later. Good luck!"
        )
    else:
        hint = (
            "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False)."
        )
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{t.type()} [{shape}]]{which}is at version {current}; expected version {expected} instead. {hint}"
    )


_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")


class AccumulateGrad(Node):
    """The node that adds incoming gradients into a leaf tensor's ``.grad``."""

    _seq = _ACCUMULATE_SEQ

    def __init__(self, variable):
        self.variable = variable

    def _apply_backward(self, grads):  # the engine accumulates; a direct call just returns nothing
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
        if t._base is not None:  # a view whose storage was written in place since its grad_fn was set
            gv = t.__dict__.get("_gv")
            if gv is not None and gv != t._vc[0]:
                return (_regen_view(t), 0)
        return (fn, t._out_nr)
    return (accumulate_node(t), 0)


def _regen_view(t):  # replaced by ember.ops._inplace at import: gives a stale view AsStridedBackward0 history
    raise NotImplementedError


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
    out = cls.forward(_SCRATCH, *arrays, **kwargs)
    if _SCRATCH_DICT:
        _SCRATCH_DICT.clear()
    if cls.n_outputs == 1:
        t = _wrap(out)
        if cls.is_view:
            _share_storage(t, args[0])
        return t
    return tuple(_wrap(o) for o in out)


def _record(cls, ctx, args, out):
    """Wrap ``out`` and make node ``ctx`` its history: edges to the inputs that require grad, saved inputs."""
    ctx._seq = next(_seq)
    versions, nexts, needs, meta = [], [], [], []
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
                continue
        else:
            versions.append(None)
        nexts.append((None, 0))
        needs.append(False)
        meta.append(None)
    ctx._saved = args
    ctx._versions = versions
    ctx._next = tuple(nexts)
    ctx.needs_input_grad = tuple(needs)
    ctx._in_meta = meta
    if _anomaly.enabled:
        _anomaly.record(ctx)
    if cls.n_outputs == 1:
        t = _wrap(out)
        if t.dtype._cat >= 2:  # float or complex: differentiable
            t._requires_grad = True
            t.grad_fn = ctx
            if cls.is_view:
                _share_storage(t, args[0])
                t._gv = t._vc[0]
            if cls.saves_output:
                vc = t._vc
                if vc is None:
                    vc = t._vc = [0]
                ctx._saved_out = (t._data, vc, vc[0], 0)
        elif cls.is_view:
            _share_storage(t, args[0])
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
    if not state.enabled:  # torch: a view made in no_grad mode may not be modified in place under grad mode
        view._vkind = "no_grad"


# ---------------------------------------------------------------------------------------------
# torch.autograd.Function
class FunctionCtx:
    """What a custom Function's forward and backward share (torch's ``ctx``)."""

    needs_input_grad = ()

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (inputs, outputs or None) for backward, where ``ctx.saved_tensors`` gives them back."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, _Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {i} is of type {type(t).__name__}"
                )
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_STALE)
        out = []
        for kind, item, v in self.__dict__.get("_saved_t", ()):
            if kind == 0:  # an output: rebuilt from its array, so the node does not keep it alive
                out.append(_rebuild_output(self, item))
                continue
            if v is not None and item._vc[0] != v:
                raise _modified_error(item, v)
            out.append(item)
        return tuple(out)

    saved_variables = saved_tensors

    def mark_dirty(self, *tensors):
        """Declare the inputs that forward modified in place (they are returned and take this node as history)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that have no gradient (they do not require grad; backward receives zeros for them)."""
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool):
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self._materialize = value


class _FunctionNode(Node, FunctionCtx):
    _fn_cls = None
    _materialize = True
    _out_meta = ()

    def _release(self):
        super()._release()
        self._saved_t = ()

    def _apply_backward(self, grads):
        if self._materialize:
            grads = [
                _zeros(m) if g is None and m is not None else g for g, m in zip(grads, self._out_meta, strict=False)
            ]
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
        for i, (g, is_t) in enumerate(zip(r, self._in_is_tensor, strict=False)):
            if g is not None and not is_t:
                raise RuntimeError(
                    f"function {type(self).__name__} returned a gradient different than None at position {i + 1}, "
                    "but the corresponding forward input was not a Variable"
                )
        return r


def _zeros(meta):
    from .._tensor import zeros_like_array_tensor

    return zeros_like_array_tensor(*meta)


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls._backward_cls = type(name + "Backward", (_FunctionNode,), {"_fn_cls": cls})


class Function(metaclass=_FunctionMeta):
    """torch.autograd.Function: subclass it with static ``forward(ctx, ...)`` and ``backward(ctx, ...)``.

    The newer form, ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``, works too.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it "
            "with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("ember: forward-mode AD (Function.jvp) is not supported")

    def __init__(self, *args, **kwargs):
        import warnings

        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all static, so you should "
            "invoke them on the class itself. Instantiating an autograd function will raise an error in a future "
            "version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
            "function with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html"
            "#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        is_t = tuple(isinstance(a, _Tensor) for a in args)
        record = state.enabled and any(t and a._requires_grad for t, a in zip(is_t, args, strict=False))
        ctx.needs_input_grad = tuple(record and t and a._requires_grad for t, a in zip(is_t, args, strict=False))
        with no_grad():
            if _has_setup_context(cls):
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        to_save = ctx.__dict__.pop("_to_save", ())
        if not record:
            ctx._saved_t = tuple((1, t, None) for t in to_save)
            return out
        return _record_function(ctx, args, is_t, out, to_save)


def _has_setup_context(cls) -> bool:
    for k in cls.__mro__:
        if "setup_context" in k.__dict__:
            return k is not Function
    return False


def _record_function(ctx, args, is_t, out, to_save):
    """Make node ``ctx`` the history of the outputs of a custom Function."""
    from ..ops._inplace import rebase_history

    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    ctx._seq = next(_seq)
    ctx._next = tuple(_edge(a) if t and a._requires_grad else (None, 0) for t, a in zip(is_t, args, strict=False))
    ctx._in_meta = [
        (a._data.shape, a.dtype) if t and a._requires_grad else None for t, a in zip(is_t, args, strict=False)
    ]
    ctx._in_is_tensor = is_t
    ctx._versions = ()
    ctx._saved = ()
    ctx._n_outputs = len(outs)
    if _anomaly.enabled:
        _anomaly.record(ctx)
    dirty = {id(t) for t in ctx.__dict__.get("_dirty", ())}
    non_diff = {id(t) for t in ctx.__dict__.get("_non_diff", ())}
    inputs = {id(a) for a, t in zip(args, is_t, strict=False) if t}
    result, meta, out_ids = [], [], {}
    for i, o in enumerate(outs):
        if not isinstance(o, _Tensor):
            meta.append(None)
            result.append(o)
            continue
        if id(o) in dirty:
            if o._requires_grad and o.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        elif id(o) in inputs:  # torch: an input returned as it is becomes a view of it with this node as history
            v = _wrap(o._data)
            _share_storage(v, o)
            v.__dict__.pop("_vkind", None)
            o = v
        if id(o) in non_diff or o.dtype._cat < 2:
            if id(o) in non_diff:
                o._requires_grad = False
        elif id(o) in dirty:
            o._bump()  # torch: marking an input dirty counts as one more write
            rebase_history(o, ctx, i)
            out_ids[id(o)] = i
        else:
            o._requires_grad = True
            o.grad_fn = ctx
            o._out_nr = i
            if o._base is not None:  # a view made inside forward: its history is this node, not its base's
                o._vkind = "function"
            out_ids[id(o)] = i
        meta.append((o._data.shape, o.dtype, o._data))
        result.append(o)
    ctx._out_meta = meta
    saved = []
    for t in to_save:
        if t is None or not isinstance(t, _Tensor):
            saved.append((1, t, None))
        elif id(t) in out_ids and id(t) not in inputs:  # an output: saved without keeping it alive
            vc = t._vc
            if vc is None:
                vc = t._vc = [0]
            saved.append((0, (t._data, vc, vc[0], out_ids[id(t)]), None))
        else:
            if t._vc is None:
                t._vc = [0]
            saved.append((1, t, t._vc[0]))
    ctx._saved_t = tuple(saved)
    return result[0] if single else tuple(result)


class InplaceFunction(Function):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass


class _DelayedError(Op):
    """Identity whose backward raises: marks the gradients a once_differentiable backward computed."""

    grad_fn = "DelayedError"

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


def once_differentiable(fn):
    """Run a custom Function's backward under no_grad; differentiating its result again raises."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not state.enabled or not any(isinstance(a, _Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        wrapped = tuple(
            _DelayedError.apply(_with_grad(o)) if isinstance(o, _Tensor) and o.dtype._cat >= 2 else o for o in outs
        )
        return wrapped[0] if single else wrapped

    return wrapper


def _with_grad(t):
    """A tensor sharing ``t``'s array that requires grad, so _DelayedError records a node."""
    r = _wrap(t._data)
    r._requires_grad = True
    return r


# set by ember._tensor at import (avoids an import cycle)
_Tensor = None
_wrap = None


def _bind(tensor_cls, wrap):
    global _Tensor, _wrap
    _Tensor, _wrap = tensor_cls, wrap
    from . import engine

    engine._Tensor = tensor_cls


from .anomaly_mode import state as _anomaly  # noqa: E402

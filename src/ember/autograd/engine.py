"""The backward engine: runs the graph's nodes in dependency order, without Python recursion.

Gradients reaching one node from several uses are summed. Each gradient is brought back to
its input's shape (summing broadcast dimensions) and dtype in one place, ``_fit``, so no op
has to do it. Backward runs under no_grad unless ``create_graph`` is set.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import warnings

import numpy as np

from .anomaly_mode import check_nan as _check_nan
from .anomaly_mode import report as _anomaly_report
from .anomaly_mode import state as _anomaly
from .function import AccumulateGrad, _edge
from .grad_mode import state as _grad_state

_tie = itertools.count()  # heap tie-breaker: nodes themselves are not ordered
_warned = [False]  # torch warns once per process about backward(create_graph=True)

# A leaf's first gradient is taken without a copy (as torch's AccumulateGrad steals it) when nothing else can see
# it: the Tensor is referenced only by the engine's pending list, its loop variable and _accumulate_into_leaf's
# argument, and its array only by the Tensor and owns its memory. sys.getrefcount counts these exactly on CPython
# up to 3.13; elsewhere (borrowed references) it could undercount, so the copy stays.
_getrefcount = sys.getrefcount
_STEAL = sys.implementation.name == "cpython" and sys.version_info < (3, 14)
_G_REFS = 4  # pending tuple, run_backward's loop variable, the parameter g, getrefcount's argument
_A_REFS = 3  # g's __dict__, the local a, getrefcount's argument


def _fit(g, meta):
    """Return gradient ``g`` summed back to the input's shape and cast to its dtype."""
    shape, dt = meta
    if g._data.shape != shape:
        g = sum_to_shape(g, shape)
    if g.dtype is not dt:
        if dt._cat < 2:
            return None
        if g.dtype.is_complex and not dt.is_complex:
            g = g.real
        g = g.to(dt)
    return g


def sum_to_shape(g, shape):
    """Sum ``g`` over the dimensions that broadcasting added or expanded, giving ``shape``."""
    gs = g._data.shape
    lead = len(gs) - len(shape)
    if lead < 0:
        return g.reshape(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gs[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = g.sum(dim=tuple(dims), keepdim=True)
    if lead or g._data.shape != shape:
        g = g.reshape(shape)
    return g


def _invalid_grad(node, i, g, shape):
    return RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {i} - got "
        f"[{', '.join(map(str, g._data.shape))}] but expected shape compatible with [{', '.join(map(str, shape))}]"
    )


def _accumulate_into_leaf(t, g, create_graph):
    """Add ``g`` into ``t.grad`` as torch's AccumulateGrad does (in place unless building a graph)."""
    if create_graph and g._requires_grad and not _warned[0]:
        _warned[0] = True
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
            "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
            "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
            "to None after use to break the cycle and avoid the leak. (Triggered internally at "
            "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)",
            UserWarning,
            stacklevel=5,
        )
    old = t._grad
    if old is None:
        # a fresh copy: the same gradient array may reach several leaves (e.g. through add)
        if create_graph:
            t._grad = g
        else:
            a = g._data
            if (_STEAL and type(a) is np.ndarray and a.base is None and a.flags.writeable
                    and _getrefcount(g) <= _G_REFS and _getrefcount(a) <= _A_REFS):
                t._grad = _Tensor._from(a, g.dtype)
            else:
                t._grad = _Tensor._from(a.copy(), g.dtype)
    elif create_graph or old._requires_grad:
        t._grad = old + g
    elif old._data.shape == g._data.shape and old._data.flags.writeable:
        old._data += g._data
        old._bump()
    else:
        t._grad = _Tensor._from(old._data + g._data, old.dtype)
    if t._post_acc_hooks:
        for h in list(t._post_acc_hooks):
            h(t)


def _retain(t, g, create_graph):
    """torch's retain_grad hook: a non-leaf's ``.grad`` accumulates like a leaf's."""
    old = t._grad
    if old is None:
        t._grad = g if create_graph else g.detach().clone()
    else:
        t._grad = old + g


def run_backward(roots, grads, retain_graph, create_graph, inputs=None, allow_unused=False, accumulate=True):
    """Propagate ``grads`` from the ``roots`` tensors through the graph.

    With ``accumulate`` (Tensor.backward) leaf gradients go into ``.grad`` (only of ``inputs`` when
    given); otherwise (autograd.grad) the gradients of ``inputs`` are returned and nothing is written.
    Leaves are written only once the whole graph has run, so a failed backward leaves them as they were.
    """
    if retain_graph is None:
        retain_graph = create_graph
    # ---------------------------------------------------------------- roots
    buffers = {}
    root_nodes = []
    for i, (t, g) in enumerate(zip(roots, grads, strict=False)):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        node, nr = _edge(t)
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
            root_nodes.append(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    # ---------------------------------------------------------------- capture targets
    capture = None
    captured = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if not t._requires_grad:
                if accumulate:
                    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.setdefault(_edge(t), []).append(i)
        captured = [None] * len(inputs)
    # ---------------------------------------------------------------- dependencies (iterative DFS)
    deps = {}
    parents = {} if inputs is not None else None
    stack = list(root_nodes)
    seen = set(stack)
    while stack:
        for nxt, _ in stack.pop()._next:
            if nxt is None:
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    if parents is not None:  # with inputs given, a node runs only when one of its inputs leads to a capture
        for node in seen:
            for nxt, _ in node._next:
                if nxt is not None:
                    parents.setdefault(nxt, []).append(node)
        needed = set()
        stack = [n for n, _ in capture if n in seen]
        while stack:
            for p in parents.get(stack.pop(), ()):
                if p not in needed:
                    needed.add(p)
                    stack.append(p)
    else:
        needed = None
    # ---------------------------------------------------------------- execute
    # torch runs the ready node created last first (AccumulateGrad as soon as it is ready)
    ready = [(-n._seq, next(_tie), n) for n in root_nodes if n not in deps]
    heapq.heapify(ready)
    pop, push, tie = heapq.heappop, heapq.heappush, _tie
    executed = []
    pending = []  # (writer, leaf or retained tensor, grad): applied after the whole graph ran
    anomaly = _anomaly.enabled
    prev_mode = _grad_state.enabled
    _grad_state.enabled = bool(create_graph)
    try:
        while ready:
            node = pop(ready)[2]
            grads_out = buffers.pop(node, None)
            if grads_out is None:
                grads_out = [None] * node._n_outputs
            if node._hooks or node._retained or node._pre_hooks:
                grads_out = _pre_hooks(node, grads_out, pending)
            elif type(node) is AccumulateGrad and node.variable._grad_hooks and grads_out[0] is not None:
                g = grads_out[0]  # Tensor.register_hook on a leaf: runs before capture and accumulation
                for h in list(node.variable._grad_hooks.values()):
                    r = h(g)
                    if r is not None:
                        g = r
                grads_out[0] = g
            if capture:
                for nr in range(node._n_outputs):
                    idxs = capture.get((node, nr))
                    if idxs and grads_out[nr] is not None:
                        for i in idxs:
                            captured[i] = grads_out[nr] if captured[i] is None else captured[i] + grads_out[nr]
            if type(node) is AccumulateGrad:
                if accumulate and grads_out[0] is not None and (capture is None or (node, 0) in capture):
                    pending.append((_accumulate_into_leaf, node.variable, grads_out[0]))
                continue
            if needed is not None and node not in needed:
                _release_deps(node, deps, ready)
                continue
            for g in grads_out:
                if g is not None:
                    break
            else:
                _release_deps(node, deps, ready)
                continue
            if anomaly:
                in_grads = _run_anomaly(node, grads_out)
            else:
                in_grads = node._apply_backward(grads_out)
            executed.append(node)
            if node._post_hooks:
                for h in list(node._post_hooks):
                    r = h(tuple(in_grads), tuple(grads_out))
                    if r is not None:
                        in_grads = tuple(r)
            meta = node._in_meta
            n_in = len(in_grads)
            for i, (nxt, nr) in enumerate(node._next):
                if nxt is None:
                    continue
                g = in_grads[i] if i < n_in else None
                if g is not None:
                    m = meta[i]
                    if g.__class__ is not _Tensor and not hasattr(g, "_data"):
                        raise TypeError(f"{node.name()} returned a non-tensor gradient")
                    if g._data.shape != m[0] or g.dtype is not m[1]:
                        g = _fit_checked(node, i, g, m)
                    if g is not None:
                        buf = buffers.get(nxt)
                        if buf is None:
                            buf = buffers[nxt] = [None] * nxt._n_outputs
                        prev = buf[nr]
                        buf[nr] = g if prev is None else prev + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    push(ready, (-nxt._seq, next(tie), nxt))
        # drop the loop's last references to gradients, so that _accumulate_into_leaf's reference count is exact
        g = r = buf = prev = grads_out = in_grads = None
        for fn, t, g in pending:
            fn(t, g, create_graph)
        if accumulate and inputs is not None:  # torch: non-leaf inputs of backward() get their .grad too
            for i, t in enumerate(inputs):
                if t.grad_fn is not None and captured[i] is not None:
                    _retain(t, captured[i], create_graph)
    finally:
        _grad_state.enabled = prev_mode
    if not retain_graph:
        for node in executed:
            node._release()
    if inputs is not None and not accumulate:
        for i, c in enumerate(captured):
            if c is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        return captured
    return None


def _pre_hooks(node, grads_out, pending):
    """Tensor hooks, retain_grad and node pre-hooks, in torch's order; returns the (maybe new) gradients."""
    if node._hooks:  # Tensor.register_hook on non-leaf outputs of this node
        for nr, hooks in node._hooks.items():
            for h in list(hooks):
                if grads_out[nr] is not None:
                    r = h(grads_out[nr])
                    if r is not None:
                        grads_out[nr] = r
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and grads_out[nr] is not None:
                pending.append((_retain, t, grads_out[nr]))
    if node._pre_hooks:
        for h in list(node._pre_hooks):
            r = h(tuple(grads_out))
            if r is not None:
                grads_out = list(r)
    return grads_out


def _run_anomaly(node, grads_out):
    try:
        in_grads = node._apply_backward(grads_out)
    except Exception:
        _anomaly_report(node)
        raise
    if _anomaly.check_nan:
        _check_nan(node, in_grads)
    return in_grads


def _fit_checked(node, i, g, meta):
    try:
        g2 = _fit(g, meta)
    except RuntimeError:
        raise _invalid_grad(node, i, g, meta[0]) from None
    if g2 is not None and g2._data.shape != meta[0]:
        raise _invalid_grad(node, i, g, meta[0])
    return g2


def _release_deps(node, deps, ready):
    for nxt, _ in node._next:
        if nxt is None:
            continue
        d = deps[nxt] - 1
        deps[nxt] = d
        if d == 0:
            heapq.heappush(ready, (-nxt._seq, next(_tie), nxt))


_Tensor = None  # ember.Tensor, set by autograd.function._bind (this module is imported before ember._tensor)

"""The backward engine: runs the graph's nodes in dependency order, without Python recursion.

Gradients reaching one node from several uses are summed. Each gradient is brought back to
its input's shape (summing broadcast dimensions) and dtype in one place, ``_fit``, so no op
has to do it. Backward runs under no_grad unless ``create_graph`` is set.
"""

from __future__ import annotations

import heapq
import itertools

from .anomaly_mode import check_nan as _check_nan
from .anomaly_mode import report as _anomaly_report
from .anomaly_mode import state as _anomaly
from .function import AccumulateGrad, _edge
from .grad_mode import enable_grad, no_grad

_tie = itertools.count()  # heap tie-breaker: nodes themselves are not ordered


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
    from .._tensor import Tensor

    if t._grad_hooks:
        for h in list(t._grad_hooks.values()):
            r = h(g)
            if r is not None:
                g = r
    old = t._grad
    if old is None:
        # a fresh copy: the same gradient array may reach several leaves (e.g. through add)
        t._grad = g if create_graph else Tensor._from(g._data.copy(), g.dtype)
    elif create_graph or old._requires_grad:
        t._grad = old + g
    else:
        if old._data.shape == g._data.shape and old._data.flags.writeable:
            old._data += g._data
            old._bump()
        else:
            t._grad = Tensor._from(old._data + g._data, old.dtype)
    for h in t._post_acc_hooks or ():
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
    for i, (t, g) in enumerate(zip(roots, grads)):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        node, nr = _edge(t)
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        root_nodes.append(node)
    root_nodes = list(dict.fromkeys(root_nodes))
    # ---------------------------------------------------------------- capture targets
    capture = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if not t._requires_grad:
                if accumulate:
                    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.setdefault(_edge(t), []).append(i)
    captured = [None] * (len(inputs) if inputs is not None else 0)
    # ---------------------------------------------------------------- dependencies (iterative DFS)
    deps = {}
    parents = {} if inputs is not None else None
    seen = set(root_nodes)
    stack = list(root_nodes)
    while stack:
        node = stack.pop()
        for nxt, _ in node._next:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if parents is not None:
                parents.setdefault(nxt, []).append(node)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    # with inputs given, a node runs only when one of its inputs leads to a captured gradient
    needed = None
    if inputs is not None:
        needed = set()
        stack = [n for n, _ in capture if n in seen]
        while stack:
            for p in parents.get(stack.pop(), ()):
                if p not in needed:
                    needed.add(p)
                    stack.append(p)
    # ---------------------------------------------------------------- execute
    # torch runs the ready node created last first (AccumulateGrad as soon as it is ready)
    ready = [(-n._seq, next(_tie), n) for n in root_nodes if deps.get(n, 0) == 0]
    heapq.heapify(ready)
    executed = []
    pending = []  # (leaf or retained tensor, grad) written after the whole graph ran
    check_nan = _anomaly.enabled and _anomaly.check_nan
    mode = enable_grad() if create_graph else no_grad()
    with mode:
        while ready:
            node = heapq.heappop(ready)[2]
            grads_out = buffers.pop(node, None)
            if grads_out is None:
                grads_out = [None] * node._n_outputs
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
            if capture:
                for nr in range(node._n_outputs):
                    idxs = capture.get((node, nr))
                    if idxs and grads_out[nr] is not None:
                        for i in idxs:
                            captured[i] = grads_out[nr] if captured[i] is None else captured[i] + grads_out[nr]
            if type(node) is AccumulateGrad:
                if accumulate and grads_out[0] is not None and (inputs is None or (node, 0) in capture):
                    pending.append((_accumulate_into_leaf, node.variable, grads_out[0]))
                continue
            if needed is not None and node not in needed:
                _release_deps(node, deps, ready)
                continue
            if all(g is None for g in grads_out):
                in_grads = (None,) * len(node._next)
            elif _anomaly.enabled:
                try:
                    in_grads = node._apply_backward(grads_out)
                except Exception:
                    _anomaly_report(node)
                    raise
                if check_nan:
                    _check_nan(node, in_grads)
            else:
                in_grads = node._apply_backward(grads_out)
            executed.append(node)
            if node._post_hooks:
                for h in list(node._post_hooks):
                    r = h(tuple(in_grads), tuple(grads_out))
                    if r is not None:
                        in_grads = tuple(r)
            meta = node._in_meta
            for i, (nxt, nr) in enumerate(node._next):
                if nxt is None:
                    continue
                g = in_grads[i] if i < len(in_grads) else None
                if g is not None:
                    if not hasattr(g, "_data"):
                        raise TypeError(f"{node.name()} returned a non-tensor gradient")
                    m = meta[i]
                    if g._data.shape != m[0] or g.dtype is not m[1]:
                        try:
                            g = _fit(g, m)
                        except RuntimeError:
                            raise _invalid_grad(node, i, g, m[0]) from None
                        if g is not None and g._data.shape != m[0]:
                            raise _invalid_grad(node, i, g, m[0])
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt._n_outputs
                    prev = buf[nr]
                    buf[nr] = g if prev is None else prev + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    heapq.heappush(ready, (-nxt._seq, next(_tie), nxt))
        for fn, t, g in pending:
            fn(t, g, create_graph)
        if accumulate and inputs is not None:  # torch: non-leaf inputs of backward() get their .grad too
            for i, t in enumerate(inputs):
                if t.grad_fn is not None and captured[i] is not None:
                    _retain(t, captured[i], create_graph)
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


def _release_deps(node, deps, ready):
    for nxt, _ in node._next:
        if nxt is None:
            continue
        d = deps[nxt] - 1
        deps[nxt] = d
        if d == 0:
            heapq.heappush(ready, (-nxt._seq, next(_tie), nxt))

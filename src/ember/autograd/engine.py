"""The backward engine: runs the graph's nodes in dependency order, without Python recursion.

Gradients reaching one node from several uses are summed. Each gradient is brought back to
its input's shape (summing broadcast dimensions) and dtype in one place, ``_fit``, so no op
has to do it. Backward runs under no_grad unless ``create_graph`` is set.
"""

from __future__ import annotations

from .function import AccumulateGrad, _edge
from .grad_mode import enable_grad, no_grad, state

_run_depth = [0]


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


def _accumulate_into_leaf(t, g, create_graph):
    """Add ``g`` into ``t.grad`` as torch's AccumulateGrad does."""
    from .._tensor import Tensor

    if t._grad_hooks:
        for h in list(t._grad_hooks.values()):
            r = h(g)
            if r is not None:
                g = r
    old = t._grad
    if old is None:
        # a fresh copy: the same gradient array may reach several leaves (e.g. through add)
        t._grad = g if create_graph else Tensor._from(g._data.copy())
    elif create_graph or state.enabled:
        t._grad = old + g
    else:
        if old._data.shape == g._data.shape and old.dtype is g.dtype and old._data.flags.writeable:
            old._data += g._data
            old._bump()
        else:
            t._grad = Tensor._from(old._data + g._data)
    for h in t._post_acc_hooks or ():
        h(t)


def run_backward(roots, grads, retain_graph, create_graph, inputs=None, allow_unused=False, accumulate=True):
    """Propagate ``grads`` from the ``roots`` tensors through the graph.

    With ``accumulate`` (Tensor.backward) leaf gradients go into ``.grad`` (only of ``inputs`` when
    given); otherwise (autograd.grad) the gradients of ``inputs`` are returned and nothing is written.
    """
    if retain_graph is None:
        retain_graph = create_graph
    # ---------------------------------------------------------------- roots
    buffers = {}
    root_nodes = []
    for t, g in zip(roots, grads):
        if not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        node, nr = _edge(t)
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        root_nodes.append(node)
    # ---------------------------------------------------------------- capture targets
    capture = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture.setdefault(_edge(t), []).append(i)
    captured = [None] * (len(inputs) if inputs is not None else 0)
    # ---------------------------------------------------------------- dependencies (iterative DFS)
    deps = {}
    parents = {} if inputs is not None else None
    seen = set(root_nodes)
    order = list(dict.fromkeys(root_nodes))
    stack = list(order)
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
                order.append(nxt)
                stack.append(nxt)
    # with inputs given, only the nodes on a path from a root to an input run
    needed = None
    if inputs is not None:
        needed = {n for n, _ in capture if n in seen}
        stack = list(needed)
        while stack:
            for p in parents.get(stack.pop(), ()):
                if p not in needed:
                    needed.add(p)
                    stack.append(p)
    # ---------------------------------------------------------------- execute
    ready = [n for n in dict.fromkeys(root_nodes) if deps.get(n, 0) == 0]
    mode = enable_grad() if create_graph else no_grad()
    executed = []
    with mode:
        while ready:
            # torch runs the ready node created last first; any order respecting dependencies is correct
            node = ready.pop()
            grads_out = buffers.pop(node, None)
            if grads_out is None:
                grads_out = [None] * node._n_outputs
            if node._pre_hooks:
                for h in node._pre_hooks:
                    r = h(tuple(grads_out))
                    if r is not None:
                        grads_out = list(r)
            if node._hooks:
                for nr, hooks in node._hooks.items():
                    for h in hooks:
                        if grads_out[nr] is not None:
                            r = h(grads_out[nr])
                            if r is not None:
                                grads_out[nr] = r
            if node._retained:
                for nr, ref in node._retained.items():
                    t = ref()
                    if t is not None and grads_out[nr] is not None:
                        g = grads_out[nr]
                        t._grad = g if create_graph else g.detach()
            if capture:
                for nr in range(node._n_outputs):
                    idxs = capture.get((node, nr))
                    if idxs and grads_out[nr] is not None:
                        for i in idxs:
                            captured[i] = grads_out[nr] if captured[i] is None else captured[i] + grads_out[nr]
            if type(node) is AccumulateGrad:
                if accumulate and grads_out[0] is not None and (inputs is None or (node, 0) in capture):
                    _accumulate_into_leaf(node.variable, grads_out[0], create_graph)
                continue
            if needed is not None and node not in needed:
                _release_deps(node, deps, ready)
                continue
            if all(g is None for g in grads_out):
                in_grads = (None,) * len(node._next)
            else:
                in_grads = node._apply_backward(grads_out)
            executed.append(node)
            if node._post_hooks:
                for h in node._post_hooks:
                    h(in_grads, tuple(grads_out))
            meta = node._in_meta
            for i, (nxt, nr) in enumerate(node._next):
                if nxt is None:
                    continue
                g = in_grads[i] if i < len(in_grads) else None
                if g is not None:
                    if not hasattr(g, "_data"):
                        raise TypeError(f"{node.name()} returned a non-tensor gradient")
                    g = _fit(g, meta[i])
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt._n_outputs
                    prev = buf[nr]
                    buf[nr] = g if prev is None else prev + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
    if not retain_graph:
        for node in executed:
            node._release()
    if inputs is not None and not accumulate:
        for i, c in enumerate(captured):
            if c is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
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
            ready.append(nxt)

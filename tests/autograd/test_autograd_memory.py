"""Graphs are freed by reference counting: no node keeps its own output alive (no gc.collect needed)."""

from __future__ import annotations

import gc
import weakref

import pytest

import ember
import ember.nn.functional as F


def _in_place_on_view(x, w):
    y = x * 1
    y[0].mul_(2)
    y.exp_()
    y[1] = w[0, 0] * 3
    return y.sum()


def _retained(x, w):
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g)
    return y.sum()


def _after_backward(x, w):
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    return y


def _custom_function(x, w):
    class Exp(ember.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            r = t.exp()
            ctx.save_for_backward(t, r)
            return r

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[1]

    return Exp.apply(x).sum()


GRAPHS = [
    ("matmul exp", lambda x, w: (x @ w).exp().sum()),
    ("saved outputs", lambda x, w: (x.sigmoid() * x.tanh()).sum()),
    ("cross_entropy", lambda x, w: F.cross_entropy(x, ember.tensor([0, 1, 2]))),
    ("linear relu", lambda x, w: F.relu(F.linear(x, w.t())).sum()),
    ("in-place on views", _in_place_on_view),
    ("retain_grad and hook", _retained),
    ("after backward", _after_backward),
    ("custom Function saving its output", _custom_function),
    ("create_graph", lambda x, w: ember.autograd.grad((x**3).sum(), x, create_graph=True)[0].sum()),
]


@pytest.mark.parametrize("name, build", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_graph_is_freed_by_refcounting(name, build):
    x = ember.randn(3, 4, requires_grad=True)
    w = ember.randn(4, 2, requires_grad=True)
    enabled = gc.isenabled()
    gc.disable()
    try:
        y = build(x, w)
        refs, stack = [], [y.grad_fn]
        while stack:
            node = stack.pop()
            if node is None or type(node).__name__ == "AccumulateGrad":
                continue
            refs.append(weakref.ref(node))
            stack.extend(n for n, _ in node.next_functions)
        node = None
        out = weakref.ref(y)
        del y
        assert out() is None
        assert [type(r()).__name__ for r in refs if r() is not None] == []
    finally:
        if enabled:
            gc.enable()

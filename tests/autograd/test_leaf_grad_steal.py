"""A leaf's first gradient is taken without a copy only when nothing else can see it (torch's AccumulateGrad)."""

import pytest

import ember

torch = pytest.importorskip("torch")


def _case(lib, kind):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([4.0, 5.0, 6.0], requires_grad=True)
    kept = []
    if kind == "add":  # AddBackward hands the same gradient to both leaves
        (a + b).sum().backward()
    elif kind == "hook":  # a hook keeps the gradient it saw
        a.register_hook(lambda g: kept.append(g))
        (a * b).sum().backward()
    elif kind == "retain":  # a retained non-leaf gradient is the leaves' gradient too
        y = a + b
        y.retain_grad()
        y.sum().backward()
        kept.append(y.grad)
    elif kind == "given":  # the user's own seed gradient reaches the leaf unchanged
        g = lib.ones(3)
        a.backward(g)
        kept.append(g)
    a.grad.mul_(10)  # an in-place change of one .grad must show nowhere else
    return [a.grad.tolist(), b.grad.tolist() if b.grad is not None else None] + [k.tolist() for k in kept]


@pytest.mark.parametrize("kind", ["add", "hook", "retain", "given"])
def test_first_gradient_is_never_shared(kind):
    assert _case(ember, kind) == _case(torch, kind)


def test_big_elementwise_gradient_is_right():
    w = ember.randn(50, 40, requires_grad=True)
    x = ember.randn(50, 40)
    (w * x).sum().backward()
    assert (w.grad == x).all().item()
    assert w.grad._data is not x._data

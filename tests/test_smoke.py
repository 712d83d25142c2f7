"""Seconds-long smoke test: the package imports and the basic tensor/autograd path works."""

import ember


def test_dot_backward_gives_4x():
    x = ember.arange(4.0, requires_grad=True)
    y = 2 * ember.dot(x, x)
    y.backward()
    assert x.grad.tolist() == [0.0, 4.0, 8.0, 12.0]
    assert repr(y) == "tensor(28., grad_fn=<MulBackward0>)"


def test_shim_makes_import_torch_give_ember():
    import sys

    from ember import compat

    compat.install()
    try:
        import torch
        import torch.autograd  # noqa: F401

        assert torch is ember
        assert sys.modules["torch"] is ember
        assert torch.autograd is ember.autograd
    finally:
        compat.uninstall()

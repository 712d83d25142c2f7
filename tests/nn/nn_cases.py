"""Helpers for the nn tests: build the same layer in torch and ember with identical weights and compare."""

from __future__ import annotations

import numpy as np

import ember


def to_e(t, requires_grad: bool = False):
    """An ember tensor with the values (and dtype) of torch tensor ``t``."""
    e = ember.from_numpy(t.detach().numpy().copy())
    if requires_grad:
        e.requires_grad_(True)
    return e


def to_t(e, requires_grad: bool = False):
    import torch

    t = torch.from_numpy(np.array(e.detach().numpy(), copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def copy_weights(tmod, emod) -> None:
    """Load torch module ``tmod``'s state_dict into ember module ``emod``."""
    emod.load_state_dict({k: to_e(v) for k, v in tmod.state_dict().items()})


def assert_close(e, t, atol=1e-5, rtol=1e-4, what=""):
    a = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    b = t.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    assert str(a.dtype) == str(b.dtype), f"{what}: dtype {a.dtype} != {b.dtype}"
    np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=what)


def run_both(tmod, emod, t_inputs, atol=1e-5, rtol=1e-4, grad=True, seed=0, grad_atol=None):
    """Forward both modules on the same inputs; compare outputs, input grads and parameter grads."""
    import torch

    e_inputs = [to_e(x, x.requires_grad) if isinstance(x, torch.Tensor) else x for x in t_inputs]
    t_out = tmod(*t_inputs)
    e_out = emod(*e_inputs)
    assert_close(e_out, t_out, atol, rtol, "output")
    if not grad or not t_out.requires_grad:
        return e_out, t_out
    cot = np.random.RandomState(seed).randn(*t_out.shape).astype(t_out.detach().numpy().dtype)
    gatol = atol if grad_atol is None else grad_atol
    t_out.backward(torch.from_numpy(cot.copy()))
    e_out.backward(ember.from_numpy(cot.copy()))
    for i, (ti, ei) in enumerate(zip(t_inputs, e_inputs, strict=False)):
        if isinstance(ti, torch.Tensor) and ti.requires_grad:
            assert_close(ei.grad, ti.grad, gatol, rtol, f"grad of input {i}")
    tp = dict(tmod.named_parameters())
    for name, p in emod.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None, name
        else:
            assert_close(p.grad, tp[name].grad, gatol, rtol, f"grad of {name}")
    return e_out, t_out

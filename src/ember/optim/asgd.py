"""ASGD: averaged stochastic gradient descent (the average is kept in ``state['ax']``)."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_lr,
    _closure_loss,
    _NoGrad,
    _real,
    _step_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Implement averaged SGD; ``eta`` and ``mu`` are float32 0-d tensors in the state, as in torch."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "capturable")

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _setstate_fix_steps(self) -> None:
        super()._setstate_fix_steps()
        for st in self.state.values():
            for key in ("eta", "mu"):
                if isinstance(st, dict) and key in st and not hasattr(st[key], "_data"):
                    st[key] = _step_tensor(float(st[key]))

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, lambd, alpha, t0 = _to_scalar(group["lr"]), group["lambd"], group["alpha"], group["t0"]
                wd, maximize = group["weight_decay"], group["maximize"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse:
                        raise RuntimeError("ASGD does not support sparse gradients")
                    st = self.state[p]
                    if len(st) == 0:
                        st["step"] = _step_tensor()
                        st["eta"] = _step_tensor(lr)
                        st["mu"] = _step_tensor(1.0)
                        st["ax"] = _zeros_like(p)
                    step_t, eta, mu = st["step"]._data, st["eta"]._data, st["mu"]._data
                    step_t += 1
                    arrays = (_real(p._data), _real(p._grad._data), _real(st["ax"]._data))
                    _blocked(_asgd_kernel, arrays, wd, lambd, float(eta), mu[()], maximize)
                    step = float(step_t)
                    # torch: the new eta and mu go through float32 tensors (torch.as_tensor of a Python float)
                    eta[...] = np.float32(lr / ((1 + lambd * lr * step) ** alpha))
                    mu[...] = np.float32(1 / max(1, step - t0))
                    p._bump()
        return loss


def _asgd_kernel(fma, param, grad, ax, wd, lambd, eta, mu, maximize):
    if maximize:
        grad = -grad
    if wd != 0:
        grad = fma(wd, param, grad)
    param *= 1 - lambd * eta  # decay term
    fma(-eta, grad, param, out=param)  # torch: param.add_(grad, alpha=-eta)
    if mu != 1:
        diff = param - ax
        diff *= mu
        ax += diff
    else:
        ax[...] = param

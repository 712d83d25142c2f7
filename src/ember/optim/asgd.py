"""ASGD: averaged stochastic gradient descent (the average is kept in ``state['ax']``)."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_hparams,
    _closure_loss,
    _grad_with_decay,
    _init_state,
    _NoGrad,
    _params_with_grad,
    _step_arrays,
    _step_tensor,
    _to_scalar,
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
        _check_hparams(lr=lr, weight_decay=weight_decay)
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
                for p, st in _params_with_grad(self, group, "ASGD does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "ax", eta=lr, mu=1.0)
                    step_t, eta, mu = st["step"]._data, st["eta"]._data, st["mu"]._data
                    step_t += 1
                    arrays = _step_arrays(p, st, "ax")
                    _blocked(_asgd_kernel, arrays, wd, lambd, float(eta), mu[()], maximize)
                    step = float(step_t)
                    # torch: the new eta and mu go through float32 tensors (torch.as_tensor of a Python float)
                    eta[...] = np.float32(lr / ((1 + lambd * lr * step) ** alpha))
                    mu[...] = np.float32(1 / max(1, step - t0))
                    p._bump()
        return loss


def _asgd_kernel(fma, param, grad, ax, wd, lambd, eta, mu, maximize):
    grad = _grad_with_decay(fma, param, grad, wd, maximize)
    param *= 1 - lambd * eta  # decay term
    fma(-eta, grad, param, out=param)  # torch: param.add_(grad, alpha=-eta)
    if mu != 1:
        diff = param - ax
        diff *= mu
        ax += diff
    else:
        ax[...] = param

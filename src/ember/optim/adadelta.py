"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

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
    _to_scalar,
)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Implement Adadelta with torch's update order (``eps`` inside both square roots)."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "capturable")

    def __init__(
        self,
        params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_hparams(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, rho, eps = _to_scalar(group["lr"]), group["rho"], group["eps"]
                wd, maximize = group["weight_decay"], group["maximize"]
                for p, st in _params_with_grad(self, group, "Adadelta does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "square_avg", "acc_delta")
                    st["step"]._data += 1
                    arrays = _step_arrays(p, st, "square_avg", "acc_delta")
                    _blocked(_adadelta_kernel, arrays, lr, rho, eps, wd, maximize)
                    p._bump()
        return loss


def _adadelta_kernel(fma, param, grad, square_avg, acc_delta, lr, rho, eps, wd, maximize):
    grad = _grad_with_decay(fma, param, grad, wd, maximize)
    square_avg *= rho
    fma(grad * (1 - rho), grad, square_avg, out=square_avg)
    std = square_avg + eps
    np.sqrt(std, out=std)
    delta = acc_delta + eps
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= grad
    acc_delta *= rho
    fma(delta * (1 - rho), delta, acc_delta, out=acc_delta)
    fma(-lr, delta, param, out=param)  # torch: param.add_(delta, alpha=-lr)

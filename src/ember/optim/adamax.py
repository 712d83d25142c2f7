"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_hparams,
    _closure_loss,
    _grad_with_decay,
    _init_state,
    _lerp_,
    _NoGrad,
    _params_with_grad,
    _step_arrays,
    _to_scalar,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Implement Adamax with torch's update order (``eps`` added to ``|grad|`` before the max)."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "capturable")

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_hparams(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
                eps, wd, maximize = group["eps"], group["weight_decay"], group["maximize"]
                for p, st in _params_with_grad(self, group, "Adamax does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "exp_avg", "exp_inf")
                    step_t = st["step"]._data
                    step_t += 1
                    clr = lr / (1 - beta1 ** float(step_t))
                    arrays = _step_arrays(p, st, "exp_avg", "exp_inf")
                    _blocked(_adamax_kernel, arrays, clr, beta1, beta2, eps, wd, maximize)
                    p._bump()
        return loss


def _adamax_kernel(fma, param, grad, exp_avg, exp_inf, clr, beta1, beta2, eps, wd, maximize):
    grad = _grad_with_decay(fma, param, grad, wd, maximize)
    _lerp_(fma, exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    norm = np.abs(grad)
    norm += eps
    np.maximum(exp_inf, norm, out=exp_inf)
    update = exp_avg * -clr  # torch: param.addcdiv_(exp_avg, exp_inf, value=-clr)
    update /= exp_inf
    param += update

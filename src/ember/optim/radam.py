"""RAdam: Adam with a rectified adaptive learning rate (plain momentum SGD while the variance is untractable)."""

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

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Implement RAdam with torch's update order."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "decoupled_weight_decay", "capturable")

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_hparams(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
                eps, wd = group["eps"], group["weight_decay"]
                decoupled, maximize = group["decoupled_weight_decay"], group["maximize"]
                for p, st in _params_with_grad(self, group, "RAdam does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "exp_avg", "exp_avg_sq")
                    step_t = st["step"]._data
                    step_t += 1
                    step = float(step_t)
                    bias_correction1 = 1 - beta1**step
                    bias_correction2 = 1 - beta2**step
                    rho_inf = 2 / (1 - beta2) - 1
                    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                    rect = None
                    if rho_t > 5.0:
                        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    arrays = _step_arrays(p, st, "exp_avg", "exp_avg_sq")
                    _blocked(
                        _radam_kernel, arrays, lr, beta1, beta2, eps, wd, decoupled, maximize,
                        bias_correction1, bias_correction2, rect,
                    )  # fmt: skip
                    p._bump()
        return loss


def _radam_kernel(fma, param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, wd, decoupled, maximize,
                  bias_correction1, bias_correction2, rect):  # fmt: skip
    grad = _grad_with_decay(fma, param, grad, wd, maximize, lr if decoupled else None)
    _lerp_(fma, exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    fma(grad * (1 - beta2), grad, exp_avg_sq, out=exp_avg_sq)
    update = exp_avg / bias_correction1
    update *= lr
    if rect is not None:
        # torch: (bias_correction2 ** 0.5) / tensor is tensor.reciprocal() * scalar
        adaptive = np.sqrt(exp_avg_sq)
        adaptive += eps
        np.reciprocal(adaptive, out=adaptive)
        adaptive *= bias_correction2**0.5
        update *= adaptive
        update *= rect
    param -= update  # torch: param.add_(update, alpha=-1.0)

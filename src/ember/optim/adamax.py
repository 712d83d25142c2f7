"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_betas,
    _check_lr,
    _closure_loss,
    _lerp_,
    _NoGrad,
    _real,
    _step_tensor,
    _to_scalar,
    _zeros_like,
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
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
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
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse:
                        raise RuntimeError("Adamax does not support sparse gradients")
                    st = self.state[p]
                    if len(st) == 0:
                        st["step"] = _step_tensor()
                        st["exp_avg"] = _zeros_like(p)
                        st["exp_inf"] = _zeros_like(p)
                    step_t = st["step"]._data
                    step_t += 1
                    clr = lr / (1 - beta1 ** float(step_t))
                    arrays = (
                        _real(p._data),
                        _real(p._grad._data),
                        _real(st["exp_avg"]._data),
                        _real(st["exp_inf"]._data),
                    )
                    _blocked(_adamax_kernel, arrays, clr, beta1, beta2, eps, wd, maximize)
                    p._bump()
        return loss


def _adamax_kernel(fma, param, grad, exp_avg, exp_inf, clr, beta1, beta2, eps, wd, maximize):
    if maximize:
        grad = -grad
    if wd != 0:
        grad = fma(wd, param, grad)
    _lerp_(fma, exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    norm = np.abs(grad)
    norm += eps
    np.maximum(exp_inf, norm, out=exp_inf)
    update = exp_avg * -clr  # torch: param.addcdiv_(exp_avg, exp_inf, value=-clr)
    update /= exp_inf
    param += update

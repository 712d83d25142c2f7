"""NAdam: Adam with Nesterov momentum and torch's momentum-decay schedule."""

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
    _step_tensor,
    _to_scalar,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Implement NAdam; ``mu_product`` is kept as a float32 0-d tensor, as torch keeps it."""

    _setstate_defaults = ("maximize", "foreach", "capturable", "differentiable", "decoupled_weight_decay")

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_hparams(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _setstate_fix_steps(self) -> None:
        super()._setstate_fix_steps()
        for st in self.state.values():
            if isinstance(st, dict) and "mu_product" in st and not hasattr(st["mu_product"], "_data"):
                st["mu_product"] = _step_tensor(float(st["mu_product"]))

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
                eps, wd, momentum_decay = group["eps"], group["weight_decay"], group["momentum_decay"]
                decoupled, maximize = group["decoupled_weight_decay"], group["maximize"]
                for p, st in _params_with_grad(self, group, "NAdam does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "exp_avg", "exp_avg_sq", mu_product=1.0)
                    step_t = st["step"]._data
                    step_t += 1
                    step = float(step_t)
                    bias_correction2 = 1 - beta2**step
                    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                    mu_product = st["mu_product"]._data
                    mu_product *= mu  # torch: a float32 tensor times a Python float, rounded to float32
                    mu_product = float(mu_product)
                    mu_product_next = mu_product * mu_next
                    value_grad = -lr * (1.0 - mu) / (1.0 - mu_product)
                    value_avg = (-lr * mu_next) / (1.0 - mu_product_next)
                    arrays = _step_arrays(p, st, "exp_avg", "exp_avg_sq")
                    _blocked(
                        _nadam_kernel, arrays, lr, beta1, beta2, eps, wd, decoupled, maximize,
                        bias_correction2, value_grad, value_avg,
                    )  # fmt: skip
                    p._bump()
        return loss


def _nadam_kernel(fma, param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, wd, decoupled, maximize,
                  bias_correction2, value_grad, value_avg):  # fmt: skip
    grad = _grad_with_decay(fma, param, grad, wd, maximize, lr if decoupled else None)
    _lerp_(fma, exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    fma(grad * (1 - beta2), grad, exp_avg_sq, out=exp_avg_sq)
    denom = exp_avg_sq / bias_correction2
    np.sqrt(denom, out=denom)
    denom += eps
    update = grad * value_grad  # torch: param.addcdiv_(grad, denom, value=...)
    update /= denom
    param += update
    update = exp_avg * value_avg  # torch: param.addcdiv_(exp_avg, denom, value=...)
    update /= denom
    param += update

"""Adam (and AdamW through ``decoupled_weight_decay``): adaptive moment estimation."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _blocked,
    _check_fused_foreach,
    _check_hparams,
    _closure_loss,
    _grad_with_decay,
    _init_state,
    _lerp_,
    _NoGrad,
    _params_with_grad,
    _step_arrays,
    _to_scalar,
    _zeros_like,
)

__all__ = ["Adam"]


class Adam(Optimizer):
    """Implement Adam with torch's update order: moments, bias corrections, ``eps`` added after the sqrt.

    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.Adam([w], lr=0.1)
    >>> w.grad = ember.tensor([0.5, -3.0])
    >>> opt.step()
    >>> w, opt.state_dict()["state"][0]["step"]
    (tensor([0.9000, 2.1000], requires_grad=True), tensor(1.))
    """

    _setstate_defaults = (
        "amsgrad",
        "maximize",
        "foreach",
        "capturable",
        "differentiable",
        "fused",
        "decoupled_weight_decay",
    )

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_hparams(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        _check_fused_foreach(fused, foreach, differentiable)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                _adam_group(self, group, "Adam")
        return loss


def _adam_group(opt: Optimizer, group: dict, name: str) -> None:
    lr = _to_scalar(group["lr"])
    beta1, beta2 = (_to_scalar(b) for b in group["betas"])
    eps, wd = group["eps"], _to_scalar(group["weight_decay"])
    amsgrad, maximize = group["amsgrad"], group["maximize"]
    decoupled = group.get("decoupled_weight_decay", False)
    sparse_error = f"{name} does not support sparse gradients, please consider SparseAdam instead"
    for p, st in _params_with_grad(opt, group, sparse_error):
        if len(st) == 0:
            _init_state(st, p, "exp_avg", "exp_avg_sq")
            if amsgrad:
                st["max_exp_avg_sq"] = _zeros_like(p)
        step_t = st["step"]._data
        step_t += 1
        step = float(step_t)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        arrays = _step_arrays(p, st, "exp_avg", "exp_avg_sq", "max_exp_avg_sq" if amsgrad else None)
        _blocked(_adam_kernel, arrays, lr, beta1, beta2, eps, wd, decoupled, maximize, step_size, bias_correction2_sqrt)
        p._bump()


def _adam_kernel(
    fma,
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    max_exp_avg_sq,
    lr,
    beta1,
    beta2,
    eps,
    wd,
    decoupled,
    maximize,
    step_size,
    bias_correction2_sqrt,
):
    grad = _grad_with_decay(fma, param, grad, wd, maximize, lr if decoupled else None)
    _lerp_(fma, exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    fma(grad * (1 - beta2), grad, exp_avg_sq, out=exp_avg_sq)  # torch: addcmul_(grad, grad, value=1 - beta2)
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = np.sqrt(max_exp_avg_sq)
    else:
        denom = np.sqrt(exp_avg_sq)
    denom /= bias_correction2_sqrt
    denom += eps  # torch: eps is added after the bias-corrected sqrt
    update = exp_avg * -step_size  # torch: param.addcdiv_(exp_avg, denom, value=-step_size)
    update /= denom
    param += update

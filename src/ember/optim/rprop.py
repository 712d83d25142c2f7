"""Rprop: resilient backpropagation, per-coordinate step sizes driven by the gradient's sign."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _check_lr,
    _closure_loss,
    _full_like,
    _init_state,
    _NoGrad,
    _params_with_grad,
    _real,
    _to_scalar,
)

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Implement Rprop (without weight backtracking) as torch does."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "capturable")

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
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
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                maximize = group["maximize"]
                for p, st in _params_with_grad(self, group, "Rprop does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "prev")
                        lr = _to_scalar(group["lr"])
                        st["step_size"] = _full_like(p, complex(lr, lr) if p._data.dtype.kind == "c" else lr)
                    st["step"]._data += 1
                    param, prev, step_size = _real(p._data), _real(st["prev"]._data), _real(st["step_size"]._data)
                    grad = _real(p._grad._data)
                    if maximize:
                        grad = -grad
                    sign = np.sign(grad * prev)
                    # torch: sign[sign > 0] = etaplus; sign[sign < 0] = etaminus; sign[sign == 0] = 1 (NaN stays)
                    sign = np.where(sign > 0, sign.dtype.type(etaplus), sign)
                    sign = np.where(sign < 0, sign.dtype.type(etaminus), sign)
                    sign = np.where(sign == 0, sign.dtype.type(1), sign)
                    step_size *= sign
                    np.clip(step_size, step_size_min, step_size_max, out=step_size)
                    grad = np.where(sign == etaminus, grad.dtype.type(0), grad)
                    param -= np.sign(grad) * step_size  # torch: param.addcmul_(grad.sign(), step_size, value=-1)
                    prev[...] = grad
                    p._bump()
        return loss

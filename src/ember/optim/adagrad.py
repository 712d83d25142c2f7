"""Adagrad: per-coordinate learning rates from the running sum of squared gradients."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_fused_foreach,
    _check_hparams,
    _closure_loss,
    _grad_with_decay,
    _NoGrad,
    _step_arrays,
    _step_tensor,
    _to_scalar,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Implement Adagrad; as in torch, the state (``step``, ``sum``) is created at construction."""

    _setstate_defaults = ("foreach", "maximize", "differentiable", "fused")

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_hparams(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        _check_fused_foreach(fused, foreach, differentiable)
        from .._tensor import Tensor

        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = _step_tensor()
                init = group["initial_accumulator_value"]
                if p._data.dtype.kind == "c":
                    init = complex(init, init)
                st["sum"] = Tensor._from(np.full_like(p._data, init), p.dtype)

    def share_memory(self) -> None:
        """Move the ``sum`` state to shared memory (a no-op: NumPy arrays are shared within the process)."""

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, lr_decay = _to_scalar(group["lr"]), group["lr_decay"]
                wd, eps, maximize = group["weight_decay"], group["eps"], group["maximize"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse:
                        raise NotImplementedError("ember: Adagrad with sparse gradients is not supported")
                    st = self.state[p]
                    step_t = st["step"]._data
                    step_t += 1
                    clr = lr / (1 + (float(step_t) - 1) * lr_decay)
                    arrays = _step_arrays(p, st, "sum")
                    _blocked(_adagrad_kernel, arrays, clr, wd, eps, maximize)
                    p._bump()
        return loss


def _adagrad_kernel(fma, param, grad, state_sum, clr, wd, eps, maximize):
    grad = _grad_with_decay(fma, param, grad, wd, maximize)
    fma(grad, grad, state_sum, out=state_sum)  # torch: state_sum.addcmul_(grad, grad, value=1)
    std = np.sqrt(state_sum)
    std += eps
    update = grad * -clr  # torch: param.addcdiv_(grad, std, value=-clr)
    update /= std
    param += update

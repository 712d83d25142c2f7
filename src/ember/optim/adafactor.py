"""Adafactor: factored second-moment estimates (row and column means) with relative step sizes."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    _EXACT_MAX,
    Optimizer,
    _closure_loss,
    _fma_exact,
    _fma_fast,
    _lerp_,
    _NoGrad,
    _step_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Implement torch's Adafactor (lr caps the relative step and scales the decoupled weight decay)."""

    _setstate_defaults = ("foreach", "maximize")

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, beta2_decay, d = _to_scalar(group["lr"]), group["beta2_decay"], group["d"]
                (eps1, eps2), wd = group["eps"], group["weight_decay"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p.is_complex():
                        raise RuntimeError("Adafactor does not support complex parameters")
                    if p._grad.is_sparse:
                        raise RuntimeError("Adafactor does not support sparse gradients")
                    st = self.state[p]
                    grad = p._grad._data
                    if len(st) == 0:
                        st["step"] = _step_tensor()
                        if grad.ndim > 1:
                            row_shape = list(grad.shape)
                            row_shape[-1] = 1
                            st["row_var"] = Tensor._from(np.zeros(row_shape, grad.dtype), p._grad.dtype)
                            col_shape = list(grad.shape)
                            col_shape[-2] = 1
                            st["col_var"] = Tensor._from(np.zeros(col_shape, grad.dtype), p._grad.dtype)
                        else:
                            st["variance"] = _zeros_like(p._grad)
                    if group["maximize"]:
                        grad = -grad
                    e1 = float(np.finfo(p._data.dtype).eps) if eps1 is None else eps1
                    _adafactor_update(p._data, grad, st, lr, beta2_decay, e1, eps2, d, wd)
                    p._bump()
        return loss


def _norm(a, axis=None, keepdims=False):
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))


def _adafactor_update(param, grad, st, lr, beta2_decay, eps1, eps2, d, wd) -> None:
    fma = _fma_exact if param.size <= _EXACT_MAX else _fma_fast
    step_t = st["step"]._data
    step_t += 1
    step = float(step_t)
    one_minus_beta2_t = step**beta2_decay
    rho_t = min(lr, 1 / (step**0.5))
    alpha = max(eps2, float(_norm(param)) / (param.size**0.5)) * rho_t
    if wd != 0:
        param *= 1 - lr * wd
    if grad.ndim > 1:
        row_var, col_var = st["row_var"]._data, st["col_var"]._data
        row_mean = np.square(_norm(grad, axis=-1, keepdims=True))
        row_mean /= grad.shape[-1]
        _lerp_(fma, row_var, row_mean, one_minus_beta2_t)
        col_mean = np.square(_norm(grad, axis=-2, keepdims=True))
        col_mean /= grad.shape[-2]
        _lerp_(fma, col_var, col_mean, one_minus_beta2_t)
        var_estimate = np.matmul(row_var, col_var)  # the outer product of the row and column factors
        var_estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), row_var.dtype.type(eps1))
    else:
        variance = st["variance"]._data
        _lerp_(fma, variance, grad * grad, one_minus_beta2_t)
        var_estimate = variance.copy()
    np.maximum(var_estimate, var_estimate.dtype.type(eps1 * eps1), out=var_estimate)
    update = np.sqrt(var_estimate)
    np.reciprocal(update, out=update)  # torch: rsqrt_
    update *= grad
    denom = max(1.0, float(_norm(update)) / ((update.size**0.5) * d))
    fma(-alpha / denom, update, param, out=param)  # torch: param.add_(update, alpha=-alpha / denom)

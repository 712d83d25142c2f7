"""RMSprop: divide the gradient by a running root mean square, optionally centered and with momentum."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    _blocked,
    _check_lr,
    _closure_loss,
    _lerp_,
    _NoGrad,
    _real,
    _step_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Implement RMSprop with torch's update order (``eps`` added after the square root)."""

    _setstate_defaults = ("momentum", "centered", "foreach", "maximize", "differentiable", "capturable")

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr, alpha, eps = _to_scalar(group["lr"]), group["alpha"], group["eps"]
                wd, momentum, centered = group["weight_decay"], group["momentum"], group["centered"]
                maximize = group["maximize"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse:
                        raise RuntimeError("RMSprop does not support sparse gradients")
                    st = self.state[p]
                    if len(st) == 0:
                        st["step"] = _step_tensor()
                        st["square_avg"] = _zeros_like(p)
                        if momentum > 0:
                            st["momentum_buffer"] = _zeros_like(p)
                        if centered:
                            st["grad_avg"] = _zeros_like(p)
                    st["step"]._data += 1
                    arrays = (
                        _real(p._data),
                        _real(p._grad._data),
                        _real(st["square_avg"]._data),
                        _real(st["momentum_buffer"]._data) if momentum > 0 else None,
                        _real(st["grad_avg"]._data) if centered else None,
                    )
                    _blocked(_rmsprop_kernel, arrays, lr, alpha, eps, wd, momentum, maximize)
                    p._bump()
        return loss


def _rmsprop_kernel(fma, param, grad, square_avg, buf, grad_avg, lr, alpha, eps, wd, momentum, maximize):
    if maximize:
        grad = -grad
    if wd != 0:
        grad = fma(wd, param, grad)
    square_avg *= alpha
    fma(grad * (1 - alpha), grad, square_avg, out=square_avg)
    if grad_avg is not None:
        _lerp_(fma, grad_avg, grad, 1 - alpha)
        avg = fma(-grad_avg, grad_avg, square_avg)  # torch: square_avg.addcmul(grad_avg, grad_avg, value=-1)
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(square_avg)
    avg += eps
    if buf is not None:
        buf *= momentum
        buf += grad / avg  # torch: buf.mul_(momentum).addcdiv_(grad, avg)
        fma(-lr, buf, param, out=param)
    else:
        update = grad * -lr  # torch: param.addcdiv_(grad, avg, value=-lr)
        update /= avg
        param += update

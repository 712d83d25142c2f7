"""RMSprop: divide the gradient by a running root mean square, optionally centered and with momentum."""

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
        _check_hparams(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
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
                for p, st in _params_with_grad(self, group, "RMSprop does not support sparse gradients"):
                    if len(st) == 0:
                        _init_state(st, p, "square_avg")
                        if momentum > 0:
                            st["momentum_buffer"] = _zeros_like(p)
                        if centered:
                            st["grad_avg"] = _zeros_like(p)
                    st["step"]._data += 1
                    arrays = _step_arrays(
                        p,
                        st,
                        "square_avg",
                        "momentum_buffer" if momentum > 0 else None,
                        "grad_avg" if centered else None,
                    )
                    _blocked(_rmsprop_kernel, arrays, lr, alpha, eps, wd, momentum, maximize)
                    p._bump()
        return loss


def _rmsprop_kernel(fma, param, grad, square_avg, buf, grad_avg, lr, alpha, eps, wd, momentum, maximize):
    grad = _grad_with_decay(fma, param, grad, wd, maximize)
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

"""SGD: stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _blocked,
    _check_fused_foreach,
    _closure_loss,
    _NoGrad,
    _real,
    _to_scalar,
    _zeros_like,
)

__all__ = ["SGD"]


class SGD(Optimizer):
    """Implement stochastic gradient descent (optionally with momentum), torch's update rule and state.

    ``momentum_buffer`` starts as a copy of the first gradient; Nesterov adds ``momentum * buf`` to the gradient.

    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     w.grad = ember.tensor([1.0, -1.0])
    ...     opt.step()
    >>> w
    tensor([0.7100, 2.2900], requires_grad=True)
    >>> opt.state[w]
    {'momentum_buffer': tensor([ 1.9000, -1.9000])}
    """

    _setstate_defaults = ("nesterov", "maximize", "foreach", "differentiable", "fused")
    _step_key = None

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        from .._tensor import Tensor

        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused_foreach(fused, foreach, differentiable)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss when one is given."""
        loss = _closure_loss(closure)
        with _NoGrad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                wd = _to_scalar(group["weight_decay"])
                momentum, dampening = group["momentum"], group["dampening"]
                nesterov, maximize = group["nesterov"], group["maximize"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse:
                        raise NotImplementedError("ember: SGD with sparse gradients is not supported")
                    buf, first = None, False
                    if momentum != 0:
                        st = self.state[p]
                        buf = st.get("momentum_buffer")
                        if buf is None:  # torch: the buffer starts as a copy of the (decayed) gradient
                            buf = st["momentum_buffer"] = _zeros_like(p)
                            first = True
                        buf = _real(buf._data)
                    arrays = (_real(p._data), _real(p._grad._data), buf)
                    _blocked(_sgd_kernel, arrays, lr, wd, momentum, dampening, nesterov, maximize, first)
                    p._bump()
        return loss


def _sgd_kernel(fma, param, grad, buf, lr, wd, momentum, dampening, nesterov, maximize, first):
    if maximize:
        grad = -grad
    if wd != 0:
        grad = fma(wd, param, grad)  # torch: grad.add(param, alpha=weight_decay)
    if buf is not None:
        if first:
            buf[...] = grad
        else:
            buf *= momentum
            if dampening == 0:
                buf += grad  # a multiply-add by 1 rounds once either way
            else:
                fma(1 - dampening, grad, buf, out=buf)  # torch: buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        grad = fma(momentum, buf, grad) if nesterov else buf
    fma(-lr, grad, param, out=param)  # torch: param.add_(grad, alpha=-lr)

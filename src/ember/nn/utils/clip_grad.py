"""Gradient clipping: clip_grad_norm_, clip_grad_value_ (torch.nn.utils.clip_grad)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...backend import array_module

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as a 0-d tensor."""
    import ember

    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return ember.tensor(0.0)
    xp = array_module(tensors[0]._data)
    dtype = tensors[0]._data.dtype
    if norm_type == math.inf:
        total = max(float(xp.abs(t._data).max()) if t.numel() else 0.0 for t in tensors)
    elif norm_type == 2:
        # torch: the norm of the per-tensor norms, each computed in the tensors' dtype
        norms = xp.stack([xp.sqrt(xp.dot(t._data.ravel(), t._data.ravel())) for t in tensors])
        total = xp.sqrt(xp.dot(norms, norms))
    else:
        norms = xp.stack([(xp.abs(t._data) ** norm_type).sum() ** (1.0 / norm_type) for t in tensors])
        total = (xp.abs(norms) ** norm_type).sum() ** (1.0 / norm_type)
    total = xp.asarray(total, dtype=dtype)
    total_t = Tensor._from(total)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return total_t


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale all gradients together so that their total norm is at most ``max_norm``; return the norm before."""
    grads = _grads(parameters)
    if not grads:
        import ember

        return ember.tensor(0.0)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(None, max_norm, total, grads=grads)
    return total


def clip_grads_with_norm_(parameters, max_norm: float, total_norm, foreach=None, grads=None) -> None:
    """Scale the gradients by max_norm / (total_norm + 1e-6), clamped to 1 (the second half of clip_grad_norm_)."""
    if grads is None:
        grads = _grads(parameters)
    # torch: clip_coef = max_norm / (total + 1e-6), clamped to 1, multiplied in even when it is 1
    coef = min(float(max_norm) / (float(total_norm) + 1e-6), 1.0)
    with no_grad():
        for g in grads:
            g._data *= g._data.dtype.type(coef)
            g._bump()


clip_grad_norm = clip_grad_norm_


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float, foreach=None) -> None:
    """Clamp every gradient to [-clip_value, clip_value] in place."""
    v = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            array_module(g._data).clip(g._data, -v, v, out=g._data)
            g._bump()

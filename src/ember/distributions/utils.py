"""Helpers shared by the distributions (torch.distributions.utils)."""

from __future__ import annotations

import functools
from numbers import Number

import numpy as np

import ember
from ember._tensor import Tensor

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values):
    """Broadcast tensors and numbers together; numbers become tensors of the first tensor's dtype (else default)."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, Tensor) for v in values):
        options = {"dtype": ember.get_default_dtype()}
        for v in values:
            if isinstance(v, Tensor):
                options = {"dtype": v.dtype, "device": v.device}
                break
        values = tuple(v if isinstance(v, Tensor) else ember.tensor(v, **options) for v in values)
    return ember.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device) -> Tensor:
    return ember.empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[: value.dim() - dim]) + (-1,)).sum(-1)


def finfo_tiny(dtype) -> float:
    return float(np.finfo(dtype.np if hasattr(dtype, "np") else np.float32).tiny)


def finfo_eps(dtype) -> float:
    return float(np.finfo(dtype.np if hasattr(dtype, "np") else np.float32).eps)


def finfo_min(dtype) -> float:
    return float(np.finfo(dtype.np if hasattr(dtype, "np") else np.float32).min)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Turn log-odds (binary) or unnormalised log-probabilities (last dim) into probabilities."""
    if is_binary:
        return ember.sigmoid(logits)
    return ember.nn.functional.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """Clamp probabilities into the open interval (eps, 1 - eps) of their dtype."""
    eps = finfo_eps(probs.dtype)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Turn probabilities into log-odds (binary) or log-probabilities."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ember.log(ps_clamped) - ember.log1p(-ps_clamped)
    return ember.log(ps_clamped)


class lazy_property:
    """A property computed once on first access and then stored on the instance (as torch's ``lazy_property``)."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped) -> None:
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    n = mat.shape[-1]
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., ember.tensor(rows), ember.tensor(cols)]

"""ember.autograd: backward, grad, grad modes, custom Functions, gradcheck and functional (torch.autograd)."""

from __future__ import annotations

import numpy as np

from ..backend import array_module
from . import anomaly_mode, function, functional, grad_mode, graph
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .engine import run_backward
from .function import Function, FunctionCtx, InplaceFunction, NestedIOFunction, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import gradcheck, gradgradcheck
from .graph import Node

__all__ = [
    "Function",
    "FunctionCtx",
    "InplaceFunction",
    "NestedIOFunction",
    "Node",
    "Variable",
    "anomaly_mode",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "function",
    "functional",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "graph",
    "inference_mode",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "once_differentiable",
    "run_backward",
    "set_detect_anomaly",
    "set_grad_enabled",
]


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, function._Tensor):  # ember.Tensor, bound at import (no per-call import)
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads):
    """The gradients to start backward from: given ones checked against the outputs, ones for scalars."""
    Tensor = function._Tensor  # ember.Tensor, bound at import (no per-call import)
    out = []
    if grads is None:
        grads = (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    for i, (o, g) in enumerate(zip(outputs, grads, strict=False)):
        if g is None:
            if o._requires_grad:
                if o._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not o.dtype.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {o.dtype}")
            a = o._data
            g = Tensor._from((np.ones if type(a) is np.ndarray else array_module(a).ones)(a.shape, dtype=a.dtype),
                             o.dtype)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        else:
            if g._data.shape != o._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape of "
                    f"{o.shape}."
                )
            if g.dtype is not o.dtype and o.dtype._cat >= 2:
                g = g.to(o.dtype)
        out.append(g)
    return out


def _check_outputs(tensors):
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None
) -> None:
    """Accumulate into the leaves' ``.grad`` the gradients of ``tensors`` (weighted by ``grad_tensors``)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if len(inputs) == 0:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = _make_grads(tensors, grad_tensors)
    _check_outputs(tensors)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
) -> tuple:
    """Return the gradients of ``outputs`` with respect to ``inputs`` without touching ``.grad``."""
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if is_grads_batched:
        raise NotImplementedError("ember: autograd.grad(is_grads_batched=True) is not supported")
    grads = _make_grads(outputs, _as_tuple(grad_outputs))
    _check_outputs(outputs)
    res = run_backward(
        outputs, grads, retain_graph, create_graph, inputs=inputs, allow_unused=allow_unused, accumulate=False
    )
    if materialize_grads:
        res = [r if r is not None else i.new_zeros(i.shape) for r, i in zip(res, inputs, strict=False)]
    return tuple(res)


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        from .._tensor import Tensor

        return isinstance(obj, Tensor)

    def __call__(cls, data, requires_grad: bool = False, volatile: bool = False):
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t


class Variable(metaclass=_VariableMeta):
    """torch.autograd.Variable, the pre-0.4 name: ``Variable(t, requires_grad=True)`` gives a leaf tensor."""

"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp of a function of tensors.

Each takes ``func`` and ``inputs`` (a Tensor or a tuple of them) and returns results shaped as
torch's: a single tensor where the inputs (and outputs) were a single tensor, tuples otherwise.
Inputs are differentiated through detached copies, and results are detached unless
``create_graph=True``. Products with the Jacobian are taken in reverse mode; ``jvp`` uses the
double-backward trick (the gradient of a vjp with respect to its cotangent).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..backend import array_module
from .grad_mode import enable_grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _grad(*args, **kwargs):
    from . import grad

    return grad(*args, **kwargs)


def _tensor():
    from .._tensor import Tensor

    return Tensor


def _as_tuple(x, arg_name: str, fn_name: str):
    Tensor = _tensor()
    is_tuple = isinstance(x, (tuple, list))
    xs = tuple(x) if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(
                    f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the value "
                    f"at index {i} has type {type(el)}."
                )
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the given "
                f"{arg_name} has type {type(el)}."
            )
    return is_tuple, xs


def _prepare(inputs, create_graph: bool):
    """Copies of ``inputs`` that require grad, connected to the originals only with create_graph."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x.view_as(x))
        else:
            out.append(x.detach().requires_grad_(True))
    return tuple(out)


def _finish(xs, create_graph: bool):
    return tuple(x.detach() if (x is not None and not create_graph) else x for x in xs)


def _unwrap(is_tuple: bool, xs):
    return xs if is_tuple else xs[0]


def _check_v(v, other, fn_name: str):
    if len(v) != len(other):
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            if fn_name
            else "The given v should contain a single Tensor."
        )
    for i, (a, b) in enumerate(zip(v, other, strict=False)):
        if a.shape != b.shape:
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {b.shape} but got {a.shape}.")


_ONE_INPUT = "the input to the user-provided function is a single Tensor with a single element."


def _vector(v, like, fn_name: str, when_none: str):
    """The ``v`` argument as a tuple checked against ``like``; None means ones for a single one-element tensor."""
    if v is not None:
        _, vs = _as_tuple(v, "v", fn_name)
        _check_v(vs, like, fn_name)
        return vs
    if len(like) != 1 or like[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if " + when_none)
    return (like[0].new_ones(like[0].shape),)


def _zeros_for_none(grads, refs, strict: bool, what: str):
    out = []
    for i, (g, r) in enumerate(zip(grads, refs, strict=False)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. This is not allowed in "
                    "strict mode."
                    if what == "input"
                    else f"The gradient with respect to {what} {i} is independent of the inputs "
                    "of the user-provided function. This is not allowed in strict mode."
                )
            g = r.new_zeros(r.shape)
        out.append(g)
    return tuple(out)


def _checked_outputs(outputs, fn_name: str, scalar: bool = False):
    is_tuple, outs = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    if scalar:
        if is_tuple or outs[0].numel() != 1:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor with a single element.")
    return is_tuple, outs


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _prepare(ins, create_graph)
        outputs = func(*ins)
        is_out_tuple, outs = _checked_outputs(outputs, "vjp")
        vs = _vector(v, outs, "vjp", "the user-provided function returns a single Tensor with a single element.")
        diff = [i for i, o in enumerate(outs) if o.requires_grad]
        if diff:
            grads = _grad(
                [outs[i] for i in diff], ins, [vs[i] for i in diff], create_graph=create_graph, allow_unused=True
            )
        else:
            grads = (None,) * len(ins)
        grads = _zeros_for_none(grads, ins, strict, "input")
    return _unwrap(is_out_tuple, _finish(outs, create_graph)), _unwrap(is_in_tuple, _finish(grads, create_graph))


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), J v)``: the Jacobian-vector product at ``inputs`` (via double backward)."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _prepare(ins, create_graph)
        vs = _vector(v, ins, "jvp", _ONE_INPUT)
        outputs = func(*ins)
        is_out_tuple, outs = _checked_outputs(outputs, "jvp")
        # grad_outputs u: the vjp u -> u^T J is linear in u, and its gradient along v is J v
        us = tuple(o.new_zeros(o.shape).requires_grad_(True) for o in outs)
        diff = [i for i, o in enumerate(outs) if o.requires_grad]
        if diff:
            g_in = _grad([outs[i] for i in diff], ins, [us[i] for i in diff], create_graph=True, allow_unused=True)
        else:
            g_in = (None,) * len(ins)
        pairs = [(g, vv) for g, vv in zip(g_in, vs, strict=False) if g is not None and g.requires_grad]
        if pairs:
            res = _grad(
                [g for g, _ in pairs], us, [vv for _, vv in pairs], create_graph=create_graph, allow_unused=True
            )
        else:
            res = (None,) * len(us)
        res = _zeros_for_none(res, outs, strict, "output")
    return _unwrap(is_out_tuple, _finish(outs, create_graph)), _unwrap(is_out_tuple, _finish(res, create_graph))


def jacobian(
    func: Callable,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """Return the Jacobian of ``func`` at ``inputs``: for each output and input, shape output.shape + input.shape.

    >>> x = ember.tensor([1.0, 2.0])
    >>> ember.autograd.functional.jacobian(lambda t: t * t, x)
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
            'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
            'prefer to use "reverse-mode".'
        )
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _prepare(ins, create_graph)
        outputs = func(*ins)
        is_out_tuple, outs = _checked_outputs(outputs, "jacobian")
        jac = []
        for i, out in enumerate(outs):
            rows = [[] for _ in ins]  # per input: one gradient per output element
            Tensor = _tensor()
            onehot = np.zeros(out._data.size, dtype=out._data.dtype)
            for j in range(out._data.size):
                if out.requires_grad:  # row j of the Jacobian: the vjp with the j-th unit cotangent
                    onehot[j] = 1
                    go = Tensor._from(
                        array_module(out._data).asarray(onehot.reshape(out._data.shape).copy()), out.dtype
                    )
                    onehot[j] = 0
                    gs = _grad(out, ins, go, retain_graph=True, create_graph=create_graph, allow_unused=True)
                else:
                    gs = (None,) * len(ins)
                for k, (g, x) in enumerate(zip(gs, ins, strict=False)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of input {k}. This is not "
                                "allowed in strict mode."
                            )
                        g = x.new_zeros(x.shape)
                    rows[k].append(g)
            per_input = []
            for k, x in enumerate(ins):
                if rows[k]:
                    from ..ops.shape import stack

                    j_ = stack(rows[k], 0).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    j_ = x.new_zeros(tuple(out.shape) + tuple(x.shape))
                per_input.append(j_)
            jac.append(_unwrap(is_in_tuple, _finish(per_input, create_graph)))
    return _unwrap(is_out_tuple, tuple(jac))


def hessian(
    func: Callable,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
):
    """Return the Hessian of the scalar function ``func`` at ``inputs``."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out = func(*xs)
        _checked_outputs(out, "hessian", scalar=True)
        gs = _grad(out, xs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else x.new_zeros(x.shape) for g, x in zip(gs, xs, strict=False))

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict)
    if not is_in_tuple:
        return res[0][0]
    return res


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), v^T H)`` for a scalar ``func``."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
        ins = _prepare(ins, create_graph)
        vs = _vector(v, ins, "vhp", _ONE_INPUT)
        out = func(*ins)
        _checked_outputs(out, "vhp", scalar=True)
        g = _grad(out, ins, create_graph=True, allow_unused=True)
        pairs = [(gg, vv) for gg, vv in zip(g, vs, strict=False) if gg is not None and gg.requires_grad]
        if pairs:
            res = _grad(
                [gg for gg, _ in pairs], ins, [vv for _, vv in pairs], create_graph=create_graph, allow_unused=True
            )
        else:
            res = (None,) * len(ins)
        res = _zeros_for_none(res, ins, strict, "input")
    return _finish((out,), create_graph)[0], _unwrap(is_in_tuple, _finish(res, create_graph))


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Return ``(func(inputs), H v)`` for a scalar ``func`` (H is symmetric, so this equals vhp)."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)

"""gradcheck and gradgradcheck: compare autograd's Jacobians with central finite differences.

Use float64 inputs: the finite differences of float32 are too coarse for the default tolerances
(torch warns about that too). The numerical Jacobian has one row per input element and one
column per output element, as torch prints it in its mismatch message.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a Jacobian does not match."""


def _tensor_cls():
    from .._tensor import Tensor

    return Tensor


def _as_tuple(x) -> tuple:
    Tensor = _tensor_cls()
    if isinstance(x, Tensor):
        return (x,)
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _differentiable_outputs(outs) -> tuple:
    return tuple(o for o in outs if isinstance(o, _tensor_cls()) and o._requires_grad)


def _numerical_jacobians(func, inputs, diff_idx, outputs, positions, eps):
    """For each input that requires grad: a list (one per output) of (input numel, output numel) arrays.

    ``positions[k]`` is where differentiable output ``k`` sits among the tensors ``func`` returns.
    """
    Tensor = _tensor_cls()

    def run():
        return [o._data.copy() for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]

    result = []
    with no_grad():
        for i in diff_idx:
            arr = inputs[i]._data
            cols = [np.zeros((arr.size, o._data.size), dtype=o._data.dtype) for o in outputs]
            for j, idx in enumerate(np.ndindex(*arr.shape)):
                orig = arr[idx].copy()
                arr[idx] = orig - eps
                lo = run()
                arr[idx] = orig + eps
                hi = run()
                arr[idx] = orig
                for k, pos in enumerate(positions):
                    cols[k][j] = ((hi[pos] - lo[pos]) / (2 * eps)).reshape(-1)
            result.append(cols)
    return result


def _analytical_jacobians(inputs, diff_idx, outputs, check_grad_dtypes):
    """Same layout as the numerical Jacobians, from autograd.grad with one-hot grad_outputs."""
    from . import grad as autograd_grad

    diff_inputs = [inputs[i] for i in diff_idx]
    jac = [[np.zeros((inputs[i]._data.size, o._data.size), dtype=o._data.dtype) for o in outputs] for i in diff_idx]
    for k, o in enumerate(outputs):
        flat = np.zeros(o._data.size, dtype=o._data.dtype)
        for m in range(o._data.size):
            flat[m] = 1
            go = _tensor_cls()._from(flat.reshape(o._data.shape).copy(), o.dtype)
            flat[m] = 0
            grads = autograd_grad(o, diff_inputs, go, retain_graph=True, allow_unused=True)
            for n, (g, x) in enumerate(zip(grads, diff_inputs, strict=False)):
                if g is None:
                    continue
                if check_grad_dtypes and (g.dtype is not x.dtype or g._data.shape != x._data.shape):
                    raise GradcheckError(
                        "Gradient has dtype mismatch" if g.dtype is not x.dtype else "Gradient has shape mismatch"
                    )
                jac[n][k][:, m] = np.asarray(g._data).reshape(-1)
    return jac


def _fail(msg: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradcheck(
    func: Callable,
    inputs,
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against finite differences; True when they match.

    >>> x = ember.tensor([0.5, 1.0], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(ember.sin, (x,))
    True
    """
    Tensor = _tensor_cls()
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]
    if not diff_idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True."
        )
    for i in diff_idx:
        if inputs[i].dtype.name not in ("float64", "complex128"):
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex. ",
                stacklevel=2,
            )
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("ember: gradcheck supports backward-mode checks only")
    all_outs = _as_tuple(func(*inputs))
    tensors_out = [o for o in all_outs if isinstance(o, Tensor)]
    positions = [p for p, o in enumerate(tensors_out) if o._requires_grad]
    outputs = [tensors_out[p] for p in positions]
    num = _numerical_jacobians(func, inputs, diff_idx, outputs, positions, eps)
    if not outputs or not check_backward_ad:
        return True
    ana = _analytical_jacobians(inputs, diff_idx, outputs, check_grad_dtypes)
    for n, i in enumerate(diff_idx):
        for k in range(len(outputs)):
            a, b = ana[n][k], num[n][k]
            if not np.allclose(a, b, rtol=rtol, atol=atol):
                fmt = lambda m: repr(Tensor._from(m))  # noqa: E731
                return _fail(
                    f"Jacobian mismatch for output {k} with respect to input {i},\nnumerical:{fmt(b)}\n"
                    f"analytical:{fmt(a)}\n",
                    raise_exception,
                )
    if nondet_tol == 0.0:  # torch: a second backward must give exactly the same gradients
        again = _analytical_jacobians(inputs, diff_idx, outputs, False)
        for n in range(len(diff_idx)):
            for k in range(len(outputs)):
                if not np.array_equal(again[n][k], ana[n][k]):
                    return _fail(
                        "Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                        "times gives different values, although analytical gradient matches numerical gradient."
                        f"The tolerance for nondeterminism was {nondet_tol}.",
                        raise_exception,
                    )
    return True


def gradgradcheck(
    func: Callable,
    inputs,
    grad_outputs=None,
    *,
    eps: float = 1e-06,
    atol: float = 1e-05,
    rtol: float = 0.001,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: gradcheck of the map (inputs, grad_outputs) -> gradients of ``func``."""
    from .._tensor import Tensor
    from . import grad as autograd_grad

    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = _differentiable_outputs(_as_tuple(func(*inputs)))
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._from(rng.uniform(-1, 1, o._data.shape).astype(o._data.dtype), o.dtype).requires_grad_()
            for o in outs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_go = len(grad_outputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]

    def new_func(*args):
        ins = args[: len(args) - n_go]
        gos = args[len(args) - n_go :]
        with enable_grad():  # the numerical part calls this under no_grad; the gradients need a graph
            outs = _differentiable_outputs(_as_tuple(func(*ins)))
            diff_in = [ins[i] for i in diff_idx]
            grads = autograd_grad(outs, diff_in, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        new_func,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        fast_mode=fast_mode,
    )


__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]

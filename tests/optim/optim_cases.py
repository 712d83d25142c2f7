"""Shared helpers for the optimizer tests: identical parameters and gradients in torch and ember."""

from __future__ import annotations

import numpy as np

import ember

SHAPES = [(5, 3), (3,), (40,)]


def init_arrays(seed: int = 0, dtype=np.float32, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def make_params(lib, arrays):
    return [lib.tensor(a.copy(), requires_grad=True) for a in arrays]


def grad_for(p_array: np.ndarray, j: int, i: int) -> np.ndarray:
    """A deterministic gradient: a quadratic loss's pull towards 0 plus a step-dependent wave."""
    wave = np.sin(i + 0.7 * j + np.arange(p_array.size, dtype=np.float64)).reshape(p_array.shape)
    return (2 * (1 + 0.1 * j) * p_array.astype(np.float64) + wave).astype(p_array.dtype)


def set_grads(lib, params, i: int) -> None:
    for j, p in enumerate(params):
        p.grad = lib.tensor(grad_for(p.detach().numpy(), j, i))


def run_steps(lib, opt, params, start: int, steps: int) -> None:
    for i in range(start, start + steps):
        set_grads(lib, params, i)
        opt.step()


def arrays_of(params):
    return [p.detach().numpy().copy() for p in params]


def to_numpy_tree(x):
    """A state_dict with every tensor (torch's or ember's) as a NumPy array, to compare the two."""
    if isinstance(x, dict):
        return {k: to_numpy_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_numpy_tree(v) for v in x)
    if hasattr(x, "detach"):
        return np.array(x.detach().numpy())
    return x


def convert_tree(x, lib):
    """Copy a state_dict into ``lib``'s tensors (dtype kept)."""
    if isinstance(x, dict):
        return {k: convert_tree(v, lib) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(convert_tree(v, lib) for v in x)
    if hasattr(x, "detach"):
        return lib.from_numpy(np.array(x.detach().numpy()))
    return x


def assert_trees_close(a, b, rtol=1e-5, atol=1e-6, path="") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(map(str, a))} vs {sorted(map(str, b))}"
        for k in a:
            assert_trees_close(a[k], b[k], rtol, atol, f"{path}/{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_trees_close(x, y, rtol, atol, f"{path}/{i}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, f"{path}: {a!r} vs {b!r}"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= atol + rtol * abs(b), f"{path}: {a} vs {b}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


__all__ = ["ember"]

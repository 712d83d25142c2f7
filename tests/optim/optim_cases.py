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


# fmt: off
CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("SGD", dict(lr=0.01, foreach=False, fused=None)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, amsgrad=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),  # lerp weight >= 0.5: torch's other branch
    ("Adam", dict(lr=0.01, foreach=False, capturable=False, differentiable=False)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, maximize=True, betas=(0.4, 0.9))),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.001, alpha=0.9, momentum=0.9)),
    ("RMSprop", dict(lr=0.001, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.001, centered=True, momentum=0.5, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-3, 1.0))),
    ("Rprop", dict(maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, decoupled_weight_decay=True, weight_decay=0.1, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-3, alpha=0.5, t0=20, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
    ("Adafactor", dict()),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-6, 1e-2), d=2.0, weight_decay=0.1)),
    ("Adafactor", dict(lr=0.05, maximize=True)),
]
# fmt: on


def case_id(case):
    name, kw = case
    return name + ("-" + "-".join(f"{k}={v}" for k, v in kw.items()) if kw else "")


STEPS = 100


def pair(torch, name, kw, dtype=np.float32):
    """The same parameters and optimizer in torch and ember: ``(torch params, torch opt, ember params, ember opt)``."""
    arrays = init_arrays(dtype=dtype)
    tp, ep = make_params(torch, arrays), make_params(ember, arrays)
    return tp, getattr(torch.optim, name)(tp, **kw), ep, getattr(ember.optim, name)(ep, **kw)

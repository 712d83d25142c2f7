"""Optimizer steps on a 1M-parameter MLP-shaped set of tensors (784-1024-192-10): ember vs torch.

Each case is one ``optimizer.step()`` over all tensors, with fixed gradients; the NumPy column is Adam written
plainly on arrays (no torch-exact FMA rounding), the floor. ``python benchmarks/run.py optim`` runs the cases;
``python benchmarks/bench_optim.py [steps]`` times 1,000 Adam steps in rounds that alternate ember and torch.
"""

from __future__ import annotations

import sys
import time

import numpy as np

SHAPES = [(1024, 784), (1024,), (192, 1024), (192,), (10, 192), (10,)]  # 1,002,570 parameters


def _arrays():
    rng = np.random.default_rng(0)
    params = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    return params, grads


def _optimizer(name, **kw):
    def make(m):
        params, grads = _arrays()
        ps = [m.tensor(p, requires_grad=True) for p in params]
        for p, g in zip(ps, grads, strict=True):
            p.grad = m.tensor(g)
        opt = getattr(m.optim, name)(ps, **kw)
        opt.step()  # creates the state
        return opt.step

    return make


def _numpy_adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    params, grads = _arrays()
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    state = {"t": 0}

    def step():
        state["t"] += 1
        t = state["t"]
        bc1, bc2 = 1 - beta1**t, 1 - beta2**t
        for p, g, m, v in zip(params, grads, ms, vs, strict=True):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= (lr / bc1) * m / (np.sqrt(v) / bc2**0.5 + eps)

    return step


CASES = [
    ("adam 1M params", _optimizer("Adam", lr=1e-3), _numpy_adam),
    ("adamw 1M params", _optimizer("AdamW", lr=1e-3)),
    ("sgd momentum 1M params", _optimizer("SGD", lr=0.01, momentum=0.9)),
    ("rmsprop 1M params", _optimizer("RMSprop", lr=1e-3)),
]


def main() -> None:
    import torch

    import ember

    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = 10
    print(f"{sum(int(np.prod(s)) for s in SHAPES):,} parameters, {steps} Adam steps in {rounds} alternating rounds")
    # torch on one thread, as benchmarks/run.py measures it; more threads only spin on a shared machine
    for threads in (1,):
        torch.set_num_threads(threads)
        fns = {"ember": _optimizer("Adam", lr=1e-3)(ember), "torch": _optimizer("Adam", lr=1e-3)(torch)}
        total = dict.fromkeys(fns, 0.0)
        for _ in range(rounds):
            for k, fn in fns.items():
                t0 = time.perf_counter()
                for _ in range(steps // rounds):
                    fn()
                total[k] += time.perf_counter() - t0
        print(
            f"torch threads {threads}: ember {total['ember']:.3f} s, torch {total['torch']:.3f} s, "
            f"ember/torch {total['ember'] / total['torch']:.2f}"
        )


if __name__ == "__main__":
    main()

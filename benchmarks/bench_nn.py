"""nn training steps and layers: ember vs torch (``python benchmarks/run.py nn``).

Cases: the book's softmax regression step (Flatten + Linear(784, 10) + CrossEntropyLoss + SGD, batch 256), the MLP
step (784-256-10 with ReLU), cross_entropy forward+backward, BatchNorm1d and LayerNorm forward+backward. Set
OPENBLAS_NUM_THREADS=1 with torch.set_num_threads(1) (run.py does the latter) to compare one core with one core.
"""

from __future__ import annotations

import numpy as np


def _data(m, shape=(256, 1, 28, 28)):
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal(shape).astype(np.float32))
    y = m.tensor(rng.integers(0, 10, shape[0]))
    return x, y


def _train_step(hidden):
    def make(m):
        nn = m.nn
        m.manual_seed(0)
        layers = [nn.Flatten(), nn.Linear(784, 10)] if hidden is None else \
            [nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10)]
        net = nn.Sequential(*layers)
        loss = nn.CrossEntropyLoss(reduction="none")
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        x, y = _data(m)

        def step():
            opt.zero_grad()
            loss(net(x), y).mean().backward()
            opt.step()

        return step

    return make


def _cross_entropy(m):
    rng = np.random.default_rng(1)
    logits = m.tensor(rng.standard_normal((256, 10)).astype(np.float32), requires_grad=True)
    y = m.tensor(rng.integers(0, 10, 256))
    return lambda: m.nn.functional.cross_entropy(logits, y).backward()


def _norm(kind):
    def make(m):
        rng = np.random.default_rng(2)
        x = m.tensor(rng.standard_normal((256, 128)).astype(np.float32), requires_grad=True)
        layer = m.nn.BatchNorm1d(128) if kind == "batch" else m.nn.LayerNorm(128)
        return lambda: layer(x).sum().backward()

    return make


CASES = [
    ("softmax regression step (784-10, batch 256)", _train_step(None)),
    ("MLP step (784-256-10, batch 256)", _train_step(256)),
    ("cross_entropy fwd+bwd (256x10)", _cross_entropy),
    ("BatchNorm1d fwd+bwd (256x128)", _norm("batch")),
    ("LayerNorm fwd+bwd (256x128)", _norm("layer")),
]


def _numpy_mlp():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 784)).astype(np.float32)
    y = rng.integers(0, 10, 256)
    w1 = (rng.standard_normal((256, 784)) * 0.03).astype(np.float32)
    b1 = np.zeros(256, np.float32)
    w2 = (rng.standard_normal((10, 256)) * 0.06).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    rows = np.arange(256)

    def step():
        h = x @ w1.T + b1
        a = np.maximum(h, 0)
        z = a @ w2.T + b2
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(1, keepdims=True)
        p[rows, y] -= 1
        g = p / 256
        gw2 = g.T @ a
        ga = g @ w2
        ga *= h > 0
        gw1 = ga.T @ x
        for w, gw in ((w1, gw1), (b1, ga.sum(0)), (w2, gw2), (b2, g.sum(0))):
            w -= 0.1 * gw

    return step


CASES[1] = CASES[1] + (_numpy_mlp,)

"""Random sampling with torch's streams: ember vs torch (one thread), 10^6 elements unless named otherwise.

``python benchmarks/run.py random`` prints the ember/torch ratios; the NumPy column is NumPy's own generator
doing the same amount of work (different numbers: the floor for a NumPy framework). The issue's goal is a ratio
of at most 2 for ``randn(1000, 1000)`` and ``rand``.
"""

from __future__ import annotations

import sys

import numpy as np


def _call(fn):
    def make(m):
        m.manual_seed(0)
        return lambda: fn(m)

    return make


_NP = np.random.default_rng(0)

# fmt: off
CASES = [
    ("randn(1000, 1000)",        _call(lambda m: m.randn(1000, 1000)),
                                 lambda: lambda: _NP.standard_normal((1000, 1000), dtype=np.float32)),
    ("rand(1000, 1000)",         _call(lambda m: m.rand(1000, 1000)),
                                 lambda: lambda: _NP.random((1000, 1000), dtype=np.float32)),
    ("randn float64 10^6",       _call(lambda m: m.randn(1000, 1000, dtype=m.float64)),
                                 lambda: lambda: _NP.standard_normal((1000, 1000))),
    ("uniform_(-1, 1) 10^6",     _call(lambda m: m.empty(1000, 1000).uniform_(-1, 1)),
                                 lambda: lambda: _NP.uniform(-1, 1, (1000, 1000)).astype(np.float32)),
    ("normal_(1, 2) 10^6",       _call(lambda m: m.empty(1000, 1000).normal_(1, 2)), None),
    ("randint(0, 100) 10^6",     _call(lambda m: m.randint(0, 100, (1000, 1000))),
                                 lambda: lambda: _NP.integers(0, 100, (1000, 1000))),
    ("randperm(10^6)",           _call(lambda m: m.randperm(1000000)),
                                 lambda: lambda: _NP.permutation(1000000)),
    ("randperm(1000)",           _call(lambda m: m.randperm(1000)), lambda: lambda: _NP.permutation(1000)),
    ("randn(64, 100) small",     _call(lambda m: m.randn(64, 100)), None),
    ("rand(3) tiny",             _call(lambda m: m.rand(3)), None),
    ("bernoulli(p) 10^5",        _call(lambda m: m.bernoulli(m.full((100000,), 0.3))), None),
    ("multinomial 6 x 1000",     _call(lambda m: m.multinomial(m.ones(6) / 6, 1000, True)), None),
]
# fmt: on


if __name__ == "__main__":
    import pathlib

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import run

    sys.exit(run.main(["random", *sys.argv[1:]]))

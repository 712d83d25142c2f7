"""The op library on large tensors (issue 6): reductions, GEMM, element-wise and broadcasting on 1M elements.

Each case is (name, make(m) -> callable, numpy_make() -> callable); inputs are drawn once in NumPy and
shared by both libraries. Goals: matmul within 10 % of NumPy's own BLAS call (the numpy column), element-wise
and reductions on 1M-element tensors within 1.2x of torch.

    python benchmarks/run.py ops
"""

import numpy as np

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((1000, 1000)).astype(np.float32)
_Y = _RNG.standard_normal((1000, 1000)).astype(np.float32)
_ROW = _RNG.standard_normal((1, 1000)).astype(np.float32)
_COL = _RNG.standard_normal((1000, 1)).astype(np.float32)
_A = _RNG.standard_normal((512, 512)).astype(np.float32)
_B = _RNG.standard_normal((512, 512)).astype(np.float32)
_BA = _RNG.standard_normal((32, 64, 128)).astype(np.float32)
_BB = _RNG.standard_normal((32, 128, 64)).astype(np.float32)


def _on(*arrays):
    """make(m): the arrays as m's tensors (sharing NumPy's memory), then fn(m, *tensors)."""

    def wrap(fn):
        def make(m):
            ts = [m.from_numpy(a) for a in arrays]
            return lambda: fn(m, *ts)

        return make

    return wrap


def _np(fn, *arrays):
    return lambda: (lambda: fn(*arrays))


CASES = [
    # reductions over 1M elements
    ("sum()", _on(_X)(lambda m, x: x.sum()), _np(lambda x: x.sum(), _X)),
    ("sum(dim=0)", _on(_X)(lambda m, x: x.sum(0)), _np(lambda x: x.sum(0), _X)),
    ("sum(dim=1)", _on(_X)(lambda m, x: x.sum(1)), _np(lambda x: x.sum(1), _X)),
    ("mean(dim=1)", _on(_X)(lambda m, x: x.mean(1)), _np(lambda x: x.mean(1), _X)),
    ("max(dim=1)", _on(_X)(lambda m, x: x.max(1)), _np(lambda x: (x.max(1), x.argmax(1)), _X)),
    ("argmax(dim=1)", _on(_X)(lambda m, x: x.argmax(1)), _np(lambda x: x.argmax(1), _X)),
    ("std()", _on(_X)(lambda m, x: x.std()), _np(lambda x: x.std(ddof=1), _X)),
    ("logsumexp(dim=1)", _on(_X)(lambda m, x: m.logsumexp(x, 1)), None),
    ("cumsum(dim=1)", _on(_X)(lambda m, x: x.cumsum(1)), _np(lambda x: x.cumsum(1), _X)),
    # element-wise on 1M elements
    ("x + y", _on(_X, _Y)(lambda m, x, y: x + y), _np(lambda x, y: x + y, _X, _Y)),
    ("x * 2.5", _on(_X)(lambda m, x: x * 2.5), _np(lambda x: x * np.float32(2.5), _X)),
    ("exp(x)", _on(_X)(lambda m, x: x.exp()), _np(np.exp, _X)),
    ("tanh(x)", _on(_X)(lambda m, x: x.tanh()), _np(np.tanh, _X)),
    ("relu(x)", _on(_X)(lambda m, x: x.relu()), _np(lambda x: np.maximum(x, 0), _X)),
    ("x > 0", _on(_X)(lambda m, x: x > 0), _np(lambda x: x > 0, _X)),
    # broadcasting-heavy expression: a standardisation with row and column terms
    ("(x - row) * col / (1 + y*y)", _on(_X, _Y, _ROW, _COL)(lambda m, x, y, r, c: (x - r) * c / (1 + y * y)),
     _np(lambda x, y, r, c: (x - r) * c / (1 + y * y), _X, _Y, _ROW, _COL)),
    # GEMM: the numpy column is NumPy's own BLAS call, the floor for ember
    ("matmul 512x512", _on(_A, _B)(lambda m, a, b: a @ b), _np(lambda a, b: a @ b, _A, _B)),
    ("matmul 1000x1000", _on(_X, _Y)(lambda m, a, b: a @ b), _np(lambda a, b: a @ b, _X, _Y)),
    ("matmul a @ b.T", _on(_A, _B)(lambda m, a, b: a @ b.T), _np(lambda a, b: a @ b.T, _A, _B)),
    ("bmm 32x64x128", _on(_BA, _BB)(lambda m, a, b: m.bmm(a, b)), _np(np.matmul, _BA, _BB)),
]

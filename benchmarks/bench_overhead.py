"""Per-op overhead on tiny tensors: what a framework adds on top of the arithmetic.

Each case is (name, make(m) -> callable, numpy_make() -> callable): the NumPy column is the same
work hand-written on arrays, the floor a NumPy framework can approach.
"""

import numpy as np


def _binary(op):
    def make(m):
        a, b = m.ones(3), m.ones(3)
        return lambda: op(a, b)

    return make


def _unary(op, shape=(3,)):
    def make(m):
        a = m.ones(shape)
        return lambda: op(a)

    return make


def _np_binary(op):
    a, b = np.ones(3, np.float32), np.ones(3, np.float32)
    return lambda: op(a, b)


def _np_unary(op, shape=(3,)):
    a = np.ones(shape, np.float32)
    return lambda: op(a)


def _creation(fn):
    def make(m):
        return lambda: fn(m)

    return make


def _matmul(m):
    a, b = m.ones(2, 3), m.ones(3, 4)
    return lambda: a @ b


def _np_matmul():
    a, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    return lambda: a @ b


def _backward(m):
    x = m.ones(3, requires_grad=True)

    def step():
        y = (x * 2).sum()
        y.backward()

    return step


def _np_backward():
    x = np.ones(3, np.float32)
    grad = np.zeros(3, np.float32)

    def step():
        y = (x * 2).sum()  # noqa: F841 - the forward
        g = np.ones_like(x) * 2  # d(sum(2x))/dx
        np.add(grad, g, out=grad)

    return step


def _linear_backward(m):
    x = m.ones(4, 3)
    w = m.ones(2, 3, requires_grad=True)
    b = m.zeros(2, requires_grad=True)

    def step():
        y = (x @ w.T + b).relu().mean()
        y.backward()

    return step


# fmt: off
CASES = [
    ("a + b",               _binary(lambda a, b: a + b),         lambda: _np_binary(lambda a, b: a + b)),
    ("a * 2",               _unary(lambda a: a * 2),             lambda: _np_unary(lambda a: a * np.float32(2))),
    ("a < b",               _binary(lambda a, b: a < b),         lambda: _np_binary(lambda a, b: a < b)),
    ("-a",                  _unary(lambda a: -a),                lambda: _np_unary(lambda a: -a)),
    ("a.exp()",             _unary(lambda a: a.exp()),           lambda: _np_unary(np.exp)),
    ("a[0]",                _unary(lambda a: a[0]),              lambda: _np_unary(lambda a: a[0:1].reshape(()))),
    ("a[1:3]",              _unary(lambda a: a[1:3]),            lambda: _np_unary(lambda a: a[1:3])),
    ("a.view(3, 1)",        _unary(lambda a: a.view(3, 1)),      lambda: _np_unary(lambda a: a.reshape(3, 1))),
    ("x.sum()",             _unary(lambda a: a.sum()),           lambda: _np_unary(lambda a: a.sum())),
    ("x.sum(0) of 2x3",     _unary(lambda a: a.sum(0), (2, 3)),  lambda: _np_unary(lambda a: a.sum(0), (2, 3))),
    ("torch.zeros(3)",      _creation(lambda m: m.zeros(3)),     lambda: lambda: np.zeros(3, np.float32)),
    ("torch.tensor([1,2])", _creation(lambda m: m.tensor([1.0, 2.0])),
                                                                 lambda: lambda: np.array([1.0, 2.0], np.float32)),
    ("a[0].item()",         _unary(lambda a: a[0].item()),       lambda: _np_unary(lambda a: a[0].item())),
    ("s.item() of 0-d",     _unary(lambda a: a.item(), ()),      lambda: _np_unary(lambda a: a.item(), ())),
    ("a.shape",             _unary(lambda a: a.shape),           lambda: _np_unary(lambda a: a.shape)),
    ("a.size(0)",           _unary(lambda a: a.size(0)),         lambda: _np_unary(lambda a: a.shape[0])),
    ("a.to('cpu')",         _unary(lambda a: a.to("cpu")),       None),
    ("a.float() of float",  _unary(lambda a: a.float()),         lambda: _np_unary(lambda a: a.astype("f", copy=0))),
    ("a.long()",            _unary(lambda a: a.long()),          lambda: _np_unary(lambda a: a.astype(np.int64))),
    ("2x3 @ 3x4",           _matmul,                             _np_matmul),
    ("(x * 2).sum().backward()", _backward,                      _np_backward),
    ("linear+relu backward", _linear_backward,                   None),
]
# fmt: on

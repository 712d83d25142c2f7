"""Autograd bookkeeping: a small backward, a 50-op chain, and recording with and without requires_grad.

The issue's goal (autograd, issue 5) is an ember/torch ratio <= 1.5 for the first two.
"""

import numpy as np


def _small_backward(m):
    a = m.randn(4, 4, requires_grad=True)
    b = m.randn(4, 4, requires_grad=True)
    return lambda: (a * b).sum().backward()


def _chain(m):
    a = m.randn(4, 4, requires_grad=True)

    def step():
        y = a
        for _ in range(50):
            y = y * 1.01
        y.sum().backward()

    return step


def _np_chain():
    a = np.random.randn(4, 4).astype(np.float32)

    def step():  # the same arithmetic, forward and backward, by hand
        y = a
        for _ in range(50):
            y = y * 1.01
        g = np.ones_like(y)
        for _ in range(50):
            g = g * 1.01
        return g

    return step


def _record(m):
    a = m.randn(4, 4, requires_grad=True)
    return lambda: a * a


def _no_record(m):
    a = m.randn(4, 4)
    return lambda: a * a


def _no_grad_mode(m):
    a = m.randn(4, 4, requires_grad=True)

    def step():
        with m.no_grad():
            return a * a

    return step


def _grad_call(m):
    a = m.randn(4, 4, requires_grad=True)
    return lambda: m.autograd.grad((a * a).sum(), a)


CASES = [
    ("(a * b).sum().backward() 4x4", _small_backward),
    ("50-op chain + backward", _chain, _np_chain),
    ("a * a recorded", _record),
    ("a * a, nothing requires grad", _no_record),
    ("a * a under no_grad", _no_grad_mode),
    ("autograd.grad of a small graph", _grad_call),
]

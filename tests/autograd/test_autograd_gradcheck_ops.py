"""gradcheck and gradgradcheck (float64 finite differences) on the library's differentiable ops."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)  # drawn in table order: inputs of the same shape differ


def t(*shape, lo=-1.0, hi=1.0):
    return ember.tensor(RNG.uniform(lo, hi, shape), dtype=ember.float64, requires_grad=True)


# (name, fn, inputs): every input that requires grad is checked, first and second order
OPS = [
    ("softmax", lambda x: ember.softmax(x, 1), [t(3, 4)]),
    ("log_softmax", lambda x: F.log_softmax(x, 1), [t(3, 4)]),
    ("cross_entropy", lambda x: F.cross_entropy(x, ember.tensor([0, 2, 1])), [t(3, 4)]),
    ("mse", lambda a, b: F.mse_loss(a, b), [t(3, 4), t(3, 4)]),
    ("linear", lambda x, w, b: F.linear(x, w, b), [t(2, 3), t(4, 3), t(4)]),
    ("conv2d", lambda x, w: F.conv2d(x, w, padding=1), [t(1, 2, 4, 4), t(3, 2, 3, 3)]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2), [t(1, 1, 4, 4)]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 2), [t(1, 1, 4, 4)]),
    ("var", lambda x: x.var(1), [t(3, 4)]),
    ("std", lambda x: x.std(), [t(3, 4)]),
    ("norm", lambda x: x.norm(), [t(3, 4)]),
    ("prod", lambda x: x.prod(1), [t(3, 4)]),
    ("cumsum", lambda x: x.cumsum(1), [t(3, 4)]),
    ("max all", lambda x: x.max(), [t(3, 4)]),
    ("min dim", lambda x: x.min(0).values, [t(3, 4)]),
    ("sort", lambda x: x.sort(1).values, [t(3, 4)]),
    ("topk", lambda x: x.topk(2, 1).values, [t(3, 4)]),
    ("gather", lambda x: x.gather(1, ember.tensor([[0, 1], [2, 3], [1, 1]])), [t(3, 4)]),
    ("index_select", lambda x: x.index_select(0, ember.tensor([2, 0, 2])), [t(3, 4)]),
    ("masked_fill", lambda x: x.masked_fill(ember.tensor([True, False, True, False]), 0.0), [t(3, 4)]),
    ("addmm", lambda a, b, c: ember.addmm(a, b, c), [t(2, 4), t(2, 3), t(3, 4)]),
    ("bmm", lambda a, b: ember.bmm(a, b), [t(2, 2, 3), t(2, 3, 2)]),
    ("logsumexp", lambda x: ember.logsumexp(x, 1), [t(3, 4)]),
    ("mean dims", lambda x: x.mean((0, 2)), [t(2, 3, 4)]),
    ("tanh relu", lambda x: F.relu(ember.tanh(x)), [t(3, 4)]),
    ("dropout eval", lambda x: F.dropout(x, 0.5, training=False), [t(3, 4)]),
    ("layer_norm", lambda x: F.layer_norm(x, (4,)), [t(3, 4)]),
    ("batch_norm", lambda x: F.batch_norm(x, None, None, training=True), [t(4, 3)]),
    ("embedding", lambda w: F.embedding(ember.tensor([1, 0, 2]), w), [t(3, 4)]),
    ("chunk", lambda x: x.chunk(2, 1)[1] * 2, [t(3, 4)]),
    ("split", lambda x: x.split([1, 3], 1)[1] * 2, [t(3, 4)]),
    ("flip", lambda x: x.flip(1), [t(3, 4)]),
    ("roll", lambda x: x.roll(1, 1), [t(3, 4)]),
    ("repeat", lambda x: x.repeat(2, 1), [t(3, 4)]),
    ("tril", lambda x: x.tril(), [t(3, 4)]),
    ("pad", lambda x: F.pad(x, (1, 1)), [t(3, 4)]),
    ("atan2", lambda a, b: ember.atan2(a, b), [t(3, 4), t(3, 4)]),
    ("maximum", lambda a, b: ember.maximum(a, b), [t(3, 4), t(3, 4)]),
    ("lerp", lambda a, b: ember.lerp(a, b, 0.3), [t(3, 4), t(3, 4)]),
    ("dist", lambda a, b: ember.dist(a, b), [t(3, 4), t(3, 4)]),
    ("linalg inv", lambda a: ember.linalg.inv(a + 3 * ember.eye(3, dtype=ember.float64)), [t(3, 3)]),
    ("det", lambda a: ember.linalg.det(a + 3 * ember.eye(3, dtype=ember.float64)), [t(3, 3)]),
    ("outer", lambda a, b: ember.outer(a, b), [t(3), t(4)]),
    ("einsum", lambda a, b: ember.einsum("ij,jk->ik", a, b), [t(2, 3), t(3, 4)]),
    ("gelu", lambda x: F.gelu(x), [t(3, 4)]),
    ("softplus", lambda x: F.softplus(x), [t(3, 4)]),
    ("nll_loss", lambda x: F.nll_loss(F.log_softmax(x, 1), ember.tensor([0, 2, 1])), [t(3, 4)]),
    ("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b), [t(3, 4), t(3, 4)]),
    (
        "binary_cross_entropy",
        lambda x: F.binary_cross_entropy(ember.sigmoid(x), ember.full((3, 4), 0.3, dtype=ember.float64)),
        [t(3, 4)],
    ),
]


@pytest.mark.parametrize("name, fn, args", OPS, ids=[o[0] for o in OPS])
def test_gradcheck_and_gradgradcheck(name, fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(fn, args)
        assert gradgradcheck(fn, args)

"""Pooling layers against torch: reprs, outputs, indices and gradients, NaN propagation, 1-d/unbatched inputs."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn

# fmt: off
# (constructor(nn), input shape)
LAYERS = [
    (lambda nn: nn.MaxPool2d(2), (2, 3, 8, 8)),
    (lambda nn: nn.MaxPool2d(3), (1, 1, 4, 4)),
    (lambda nn: nn.MaxPool2d(3, padding=1, stride=2), (1, 2, 4, 4)),
    (lambda nn: nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1)), (1, 1, 4, 4)),
    (lambda nn: nn.MaxPool2d(3, stride=2, ceil_mode=True), (2, 3, 8, 8)),
    (lambda nn: nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2), (2, 3, 8, 9)),
    (lambda nn: nn.MaxPool2d(2, return_indices=True), (2, 3, 6, 6)),
    (lambda nn: nn.MaxPool2d(2), (3, 6, 6)),
    (lambda nn: nn.MaxPool1d(3, stride=2, padding=1), (2, 3, 10)),
    (lambda nn: nn.MaxPool1d(2, return_indices=True), (2, 3, 10)),
    (lambda nn: nn.AvgPool2d(2), (2, 3, 8, 8)),
    (lambda nn: nn.AvgPool2d(kernel_size=2, stride=2), (2, 3, 7, 7)),
    (lambda nn: nn.AvgPool2d(3, padding=1, stride=2), (2, 3, 8, 8)),
    (lambda nn: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 3, 8, 8)),
    (lambda nn: nn.AvgPool2d(2, divisor_override=3), (2, 3, 8, 8)),
    (lambda nn: nn.AvgPool1d(3, stride=2, padding=1), (2, 3, 9)),
    (lambda nn: nn.AdaptiveAvgPool2d((1, 1)), (2, 3, 8, 8)),
    (lambda nn: nn.AdaptiveAvgPool2d((5, 7)), (2, 3, 8, 9)),
    (lambda nn: nn.AdaptiveAvgPool2d(3), (3, 9, 9)),
    (lambda nn: nn.AdaptiveAvgPool1d(4), (2, 3, 10)),
    (lambda nn: nn.AdaptiveMaxPool2d(1), (2, 3, 8, 8)),
    (lambda nn: nn.AdaptiveMaxPool2d((3, 5), return_indices=True), (2, 3, 8, 9)),
    (lambda nn: nn.AdaptiveMaxPool1d(3), (2, 3, 8)),
]
# fmt: on


@pytest.mark.parametrize("ctor, shape", LAYERS, ids=[str(i) for i in range(len(LAYERS))])
def test_pool_layer_matches_torch(ctor, shape):
    e, t = ctor(enn), ctor(tnn)
    assert repr(e) == repr(t)
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(ye[1].numpy(), yt[1].numpy())
        ye, yt = ye[0], yt[0]
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.random.RandomState(1).randn(*yt.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    x = np.zeros((1, 1, 4, 4), dtype=np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    enn.MaxPool2d(3, stride=1)(xe).sum().backward()
    tnn.MaxPool2d(3, stride=1)(xt).sum().backward()
    np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())


def test_max_pool_propagates_nan():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = np.nan
    ye = enn.MaxPool2d(2)(ember.tensor(x))
    yt = tnn.MaxPool2d(2)(torch.tensor(x))
    np.testing.assert_array_equal(ye.numpy(), yt.numpy())


def test_max_pool_float64_and_double_backward():
    x = np.random.RandomState(0).randn(2, 2, 6, 6)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad((enn.MaxPool2d(2)(xe) ** 2).sum(), xe, create_graph=True)
    (gt,) = torch.autograd.grad((tnn.MaxPool2d(2)(xt) ** 2).sum(), xt, create_graph=True)
    assert ge.dtype == ember.float64
    (ge**2).sum().backward()
    (gt**2).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12)

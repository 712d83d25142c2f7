"""The d2l book's models (chapters 6-7, scaled down) built in torch and ember: same weights -> same outputs,
gradients, reprs and state_dict keys, in training and in eval mode."""

from __future__ import annotations

import numpy as np
import pytest
from nn_cases import copy_weights, run_both

import ember

torch = pytest.importorskip("torch")
enn = ember.nn
tnn = torch.nn
if not hasattr(enn, "Conv2d") or not hasattr(enn, "MaxPool2d"):
    pytest.skip("conv/pooling layers not available", allow_module_level=True)


def lenet(nn, F):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def bn_lenet(nn, F):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84),
        nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))


def alexnet_small(nn, F):
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(8, 12, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(), nn.Linear(12 * 3 * 3, 32), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(32, 10))


def vgg_small(nn, F):
    def vgg_block(num_convs, in_channels, out_channels):
        layers = []
        for _ in range(num_convs):
            layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
            layers.append(nn.ReLU())
            in_channels = out_channels
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        return nn.Sequential(*layers)

    blks, c = [], 1
    for n, out in ((1, 4), (2, 8)):
        blks.append(vgg_block(n, c, out))
        c = out
    return nn.Sequential(*blks, nn.Flatten(), nn.Linear(8 * 4 * 4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 10))


def nin_small(nn, F):
    def nin_block(in_channels, out_channels, kernel_size, strides, padding):
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())

    return nn.Sequential(
        nin_block(1, 8, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5),
        nin_block(8, 10, kernel_size=3, strides=1, padding=1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


def googlenet_small(nn, F):
    class Inception(nn.Module):
        def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
            super().__init__(**kwargs)
            self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
            self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
            self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
            self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
            self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
            self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
            self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

        def forward(self, x):
            p1 = F.relu(self.p1_1(x))
            p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
            p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
            p4 = F.relu(self.p4_2(self.p4_1(x)))
            lib = torch if nn is tnn else ember
            return lib.cat((p1, p2, p3, p4), dim=1)

    return nn.Sequential(nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), Inception(8, 4, (4, 6), (2, 3), 3),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(16, 10))


def resnet_small(nn, F):
    class Residual(nn.Module):
        def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
            super().__init__()
            self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
            self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides) if use_1x1conv \
                else None
            self.bn1 = nn.BatchNorm2d(num_channels)
            self.bn2 = nn.BatchNorm2d(num_channels)

        def forward(self, X):
            Y = F.relu(self.bn1(self.conv1(X)))
            Y = self.bn2(self.conv2(Y))
            if self.conv3:
                X = self.conv3(X)
            Y += X
            return F.relu(Y)

    b1 = nn.Sequential(nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(Residual(8, 8), Residual(8, 12, use_1x1conv=True, strides=2))
    return nn.Sequential(b1, b2, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(12, 10))


def densenet_small(nn, F):
    def conv_block(input_channels, num_channels):
        return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                             nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))

    class DenseBlock(nn.Module):
        def __init__(self, num_convs, input_channels, num_channels):
            super().__init__()
            self.net = nn.Sequential(*[conv_block(num_channels * i + input_channels, num_channels)
                                       for i in range(num_convs)])

        def forward(self, X):
            lib = torch if nn is tnn else ember
            for blk in self.net:
                X = lib.cat((X, blk(X)), dim=1)
            return X

    def transition_block(input_channels, num_channels):
        return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                             nn.Conv2d(input_channels, num_channels, kernel_size=1),
                             nn.AvgPool2d(kernel_size=2, stride=2))

    return nn.Sequential(nn.Conv2d(1, 6, kernel_size=3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                         DenseBlock(2, 6, 4), transition_block(14, 7), nn.BatchNorm2d(7), nn.ReLU(),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(7, 10))


MODELS = {"lenet": (lenet, 28), "bn_lenet": (bn_lenet, 28), "alexnet": (alexnet_small, 32),
          "vgg": (vgg_small, 16), "nin": (nin_small, 12), "googlenet": (googlenet_small, 12),
          "resnet": (resnet_small, 12), "densenet": (densenet_small, 12)}


@pytest.mark.parametrize("name", list(MODELS))
def test_d2l_model_matches_torch(name):
    build, size = MODELS[name]
    torch.manual_seed(0)
    t = build(tnn, torch.nn.functional)
    ember.manual_seed(0)
    e = build(enn, enn.functional)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for (n1, p1), (_, p2) in zip(e.state_dict().items(), t.state_dict().items(), strict=True):
        np.testing.assert_array_equal(p1.numpy(), p2.numpy(), err_msg=f"seeded init of {n1}")
    copy_weights(t, e)
    x = torch.from_numpy(np.random.RandomState(1).rand(4, 1, size, size).astype(np.float32)).requires_grad_(True)
    torch.manual_seed(2)
    ember.manual_seed(2)  # dropout masks drawn the same way
    # a conv bias right before a BatchNorm has a true gradient of 0: both libraries give rounding noise (~1e-5)
    run_both(t, e, [x], atol=1e-5, rtol=1e-3, grad_atol=1e-4)
    for (n1, b1), (_, b2) in zip(e.named_buffers(), t.named_buffers(), strict=True):
        np.testing.assert_allclose(b1.numpy(), b2.numpy(), atol=1e-6, rtol=1e-5, err_msg=n1)
    t.eval()
    e.eval()
    xe = ember.from_numpy(x.detach().numpy().copy())
    np.testing.assert_allclose(e(xe).detach().numpy(), t(x).detach().numpy(), atol=1e-5, rtol=1e-4)

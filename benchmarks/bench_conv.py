"""Convolution, pooling and recurrent workloads, ember vs torch (run through benchmarks/run.py).

    python benchmarks/run.py conv              # every case
    python benchmarks/bench_conv.py            # the same, standalone

The book's workload is LeNet on Fashion-MNIST: a forward + backward of batch 256 on 1x28x28 images. DESIGN.md's
floor for LeNet (hand-written NumPy) is ~1.23x torch; the issue's goal is <= 2x for a training step.
"""

from __future__ import annotations

import numpy as np


def _lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.Sigmoid(),
        nn.Linear(120, 84),
        nn.Sigmoid(),
        nn.Linear(84, 10),
    )


def _images(m, shape):
    return m.tensor(np.random.default_rng(0).random(shape, dtype=np.float32))


def lenet_step(m):
    net = _lenet(m.nn)
    x = _images(m, (256, 1, 28, 28))
    y = m.tensor(np.random.default_rng(1).integers(0, 10, 256))
    loss = m.nn.CrossEntropyLoss()

    def step():
        for p in net.parameters():
            p.grad = None
        loss(net(x), y).backward()

    return step


def lenet_forward(m):
    net = _lenet(m.nn)
    x = _images(m, (256, 1, 28, 28))

    def fwd():
        with m.no_grad():
            net(x)

    return fwd


def conv_fwd_bwd(cin, cout, k, hw, batch, **kw):
    def make(m):
        conv = m.nn.Conv2d(cin, cout, k, **kw)
        x = _images(m, (batch, cin, hw, hw)).requires_grad_()

        def run():
            conv.weight.grad = conv.bias.grad = x.grad = None
            conv(x).sum().backward()

        return run

    return make


def pool_fwd_bwd(name, *args):
    def make(m):
        x = _images(m, (64, 16, 28, 28)).requires_grad_()
        fn = getattr(m.nn.functional, name)

        def run():
            x.grad = None
            fn(x, *args).sum().backward()

        return run

    return make


def lstm_step(m):
    # the LSTM workload: 2 layers, batch 32, 35 steps, hidden 256 (input 28, a character vocabulary)
    lstm = m.nn.LSTM(28, 256, num_layers=2)
    x = _images(m, (35, 32, 28))

    def step():
        for p in lstm.parameters():
            p.grad = None
        y, _ = lstm(x)
        y.sum().backward()

    return step


def bn_relu_conv_step(m):
    # the "BatchNorm + ReLU + Conv block" (a DenseNet/ResNet unit): batch 32, 64 channels, 28x28
    nn = m.nn
    block = nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(), nn.Conv2d(64, 64, kernel_size=3, padding=1))
    x = _images(m, (32, 64, 28, 28)).requires_grad_()

    def step():
        for p in block.parameters():
            p.grad = None
        x.grad = None
        block(x).sum().backward()

    return step


def numpy_lenet_conv1():
    """Hand-written NumPy im2col + GEMM for LeNet's first conv forward (the floor for one conv)."""
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.random.default_rng(0).random((256, 1, 32, 32), dtype=np.float32)
    w = np.random.default_rng(1).random((6, 25), dtype=np.float32)

    def run():
        cols = np.ascontiguousarray(sliding_window_view(x, (5, 5), axis=(2, 3)).transpose(1, 4, 5, 0, 2, 3))
        (w @ cols.reshape(25, -1)).reshape(6, 256, 28, 28).transpose(1, 0, 2, 3).copy()

    return run


def lenet_conv1_forward(m):
    conv = m.nn.Conv2d(1, 6, 5, padding=2)
    x = _images(m, (256, 1, 28, 28))

    def run():
        with m.no_grad():
            conv(x)

    return run


CASES = [
    ("lenet step b256", lenet_step),
    ("lenet forward b256", lenet_forward),
    ("lenet conv1 forward", lenet_conv1_forward, numpy_lenet_conv1),
    ("conv 6->16 k5 14x14 fwd+bwd", conv_fwd_bwd(6, 16, 5, 14, 256)),
    ("conv 64->64 k3 p1 16x16", conv_fwd_bwd(64, 64, 3, 16, 32, padding=1)),
    ("conv 32->64 k3 s2 dw", conv_fwd_bwd(32, 64, 3, 28, 16, stride=2, groups=32)),
    ("max_pool2d 2", pool_fwd_bwd("max_pool2d", 2)),
    ("max_pool2d 3 s2 p1", pool_fwd_bwd("max_pool2d", 3, 2, 1)),
    ("avg_pool2d 2", pool_fwd_bwd("avg_pool2d", 2)),
    ("bn+relu+conv 64ch 28x28 b32", bn_relu_conv_step),
    ("lstm 2x256 b32 t35 step", lstm_step),
]


if __name__ == "__main__":
    import pathlib
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import run

    run.run_file(pathlib.Path(__file__), sys.argv[1:], 0.05)

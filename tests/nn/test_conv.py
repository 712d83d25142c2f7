"""nn.Conv*/ConvTranspose*/LazyConv2d and the padding/upsampling/pixel-shuffle layers against torch: seeded init,
reprs, same weights -> same outputs and gradients, constructor errors, the d2l CNNs output-for-output."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn


def _copy(src, dst):
    dst.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


# fmt: off
# (constructor(nn), input shape)
LAYERS = [
    (lambda nn: nn.Conv2d(1, 6, 5), (2, 1, 12, 12)),
    (lambda nn: nn.Conv2d(1, 6, kernel_size=5, padding=2), (2, 1, 12, 12)),
    (lambda nn: nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), (2, 3, 9, 10)),
    (lambda nn: nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2), (2, 4, 9, 10)),
    (lambda nn: nn.Conv2d(3, 8, 3, padding="same", dilation=2), (2, 3, 9, 10)),
    (lambda nn: nn.Conv2d(3, 8, 4, padding="same"), (2, 3, 9, 10)),
    (lambda nn: nn.Conv2d(3, 8, 3, padding=1, padding_mode="reflect"), (2, 3, 7, 6)),
    (lambda nn: nn.Conv2d(3, 8, 3, padding=2, padding_mode="replicate"), (2, 3, 7, 6)),
    (lambda nn: nn.Conv2d(3, 8, 3, padding=(1, 2), padding_mode="circular"), (2, 3, 7, 6)),
    (lambda nn: nn.Conv2d(3, 8, 3, padding="same", padding_mode="reflect"), (2, 3, 7, 6)),
    (lambda nn: nn.Conv2d(3, 4, 3), (3, 7, 6)),
    (lambda nn: nn.Conv1d(3, 8, 3, stride=2, padding=1), (2, 3, 11)),
    (lambda nn: nn.Conv1d(4, 8, 3, groups=4, dilation=2), (2, 4, 11)),
    (lambda nn: nn.Conv3d(2, 4, 3, padding=1, stride=(1, 2, 2)), (2, 2, 5, 6, 6)),
    (lambda nn: nn.ConvTranspose2d(3, 8, 3, stride=2, padding=1, output_padding=1), (2, 3, 5, 6)),
    (lambda nn: nn.ConvTranspose2d(4, 6, (2, 3), stride=(2, 1), groups=2, bias=False), (2, 4, 5, 6)),
    (lambda nn: nn.ConvTranspose2d(4, 6, 3, dilation=2, padding=2), (2, 4, 5, 6)),
    (lambda nn: nn.ConvTranspose1d(3, 5, 4, stride=2, padding=1), (2, 3, 7)),
    (lambda nn: nn.ZeroPad2d((1, 2, 0, 3)), (2, 3, 4, 5)),
    (lambda nn: nn.ConstantPad1d(2, 1.5), (2, 3, 4)),
    (lambda nn: nn.ConstantPad2d((1, 2, 3, 4), 3.5), (2, 3, 4, 5)),
    (lambda nn: nn.ReflectionPad1d(2), (2, 3, 5)),
    (lambda nn: nn.ReflectionPad2d(1), (2, 3, 4, 5)),
    (lambda nn: nn.ReplicationPad2d((1, 2, 3, 4)), (2, 3, 4, 5)),
    (lambda nn: nn.Upsample(scale_factor=2), (2, 3, 4, 5)),
    (lambda nn: nn.Upsample(size=(7, 9), mode="bilinear"), (2, 3, 4, 5)),
    (lambda nn: nn.Upsample(scale_factor=3, mode="bilinear", align_corners=True), (2, 3, 4, 5)),
    (lambda nn: nn.PixelShuffle(2), (2, 8, 3, 4)),
    (lambda nn: nn.PixelUnshuffle(2), (2, 2, 4, 6)),
]
# fmt: on


def _ids(rows):
    return [f"{i}" for i in range(len(rows))]


@pytest.mark.parametrize("ctor, shape", LAYERS, ids=_ids(LAYERS))
def test_seeded_init_and_repr_match_torch(ctor, shape):
    torch.manual_seed(7)
    t = ctor(tnn)
    ember.manual_seed(7)
    e = ctor(enn)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=False):
        np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())


@pytest.mark.parametrize("ctor, shape", LAYERS, ids=_ids(LAYERS))
def test_forward_and_grads_match_torch(ctor, shape):
    torch.manual_seed(0)
    t = ctor(tnn)
    e = ctor(enn)
    _copy(t, e)
    rs = np.random.RandomState(0)
    x = rs.randn(*shape).astype(np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rs.randn(*yt.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (n1, p1), (_, p2) in zip(e.named_parameters(), t.named_parameters(), strict=False):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=n1)


def test_conv_transpose_output_size_matches_torch():
    torch.manual_seed(0)
    t = tnn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    e = enn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    _copy(t, e)
    x = np.random.RandomState(0).randn(1, 3, 5, 5).astype(np.float32)
    ye = e(ember.tensor(x), output_size=[10, 10])
    yt = t(torch.tensor(x), output_size=[10, 10])
    assert tuple(ye.shape) == tuple(yt.shape) == (1, 4, 10, 10)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_lazy_conv2d_infers_in_channels_and_draws_torchs_init():
    torch.manual_seed(0)
    t = tnn.LazyConv2d(6, 5, padding=2)
    ember.manual_seed(0)
    e = enn.LazyConv2d(6, 5, padding=2)
    assert repr(e) == repr(t)
    x = np.random.RandomState(0).randn(2, 3, 8, 8).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    assert type(e).__name__ == type(t).__name__ == "Conv2d"
    assert repr(e) == repr(t)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_state_dict_round_trip_to_torch():
    e = enn.Conv2d(3, 4, 3)
    t = tnn.Conv2d(3, 4, 3)
    t.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in e.state_dict().items()})
    x = np.random.RandomState(0).randn(1, 3, 6, 6).astype(np.float32)
    np.testing.assert_allclose(
        e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )


# fmt: off
CTOR_ERRORS = [
    ("groups-zero", lambda nn: nn.Conv2d(4, 4, 3, groups=0)),
    ("in-not-divisible", lambda nn: nn.Conv2d(3, 4, 3, groups=2)),
    ("out-not-divisible", lambda nn: nn.Conv2d(4, 3, 3, groups=2)),
    ("bad-padding-string", lambda nn: nn.Conv2d(4, 4, 3, padding="full")),
    ("same-strided", lambda nn: nn.Conv2d(4, 4, 3, stride=2, padding="same")),
    ("bad-padding-mode", lambda nn: nn.Conv2d(4, 4, 3, padding_mode="foo")),
    ("transpose-padding-mode", lambda nn: nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect")),
]
FORWARD_ERRORS = [
    ("channels", lambda nn, t: nn.Conv2d(1, 6, 5)(t.randn(1, 3, 28, 28))),
    ("rank", lambda nn, t: nn.Conv2d(1, 6, 5)(t.randn(28, 28))),
    ("kernel-too-big", lambda nn, t: nn.Conv2d(1, 6, 5)(t.randn(1, 1, 4, 4))),
    ("double-input", lambda nn, t: nn.Conv2d(1, 6, 5)(t.randn(1, 1, 8, 8).double())),
    ("conv1d-rank", lambda nn, t: nn.Conv1d(1, 6, 5)(t.randn(1, 1, 8, 8))),
]
# fmt: on


@pytest.mark.parametrize("name, ctor", CTOR_ERRORS, ids=[c[0] for c in CTOR_ERRORS])
def test_constructor_errors_match_torch(name, ctor):
    with pytest.raises(Exception) as et:
        ctor(tnn)
    with pytest.raises(type(et.value)) as ee:
        ctor(enn)
    # torch: the allowed values are printed from a set, in hash order, so compare up to them
    assert str(ee.value).split(" one of ")[0] == str(et.value).split(" one of ")[0]


@pytest.mark.parametrize("name, call", FORWARD_ERRORS, ids=[c[0] for c in FORWARD_ERRORS])
def test_forward_errors_match_torch(name, call):
    with pytest.raises(Exception) as et:
        call(tnn, torch)
    with pytest.raises(type(et.value)) as ee:
        call(enn, ember)
    assert str(ee.value) == str(et.value)


# --------------------------------------------------------------------------------------------- d2l models
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


def _nin_block(nn, i, o, k, s, p):
    return nn.Sequential(
        nn.Conv2d(i, o, k, s, p), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU()
    )


def _small_cnn(nn):  # AlexNet/VGG/NiN shapes in miniature: overlapping max pools, 1x1 convs, global average pooling
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        _nin_block(nn, 8, 12, 3, 1, 1),
        nn.MaxPool2d(3, stride=2, ceil_mode=True),
        nn.Conv2d(12, 10, 3, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )


@pytest.mark.parametrize(
    "build, shape", [(_lenet, (4, 1, 28, 28)), (_small_cnn, (3, 1, 32, 32))], ids=["lenet", "nin-like"]
)
def test_d2l_cnn_matches_torch(build, shape):
    torch.manual_seed(0)
    t = build(tnn)
    ember.manual_seed(0)
    e = build(enn)
    assert repr(e) == repr(t)
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=False):  # the seeded default init is torch's
        np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())
    x = np.random.RandomState(0).rand(*shape).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    for (n1, p1), (_, p2) in zip(e.named_parameters(), t.named_parameters(), strict=False):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=n1)


@pytest.mark.parametrize("layout", ["permuted", "flipped", "sliced"])
def test_non_contiguous_input_matches_torch(layout):
    torch.manual_seed(0)
    t = tnn.Conv2d(3, 4, 3, padding=1)
    e = enn.Conv2d(3, 4, 3, padding=1)
    _copy(t, e)
    base = np.random.RandomState(0).randn(2, 20, 18, 3).astype(np.float32)

    def view(lib_x):
        if layout == "permuted":  # channels-last memory
            return lib_x.permute(0, 3, 1, 2)
        if layout == "flipped":
            return lib_x.permute(0, 3, 1, 2).flip(-1)
        return lib_x.permute(0, 3, 1, 2)[:, :, ::2, 1::3]

    xe, xt = ember.tensor(base, requires_grad=True), torch.tensor(base, requires_grad=True)
    ye, yt = e(view(xe)), t(view(xt))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["LazyConv1d", "LazyConvTranspose1d", "LazyConvTranspose2d"])
def test_lazy_variants_match_torch(name):
    nd = int(name[-2])
    torch.manual_seed(0)
    t = getattr(tnn, name)(4, 3, stride=2)
    ember.manual_seed(0)
    e = getattr(enn, name)(4, 3, stride=2)
    assert repr(e) == repr(t)
    x = np.random.RandomState(0).randn(2, 6, *([5] * nd)).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    assert repr(e) == repr(t)
    assert tuple(e.weight.shape) == tuple(t.weight.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)

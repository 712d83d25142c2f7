"""F.conv*/pool*/pad/interpolate/pixel_shuffle/unfold/fold against torch: values, gradients, double backward."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# fmt: off
# (id, call(F, *inputs), input shapes)
ROWS = [
    ("conv2d", lambda F, x, w, b: F.conv2d(x, w, b), [(2, 3, 8, 8), (4, 3, 3, 3), (4,)]),
    ("conv2d-stride-pad-dil", lambda F, x, w, b: F.conv2d(x, w, b, 2, 1, 2), [(2, 3, 9, 8), (4, 3, 3, 2), (4,)]),
    ("conv2d-tuple-args", lambda F, x, w, b: F.conv2d(x, w, b, (1, 2), (2, 0), (2, 1)), [(2, 3, 9, 8), (4, 3, 3, 2),
                                                                                          (4,)]),
    ("conv2d-groups", lambda F, x, w, b: F.conv2d(x, w, b, 1, 1, 1, 2), [(2, 4, 7, 8), (6, 2, 3, 3), (6,)]),
    ("conv2d-depthwise", lambda F, x, w: F.conv2d(x, w, None, 2, 1, 1, 4), [(2, 4, 7, 8), (8, 1, 3, 3)]),
    ("conv2d-same", lambda F, x, w: F.conv2d(x, w, padding="same"), [(2, 3, 7, 8), (6, 3, 5, 3)]),
    ("conv2d-same-odd-total", lambda F, x, w: F.conv2d(x, w, padding="same"), [(2, 3, 7, 8), (6, 3, 4, 2)]),
    ("conv2d-valid", lambda F, x, w: F.conv2d(x, w, padding="valid"), [(2, 3, 7, 8), (6, 3, 3, 3)]),
    ("conv2d-unbatched", lambda F, x, w, b: F.conv2d(x, w, b, padding=1), [(3, 6, 5), (4, 3, 3, 3), (4,)]),
    ("conv2d-1x1", lambda F, x, w, b: F.conv2d(x, w, b), [(2, 3, 5, 5), (4, 3, 1, 1), (4,)]),
    ("conv1d", lambda F, x, w, b: F.conv1d(x, w, b, 2, 1), [(2, 3, 9), (4, 3, 3), (4,)]),
    ("conv1d-groups-dil", lambda F, x, w: F.conv1d(x, w, None, 1, 2, 2, 3), [(2, 6, 9), (3, 2, 3)]),
    ("conv3d", lambda F, x, w, b: F.conv3d(x, w, b, (1, 2, 1), 1), [(2, 3, 5, 6, 5), (4, 3, 3, 3, 2), (4,)]),
    ("conv_transpose2d", lambda F, x, w, b: F.conv_transpose2d(x, w, b, 2, 1, 1), [(2, 3, 5, 6), (3, 4, 3, 3), (4,)]),
    ("conv_transpose2d-groups-dil", lambda F, x, w, b: F.conv_transpose2d(x, w, b, 2, 1, 0, 2, 2),
     [(2, 4, 5, 6), (4, 3, 3, 3), (6,)]),
    ("conv_transpose1d", lambda F, x, w: F.conv_transpose1d(x, w, None, 3, 2, 1), [(2, 4, 5), (4, 3, 4)]),
    ("max_pool2d", lambda F, x: F.max_pool2d(x, 2), [(2, 3, 8, 8)]),
    ("max_pool2d-overlap", lambda F, x: F.max_pool2d(x, 3, 2, 1), [(2, 3, 8, 8)]),
    ("max_pool2d-ceil", lambda F, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 8, 8)]),
    ("max_pool2d-dilation", lambda F, x: F.max_pool2d(x, (2, 3), (1, 2), 1, 2), [(2, 3, 8, 9)]),
    ("max_pool2d-indices", lambda F, x: F.max_pool2d(x, 3, 2, 1, return_indices=True), [(2, 3, 7, 7)]),
    ("max_pool2d-unbatched", lambda F, x: F.max_pool2d(x, 2), [(3, 6, 6)]),
    ("max_pool1d", lambda F, x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 10)]),
    ("max_pool1d-indices", lambda F, x: F.max_pool1d(x, 2, return_indices=True), [(2, 3, 10)]),
    ("avg_pool2d", lambda F, x: F.avg_pool2d(x, 2), [(2, 3, 8, 8)]),
    ("avg_pool2d-ceil-pad", lambda F, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 8, 8)]),
    ("avg_pool2d-no-count-pad", lambda F, x: F.avg_pool2d(x, 3, 2, 1, True, False), [(2, 3, 8, 8)]),
    ("avg_pool2d-divisor", lambda F, x: F.avg_pool2d(x, 3, 2, 1, divisor_override=5), [(2, 3, 8, 8)]),
    ("avg_pool1d", lambda F, x: F.avg_pool1d(x, 3, 2, 1), [(2, 3, 8)]),
    ("adaptive_avg_pool2d-uneven", lambda F, x: F.adaptive_avg_pool2d(x, (3, 4)), [(2, 3, 8, 9)]),
    ("adaptive_avg_pool2d-even", lambda F, x: F.adaptive_avg_pool2d(x, (4, 3)), [(2, 3, 8, 9)]),
    ("adaptive_avg_pool2d-global", lambda F, x: F.adaptive_avg_pool2d(x, 1), [(2, 3, 8, 9)]),
    ("adaptive_avg_pool2d-none", lambda F, x: F.adaptive_avg_pool2d(x, (None, 2)), [(2, 3, 5, 9)]),
    ("adaptive_avg_pool1d", lambda F, x: F.adaptive_avg_pool1d(x, 3), [(2, 3, 8)]),
    ("adaptive_max_pool2d-uneven", lambda F, x: F.adaptive_max_pool2d(x, (3, 4), True), [(2, 3, 8, 9)]),
    ("adaptive_max_pool2d-even", lambda F, x: F.adaptive_max_pool2d(x, (2, 3), True), [(2, 3, 8, 9)]),
    ("adaptive_max_pool1d", lambda F, x: F.adaptive_max_pool1d(x, 3), [(2, 3, 8)]),
    ("pad-constant", lambda F, x: F.pad(x, (1, 2, -1, 3), value=2.0), [(2, 3, 8, 9)]),
    ("pad-reflect", lambda F, x: F.pad(x, (1, 2, 2, 3), mode="reflect"), [(2, 3, 8, 9)]),
    ("pad-replicate", lambda F, x: F.pad(x, (1, 2, 2, 3), mode="replicate"), [(2, 3, 8, 9)]),
    ("pad-circular", lambda F, x: F.pad(x, (1, 2, 2, 3), mode="circular"), [(2, 3, 8, 9)]),
    ("pad-reflect-1d", lambda F, x: F.pad(x, (2, 1), mode="reflect"), [(2, 3, 8)]),
    ("interpolate-nearest-x2", lambda F, x: F.interpolate(x, scale_factor=2), [(2, 3, 4, 5)]),
    ("interpolate-nearest-size", lambda F, x: F.interpolate(x, size=(7, 3)), [(2, 3, 4, 5)]),
    ("interpolate-bilinear", lambda F, x: F.interpolate(x, size=(7, 9), mode="bilinear"), [(2, 3, 4, 5)]),
    ("interpolate-bilinear-align", lambda F, x: F.interpolate(x, scale_factor=1.7, mode="bilinear",
                                                              align_corners=True), [(2, 3, 4, 5)]),
    ("interpolate-linear", lambda F, x: F.interpolate(x, scale_factor=2.5, mode="linear"), [(2, 3, 4)]),
    ("pixel_shuffle", lambda F, x: F.pixel_shuffle(x, 2), [(2, 8, 4, 5)]),
    ("pixel_unshuffle", lambda F, x: F.pixel_unshuffle(x, 2), [(2, 2, 4, 6)]),
    ("unfold", lambda F, x: F.unfold(x, (2, 3), 1, 1, 2), [(2, 3, 6, 7)]),
    ("fold", lambda F, x: F.fold(x, (5, 6), 2, 1, 0, 1), [(2, 12, 20)]),
    ("conv_transpose3d", lambda F, x, w: F.conv_transpose3d(x, w, None, 2, 1, 1), [(1, 2, 3, 3, 3), (2, 3, 3, 3, 3)]),
    ("max_pool3d", lambda F, x: F.max_pool3d(x, 2, 1, 1), [(2, 2, 5, 6, 5)]),
    ("avg_pool3d", lambda F, x: F.avg_pool3d(x, 2, 1, 1, count_include_pad=False), [(2, 2, 5, 6, 5)]),
    ("adaptive_avg_pool3d", lambda F, x: F.adaptive_avg_pool3d(x, (2, 3, 4)), [(2, 2, 5, 6, 5)]),
    ("lp_pool2d", lambda F, x: F.lp_pool2d(x.abs(), 2, 2), [(2, 3, 6, 6)]),
    ("interpolate-area", lambda F, x: F.interpolate(x, size=(3, 2), mode="area"), [(2, 3, 6, 5)]),
    ("interpolate-trilinear", lambda F, x: F.interpolate(x, scale_factor=2, mode="trilinear"), [(1, 2, 3, 3, 3)]),
    ("interpolate-nearest-exact", lambda F, x: F.interpolate(x, size=(5, 7), mode="nearest-exact"), [(1, 2, 3, 4)]),
    ("interpolate-nearest-1d", lambda F, x: F.interpolate(x, scale_factor=1.5), [(2, 3, 6)]),
    ("pad-reflect-3d", lambda F, x: F.pad(x, (1, 1, 1, 1, 1, 1), mode="reflect"), [(1, 2, 3, 4, 5)]),
    ("conv2d-empty-batch", lambda F, x, w: F.conv2d(x, w), [(0, 3, 5, 5), (2, 3, 3, 3)]),
]
# fmt: on

GRADGRAD = {
    "conv2d-stride-pad-dil",
    "conv2d-groups",
    "conv_transpose2d",
    "conv1d",
    "max_pool2d-overlap",
    "avg_pool2d-ceil-pad",
    "adaptive_avg_pool2d-uneven",
    "unfold",
    "fold",
    "pad-constant",
    "pad-reflect",
    "pad-replicate",
    "pad-circular",
    "pad-reflect-3d",
    "interpolate-nearest-size",
    "interpolate-nearest-x2",
    "interpolate-bilinear",
    "interpolate-linear",
    "pixel_shuffle",
    "pixel_unshuffle",
}


def _inputs(shapes, dtype, seed=0):
    rs = np.random.RandomState(seed)
    arrs = [rs.randn(*s).astype(dtype) for s in shapes]
    return ([ember.tensor(a, requires_grad=True) for a in arrs], [torch.tensor(a, requires_grad=True) for a in arrs])


def _first(y):
    return y[0] if isinstance(y, tuple) else y


@pytest.mark.parametrize("name, call, shapes", ROWS, ids=[r[0] for r in ROWS])
def test_forward_and_grads_match_torch(name, call, shapes):
    te, tt = _inputs(shapes, np.float32)
    ye, yt = call(F, *te), call(TF, *tt)
    if isinstance(yt, tuple):  # return_indices: indices are int64 and equal
        assert ye[1].dtype == ember.int64
        np.testing.assert_array_equal(ye[1].numpy(), yt[1].numpy())
    ye, yt = _first(ye), _first(yt)
    assert tuple(ye.shape) == tuple(yt.shape)
    assert ye.dtype == ember.float32
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = np.random.RandomState(1).randn(*yt.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for a, b in zip(te, tt, strict=False):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "name, call, shapes", [r for r in ROWS if r[0] in GRADGRAD], ids=[r[0] for r in ROWS if r[0] in GRADGRAD]
)
def test_double_backward_matches_torch(name, call, shapes):
    te, tt = _inputs(shapes, np.float64)
    ye, yt = _first(call(F, *te)), _first(call(TF, *tt))
    g = np.random.RandomState(2).randn(*yt.shape)
    ge = ember.autograd.grad(ye * ye, te, ember.tensor(g), create_graph=True)
    gt = torch.autograd.grad(yt * yt, tt, torch.tensor(g), create_graph=True)
    he = ember.autograd.grad(sum((a * a).sum() for a in ge), te, allow_unused=True)
    ht = torch.autograd.grad(sum((a * a).sum() for a in gt), tt, allow_unused=True)
    for a, b in zip(he, ht, strict=False):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-8)


GRAD_FN_ROWS = [
    "pixel_shuffle",
    "pixel_unshuffle",
    "interpolate-bilinear",
    "interpolate-bilinear-align",
    "interpolate-linear",
    "interpolate-trilinear",
    "interpolate-nearest-x2",
    "interpolate-nearest-size",
    "interpolate-nearest-exact",
    "interpolate-nearest-1d",
    "pad-reflect",
    "pad-replicate",
    "pad-circular",
    "pad-reflect-1d",
    "pad-reflect-3d",
    "conv2d",
    "conv_transpose2d",
    "max_pool2d",
    "avg_pool2d",
    "max_pool1d",
    "adaptive_avg_pool2d-uneven",
    "adaptive_avg_pool2d-global",
    "adaptive_max_pool2d-even",
    "pad-constant",
    "unfold",
    "fold",
]


@pytest.mark.parametrize("name", GRAD_FN_ROWS)
def test_grad_fn_names_match_torch(name):
    _, call, shapes = next(r for r in ROWS if r[0] == name)
    te, tt = _inputs(shapes, np.float32)
    assert _first(call(F, *te)).grad_fn.name() == _first(call(TF, *tt)).grad_fn.name()


def test_float64_conv_stays_float64():
    te, tt = _inputs([(1, 2, 5, 5), (3, 2, 3, 3)], np.float64)
    ye = F.conv2d(*te)
    assert ye.dtype == ember.float64
    np.testing.assert_allclose(ye.detach().numpy(), TF.conv2d(*tt).detach().numpy(), rtol=1e-12)


def test_no_graph_without_grad():
    x, w = ember.randn(1, 1, 5, 5), ember.randn(2, 1, 3, 3)
    y = F.conv2d(x, w)
    assert y.grad_fn is None and not y.requires_grad


# fmt: off
ERRORS = [
    ("conv2d-rank", lambda F, t: F.conv2d(t.randn(2, 3), t.randn(6, 1, 5, 5))),
    ("conv2d-channels", lambda F, t: F.conv2d(t.randn(1, 3, 28, 28), t.randn(6, 1, 5, 5))),
    ("conv2d-groups", lambda F, t: F.conv2d(t.randn(1, 3, 28, 28), t.randn(6, 3, 5, 5), groups=2)),
    ("conv2d-kernel-too-big", lambda F, t: F.conv2d(t.randn(1, 1, 4, 4), t.randn(6, 1, 5, 5))),
    ("conv2d-input-double", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8).double(), t.randn(6, 3, 5, 5))),
    ("conv2d-weight-double", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8), t.randn(6, 3, 5, 5).double())),
    ("conv2d-bias-double", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8), t.randn(6, 3, 5, 5), t.randn(6).double())),
    ("conv2d-bias-size", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8), t.randn(6, 3, 5, 5), t.randn(5))),
    ("conv2d-same-strided", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8), t.randn(6, 3, 5, 5), stride=2,
                                                  padding="same")),
    ("conv2d-bad-padding-string", lambda F, t: F.conv2d(t.randn(1, 3, 8, 8), t.randn(6, 3, 5, 5), padding="foo")),
    ("conv2d-stride-length", lambda F, t: F.conv1d(t.randn(1, 3, 8), t.randn(6, 3, 5), stride=(1, 1))),
    ("conv1d-rank", lambda F, t: F.conv1d(t.randn(2, 3, 4, 5), t.randn(6, 3, 5))),
    ("max_pool2d-pad", lambda F, t: F.max_pool2d(t.randn(1, 1, 8, 8), 3, padding=2)),
    ("max_pool2d-rank", lambda F, t: F.max_pool2d(t.randn(3, 2), 3)),
    ("max_pool2d-too-small", lambda F, t: F.max_pool2d(t.randn(1, 1, 2, 2), 3)),
    ("avg_pool2d-too-small", lambda F, t: F.avg_pool2d(t.randn(1, 1, 2, 2), 3)),
    ("avg_pool2d-pad", lambda F, t: F.avg_pool2d(t.randn(1, 1, 8, 8), 2, padding=2)),
    ("pixel_unshuffle-width", lambda F, t: F.pixel_unshuffle(t.randn(2, 3, 4, 5), 2)),
    ("pixel_unshuffle-rank", lambda F, t: F.pixel_unshuffle(t.randn(4, 5), 2)),
    ("pixel_shuffle-channels", lambda F, t: F.pixel_shuffle(t.randn(2, 3, 4, 5), 2)),
    ("pad-odd-length", lambda F, t: F.pad(t.randn(1, 1, 8, 8), (1, 2, 3))),
    ("pad-reflect-too-big", lambda F, t: F.pad(t.randn(1, 1, 3, 3), (3, 3), mode="reflect")),
]
# fmt: on


@pytest.mark.parametrize("name, call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    with pytest.raises(Exception) as et:
        call(TF, torch)
    with pytest.raises(type(et.value)) as ee:
        call(F, ember)
    assert str(ee.value).split("\n")[0] == str(et.value).split("\n")[0]


CONV_ROWS = [r for r in ROWS if r[0].startswith(("conv", "unfold", "fold"))]


@pytest.mark.parametrize("threshold", [0, 10**9], ids=["batch-outer", "batch-last"])
@pytest.mark.parametrize("name, call, shapes", CONV_ROWS, ids=[r[0] for r in CONV_ROWS])
def test_both_column_layouts_match_torch(name, call, shapes, threshold, monkeypatch):
    from ember.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "_BATCH_LAST_BELOW", threshold)
    te, tt = _inputs(shapes, np.float64)
    ye, yt = _first(call(F, *te)), _first(call(TF, *tt))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.RandomState(1).randn(*yt.shape)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for a, b in zip(te, tt, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)

"""Each layer with torch's weights: same outputs and same input and parameter gradients as torch."""

from __future__ import annotations

import numpy as np
import pytest
from nn_cases import assert_close, copy_weights, run_both, to_e

import ember

torch = pytest.importorskip("torch")
enn = ember.nn
tnn = torch.nn


def rand(*shape, dtype=np.float32, seed=0, scale=1.0):
    return torch.from_numpy((np.random.RandomState(seed).randn(*shape) * scale).astype(dtype))


# (id, constructor taking the nn namespace, input shapes (float inputs that require grad))
# fmt: off
LAYERS = [
    ("Linear",            lambda nn: nn.Linear(5, 3),                           [(4, 5)]),
    ("Linear-3d",         lambda nn: nn.Linear(5, 3),                           [(2, 4, 5)]),
    ("Linear-1d",         lambda nn: nn.Linear(5, 3),                           [(5,)]),
    ("Linear-nobias",     lambda nn: nn.Linear(5, 3, bias=False),               [(4, 5)]),
    ("Linear-4d-nobias",  lambda nn: nn.Linear(5, 3, bias=False),               [(2, 2, 4, 5)]),
    ("Bilinear",          lambda nn: nn.Bilinear(3, 4, 2),                      [(5, 3), (5, 4)]),
    ("Identity",          lambda nn: nn.Identity(3, x=1),                       [(2, 3)]),
    ("ReLU",              lambda nn: nn.ReLU(),                                 [(3, 4)]),
    ("ReLU6",             lambda nn: nn.ReLU6(),                                [(3, 4)]),
    ("LeakyReLU",         lambda nn: nn.LeakyReLU(0.2),                         [(3, 4)]),
    ("ELU",               lambda nn: nn.ELU(0.7),                               [(3, 4)]),
    ("SELU",              lambda nn: nn.SELU(),                                 [(3, 4)]),
    ("CELU",              lambda nn: nn.CELU(1.5),                              [(3, 4)]),
    ("GELU",              lambda nn: nn.GELU(),                                 [(3, 4)]),
    ("GELU-tanh",         lambda nn: nn.GELU("tanh"),                           [(3, 4)]),
    ("SiLU",              lambda nn: nn.SiLU(),                                 [(3, 4)]),
    ("Mish",              lambda nn: nn.Mish(),                                 [(3, 4)]),
    ("Sigmoid",           lambda nn: nn.Sigmoid(),                              [(3, 4)]),
    ("Tanh",              lambda nn: nn.Tanh(),                                 [(3, 4)]),
    ("Hardtanh",          lambda nn: nn.Hardtanh(-0.5, 0.8),                    [(3, 4)]),
    ("Hardswish",         lambda nn: nn.Hardswish(),                            [(3, 4)]),
    ("Hardsigmoid",       lambda nn: nn.Hardsigmoid(),                          [(3, 4)]),
    ("Softplus",          lambda nn: nn.Softplus(beta=2.0, threshold=1.0),      [(3, 4)]),
    ("Softsign",          lambda nn: nn.Softsign(),                             [(3, 4)]),
    ("Tanhshrink",        lambda nn: nn.Tanhshrink(),                           [(3, 4)]),
    ("Threshold",         lambda nn: nn.Threshold(0.1, 20.0),                   [(3, 4)]),
    ("LogSigmoid",        lambda nn: nn.LogSigmoid(),                           [(3, 4)]),
    ("Softmax",           lambda nn: nn.Softmax(dim=1),                         [(3, 4)]),
    ("Softmax-dim0",      lambda nn: nn.Softmax(dim=0),                         [(3, 4, 2)]),
    ("LogSoftmax",        lambda nn: nn.LogSoftmax(dim=-1),                     [(3, 4)]),
    ("Softmin",           lambda nn: nn.Softmin(dim=1),                         [(3, 4)]),
    ("PReLU",             lambda nn: nn.PReLU(),                                [(3, 4)]),
    ("PReLU-channels",    lambda nn: nn.PReLU(4),                               [(3, 4, 5)]),
    ("GLU",               lambda nn: nn.GLU(dim=1),                             [(3, 4)]),
    ("Flatten",           lambda nn: nn.Flatten(),                              [(2, 3, 4)]),
    ("Unflatten",         lambda nn: nn.Unflatten(1, (2, 3)),                   [(4, 6)]),
    ("BatchNorm1d",       lambda nn: nn.BatchNorm1d(4),                         [(6, 4)]),
    ("BatchNorm1d-3d",    lambda nn: nn.BatchNorm1d(4),                         [(3, 4, 5)]),
    ("BatchNorm2d",       lambda nn: nn.BatchNorm2d(3),                         [(4, 3, 5, 5)]),
    ("BatchNorm2d-noaff", lambda nn: nn.BatchNorm2d(3, affine=False),           [(4, 3, 2, 2)]),
    ("BatchNorm2d-nostat", lambda nn: nn.BatchNorm2d(3, track_running_stats=False), [(4, 3, 2, 2)]),
    ("BatchNorm3d",       lambda nn: nn.BatchNorm3d(2),                         [(2, 2, 3, 2, 2)]),
    ("LayerNorm",         lambda nn: nn.LayerNorm(5),                           [(3, 4, 5)]),
    ("LayerNorm-2d",      lambda nn: nn.LayerNorm((4, 5)),                      [(3, 4, 5)]),
    ("LayerNorm-noaff",   lambda nn: nn.LayerNorm(5, elementwise_affine=False), [(3, 5)]),
    ("GroupNorm",         lambda nn: nn.GroupNorm(2, 4),                        [(3, 4, 5)]),
    ("GroupNorm-4d",      lambda nn: nn.GroupNorm(3, 6),                        [(2, 6, 3, 3)]),
    ("InstanceNorm1d",    lambda nn: nn.InstanceNorm1d(3),                      [(2, 3, 5)]),
    ("InstanceNorm2d",    lambda nn: nn.InstanceNorm2d(3, affine=True),         [(2, 3, 4, 4)]),
    ("LocalResponseNorm", lambda nn: nn.LocalResponseNorm(3),                   [(2, 5, 3, 3)]),
    ("RMSNorm",           lambda nn: nn.RMSNorm(4),                             [(3, 4)]),
]
# fmt: on


@pytest.mark.parametrize("name, build, shapes", LAYERS, ids=[r[0] for r in LAYERS])
def test_layer_forward_and_grads_match_torch(name, build, shapes):
    t, e = build(tnn), build(enn)
    assert repr(e) == repr(t)
    copy_weights(t, e)
    if any(p.numel() > 1 for p in t.parameters()):  # non-trivial weights (BN's ones/zeros hide mistakes)
        with torch.no_grad():
            for i, p in enumerate(t.parameters()):
                p.copy_(rand(*p.shape, seed=10 + i))
        copy_weights(t, e)
    inputs = [rand(*s, seed=i).requires_grad_(True) for i, s in enumerate(shapes)]
    run_both(t, e, inputs, atol=2e-5, rtol=2e-4)
    # buffers (running statistics) move the same way
    for (n1, b1), (n2, b2) in zip(e.named_buffers(), t.named_buffers(), strict=True):
        assert n1 == n2
        assert_close(b1, b2, 1e-6, 1e-5, n1)


@pytest.mark.parametrize("build, shape", [
    (lambda nn: nn.BatchNorm1d(4), (6, 4)),
    (lambda nn: nn.BatchNorm2d(3, momentum=None), (4, 3, 2, 2)),
    (lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    (lambda nn: nn.InstanceNorm2d(3, track_running_stats=True), (2, 3, 4, 4)),
])
def test_batchnorm_running_stats_then_eval_match_torch(build, shape):
    t, e = build(tnn), build(enn)
    for step in range(3):
        x = rand(*shape, seed=step, scale=2.0) + step
        assert_close(e(to_e(x)), t(x), 1e-5, 1e-4, f"train step {step}")
    for (n1, b1), (n2, b2) in zip(e.state_dict().items(), t.state_dict().items(), strict=True):
        assert n1 == n2
        assert_close(b1, b2, 1e-6, 1e-5, n1)
    t.eval()
    e.eval()
    x = rand(*shape, seed=7).requires_grad_(True)
    run_both(t, e, [x])


def test_batchnorm_errors_match_torch():
    for build, shape in [(lambda nn: nn.BatchNorm2d(3), (2, 3)), (lambda nn: nn.BatchNorm1d(3), (2, 3, 4, 5)),
                         (lambda nn: nn.BatchNorm1d(3), (1, 3))]:
        with pytest.raises(ValueError) as te:
            build(tnn)(torch.ones(*shape))
        with pytest.raises(ValueError) as ee:
            build(enn)(ember.ones(*shape))
        assert str(ee.value) == str(te.value)


def test_embedding_matches_torch():
    t = tnn.Embedding(10, 4, padding_idx=2)
    e = enn.Embedding(10, 4, padding_idx=2)
    assert repr(e) == repr(t)
    copy_weights(t, e)
    idx = torch.tensor([[1, 2, 3], [2, 9, 1]])
    run_both(t, e, [idx])
    pre = torch.randn(5, 3)
    tf = tnn.Embedding.from_pretrained(pre)
    ef = enn.Embedding.from_pretrained(to_e(pre))
    assert not ef.weight.requires_grad and repr(ef) == repr(tf)
    assert_close(ef(ember.tensor([0, 4])), tf(torch.tensor([0, 4])))
    with pytest.raises(IndexError, match="index out of range in self"):
        e(ember.tensor([10]))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    t = tnn.EmbeddingBag(10, 3, mode=mode)
    e = enn.EmbeddingBag(10, 3, mode=mode)
    copy_weights(t, e)
    run_both(t, e, [torch.tensor([[1, 2, 4], [4, 3, 9]])])
    tf = t(torch.tensor([1, 2, 4, 5, 4, 3]), torch.tensor([0, 2]))
    ef = e(ember.tensor([1, 2, 4, 5, 4, 3]), ember.tensor([0, 2]))
    assert_close(ef, tf)


@pytest.mark.parametrize("cls, p, shape", [
    ("Dropout", 0.5, (4, 5)), ("Dropout", 0.2, (3, 7, 2)), ("Dropout", 1.0, (2, 3)), ("Dropout", 0.0, (2, 3)),
    ("Dropout1d", 0.5, (4, 3, 5)), ("Dropout2d", 0.4, (2, 6, 3, 3)), ("Dropout3d", 0.5, (2, 4, 2, 2, 2)),
    ("AlphaDropout", 0.3, (5, 6)), ("FeatureAlphaDropout", 0.3, (2, 4, 3, 3)), ("Dropout2d", 0.5, (3, 4, 4)),
])
@pytest.mark.filterwarnings("ignore:dropout2d. Received a 3D input")
def test_seeded_dropout_masks_equal_torch(cls, p, shape):
    t, e = getattr(tnn, cls)(p), getattr(enn, cls)(p)
    assert repr(e) == repr(t)
    x = rand(*shape, seed=3).requires_grad_(True)
    torch.manual_seed(5)
    ember.manual_seed(5)
    run_both(t, e, [x], atol=1e-6)
    t.eval()
    e.eval()
    assert_close(e(to_e(x)), t(x))


def test_functional_dropout_and_inplace_relu():
    import torch.nn.functional as TF

    F = enn.functional
    x = rand(3, 4, seed=1)
    torch.manual_seed(0)
    ember.manual_seed(0)
    assert_close(F.dropout(to_e(x), 0.3), TF.dropout(x, 0.3))
    assert_close(F.dropout(to_e(x), 0.3, training=False), TF.dropout(x, 0.3, training=False))
    ex, tx = to_e(x), x.clone()
    assert F.relu(ex, inplace=True) is ex
    TF.relu(tx, inplace=True)
    assert_close(ex, tx)
    ey = to_e(x)
    enn.ReLU(inplace=True)(ey)
    assert_close(ey, tx)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        enn.Dropout(1.5)


@pytest.mark.parametrize("fn, args", [
    ("softmax", dict(dim=1)), ("log_softmax", dict(dim=0)), ("softmax", dict(dim=-1, dtype="float64")),
    ("gelu", {}), ("silu", {}), ("elu", dict(alpha=0.5)), ("leaky_relu", dict(negative_slope=0.3)),
    ("softplus", {}), ("hardtanh", {}), ("sigmoid", {}), ("tanh", {}), ("relu6", {}), ("normalize", {}),
    ("normalize", dict(p=1.0, dim=0)), ("glu", {}), ("logsigmoid", {}), ("mish", {}), ("selu", {}),
])
def test_functional_matches_torch(fn, args):
    import torch.nn.functional as TF

    targs = {k: (getattr(torch, v) if k == "dtype" else v) for k, v in args.items()}
    eargs = {k: (getattr(ember, v) if k == "dtype" else v) for k, v in args.items()}
    x = rand(4, 6, seed=2, scale=3.0).requires_grad_(True)
    ex = to_e(x, True)
    tout = getattr(TF, fn)(x, **targs)
    eout = getattr(enn.functional, fn)(ex, **eargs)
    assert_close(eout, tout, 1e-6, 1e-5)
    assert eout.grad_fn.name() == tout.grad_fn.name()
    cot = rand(*tout.shape, seed=9).to(tout.dtype)
    tout.backward(cot)
    eout.backward(to_e(cot))
    assert_close(ex.grad, x.grad, 1e-6, 1e-5)


def test_softmax_is_stable_and_tensor_methods():
    x = ember.tensor([[1000.0, 0.0, -1000.0]])
    assert_close(ember.softmax(x, 1), torch.softmax(torch.tensor([[1000.0, 0.0, -1000.0]]), 1))
    assert_close(x.log_softmax(-1), torch.tensor([[1000.0, 0.0, -1000.0]]).log_softmax(-1))
    assert_close(ember.log_softmax(x, dim=1), torch.log_softmax(torch.tensor([[1000.0, 0.0, -1000.0]]), dim=1))


def test_one_hot_cosine_pairwise():
    import torch.nn.functional as TF

    F = enn.functional
    assert F.one_hot(ember.tensor([0, 2, 1])).tolist() == TF.one_hot(torch.tensor([0, 2, 1])).tolist()
    assert F.one_hot(ember.tensor([0, 2]), 5).dtype is ember.int64
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(ember.tensor([0.0]))
    a, b = rand(3, 4, seed=1), rand(3, 4, seed=2)
    assert_close(F.cosine_similarity(to_e(a), to_e(b)), TF.cosine_similarity(a, b))
    assert_close(F.cosine_similarity(to_e(a), to_e(b), dim=0), TF.cosine_similarity(a, b, dim=0))
    assert_close(F.pairwise_distance(to_e(a), to_e(b)), TF.pairwise_distance(a, b))
    assert_close(F.pairwise_distance(to_e(a), to_e(b), p=1.0), TF.pairwise_distance(a, b, p=1.0))


def test_layer_norm_functional_and_errors():
    import torch.nn.functional as TF

    x = rand(2, 3, 4, seed=4)
    w, b = rand(4, seed=5), rand(4, seed=6)
    assert_close(enn.functional.layer_norm(to_e(x), (4,), to_e(w), to_e(b)), TF.layer_norm(x, (4,), w, b))
    with pytest.raises(RuntimeError) as te:
        TF.layer_norm(x, (5,))
    with pytest.raises(RuntimeError) as ee:
        enn.functional.layer_norm(to_e(x), (5,))
    assert str(ee.value) == str(te.value)


def test_double_precision_layers():
    t, e = tnn.Sequential(tnn.Linear(3, 4), tnn.Tanh(), tnn.LayerNorm(4)).double(), \
        enn.Sequential(enn.Linear(3, 4), enn.Tanh(), enn.LayerNorm(4)).double()
    copy_weights(t, e)
    run_both(t, e, [rand(5, 3, dtype=np.float64).requires_grad_(True)], atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("kw, call", [
    (dict(), dict()),
    (dict(batch_first=True), dict()),
    (dict(bias=False), dict(need_weights=False)),
    (dict(kdim=3, vdim=5), dict(average_attn_weights=False)),
    (dict(add_bias_kv=True, add_zero_attn=True), dict()),
    (dict(), dict(mask="causal")),
    (dict(), dict(mask="padding")),
])
def test_multihead_attention_matches_torch(kw, call):
    torch.manual_seed(0)
    t = tnn.MultiheadAttention(8, 2, **kw)
    ember.manual_seed(0)
    e = enn.MultiheadAttention(8, 2, **kw)
    assert repr(e) == repr(t)
    for (n1, p1), (n2, p2) in zip(e.named_parameters(), t.named_parameters(), strict=True):
        assert n1 == n2
        np.testing.assert_allclose(p1.detach().numpy(), p2.detach().numpy(), atol=1e-7, err_msg=n1)
    L, S, N = 4, 5, 3
    first = (N, L) if kw.get("batch_first") else (L, N)
    kv_first = (N, S) if kw.get("batch_first") else (S, N)
    q = rand(*first, 8, seed=1).requires_grad_(True)
    k = rand(*kv_first, kw.get("kdim", 8), seed=2).requires_grad_(True)
    v = rand(*kv_first, kw.get("vdim", 8), seed=3).requires_grad_(True)
    call = dict(call)
    mask = call.pop("mask", None)
    tkw, ekw = dict(call), dict(call)
    if mask == "causal":
        m = np.triu(np.ones((L, S), dtype=bool), 1)
        tkw["attn_mask"], ekw["attn_mask"] = torch.from_numpy(m), ember.from_numpy(m)
    if mask == "padding":
        m = np.zeros((N, S), dtype=bool)
        m[:, -2:] = True
        tkw["key_padding_mask"], ekw["key_padding_mask"] = torch.from_numpy(m), ember.from_numpy(m)
    tout, tw = t(q, k, v, **tkw)
    ein = [to_e(x, True) for x in (q, k, v)]
    eout, ew = e(*ein, **ekw)
    assert_close(eout, tout, 1e-5, 1e-4, "output")
    if tw is None:
        assert ew is None
    else:
        assert_close(ew, tw, 1e-6, 1e-4, "weights")
    cot = rand(*tout.shape, seed=4)
    tout.backward(cot)
    eout.backward(to_e(cot))
    for a, b in zip(ein, (q, k, v), strict=True):
        assert_close(a.grad, b.grad, 1e-5, 1e-4, "input grad")
    tp = dict(t.named_parameters())
    for n, p in e.named_parameters():
        assert_close(p.grad, tp[n].grad, 1e-5, 1e-4, n)


def test_scaled_dot_product_attention_matches_torch():
    import torch.nn.functional as TF

    q, k, v = rand(2, 3, 4, 8, seed=1), rand(2, 3, 6, 8, seed=2), rand(2, 3, 6, 5, seed=3)
    assert_close(enn.functional.scaled_dot_product_attention(to_e(q), to_e(k), to_e(v)),
                 TF.scaled_dot_product_attention(q, k, v), 1e-5, 1e-4)
    m = torch.rand(4, 6) > 0.3
    m[:, 0] = True
    assert_close(enn.functional.scaled_dot_product_attention(to_e(q), to_e(k), to_e(v), attn_mask=to_e(m)),
                 TF.scaled_dot_product_attention(q, k, v, attn_mask=m), 1e-5, 1e-4)
    q2, k2, v2 = rand(2, 5, 8, seed=1), rand(2, 5, 8, seed=2), rand(2, 5, 8, seed=3)
    assert_close(enn.functional.scaled_dot_product_attention(to_e(q2), to_e(k2), to_e(v2), is_causal=True,
                                                             scale=0.5),
                 TF.scaled_dot_product_attention(q2, k2, v2, is_causal=True, scale=0.5), 1e-5, 1e-4)


# fmt: off
GRADGRAD = {
    "tanh": lambda F, z: F.tanh(z), "gelu": lambda F, z: F.gelu(z), "softmax": lambda F, z: F.softmax(z, 1),
    "log_softmax": lambda F, z: F.log_softmax(z, 1), "elu": lambda F, z: F.elu(z), "silu": lambda F, z: F.silu(z),
    "softplus": lambda F, z: F.softplus(z), "leaky_relu": lambda F, z: F.leaky_relu(z, 0.1),
    "mish": lambda F, z: F.mish(z), "layer_norm": lambda F, z: F.layer_norm(z, (3,)),
    "hardswish": lambda F, z: F.hardswish(z), "sigmoid": lambda F, z: F.sigmoid(z),
    "batch_norm": lambda F, z: F.batch_norm(z, None, None, training=True),
}
# fmt: on


@pytest.mark.parametrize("name", list(GRADGRAD))
def test_double_backward_through_layer_and_losses_matches_torch(name):
    def run(lib, F):
        x = lib.tensor(np.random.RandomState(0).randn(4, 5).astype(np.float32), requires_grad=True)
        w = lib.tensor(np.random.RandomState(1).randn(3, 5).astype(np.float32), requires_grad=True)
        b = lib.tensor(np.random.RandomState(2).randn(3).astype(np.float32), requires_grad=True)
        out = GRADGRAD[name](F, F.linear(x, w, b))
        loss = F.cross_entropy(out, lib.tensor([0, 2, 1, 2])) + F.mse_loss(out ** 2, lib.zeros(4, 3))
        (gx,) = lib.autograd.grad(loss, x, create_graph=True)
        (gx * gx).sum().backward()
        return w.grad.numpy(), b.grad.numpy(), x.grad.numpy()

    for a, b in zip(run(torch, torch.nn.functional), run(ember, enn.functional), strict=True):
        np.testing.assert_allclose(b, a, atol=1e-5 * max(1.0, float(np.abs(a).max())), rtol=1e-3)


def test_relu_keeps_negative_zero_and_nan_like_torch():
    vals = [-0.0, 0.0, float("nan"), -1.0, 2.0, float("-inf")]
    t = torch.relu(torch.tensor(vals))
    e = enn.functional.relu(ember.tensor(vals))
    np.testing.assert_array_equal(np.signbit(e.numpy()), np.signbit(t.numpy()))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    x = ember.tensor(vals[3:], requires_grad=True)
    y = enn.ReLU()(x)
    assert y.grad_fn.name() == "ReluBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    assert enn.functional.relu(ember.tensor([-1, 2])).tolist() == [0, 2]


@pytest.mark.parametrize("fn", ["leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "hardtanh", "hardswish",
                                "hardsigmoid", "softplus", "threshold", "logsigmoid", "glu", "prelu", "softmax",
                                "log_softmax", "relu", "sigmoid", "tanh"])
def test_activations_on_integer_tensors_like_torch(fn):
    def run(lib, F):
        x = lib.ones(2, dtype=lib.int64)
        args = {"threshold": (0.1, 2), "prelu": (lib.ones(1, dtype=lib.int64),), "softmax": (0,),
                "log_softmax": (0,)}.get(fn, ())
        try:
            r = getattr(F, fn)(x, *args)
            return "ok", str(r.dtype).split(".")[-1], r.tolist()
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return type(e).__name__, str(e)

    assert run(ember, enn.functional) == run(torch, torch.nn.functional)

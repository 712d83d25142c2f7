"""nn.RNN/GRU/LSTM and cells against torch: same weights -> same outputs, states and gradients; names, init, reprs."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn


def _copy(src, dst):
    """Copy torch module ``src``'s parameters into ember module ``dst`` through NumPy."""
    sd = {k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()}
    dst.load_state_dict(sd)


def _pair(ctor, seed=0):
    torch.manual_seed(seed)
    t = ctor(tnn)
    e = ctor(enn)
    _copy(t, e)
    return e, t


# fmt: off
# (id, constructor(nn), input shape, use initial state)
LAYERS = [
    ("rnn", lambda nn: nn.RNN(5, 7), (6, 3, 5), False),
    ("rnn-h0", lambda nn: nn.RNN(5, 7), (6, 3, 5), True),
    ("rnn-relu", lambda nn: nn.RNN(5, 7, nonlinearity="relu"), (6, 3, 5), True),
    ("rnn-2layer-bidir", lambda nn: nn.RNN(5, 7, num_layers=2, bidirectional=True), (6, 3, 5), True),
    ("rnn-batch-first-nobias", lambda nn: nn.RNN(5, 7, bias=False, batch_first=True), (3, 6, 5), True),
    ("rnn-unbatched", lambda nn: nn.RNN(5, 7, num_layers=2), (6, 5), True),
    ("gru", lambda nn: nn.GRU(5, 7), (6, 3, 5), True),
    ("gru-2layer-bidir", lambda nn: nn.GRU(5, 7, num_layers=2, bidirectional=True), (6, 3, 5), True),
    ("gru-batch-first", lambda nn: nn.GRU(5, 7, batch_first=True), (3, 6, 5), False),
    ("lstm", lambda nn: nn.LSTM(5, 7), (6, 3, 5), True),
    ("lstm-noh0", lambda nn: nn.LSTM(5, 7), (6, 3, 5), False),
    ("lstm-3layer-bidir", lambda nn: nn.LSTM(5, 7, num_layers=3, bidirectional=True), (6, 3, 5), True),
    ("lstm-batch-first-nobias", lambda nn: nn.LSTM(5, 7, bias=False, batch_first=True), (3, 6, 5), True),
    ("lstm-unbatched", lambda nn: nn.LSTM(5, 7), (6, 5), True),
]
# fmt: on


def _states(mod, shape, lstm, rs):
    D = 2 if mod.bidirectional else 1
    if len(shape) == 2:
        hshape = (mod.num_layers * D, mod.hidden_size)
    else:
        B = shape[0] if mod.batch_first else shape[1]
        hshape = (mod.num_layers * D, B, mod.hidden_size)
    n = 2 if lstm else 1
    return [rs.randn(*hshape).astype(np.float32) for _ in range(n)]


@pytest.mark.parametrize("name, ctor, shape, with_state", LAYERS, ids=[r[0] for r in LAYERS])
def test_layer_matches_torch(name, ctor, shape, with_state):
    e, t = _pair(ctor)
    lstm = isinstance(t, tnn.LSTM)
    rs = np.random.RandomState(0)
    x = rs.randn(*shape).astype(np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    states = _states(t, shape, lstm, rs) if with_state else None
    if states is None:
        se = st = None
    else:
        se_l = [ember.tensor(s, requires_grad=True) for s in states]
        st_l = [torch.tensor(s, requires_grad=True) for s in states]
        se, st = (tuple(se_l), tuple(st_l)) if lstm else (se_l[0], st_l[0])
    ye, he = e(xe, se)
    yt, ht = t(xt, st)
    he = he if lstm else (he,)
    ht = ht if lstm else (ht,)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    for a, b in zip(he, ht, strict=False):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-5)
    # a seeded cotangent on every output, so swapped gradients would show
    gs = [rs.randn(*ye.shape).astype(np.float32)] + [rs.randn(*a.shape).astype(np.float32) for a in he]
    le = sum((o * ember.tensor(g)).sum() for o, g in zip([ye, *he], gs, strict=False))
    lt = sum((o * torch.tensor(g)).sum() for o, g in zip([yt, *ht], gs, strict=False))
    le.backward()
    lt.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    if states is not None:
        for a, b in zip(se_l, st_l, strict=False):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n1, p1), (n2, p2) in zip(e.named_parameters(), t.named_parameters(), strict=False):
        assert n1 == n2
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=n1)


def test_one_graph_node_per_layer_and_direction():
    e = enn.LSTM(3, 4, num_layers=2)
    y, (h, c) = e(ember.randn(50, 2, 3))
    assert y.grad_fn.name() == "MkldnnRnnLayerBackward0"  # torch's node for a fused LSTM layer on CPU
    # walking back from y: one layer node, then the layer below, not 50 time steps
    assert y.grad_fn.next_functions[0][0].name() == "MkldnnRnnLayerBackward0"


@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
def test_double_backward_through_layer_matches_torch(cls):
    e, t = _pair(lambda nn: getattr(nn, cls)(3, 4).double())
    x = np.random.RandomState(0).randn(5, 2, 3)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad(e(xe)[0].pow(2).sum(), xe, create_graph=True)
    (gt,) = torch.autograd.grad(t(xt)[0].pow(2).sum(), xt, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-10)
    (ge * ge).sum().backward()
    (gt * gt).sum().backward()
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=False):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-8, atol=1e-10)


# fmt: off
CELLS = [
    ("rnncell", lambda nn: nn.RNNCell(5, 7), 1),
    ("rnncell-relu-nobias", lambda nn: nn.RNNCell(5, 7, bias=False, nonlinearity="relu"), 1),
    ("grucell", lambda nn: nn.GRUCell(5, 7), 1),
    ("lstmcell", lambda nn: nn.LSTMCell(5, 7), 2),
]
# fmt: on


@pytest.mark.parametrize("name, ctor, n_states", CELLS, ids=[c[0] for c in CELLS])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_matches_torch(name, ctor, n_states, batched):
    e, t = _pair(ctor)
    rs = np.random.RandomState(0)
    lead = (3,) if batched else ()
    x = rs.randn(*lead, 5).astype(np.float32)
    hs = [rs.randn(*lead, 7).astype(np.float32) for _ in range(n_states)]
    he = tuple(ember.tensor(h) for h in hs)
    ht = tuple(torch.tensor(h) for h in hs)
    oe = e(ember.tensor(x), he if n_states == 2 else he[0])
    ot = t(torch.tensor(x), ht if n_states == 2 else ht[0])
    oe = oe if n_states == 2 else (oe,)
    ot = ot if n_states == 2 else (ot,)
    for a, b in zip(oe, ot, strict=False):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    sum(o.sum() for o in oe).backward()
    sum(o.sum() for o in ot).backward()
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=False):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-4, atol=1e-5)


# fmt: off
CTORS = [
    lambda nn: nn.RNN(28, 256),
    lambda nn: nn.RNN(10, 20, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5, bidirectional=True),
    lambda nn: nn.GRU(28, 128),
    lambda nn: nn.GRU(28, 32, num_layers=2, bidirectional=True),
    lambda nn: nn.LSTM(28, 64, num_layers=2),
    lambda nn: nn.RNNCell(3, 4),
    lambda nn: nn.RNNCell(3, 4, nonlinearity="relu"),
    lambda nn: nn.GRUCell(3, 4, bias=False),
    lambda nn: nn.LSTMCell(3, 4),
]
# fmt: on


@pytest.mark.parametrize("i", range(len(CTORS)))
def test_seeded_init_names_and_repr_match_torch(i):
    torch.manual_seed(3)
    t = CTORS[i](tnn)
    ember.manual_seed(3)
    e = CTORS[i](enn)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=False):
        np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())
    if hasattr(t, "_flat_weights_names"):
        assert e._flat_weights_names == t._flat_weights_names
        assert [tuple(w.shape) for w in e._flat_weights] == [tuple(w.shape) for w in t._flat_weights]


def test_float64_default_dtype_layer():
    ember.set_default_dtype(ember.float64)
    e = enn.GRU(3, 4)
    assert e.weight_ih_l0.dtype == ember.float64
    y, h = e(ember.zeros(2, 1, 3))
    assert y.dtype == ember.float64


# fmt: off
ERRORS = [
    ("input-size", lambda nn, t: nn.RNN(10, 20)(t.randn(5, 3, 4))),
    ("hidden-size", lambda nn, t: nn.RNN(10, 20)(t.randn(5, 3, 10), t.randn(2, 3, 20))),
    ("input-rank", lambda nn, t: nn.RNN(10, 20)(t.randn(2, 5, 3, 10))),
    ("unbatched-hx-rank", lambda nn, t: nn.RNN(10, 20)(t.randn(5, 10), t.randn(1, 3, 20))),
    ("lstm-cell-state-size", lambda nn, t: nn.LSTM(10, 20)(t.randn(5, 3, 10), (t.randn(1, 3, 20), t.randn(1, 2, 20)))),
    ("cell-input-size", lambda nn, t: nn.RNNCell(10, 20)(t.randn(3, 4))),
    ("cell-batch", lambda nn, t: nn.RNNCell(10, 20)(t.randn(3, 10), t.randn(2, 20))),
    ("bad-nonlinearity", lambda nn, t: nn.RNN(10, 20, nonlinearity="sigmoid")),
]
# fmt: on


@pytest.mark.parametrize("name, call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    with pytest.raises(Exception) as et:
        call(tnn, torch)
    with pytest.raises(type(et.value)) as ee:
        call(enn, ember)
    assert str(ee.value) == str(et.value)


def test_in_place_change_of_the_output_does_not_corrupt_grads():
    e, t = _pair(lambda nn: nn.RNN(3, 4))
    x = np.random.RandomState(0).randn(5, 2, 3).astype(np.float32)
    ye, _ = e(ember.tensor(x))
    yt, _ = t(torch.tensor(x))
    ye.mul_(2)
    yt.mul_(2)
    ye.sum().backward()
    yt.sum().backward()
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=True):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-4, atol=1e-5)

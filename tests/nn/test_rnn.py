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
    for a, b in zip(he, ht, strict=True):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-5)
    # a seeded cotangent on every output, so swapped gradients would show
    gs = [rs.randn(*ye.shape).astype(np.float32)] + [rs.randn(*a.shape).astype(np.float32) for a in he]
    le = sum((o * ember.tensor(g)).sum() for o, g in zip([ye, *he], gs, strict=True))
    lt = sum((o * torch.tensor(g)).sum() for o, g in zip([yt, *ht], gs, strict=True))
    le.backward()
    lt.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    if states is not None:
        for a, b in zip(se_l, st_l, strict=True):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n1, p1), (n2, p2) in zip(e.named_parameters(), t.named_parameters(), strict=True):
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
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=True):
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
    for a, b in zip(oe, ot, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    sum(o.sum() for o in oe).backward()
    sum(o.sum() for o in ot).backward()
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=True):
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
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=True):
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


class _Packed(tuple):
    """A stand-in for nn.utils.rnn.PackedSequence (data, batch_sizes, sorted_indices, unsorted_indices)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, (data, batch_sizes, sorted_indices, unsorted_indices))

    data = property(lambda self: self[0])
    batch_sizes = property(lambda self: self[1])
    sorted_indices = property(lambda self: self[2])
    unsorted_indices = property(lambda self: self[3])


# fmt: off
PACKED = [
    ("rnn", lambda nn: nn.RNN(3, 4)),
    ("gru-bidir-2layer", lambda nn: nn.GRU(3, 4, num_layers=2, bidirectional=True)),
    ("lstm-bidir", lambda nn: nn.LSTM(3, 4, bidirectional=True)),
    ("lstm-2layer", lambda nn: nn.LSTM(3, 4, num_layers=2)),
]
# fmt: on


@pytest.mark.parametrize("name, ctor", PACKED, ids=[p[0] for p in PACKED])
@pytest.mark.parametrize("with_state", [False, True])
def test_packed_sequence_matches_torch(name, ctor, with_state):
    e, t = _pair(ctor)
    lstm = isinstance(t, tnn.LSTM)
    rs = np.random.RandomState(0)
    lengths = [3, 5, 2, 5]
    x = rs.randn(5, 4, 3).astype(np.float32)
    tp = tnn.utils.rnn.pack_padded_sequence(torch.tensor(x), lengths, enforce_sorted=False)
    td = tp.data.detach().requires_grad_()
    tp = tnn.utils.rnn.PackedSequence(td, tp.batch_sizes, tp.sorted_indices, tp.unsorted_indices)
    ed = ember.tensor(td.detach().numpy(), requires_grad=True)
    ep = _Packed(ed, *(ember.tensor(v.numpy()) for v in (tp.batch_sizes, tp.sorted_indices, tp.unsorted_indices)))
    D = 2 if t.bidirectional else 1
    states = [rs.randn(t.num_layers * D, 4, 4).astype(np.float32) for _ in range(2 if lstm else 1)]
    hs_t = [torch.tensor(s, requires_grad=True) for s in states]
    hs_e = [ember.tensor(s, requires_grad=True) for s in states]
    st = (tuple(hs_t) if lstm else hs_t[0]) if with_state else None
    se = (tuple(hs_e) if lstm else hs_e[0]) if with_state else None
    ot, ht = t(tp, st)
    oe, he = e(ep, se)
    assert isinstance(oe, _Packed)
    np.testing.assert_allclose(oe.data.detach().numpy(), ot.data.detach().numpy(), rtol=1e-5, atol=1e-6)
    ht, he = (ht, he) if lstm else ((ht,), (he,))
    for a, b in zip(he, ht, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = rs.randn(*ot.data.shape).astype(np.float32)
    gh = [rs.randn(*a.shape).astype(np.float32) for a in ht]
    (ot.data * torch.tensor(g)).sum().add(
        sum((a * torch.tensor(w)).sum() for a, w in zip(ht, gh, strict=True))
    ).backward()
    (oe.data * ember.tensor(g)).sum().add(
        sum((a * ember.tensor(w)).sum() for a, w in zip(he, gh, strict=True))
    ).backward()
    np.testing.assert_allclose(ed.grad.numpy(), td.grad.numpy(), rtol=1e-4, atol=1e-5)
    if with_state:
        for a, b in zip(hs_e, hs_t, strict=True):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n, p1), p2 in zip(e.named_parameters(), t.parameters(), strict=True):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)


def test_packed_sequence_double_backward_matches_torch():
    e, t = _pair(lambda nn: nn.GRU(3, 4, bidirectional=True).double())
    x = np.random.RandomState(0).randn(4, 3, 3)
    tp = tnn.utils.rnn.pack_padded_sequence(torch.tensor(x), [4, 2, 3], enforce_sorted=False)
    td = tp.data.detach().requires_grad_()
    ed = ember.tensor(td.detach().numpy(), requires_grad=True)
    ot, _ = t(tnn.utils.rnn.PackedSequence(td, tp.batch_sizes, tp.sorted_indices, tp.unsorted_indices))
    oe, _ = e(_Packed(ed, *(ember.tensor(v.numpy()) for v in (tp.batch_sizes, tp.sorted_indices, tp.unsorted_indices))))
    (gt,) = torch.autograd.grad(ot.data.pow(2).sum(), td, create_graph=True)
    (ge,) = ember.autograd.grad(oe.data.pow(2).sum(), ed, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-10)
    gt.pow(2).sum().backward()
    ge.pow(2).sum().backward()
    for p1, p2 in zip(e.parameters(), t.parameters(), strict=True):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("i", [0, 2, 3, 4])
def test_output_node_names_match_torch(i):
    e, t = _pair(CTORS[i])
    x = np.zeros((5, 2, 28), dtype=np.float32) if i != 1 else np.zeros((2, 5, 10), dtype=np.float32)
    ye, he = e(ember.tensor(x))
    yt, ht = t(torch.tensor(x))
    assert ye.grad_fn.name() == yt.grad_fn.name()
    he, ht = (he[0], ht[0]) if isinstance(ht, tuple) else (he, ht)
    assert he.grad_fn.name() == ht.grad_fn.name()

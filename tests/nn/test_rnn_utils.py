"""nn.utils.rnn (PackedSequence, pack/pad helpers) against torch: values, batch sizes, indices, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as enn
from ember.nn.utils import rnn as ernn

torch = pytest.importorskip("torch")
trnn = torch.nn.utils.rnn


def _pair(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _same(e, t):
    if t is None:
        assert e is None
        return
    np.testing.assert_allclose(np.asarray(e.detach().tolist()), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert str(e.dtype).replace("ember", "torch") == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)


def _same_packed(e, t):
    assert type(e).__name__ == "PackedSequence"
    for f in ("data", "batch_sizes", "sorted_indices", "unsorted_indices"):
        _same(getattr(e, f), getattr(t, f))


# fmt: off
# (id, padded shape, lengths, batch_first, enforce_sorted)
PACKS = [
    ("sorted", (5, 3, 2), [5, 3, 1], False, True),
    ("equal", (4, 2, 3), [4, 4], False, True),
    ("unsorted", (5, 4, 2), [2, 5, 1, 3], False, False),
    ("batch-first", (3, 4, 2), [4, 2, 2], True, True),
    ("batch-first-unsorted", (3, 6, 2), [1, 6, 3], True, False),
    ("shorter-than-padding", (7, 2, 2), [3, 2], False, True),
    ("extra-dims", (4, 3, 2, 2), [4, 1, 3], False, False),
    ("lengths-tensor", (4, 2, 2), "tensor", False, True),
]
# fmt: on


@pytest.mark.parametrize("shape,lengths,batch_first,enforce", [p[1:] for p in PACKS], ids=[p[0] for p in PACKS])
def test_pack_pad_roundtrip(shape, lengths, batch_first, enforce):
    e, t = _pair(shape)
    if lengths == "tensor":
        le, lt = ember.tensor([4, 2]), torch.tensor([4, 2])
    else:
        le, lt = lengths, lengths
    pe = ernn.pack_padded_sequence(e, le, batch_first=batch_first, enforce_sorted=enforce)
    pt = trnn.pack_padded_sequence(t, lt, batch_first=batch_first, enforce_sorted=enforce)
    _same_packed(pe, pt)
    for kw in ({}, {"padding_value": -1.5}, {"total_length": shape[1 if batch_first else 0] + 2}):
        oe, le_out = ernn.pad_packed_sequence(pe, batch_first=batch_first, **kw)
        ot, lt_out = trnn.pad_packed_sequence(pt, batch_first=batch_first, **kw)
        _same(oe, ot)
        _same(le_out, lt_out)
    # gradients through pack -> pad
    w = np.random.default_rng(1).standard_normal(tuple(ot.shape)).astype(np.float32)
    (oe * ember.tensor(w)).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    _same(e.grad, t.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("value", [0.0, 2.5])
def test_pad_sequence(batch_first, side, value):
    shapes = [(3, 2), (5, 2), (1, 2)]
    pairs = [_pair(s, i) for i, s in enumerate(shapes)]
    oe = ernn.pad_sequence([p[0] for p in pairs], batch_first=batch_first, padding_value=value, padding_side=side)
    ot = trnn.pad_sequence([p[1] for p in pairs], batch_first=batch_first, padding_value=value, padding_side=side)
    _same(oe, ot)
    w = np.random.default_rng(3).standard_normal(tuple(ot.shape)).astype(np.float32)
    (oe * ember.tensor(w)).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    for pe_, pt_ in pairs:
        _same(pe_.grad, pt_.grad)


def test_pad_sequence_int_and_1d():
    e = ernn.pad_sequence([ember.tensor([1, 2, 3]), ember.tensor([4])], batch_first=True, padding_value=-1)
    t = trnn.pad_sequence([torch.tensor([1, 2, 3]), torch.tensor([4])], batch_first=True, padding_value=-1)
    _same(e, t)


@pytest.mark.parametrize("enforce", [True, False])
def test_pack_unpack_sequence(enforce):
    shapes = [(4, 3), (2, 3), (1, 3)] if enforce else [(2, 3), (4, 3), (1, 3)]
    pairs = [_pair(s, i) for i, s in enumerate(shapes)]
    pe = ernn.pack_sequence([p[0] for p in pairs], enforce_sorted=enforce)
    pt = trnn.pack_sequence([p[1] for p in pairs], enforce_sorted=enforce)
    _same_packed(pe, pt)
    ue, ut = ernn.unpack_sequence(pe), trnn.unpack_sequence(pt)
    assert len(ue) == len(ut)
    for a, b in zip(ue, ut, strict=True):
        _same(a, b)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence(batch_first):
    e, t = _pair((4, 3, 2) if not batch_first else (3, 4, 2))
    e, t = e.detach(), t.detach()
    ue = ernn.unpad_sequence(e, ember.tensor([4, 1, 3]), batch_first=batch_first)
    ut = trnn.unpad_sequence(t, torch.tensor([4, 1, 3]), batch_first=batch_first)
    for a, b in zip(ue, ut, strict=True):
        _same(a, b)
    _same(e, t)  # torch transposes the input in place when not batch_first


def test_packed_sequence_to_and_fields():
    e, t = _pair((3, 3, 2))
    pe = ernn.pack_padded_sequence(e, [3, 1, 2], enforce_sorted=False)
    pt = trnn.pack_padded_sequence(t, [3, 1, 2], enforce_sorted=False)
    assert pe.to(ember.float32) is pe and pt.to(torch.float32) is pt
    _same_packed(pe.to(ember.float64), pt.to(torch.float64))
    _same_packed(pe.double(), pt.double())
    d, b, s, u = pe
    _same(d, pt.data)
    assert pe._fields == pt._fields
    # built from sorted_indices only: unsorted_indices is its inverse
    _same_packed(
        ernn.PackedSequence(pe.data, pe.batch_sizes, pe.sorted_indices),
        trnn.PackedSequence(pt.data, pt.batch_sizes, pt.sorted_indices),
    )


def test_importable_as_torch_path():
    import ember.nn.utils.rnn as m

    assert m.PackedSequence is ember.nn.utils.rnn.PackedSequence
    assert hasattr(ember.nn.utils, "rnn")


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("enforce", [True, False])
def test_lstm_on_packed_batch(bidirectional, enforce):
    torch.manual_seed(0)
    tl = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=bidirectional)
    el = enn.LSTM(3, 4, num_layers=2, bidirectional=bidirectional)
    el.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
    lengths = [5, 3, 2] if enforce else [3, 5, 2]
    e, t = _pair((5, 3, 3))
    pe = ernn.pack_padded_sequence(e, lengths, enforce_sorted=enforce)
    pt = trnn.pack_padded_sequence(t, lengths, enforce_sorted=enforce)
    oe, (he, ce) = el(pe)
    ot, (ht, ct) = tl(pt)
    _same_packed(oe, ot)
    _same(he, ht)
    _same(ce, ct)
    ye, _ = ernn.pad_packed_sequence(oe, batch_first=True)
    yt, _ = trnn.pad_packed_sequence(ot, batch_first=True)
    _same(ye, yt)
    (ye.sum() + he.pow(2).sum() + ce.sum()).backward()
    (yt.sum() + ht.pow(2).sum() + ct.sum()).backward()
    _same(e.grad, t.grad)
    for (n, pe_), (_, pt_) in zip(el.named_parameters(), tl.named_parameters(), strict=True):
        np.testing.assert_allclose(np.asarray(pe_.grad.tolist()), pt_.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)


def _err(fe, ft):
    with pytest.raises(Exception) as ti:
        ft()
    with pytest.raises(type(ti.value)) as ei:
        fe()
    assert str(ei.value).split(". ")[0] == str(ti.value).split(". ")[0]


def test_errors():
    e, t = _pair((4, 3, 2))
    _err(lambda: ernn.pack_padded_sequence(e, [2, 3, 1]), lambda: trnn.pack_padded_sequence(t, [2, 3, 1]))
    _err(
        lambda: ernn.pack_padded_sequence(e, [2, 0, 1], enforce_sorted=False),
        lambda: trnn.pack_padded_sequence(t, [2, 0, 1], enforce_sorted=False),
    )
    _err(lambda: ernn.pack_padded_sequence(e, [2, 1]), lambda: trnn.pack_padded_sequence(t, [2, 1]))
    _err(lambda: ernn.pad_sequence([]), lambda: trnn.pad_sequence([]))
    _err(lambda: ernn.pad_sequence([e[0]], padding_side="mid"), lambda: trnn.pad_sequence([t[0]], padding_side="mid"))
    pe = ernn.pack_padded_sequence(e, [3, 2, 1])
    pt = trnn.pack_padded_sequence(t, [3, 2, 1])
    _err(lambda: ernn.pad_packed_sequence(pe, total_length=2), lambda: trnn.pad_packed_sequence(pt, total_length=2))
    # the full sentence of the enforce_sorted error
    with pytest.raises(RuntimeError) as ei:
        ernn.pack_padded_sequence(e, [1, 2, 3])
    with pytest.raises(RuntimeError) as ti:
        trnn.pack_padded_sequence(t, [1, 2, 3])
    assert str(ei.value) == str(ti.value)

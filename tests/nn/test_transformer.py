"""Transformer encoder/decoder layers, stacks and nn.Transformer against torch: seeded init, names, reprs, and the
same outputs and gradients on the same weights (eval mode, so dropout is off)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn


def _pair(ctor, seed=0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: the nested-tensor hint of TransformerEncoder
        torch.manual_seed(seed)
        t = ctor(tnn)
        ember.manual_seed(seed)
        e = ctor(enn)
    return e, t


# fmt: off
CTORS = [
    ("encoder-layer", lambda nn: nn.TransformerEncoderLayer(8, 2, 16)),
    ("encoder-layer-gelu-norm-first-batch-first",
     lambda nn: nn.TransformerEncoderLayer(8, 2, 16, activation="gelu", norm_first=True, batch_first=True)),
    ("decoder-layer", lambda nn: nn.TransformerDecoderLayer(8, 2, 16)),
    ("decoder-layer-norm-first", lambda nn: nn.TransformerDecoderLayer(8, 4, 12, norm_first=True)),
    ("encoder", lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, nn.LayerNorm(8))),
    ("decoder", lambda nn: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2)),
    ("transformer", lambda nn: nn.Transformer(8, 2, 2, 1, 16)),
    ("transformer-batch-first", lambda nn: nn.Transformer(8, 2, 1, 2, 16, batch_first=True)),
]
# fmt: on


@pytest.mark.parametrize("name, ctor", CTORS, ids=[c[0] for c in CTORS])
def test_init_names_and_repr_match_torch(name, ctor):
    e, t = _pair(ctor)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    for (n, p1), p2 in zip(e.named_parameters(), t.parameters(), strict=False):
        np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy(), err_msg=n)


def _inputs(name, rs):
    bf = "batch-first" in name
    src = rs.randn(*((3, 5, 8) if bf else (5, 3, 8))).astype(np.float32)
    tgt = rs.randn(*((3, 4, 8) if bf else (4, 3, 8))).astype(np.float32)
    if name.startswith("encoder"):
        return [src]
    if name.startswith("decoder"):
        return [tgt, src]
    return [src, tgt]


@pytest.mark.parametrize("name, ctor", CTORS, ids=[c[0] for c in CTORS])
def test_outputs_and_grads_match_torch(name, ctor):
    e, t = _pair(ctor)
    e.eval()
    t.eval()
    rs = np.random.RandomState(0)
    arrs = _inputs(name, rs)
    te = [ember.tensor(a, requires_grad=True) for a in arrs]
    tt = [torch.tensor(a, requires_grad=True) for a in arrs]
    kw_e, kw_t = {}, {}
    if name in ("decoder", "transformer"):  # a causal target mask, as the book's seq2seq uses
        L = arrs[-1].shape[0] if name == "transformer" else arrs[0].shape[0]
        kw_e = {"tgt_mask": enn.Transformer.generate_square_subsequent_mask(L)}
        kw_t = {"tgt_mask": tnn.Transformer.generate_square_subsequent_mask(L)}
    ye, yt = e(*te, **kw_e), t(*tt, **kw_t)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rs.randn(*yt.shape).astype(np.float32)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for a, b in zip(te, tt, strict=False):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-3, atol=1e-4)
    for (n, p1), p2 in zip(e.named_parameters(), t.parameters(), strict=False):
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=1e-3, atol=1e-4, err_msg=n)


def test_square_subsequent_mask_matches_torch():
    np.testing.assert_array_equal(
        enn.Transformer.generate_square_subsequent_mask(4).numpy(),
        tnn.Transformer.generate_square_subsequent_mask(4).numpy(),
    )


def test_encoder_key_padding_mask_matches_torch():
    e, t = _pair(lambda nn: nn.TransformerEncoderLayer(8, 2, 16))
    e.eval()
    t.eval()
    x = np.random.RandomState(1).randn(5, 2, 8).astype(np.float32)
    mask = np.zeros((2, 5), dtype=bool)
    mask[1, 3:] = True
    ye = e(ember.tensor(x), src_key_padding_mask=ember.tensor(mask))
    with torch.no_grad():  # torch's fast path and its math path agree on these values
        yt = t(torch.tensor(x), src_key_padding_mask=torch.tensor(mask))
    np.testing.assert_allclose(ye.detach().numpy()[:, 0], yt.numpy()[:, 0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ye.detach().numpy()[:3, 1], yt.numpy()[:3, 1], rtol=1e-4, atol=1e-5)


def test_transformer_rejects_mismatched_batch():
    for nn_, lib in ((tnn, torch), (enn, ember)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = nn_.Transformer(8, 2, 1, 1, 16)
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
            m(lib.zeros(5, 3, 8), lib.zeros(4, 2, 8))

"""swa_utils: AveragedModel (SWA and EMA), SWALR and update_bn against torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _model(lib, bn=False):
    layers = [lib.nn.Linear(4, 3)]
    if bn:
        layers.append(lib.nn.BatchNorm1d(3))
    layers.append(lib.nn.Linear(3, 2))
    m = lib.nn.Sequential(*layers)
    rng = np.random.default_rng(0)
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    return m


def _perturb(lib, model, k):
    with lib.no_grad():
        for j, p in enumerate(model.parameters()):
            p.add_(lib.tensor(np.full(tuple(p.shape), 0.1 * (k + j), dtype=np.float32)))


def _average(lib, kind):
    model = _model(lib)
    if kind == "swa":
        avg = lib.optim.swa_utils.AveragedModel(model)
    elif kind == "ema":
        avg = lib.optim.swa_utils.AveragedModel(model, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    else:
        avg = lib.optim.swa_utils.AveragedModel(model, avg_fn=lib.optim.swa_utils.get_ema_avg_fn(0.8))
    for k in range(6):
        _perturb(lib, model, k)
        avg.update_parameters(model)
    x = lib.tensor(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4))
    return [p.detach().numpy().copy() for p in avg.parameters()], avg(x).detach().numpy(), int(avg.n_averaged)


@pytest.mark.parametrize("kind", ["swa", "ema", "ema-fn"])
def test_averaged_model_matches_torch(kind):
    tp, tout, tn = _average(torch, kind)
    ep, eout, en = _average(ember, kind)
    assert en == tn == 6
    for t, e in zip(tp, ep, strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(eout, tout, rtol=1e-5, atol=1e-6)


def test_averaged_model_state_dict_keys_match_torch():
    t = torch.optim.swa_utils.AveragedModel(_model(torch))
    e = ember.optim.swa_utils.AveragedModel(_model(ember))
    assert list(e.state_dict()) == list(t.state_dict())


def _swalr_sequence(lib, **kw):
    opt = lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=0.5)
    s = lib.optim.swa_utils.SWALR(opt, swa_lr=0.05, **kw)
    seq = [s.get_last_lr()]
    for _ in range(20):
        opt.step()
        s.step()
        seq.append(s.get_last_lr())
    return seq


@pytest.mark.parametrize("kw", [{}, {"anneal_epochs": 5, "anneal_strategy": "linear"}, {"anneal_epochs": 0}], ids=str)
def test_swalr_sequence_equals_torch(kw):
    assert _swalr_sequence(ember, **kw) == _swalr_sequence(torch, **kw)


@pytest.mark.parametrize(
    "build",
    [
        lambda L: L.optim.swa_utils.SWALR(L.optim.SGD([L.zeros(2, requires_grad=True)]), 0.1, anneal_strategy="x"),
        lambda L: L.optim.swa_utils.SWALR(L.optim.SGD([L.zeros(2, requires_grad=True)]), 0.1, anneal_epochs=-1),
        lambda L: L.optim.swa_utils.get_ema_avg_fn(1.5),
    ],
)
def test_swa_bad_input_raises_torch_error(build):
    with pytest.raises(Exception) as texc:
        build(torch)
    with pytest.raises(type(texc.value)) as eexc:
        build(ember)
    assert str(eexc.value) == str(texc.value)


def test_update_bn_matches_torch():
    data = np.random.default_rng(1).standard_normal((5, 6, 4)).astype(np.float32)
    stats = []
    for lib in (torch, ember):
        m = _model(lib, bn=True)
        loader = [(lib.tensor(b), 0) for b in data]
        lib.optim.swa_utils.update_bn(loader, m)
        bn = m[1]
        stats.append((bn.running_mean.numpy().copy(), bn.running_var.numpy().copy(), bn.momentum, m.training))
    for t, e in zip(stats[0][:2], stats[1][:2], strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)
    assert stats[1][2:] == stats[0][2:]

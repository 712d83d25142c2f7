"""Each optimizer over a grid of options: 100 steps in ember and torch from the same weights and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from optim_cases import (
    CASES,
    STEPS,
    arrays_of,
    assert_trees_close,
    case_id,
    init_arrays,
    make_params,
    pair,
    run_steps,
    to_numpy_tree,
)

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_parameters_match_torch_after_100_steps(case):
    name, kw = case
    tp, topt, ep, eopt = pair(torch, name, kw)
    run_steps(torch, topt, tp, 0, STEPS)
    run_steps(ember, eopt, ep, 0, STEPS)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        assert e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)
    assert_trees_close(to_numpy_tree(eopt.state_dict()), to_numpy_tree(topt.state_dict()))


@pytest.mark.parametrize("case", CASES[:1] + CASES[6:7], ids=case_id)
def test_float64_parameters_match_torch(case):
    name, kw = case
    tp, topt, ep, eopt = pair(torch, name, kw, dtype=np.float64)
    run_steps(torch, topt, tp, 0, 30)
    run_steps(ember, eopt, ep, 0, 30)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        assert e.dtype == np.float64
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-12)


def test_torch_tensors_in_a_state_dict_are_converted_on_load():
    arrays = init_arrays()
    tp = make_params(torch, arrays)
    topt = torch.optim.Adam(tp, lr=0.01)
    run_steps(torch, topt, tp, 0, 5)
    ep = make_params(ember, arrays_of(tp))
    eopt = ember.optim.Adam(ep, lr=0.01)
    eopt.load_state_dict(topt.state_dict())  # torch tensors as they are
    st = eopt.state[ep[0]]
    assert isinstance(st["exp_avg"], ember.Tensor) and isinstance(st["step"], ember.Tensor)
    assert st["step"].dtype == ember.float32 and st["step"].item() == 5.0


def test_parameter_groups_with_their_own_options_match_torch():
    arrays = init_arrays()

    def build(lib):
        ps = make_params(lib, arrays)
        opt = lib.optim.SGD(
            [{"params": ps[0], "weight_decay": 0.1}, {"params": ps[1:], "lr": 0.05}], lr=0.01, momentum=0.9
        )
        return ps, opt

    (tp, topt), (ep, eopt) = build(torch), build(ember)
    run_steps(torch, topt, tp, 0, STEPS)
    run_steps(ember, eopt, ep, 0, STEPS)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)
    assert eopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_parameters_without_grad_are_skipped_like_torch():
    arrays = init_arrays()
    tp, ep = make_params(torch, arrays), make_params(ember, arrays)
    topt, eopt = torch.optim.Adam(tp, lr=0.1), ember.optim.Adam(ep, lr=0.1)
    for lib, ps, opt in ((torch, tp, topt), (ember, ep, eopt)):
        ps[0].grad = lib.ones(5, 3)
        opt.step()
    np.testing.assert_allclose(arrays_of(ep)[0], arrays_of(tp)[0], rtol=1e-6)
    assert sorted(eopt.state_dict()["state"]) == sorted(topt.state_dict()["state"]) == [0]


# the blocked fast path (tensors over _EXACT_MAX elements) and non-contiguous parameters
BIG_CASES = [c for c in CASES if not c[1]] + [("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1))]


@pytest.fixture
def torch_one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)  # torch's threads spin on a busy machine: 10x slower at this size
    yield
    torch.set_num_threads(n)


@pytest.mark.parametrize("case", BIG_CASES, ids=case_id)
def test_large_and_strided_parameters_match_torch(case, torch_one_thread):
    name, kw = case
    rng = np.random.default_rng(3)
    big = rng.standard_normal((257, 256)).astype(np.float32)  # 65,792 elements: blocked, product-first rounding
    base = rng.standard_normal((6, 8)).astype(np.float32)
    params = {}
    for lib in (torch, ember):
        strided = lib.tensor(base.copy()).t()  # a non-contiguous leaf
        strided.requires_grad_(True)
        ps = [lib.tensor(big.copy(), requires_grad=True), strided]
        params[lib] = (ps, getattr(lib.optim, name)(ps, **kw))
    for lib, (ps, opt) in params.items():
        run_steps(lib, opt, ps, 0, 10)
    for t, e in zip(arrays_of(params[torch][0]), arrays_of(params[ember][0]), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam", "Adamax", "Adadelta"])
def test_complex_parameters_match_torch(name):
    kw = {"lr": 0.1, "momentum": 0.9} if name == "SGD" else {"lr": 0.1}
    out = []
    for lib in (torch, ember):
        q = lib.tensor(np.array([1 + 2j, -0.5 + 0.1j], dtype=np.complex64), requires_grad=True)
        opt = getattr(lib.optim, name)([q], **kw)
        for i in range(10):
            q.grad = lib.tensor(np.array([0.3 - 1j * i, 2 + 0.5j], dtype=np.complex64))
            opt.step()
        out.append(q.detach().numpy().copy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-6)


def _train_linear(lib, name, kw, steps=20):
    """The seeds' loop: weight decay on the weight only, zero_grad / backward / step on an nn.Linear."""
    rng = np.random.default_rng(5)
    x = lib.tensor(rng.standard_normal((32, 4)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((32, 1)).astype(np.float32))
    net = lib.nn.Linear(4, 1)
    with lib.no_grad():
        net.weight.copy_(lib.tensor(rng.standard_normal((1, 4)).astype(np.float32)))
        net.bias.fill_(0.1)
    groups = [{"params": net.weight, "weight_decay": 0.01}, {"params": net.bias}]
    opt = getattr(lib.optim, name)(groups, **kw)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, net.weight.detach().numpy().copy()


@pytest.mark.parametrize("name, kw", [("SGD", {"lr": 0.03, "momentum": 0.9}), ("Adam", {"lr": 0.01})], ids=str)
def test_training_an_nn_linear_matches_torch(name, kw):
    tl, tw = _train_linear(torch, name, kw)
    el, ew = _train_linear(ember, name, kw)
    np.testing.assert_allclose(el, tl, rtol=1e-5)
    np.testing.assert_allclose(ew, tw, rtol=1e-5, atol=1e-6)


def test_a_state_dict_saved_by_torch_loads_and_one_saved_by_ember_loads_in_torch(tmp_path):
    tp = torch.tensor([1.0, 2.0], requires_grad=True)
    topt = torch.optim.Adam([tp], lr=0.1)
    tp.grad = torch.tensor([0.5, -0.5])
    topt.step()
    torch.save(topt.state_dict(), tmp_path / "t.pt")
    ep = ember.tensor(tp.detach().numpy(), requires_grad=True)
    eopt = ember.optim.Adam([ep], lr=0.1)
    eopt.load_state_dict(ember.load(tmp_path / "t.pt"))
    for lib, p, opt in ((torch, tp, topt), (ember, ep, eopt)):
        p.grad = lib.tensor([0.25, 1.0])
        opt.step()
    np.testing.assert_array_equal(ep.detach().numpy(), tp.detach().numpy())
    ember.save(eopt.state_dict(), tmp_path / "e.pt")
    back = torch.load(tmp_path / "e.pt")
    assert back["param_groups"] == topt.state_dict()["param_groups"]
    for k, v in topt.state_dict()["state"][0].items():
        assert back["state"][0][k].dtype == v.dtype
        torch.testing.assert_close(back["state"][0][k], v)

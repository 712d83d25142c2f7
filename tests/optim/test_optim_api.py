"""The Optimizer base: groups, errors, hooks, zero_grad, state_dict layout, each compared with torch."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
from optim_cases import init_arrays, make_params, run_steps, to_numpy_tree

import ember

torch = pytest.importorskip("torch")


def _params(lib):
    return make_params(lib, init_arrays())


# (builder(lib) -> anything, exception type); the message is compared with torch's
# fmt: off
ERRORS = [
    ("empty list",         lambda lib: lib.optim.SGD([], lr=0.1)),
    ("tensor not list",    lambda lib: lib.optim.SGD(_params(lib)[0], lr=0.1)),
    ("negative lr",        lambda lib: lib.optim.SGD(_params(lib), lr=-0.1)),
    ("negative momentum",  lambda lib: lib.optim.SGD(_params(lib), lr=0.1, momentum=-0.5)),
    ("negative wd",        lambda lib: lib.optim.SGD(_params(lib), lr=0.1, weight_decay=-1)),
    ("nesterov no mom",    lambda lib: lib.optim.SGD(_params(lib), lr=0.1, nesterov=True)),
    ("nesterov damp",      lambda lib: lib.optim.SGD(_params(lib), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("fused+foreach",      lambda lib: lib.optim.SGD(_params(lib), lr=0.1, fused=True, foreach=True)),
    ("adam lr",            lambda lib: lib.optim.Adam(_params(lib), lr=-1e-3)),
    ("adam eps",           lambda lib: lib.optim.Adam(_params(lib), eps=-1.0)),
    ("adam beta0",         lambda lib: lib.optim.Adam(_params(lib), betas=(1.0, 0.999))),
    ("adam beta1",         lambda lib: lib.optim.Adam(_params(lib), betas=(0.9, -0.1))),
    ("adam wd",            lambda lib: lib.optim.Adam(_params(lib), weight_decay=-0.1)),
    ("adamw beta1",        lambda lib: lib.optim.AdamW(_params(lib), betas=(0.9, 1.5))),
    ("adagrad lr_decay",   lambda lib: lib.optim.Adagrad(_params(lib), lr_decay=-1)),
    ("adagrad init acc",   lambda lib: lib.optim.Adagrad(_params(lib), initial_accumulator_value=-1)),
    ("adagrad eps",        lambda lib: lib.optim.Adagrad(_params(lib), eps=-1)),
    ("adadelta rho",       lambda lib: lib.optim.Adadelta(_params(lib), rho=1.5)),
    ("adadelta lr",        lambda lib: lib.optim.Adadelta(_params(lib), lr=-1)),
    ("adamax beta",        lambda lib: lib.optim.Adamax(_params(lib), betas=(0.9, 1.0))),
    ("rmsprop alpha",      lambda lib: lib.optim.RMSprop(_params(lib), alpha=-0.1)),
    ("rmsprop momentum",   lambda lib: lib.optim.RMSprop(_params(lib), momentum=-0.1)),
    ("rprop etas",         lambda lib: lib.optim.Rprop(_params(lib), etas=(1.5, 1.2))),
    ("nadam mom decay",    lambda lib: lib.optim.NAdam(_params(lib), momentum_decay=-1)),
    ("radam beta",         lambda lib: lib.optim.RAdam(_params(lib), betas=(-0.1, 0.9))),
    ("lbfgs lr",           lambda lib: lib.optim.LBFGS(_params(lib), lr=-1)),
    ("lbfgs groups",       lambda lib: lib.optim.LBFGS([{"params": _params(lib)[:1]}, {"params": _params(lib)[1:]}])),
    ("asgd wd",            lambda lib: lib.optim.ASGD(_params(lib), weight_decay=-1)),
    ("adafactor lr",       lambda lib: lib.optim.Adafactor(_params(lib), lr=-1)),
    ("adafactor decay",    lambda lib: lib.optim.Adafactor(_params(lib), beta2_decay=0.5)),
    ("adafactor eps",      lambda lib: lib.optim.Adafactor(_params(lib), eps=(-1.0, 1e-3))),
    ("adafactor d",        lambda lib: lib.optim.Adafactor(_params(lib), d=0.5)),
    ("non-leaf",           lambda lib: lib.optim.SGD([_params(lib)[0] * 2], lr=0.1)),
    ("not a tensor",       lambda lib: lib.optim.SGD([1.0], lr=0.1)),
    ("set of params",      lambda lib: lib.optim.SGD([{"params": set(_params(lib))}])),
    ("group not dict",     lambda lib: lib.optim.SGD(_params(lib), lr=0.1).add_param_group([1])),
    ("two groups",         lambda lib: (lambda ps: lib.optim.SGD([{"params": ps}, {"params": ps[:1]}], lr=0.1))(
                                        _params(lib))),
    ("add existing",       lambda lib: (lambda ps: lib.optim.SGD(ps, lr=0.1).add_param_group({"params": ps[0]}))(
                                        _params(lib))),
]
# fmt: on


@pytest.mark.parametrize("build", [b for _, b in ERRORS], ids=[n for n, _ in ERRORS])
def test_bad_input_raises_torch_error(build):
    with pytest.raises(Exception) as texc:
        build(torch)
    with pytest.raises(type(texc.value)) as eexc:
        build(ember)
    assert str(eexc.value) == str(texc.value)


def test_mismatched_state_dict_raises_and_leaves_optimizer_unchanged():
    for lib in (torch, ember):
        ps = _params(lib)
        opt = lib.optim.SGD([{"params": ps[:1]}, {"params": ps[1:]}], lr=0.1, momentum=0.9)
        run_steps(lib, opt, ps, 0, 3)
        before = to_numpy_tree(opt.state_dict())
        other = lib.optim.SGD(_params(lib), lr=0.5, momentum=0.9)
        run_steps(lib, other, other.param_groups[0]["params"], 0, 1)
        with pytest.raises(ValueError, match="different number of parameter groups"):
            opt.load_state_dict(other.state_dict())
        bad_sizes = lib.optim.SGD([{"params": ps[:2]}, {"params": ps[2:]}], lr=0.3).state_dict()
        with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
            opt.load_state_dict(bad_sizes)
        after = to_numpy_tree(opt.state_dict())
        assert after["param_groups"] == before["param_groups"]
        for k in before["state"]:
            np.testing.assert_array_equal(after["state"][k]["momentum_buffer"], before["state"][k]["momentum_buffer"])


def test_state_dict_layout_matches_torch():
    sds = []
    for lib in (torch, ember):
        ps = _params(lib)
        opt = lib.optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1}], amsgrad=True)
        run_steps(lib, opt, ps, 0, 2)
        sd = opt.state_dict()
        sds.append(sd)
        assert set(sd) == {"state", "param_groups"}
        assert opt.state[ps[0]] is sd["state"][0]  # torch: the state's own dicts, not copies
    (t, e) = sds
    assert e["param_groups"] == t["param_groups"]
    assert sorted(e["state"]) == sorted(t["state"]) == [0, 1, 2]
    for k in t["state"]:
        assert list(e["state"][k]) == list(t["state"][k])
        assert e["state"][k]["step"].dtype == ember.float32 and e["state"][k]["step"].ndim == 0


def test_default_options_fill_groups_like_torch():
    for name in (
        "SGD",
        "Adam",
        "AdamW",
        "Adagrad",
        "Adadelta",
        "Adamax",
        "RMSprop",
        "Rprop",
        "NAdam",
        "RAdam",
        "LBFGS",
    ):
        kw = {"lr": 0.1} if name == "SGD" else {}
        t = getattr(torch.optim, name)(_params(torch), **kw)
        e = getattr(ember.optim, name)(_params(ember), **kw)
        tg = {k: v for k, v in t.param_groups[0].items() if k != "params"}
        eg = {k: v for k, v in e.param_groups[0].items() if k != "params"}
        assert eg == tg
        assert list(eg) == list(tg)
        assert repr(e) == repr(t)
        assert e.defaults == t.defaults


def test_named_parameters_give_param_names_like_torch():
    for lib in (torch, ember):
        ps = _params(lib)
        opt = lib.optim.SGD([("w", ps[0]), ("b", ps[1])], lr=0.1)
        assert opt.param_groups[0]["param_names"] == ["w", "b"]
        assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


def test_zero_grad_sets_none_or_zeros():
    ps = _params(ember)
    opt = ember.optim.SGD(ps, lr=0.1)
    run_steps(ember, opt, ps, 0, 1)
    g = ps[0].grad
    opt.zero_grad(set_to_none=False)
    assert ps[0].grad is g and not g.numpy().any()
    opt.zero_grad()
    assert all(p.grad is None for p in ps)


def _hook_calls(lib):
    calls = []
    ps = _params(lib)
    opt = lib.optim.SGD(ps, lr=0.1)
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    module = importlib.import_module(lib.__name__ + ".optim.optimizer")
    g = module.register_optimizer_step_pre_hook(lambda o, a, k: calls.append(("global", True)))
    run_steps(lib, opt, ps, 0, 1)
    h1.remove()
    g.remove()
    run_steps(lib, opt, ps, 1, 1)
    return calls


def test_step_hooks_run_in_torch_order():
    assert _hook_calls(ember) == _hook_calls(torch) == [("global", True), ("pre", True), ("post", True), ("post", True)]


def test_closure_is_called_with_grad_enabled_and_its_loss_returned():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([x], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(x.detach().numpy(), [0.8, 1.6], rtol=1e-6)


def test_optimizer_is_a_usable_base_class():
    class Plain(ember.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    with ember.no_grad():
                        p -= group["lr"] * p.grad

    x = ember.tensor([1.0], requires_grad=True)
    opt = Plain([x])
    seen = []
    opt.register_step_post_hook(lambda o, a, k: seen.append(1))
    x.grad = ember.tensor([2.0])
    opt.step()
    assert isinstance(opt, ember.optim.Optimizer) and seen == [1]
    assert x.item() == pytest.approx(0.8)


def test_duplicate_parameter_warns_like_torch():
    for lib in (torch, ember):
        p = _params(lib)[0]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        assert any("duplicate parameters" in str(x.message) for x in w)


def test_tensor_lr_is_accepted():
    for lib in (torch, ember):
        ps = _params(lib)
        opt = lib.optim.SGD(ps, lr=lib.tensor(0.1))
        run_steps(lib, opt, ps, 0, 2)


def test_namespace_matches_torch_optim():
    missing = {n for n in torch.optim.__all__ if not hasattr(ember.optim, n)}
    assert missing <= {"swap_in_optimizer_params_and_state"}


def test_unimplemented_optimizers_say_so():
    with pytest.raises(NotImplementedError, match="SparseAdam"):
        ember.optim.SparseAdam(_params(ember))

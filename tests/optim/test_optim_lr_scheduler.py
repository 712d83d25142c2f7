"""Every scheduler's learning-rate (and momentum) sequence over 100 epochs, equal to torch's."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

EPOCHS = 100


def _optimizer(lib, kind="sgd"):
    rng = np.random.default_rng(0)
    a, b = (lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in ((3, 2), (2,)))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


class Halve:
    """A picklable callable lambda whose attributes go into state_dict."""

    def __init__(self):
        self.factor = 0.95

    def __call__(self, epoch):
        return self.factor**epoch


# name -> (builder(lib, opt) -> scheduler, optimizer kind)
# fmt: off
SCHEDULERS = {
    "StepLR":             (lambda L, o: L.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5), "sgd"),
    "MultiStepLR":        (lambda L, o: L.optim.lr_scheduler.MultiStepLR(o, [10, 30, 30, 60], gamma=0.3), "sgd"),
    "ExponentialLR":      (lambda L, o: L.optim.lr_scheduler.ExponentialLR(o, gamma=0.97), "sgd"),
    "CosineAnnealingLR":  (lambda L, o: L.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001), "sgd"),
    "CosineWarmRestarts": (lambda L, o: L.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2,
                                                                                         eta_min=1e-4), "sgd"),
    "CosineWarmRestarts1": (lambda L, o: L.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=7), "sgd"),
    "LambdaLR":           (lambda L, o: L.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + 0.1 * e)), "sgd"),
    "LambdaLR-list":      (lambda L, o: L.optim.lr_scheduler.LambdaLR(o, [lambda e: 0.9**e, Halve()]), "sgd"),
    "MultiplicativeLR":   (lambda L, o: L.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.98), "sgd"),
    "LinearLR":           (lambda L, o: L.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=20), "sgd"),
    "LinearLR-down":      (lambda L, o: L.optim.lr_scheduler.LinearLR(o, 1.0, 0.2, total_iters=40), "sgd"),
    "ConstantLR":         (lambda L, o: L.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=10), "sgd"),
    "PolynomialLR":       (lambda L, o: L.optim.lr_scheduler.PolynomialLR(o, total_iters=50, power=2.0), "sgd"),
    "OneCycleLR":         (lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=101), "sgd"),
    "OneCycleLR-3phase":  (lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.5, 1.0], epochs=10,
                                                                        steps_per_epoch=11, three_phase=True,
                                                                        anneal_strategy="linear"), "adam"),
    "CyclicLR":           (lambda L, o: L.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=10), "sgd"),
    "CyclicLR-tri2":      (lambda L, o: L.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=5, step_size_down=8,
                                                                      mode="triangular2"), "sgd"),
    "CyclicLR-exp":       (lambda L, o: L.optim.lr_scheduler.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=6,
                                                                      mode="exp_range", gamma=0.99), "adam"),
    "SequentialLR":       (lambda L, o: L.optim.lr_scheduler.SequentialLR(
                               o, [L.optim.lr_scheduler.LinearLR(o, 0.1, total_iters=5),
                                   L.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40),
                                   L.optim.lr_scheduler.ExponentialLR(o, 0.9)], milestones=[5, 45]), "sgd"),
    "ChainedScheduler":   (lambda L, o: L.optim.lr_scheduler.ChainedScheduler(
                               [L.optim.lr_scheduler.ConstantLR(o, 0.1, total_iters=4),
                                L.optim.lr_scheduler.ExponentialLR(o, 0.95)]), "sgd"),
}
# fmt: on


def _sequence(lib, name, epochs=EPOCHS):
    build, kind = SCHEDULERS[name]
    opt = _optimizer(lib, kind)
    sched = build(lib, opt)
    seq = [(list(sched.get_last_lr()), _momenta(opt))]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append((list(sched.get_last_lr()), _momenta(opt)))
    return seq, sched, opt


def _momenta(opt):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_equals_torch_for_100_epochs(name):
    tseq, _, topt = _sequence(torch, name)
    eseq, _, eopt = _sequence(ember, name)
    assert eseq == tseq  # the same Python floats, not merely close
    for tg, eg in zip(topt.param_groups, eopt.param_groups, strict=True):
        assert {k: v for k, v in eg.items() if k != "params"} == {k: v for k, v in tg.items() if k != "params"}


@pytest.mark.parametrize("name", [n for n in SCHEDULERS if n not in ("SequentialLR", "ChainedScheduler")])
def test_scheduler_state_dict_round_trips(name):
    """Stop after 30 epochs, save, build afresh, load torch's state, and continue: the same lrs as torch."""
    tseq, tsched, topt = _sequence(torch, name, 30)
    sd = {k: v for k, v in tsched.state_dict().items()}
    build, kind = SCHEDULERS[name]
    eopt = _optimizer(ember, kind)
    esched = build(ember, eopt)
    esched.load_state_dict(sd)
    for g, tg in zip(eopt.param_groups, topt.param_groups, strict=True):
        g["lr"] = tg["lr"]
        for key in ("momentum", "betas"):
            if key in g:
                g[key] = tg[key]
    for _ in range(30):
        topt.step()
        tsched.step()
        eopt.step()
        esched.step()
        assert esched.get_last_lr() == tsched.get_last_lr()
    ekeys = set(esched.state_dict())
    assert ekeys == set(tsched.state_dict())


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * math.sin(i) for i in range(EPOCHS)]
    out = []
    for lib in (torch, ember):
        opt = _optimizer(lib)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=3, factor=0.5, cooldown=2, min_lr=[1e-3, 1e-4])
        s2 = lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), mode="max", threshold_mode="abs", patience=2)
        seq = []
        for m in metrics:
            opt.step()
            s.step(m)
            s2.step(-m)
            seq.append((s.get_last_lr(), s2.get_last_lr(), s.num_bad_epochs, s.cooldown_counter))
        out.append((seq, {k: v for k, v in s.state_dict().items()}))
    assert out[1][0] == out[0][0]
    assert out[1][1] == out[0][1]


def _warnings_of(lib, fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(lib)
    return [str(x.message) for x in w if issubclass(x.category, UserWarning)]


def test_scheduler_step_before_optimizer_step_warns_like_torch():
    def misuse(lib):
        opt = _optimizer(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 3)
        s.step()

    def proper(lib):
        opt = _optimizer(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 3)
        opt.step()
        s.step()

    tw, ew = _warnings_of(torch, misuse), _warnings_of(ember, misuse)
    assert ew == tw and len(tw) == 1 and "before `optimizer.step()`" in tw[0]
    assert _warnings_of(ember, proper) == _warnings_of(torch, proper) == []


def test_epoch_argument_uses_the_closed_form_and_warns_like_torch():
    def jump(lib):
        opt = _optimizer(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 3, gamma=0.5)
        opt.step()
        s.step(7)
        return s.get_last_lr()

    assert _warnings_of(ember, jump) == _warnings_of(torch, jump)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert jump(ember) == jump(torch)


def test_get_lr_outside_step_warns_like_torch():
    def call(lib):
        s = lib.optim.lr_scheduler.ExponentialLR(_optimizer(lib), 0.9)
        s.get_lr()

    assert _warnings_of(ember, call) == _warnings_of(torch, call)


# fmt: off
SCHED_ERRORS = [
    ("not an optimizer", lambda L, o: L.optim.lr_scheduler.StepLR(object(), 3)),
    ("constant factor",  lambda L, o: L.optim.lr_scheduler.ConstantLR(o, factor=2.0)),
    ("linear start",     lambda L, o: L.optim.lr_scheduler.LinearLR(o, start_factor=0)),
    ("linear end",       lambda L, o: L.optim.lr_scheduler.LinearLR(o, end_factor=1.5)),
    ("lambda count",     lambda L, o: L.optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0])),
    ("mult not callable", lambda L, o: L.optim.lr_scheduler.MultiplicativeLR(o, [1.0, 2.0])),
    ("warm T_0",         lambda L, o: L.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0)),
    ("warm T_mult",      lambda L, o: L.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=0)),
    ("onecycle none",    lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1)),
    ("onecycle pct",     lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=2.0)),
    ("onecycle anneal",  lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="x")),
    ("onecycle max_lr",  lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.1], total_steps=10)),
    ("cyclic mode",      lambda L, o: L.optim.lr_scheduler.CyclicLR(o, 0.1, 1.0, mode="zigzag")),
    ("plateau factor",   lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, factor=1.0)),
    ("plateau mode",     lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, mode="best")),
    ("plateau min_lr",   lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1])),
    ("sequential empty", lambda L, o: L.optim.lr_scheduler.SequentialLR(o, [], [])),
    ("sequential miles", lambda L, o: L.optim.lr_scheduler.SequentialLR(
                             o, [L.optim.lr_scheduler.StepLR(o, 2)], milestones=[3])),
    ("chained empty",    lambda L, o: L.optim.lr_scheduler.ChainedScheduler([])),
    ("resume no initial", lambda L, o: L.optim.lr_scheduler.StepLR(o, 3, last_epoch=5)),
]
# fmt: on


@pytest.mark.parametrize("build", [b for _, b in SCHED_ERRORS], ids=[n for n, _ in SCHED_ERRORS])
def test_scheduler_bad_input_raises_torch_error(build):
    with pytest.raises(Exception) as texc:
        build(torch, _optimizer(torch))
    with pytest.raises(type(texc.value)) as eexc:
        build(ember, _optimizer(ember))
    assert str(eexc.value) == str(texc.value)


def test_onecycle_past_total_steps_raises_like_torch():
    for lib in (torch, ember):
        opt = _optimizer(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            s.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
            s.step()

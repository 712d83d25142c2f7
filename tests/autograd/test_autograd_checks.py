"""gradcheck / gradgradcheck on ember ops, autograd.functional, and anomaly mode, against torch."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from ag_compare import raises_like, run_both

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)
A = RNG.uniform(0.5, 1.5, (2, 3))
B = RNG.uniform(-1.0, 1.0, (2, 3))
M = RNG.uniform(-1.0, 1.0, (3, 4))
R = RNG.uniform(-1.0, 1.0, (3,))


def f64(m, a):
    return m.tensor(a, dtype=m.float64, requires_grad=True)


# each: (name, fn(m, a, b, mat, row) on float64 leaves, gradgrad?)
OPS = [
    ("add", lambda m, a, b, w, r: a + b, True),
    ("sub broadcast", lambda m, a, b, w, r: a - r, True),
    ("mul", lambda m, a, b, w, r: a * b, True),
    ("div", lambda m, a, b, w, r: b / a, True),
    ("pow tensor", lambda m, a, b, w, r: a**b, True),
    ("pow scalar", lambda m, a, b, w, r: b**3, True),
    ("neg", lambda m, a, b, w, r: -b, True),
    ("exp", lambda m, a, b, w, r: b.exp(), True),
    ("log", lambda m, a, b, w, r: a.log(), True),
    ("sqrt", lambda m, a, b, w, r: a.sqrt(), True),
    ("sin cos", lambda m, a, b, w, r: b.sin() * b.cos(), True),
    ("tanh", lambda m, a, b, w, r: m.tanh(b), True),
    ("sigmoid", lambda m, a, b, w, r: m.sigmoid(b), True),
    ("relu", lambda m, a, b, w, r: (b + 0.05).relu(), False),
    ("abs", lambda m, a, b, w, r: (b + 0.05).abs(), False),
    ("clamp", lambda m, a, b, w, r: b.clamp(-0.5, 0.5), False),
    ("matmul", lambda m, a, b, w, r: b @ w, True),
    ("mm transpose", lambda m, a, b, w, r: w.t() @ b.t(), True),
    ("matmul vector", lambda m, a, b, w, r: b @ r, True),
    ("sum", lambda m, a, b, w, r: b.sum(), True),
    ("sum dim", lambda m, a, b, w, r: b.sum(1, keepdim=True), True),
    ("mean", lambda m, a, b, w, r: b.mean(0), True),
    ("max dim", lambda m, a, b, w, r: b.max(1)[0], False),
    ("reshape", lambda m, a, b, w, r: b.reshape(3, 2) * 2, True),
    ("transpose", lambda m, a, b, w, r: b.t() * a.t(), True),
    ("index", lambda m, a, b, w, r: b[:, 1:] * b[0, 2], True),
    ("advanced index", lambda m, a, b, w, r: b[[1, 0, 1]], True),
    ("expand", lambda m, a, b, w, r: r.expand(2, 3) * b, True),
    ("cat", lambda m, a, b, w, r: m.cat([a, b], 0), True),
    ("stack", lambda m, a, b, w, r: m.stack([a, b], 1), True),
    ("unsqueeze squeeze", lambda m, a, b, w, r: b.unsqueeze(0).squeeze(0) * a, True),
    ("where", lambda m, a, b, w, r: m.where(b > 0, a, b), False),
    ("two outputs", lambda m, a, b, w, r: (a * b, a.exp()), True),
    ("in-place on non-leaf", lambda m, a, b, w, r: (a * 1).mul_(b), True),
    ("in-place on a view", lambda m, a, b, w, r: (lambda y: (y[0].mul_(b[1]), y)[1])(a * 1), True),
]


@pytest.mark.parametrize("name, fn, gg", OPS, ids=[o[0] for o in OPS])
def test_gradcheck_ember_ops(name, fn, gg):
    args = [f64(ember, x) for x in (A, B, M, R)]
    assert ember.autograd.gradcheck(lambda *t: fn(ember, *t), args)
    if gg:
        assert ember.autograd.gradgradcheck(lambda *t: fn(ember, *t), args)


def _bad(m):
    class Bad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    return Bad


def test_gradcheck_mismatch_message_matches_torch():
    raises_like(lambda m: m.autograd.gradcheck(_bad(m).apply, (f64(m, R),)))
    assert ember.autograd.gradcheck(_bad(ember).apply, (f64(ember, R),), raise_exception=False) is False
    from ember.autograd.gradcheck import GradcheckError

    assert issubclass(GradcheckError, RuntimeError)


def test_top_level_anomaly_flags_exist():
    assert ember.is_anomaly_enabled() is False and ember.is_anomaly_check_nan_enabled() is True


def test_gradcheck_errors_and_warnings_match_torch():
    raises_like(lambda m: m.autograd.gradcheck(m.sin, (m.tensor(R),)))

    def warn(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                m.autograd.gradcheck(m.sin, (m.tensor(R, dtype=m.float32, requires_grad=True),))
            except RuntimeError as e:
                return type(e).__name__, [str(x.message) for x in w]
        return None

    assert warn(ember) == warn(torch)


def test_gradcheck_signatures_match_torch():
    for name in ("gradcheck", "gradgradcheck"):
        ours = inspect.signature(getattr(ember.autograd, name))
        theirs = inspect.signature(getattr(torch.autograd, name))
        assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
            (p.name, p.kind, p.default) for p in theirs.parameters.values()
        ]


# ------------------------------------------------------------------------------------------- functional
def _fn_exp_sum(x, y):
    return (x.exp() * y).sum()


def _fn_pair(x, y):
    return x * y, (x**2).sum(0)


FUNCTIONAL = [
    ("jacobian single", lambda m: m.autograd.functional.jacobian(lambda x: x.sin() * 2, m.tensor(R))),
    ("jacobian matrix input", lambda m: m.autograd.functional.jacobian(lambda x: x @ m.tensor(M), m.tensor(B))),
    ("jacobian tuple", lambda m: m.autograd.functional.jacobian(_fn_pair, (m.tensor(A), m.tensor(B)))),
    ("jacobian unused input", lambda m: m.autograd.functional.jacobian(lambda x, y: x * 2, (m.tensor(R), m.tensor(R)))),
    ("jacobian create_graph", lambda m: m.autograd.functional.jacobian(lambda x: x**3, f64(m, R), create_graph=True)),
    ("hessian", lambda m: m.autograd.functional.hessian(lambda x: (x**3).sum() + (x[0] * x[1]), m.tensor(R))),
    ("hessian tuple", lambda m: m.autograd.functional.hessian(_fn_exp_sum, (m.tensor(R), m.tensor(R)))),
    ("vjp", lambda m: m.autograd.functional.vjp(lambda x: x.exp() * 2, m.tensor(R), m.tensor(R))),
    ("vjp scalar", lambda m: m.autograd.functional.vjp(lambda x: (x**2).sum(), m.tensor(R))),
    ("vjp tuple", lambda m: m.autograd.functional.vjp(_fn_pair, (m.tensor(A), m.tensor(B)),
                                                      (m.tensor(B), m.tensor(R)))),
    ("jvp", lambda m: m.autograd.functional.jvp(lambda x: x.exp() * 2, m.tensor(R), m.tensor(R))),
    ("jvp tuple", lambda m: m.autograd.functional.jvp(_fn_pair, (m.tensor(A), m.tensor(B)),
                                                      (m.tensor(B), m.tensor(A)))),
    ("hvp", lambda m: m.autograd.functional.hvp(lambda x: (x.sin() * x).sum(), m.tensor(R), m.tensor(R))),
    ("vhp", lambda m: m.autograd.functional.vhp(_fn_exp_sum, (m.tensor(R), m.tensor(R)),
                                                (m.tensor(R), m.tensor(R)))),
    ("strict error", lambda m: m.autograd.functional.jacobian(lambda x, y: x * 2, (m.tensor(R), m.tensor(R)),
                                                              strict=True)),
    ("vjp without v on non-scalar", lambda m: m.autograd.functional.vjp(lambda x: x * 2, m.tensor(R))),
]


@pytest.mark.parametrize("name, fn", FUNCTIONAL, ids=[f[0] for f in FUNCTIONAL])
def test_functional_matches_torch(name, fn):
    run_both(fn)


# ------------------------------------------------------------------------------------------- anomaly mode
def test_anomaly_mode_flags_match_torch():
    def flags(m):
        enabled = torch.is_anomaly_enabled if m is torch else ember.autograd.is_anomaly_enabled
        out = [enabled()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                out.append(enabled())
        out.append(enabled())
        with m.autograd.set_detect_anomaly(True):
            out.append(enabled())
        out.append(enabled())
        return out

    run_both(flags)


def test_anomaly_mode_nan_error_matches_torch():
    def nan(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                x = m.tensor([0.0, 1.0], requires_grad=True)
                (x.sqrt() * 0).sum().backward()  # 0 * inf = nan in SqrtBackward0

    raises_like(nan)


def test_anomaly_mode_warns_with_the_forward_trace():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            x = ember.tensor([1.0, 2.0], requires_grad=True)
            e = x.exp()
            e.add_(1)
            with pytest.raises(RuntimeError, match="the backtrace further above"):
                e.sum().backward()
    msgs = [str(x.message) for x in w]
    assert any(s.startswith("Error detected in ExpBackward0. Traceback of forward call") and "x.exp()" in s
               for s in msgs)


def _second_order(fn):
    def run(m):
        args = [f64(m, x) for x in (A, B, M, R)]
        outs = fn(m, *args)
        outs = outs if isinstance(outs, tuple) else (outs,)
        rng = np.random.default_rng(11)
        cot = [m.tensor(rng.uniform(-1, 1, tuple(o.shape))) for o in outs]
        firsts = m.autograd.grad(outs, args, cot, create_graph=True, allow_unused=True)
        used = [(g, x) for g, x in zip(firsts, args, strict=True) if g is not None and g.requires_grad]
        if not used:
            return firsts
        weights = [m.tensor(rng.uniform(-1, 1, tuple(g.shape))) for g, _ in used]
        total = sum((g * w).sum() for (g, _), w in zip(used, weights, strict=True))
        return firsts, m.autograd.grad(total, args, allow_unused=True, materialize_grads=True)

    return run


@pytest.mark.parametrize("name, fn", [(o[0], o[1]) for o in OPS if o[2]], ids=[o[0] for o in OPS if o[2]])
def test_second_derivatives_match_torch(name, fn):
    run_both(_second_order(fn), rtol=1e-7, atol=1e-9)

"""The four checks of the conformance table (forward, grads, gradgrad, errors), for a list of rows."""

from __future__ import annotations

import numpy as np
import pytest
from harness_ops import assert_like_torch, convert, first_sentence, seeded_like

import ember


def forward(torch, row, sample):
    try:
        want = row.run(torch, sample)
    except Exception as t:  # noqa: BLE001 - torch refuses this sample: ember must refuse it the same way
        with pytest.raises(Exception) as e:
            row.run(ember, sample)
        if type(t).__module__ == "builtins":
            assert type(e.value) is type(t), f"torch raised {t!r}, ember {e.value!r}"
        assert first_sentence(str(e.value)) == first_sentence(str(t))
        return
    got = row.run(ember, sample)
    assert_like_torch(got, want, tol=row.tol, signbit=row.check_signbit)


def _grads(lib, row, sample, key, create_graph=False):
    args, kwargs, leaves = row.leaves(lib, sample)
    assert leaves, "a gradient row needs a float input"
    out = row.call_with(lib, args, kwargs)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if isinstance(o, lib.Tensor) and o.requires_grad]
    cots = [seeded_like(lib, o, f"{key}-{i}") for i, o in enumerate(outs)]
    grads = lib.autograd.grad(outs, leaves, cots, allow_unused=True, create_graph=create_graph)
    return leaves, outs, grads


def _refused(torch, row, sample, key):
    """True when torch refuses the sample (an error row): ember must refuse it with the same exception type."""
    try:
        row.call_with(torch, *row.leaves(torch, sample)[:2])
    except Exception as t:  # noqa: BLE001 - the forward test compares messages
        with pytest.raises(type(t)):
            row.call_with(ember, *row.leaves(ember, sample)[:2])
        return True
    return False


def grads(torch, row, sample, key):
    if _refused(torch, row, sample, key):
        return
    _, touts, want = _grads(torch, row, sample, key)
    _, eouts, got = _grads(ember, row, sample, key)
    assert len(eouts) == len(touts), "number of differentiable outputs differs"
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        if w is None:
            assert g is None or not g.abs().sum().item(), f"grad[{i}]: torch gives None"
            continue
        assert g is not None, f"grad[{i}] is None, torch's is not"
        assert_like_torch(g, w, tol=row.tol, signbit=False, path=f"grad[{i}]")


def gradgrads(torch, row, sample, key):
    def run(lib):
        leaves, _, gs = _grads(lib, row, sample, key, create_graph=True)
        pairs = [(g, i) for i, g in enumerate(gs) if g is not None and g.requires_grad]
        if not pairs:
            return []
        cots = [seeded_like(lib, g, f"{key}-gg{i}") for g, i in pairs]
        return lib.autograd.grad([g for g, _ in pairs], leaves, cots, allow_unused=True)

    if _refused(torch, row, sample, key):
        return
    want, got = run(torch), run(ember)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        if w is None:
            assert g is None or not g.abs().sum().item()
            continue
        assert g is not None
        assert_like_torch(g, w, tol=row.tol, signbit=False, path=f"gradgrad[{i}]")


def numeric_gradcheck(row, sample, eps=1e-6, atol=1e-5, rtol=1e-4):
    """Finite differences of ember's own forward against ember's backward (float64), torch-free."""
    args, kwargs, leaves = row.leaves(ember, sample)
    out = row.call_with(ember, args, kwargs)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if isinstance(o, ember.Tensor) and o.requires_grad]
    rng = np.random.default_rng(0)
    cots = [ember.from_numpy(rng.uniform(-1, 1, tuple(o.shape))) for o in outs]
    analytic = ember.autograd.grad(outs, leaves, cots, allow_unused=True)

    def f():
        with ember.no_grad():
            o = row.call_with(ember, args, kwargs)
            os_ = [x for x in (o if isinstance(o, (tuple, list)) else (o,)) if isinstance(x, ember.Tensor)
                   and x.dtype.is_floating_point]
            return sum(float((x * c).sum().item()) for x, c in zip(os_, cots, strict=False))

    for leaf, g in zip(leaves, analytic, strict=False):
        a = leaf._data
        num = np.zeros(a.shape)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + eps
            fp = f()
            a[idx] = old - eps
            fm = f()
            a[idx] = old
            num[idx] = (fp - fm) / (2 * eps)
        ga = np.zeros(a.shape) if g is None else g.numpy()
        np.testing.assert_allclose(ga, num, atol=atol, rtol=rtol)


def raised(lib, row, err):
    try:
        if err.call is not None:
            err.call(lib, *[convert(lib, a) for a in err.sample.args],
                     **{k: convert(lib, v) for k, v in err.sample.kwargs.items()})
        else:
            row.run(lib, err.sample)
    except Exception as e:  # noqa: BLE001 - the test is about which exception
        return e
    return None


def errors(torch, row, err):
    t = raised(torch, row, err)
    assert isinstance(t, err.type), f"torch raised {t!r}, the row expects {err.type.__name__}"
    e = raised(ember, row, err)
    assert e is not None, f"ember raised nothing; torch: {t}"
    assert isinstance(e, err.type), f"ember raised {type(e).__name__}: {e}; torch: {type(t).__name__}: {t}"
    if err.match is not None:
        assert err.match in str(e), f"ember's message {str(e)!r} lacks {err.match!r}"
    else:
        assert first_sentence(str(e)) == first_sentence(str(t))

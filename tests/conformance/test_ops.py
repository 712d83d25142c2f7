"""Every row of rows.py against torch: forward values, gradients, second derivatives and errors."""

from __future__ import annotations

import pytest
from harness import (
    assert_like_torch,
    check_each,
    convert,
    error_cases,
    first_sentence,
    forward_cases,
    grad_cases,
    seeded_like,
)
from rows import ROWS

import ember

torch = pytest.importorskip("torch")

# torch 2.13 warns about x[[[0, 1], [2, 3]]] (a list of lists as a tuple index), which the table checks on purpose;
# the edge values make NumPy warn inside ember's ops (ember filters those outside pytest, which resets the filters)
pytestmark = [
    pytest.mark.filterwarnings("ignore:Using a non-tuple sequence:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning"),
]


@pytest.mark.parametrize("row, dtype, samples", forward_cases(ROWS))
def test_forward_matches_torch(row, dtype, samples):
    check_each(samples, lambda sample: _forward(row, sample))


def _forward(row, sample):
    want = _torch_or_refusal(lambda: row.run(torch, sample), lambda: row.run(ember, sample))
    if want is not _REFUSED:
        assert_like_torch(row.run(ember, sample), want, tol=row.tol, signbit=row.check_signbit)


_REFUSED = object()


def _torch_or_refusal(run_torch, run_ember):
    """torch's result; or, when torch raises, check that ember raises the same and return _REFUSED."""
    try:
        return run_torch()
    except Exception as t:  # noqa: BLE001 - torch refuses this sample: ember must refuse it the same way
        with pytest.raises(type(t) if type(t).__module__ == "builtins" else Exception) as e:
            run_ember()
        assert type(e.value) is type(t) or type(t).__module__ != "builtins", f"torch raised {t!r}, ember {e.value!r}"
        assert first_sentence(str(e.value)) == first_sentence(str(t))
        return _REFUSED


def _outputs(lib, out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, lib.Tensor) and o.requires_grad]


def _grads(lib, row, sample, key, create_graph=False):
    args, kwargs, leaves = row.leaves(lib, sample)
    assert leaves, "a gradient row needs a float input"
    outs = _outputs(lib, row.call_with(lib, args, kwargs))
    cots = [seeded_like(lib, o, f"{key}-{i}") for i, o in enumerate(outs)]
    grads = lib.autograd.grad(outs, leaves, cots, allow_unused=True, create_graph=create_graph)
    return leaves, outs, grads


@pytest.mark.parametrize("row, dtype, samples", grad_cases(ROWS))
def test_grads_match_torch(row, dtype, samples):
    check_each(samples, lambda sample: _check_grads(row, sample, f"{row.id}-{sample.note}"))


def _check_grads(row, sample, key):
    r = _torch_or_refusal(lambda: _grads(torch, row, sample, key), lambda: _grads(ember, row, sample, key))
    if r is _REFUSED:
        return
    _, touts, want = r
    _, eouts, got = _grads(ember, row, sample, key)
    assert len(eouts) == len(touts), "number of differentiable outputs differs"
    names = [type(o.grad_fn).__name__ for o in eouts], [type(o.grad_fn).__name__ for o in touts]
    assert names[0] == names[1], f"grad_fn {names[0]} != torch's {names[1]}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if w is None:
            assert g is None or not g.abs().sum().item(), f"grad[{i}]: torch gives None"
            continue
        assert g is not None, f"grad[{i}] is None, torch's is not"
        assert_like_torch(g, w, tol=row.tol, signbit=False, path=f"grad[{i}]")


def _gradgrads(lib, row, sample, key):
    leaves, _, grads = _grads(lib, row, sample, key, create_graph=True)
    pairs = [(g, i) for i, g in enumerate(grads) if g is not None and g.requires_grad]
    outs = [g for g, _ in pairs]
    cots = [seeded_like(lib, g, f"{key}-gg{i}") for g, i in pairs]
    if not outs:
        return []
    return lib.autograd.grad(outs, leaves, cots, allow_unused=True)


@pytest.mark.parametrize("row, dtype, samples", grad_cases(ROWS, "gradgrad"))
def test_gradgrad_matches_torch(row, dtype, samples):
    check_each(samples, lambda sample: _check_gradgrads(row, sample, f"{row.id}-{sample.note}"))


def _check_gradgrads(row, sample, key):
    want = _torch_or_refusal(lambda: _gradgrads(torch, row, sample, key), lambda: _gradgrads(ember, row, sample, key))
    if want is _REFUSED:
        return
    got = _gradgrads(ember, row, sample, key)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if w is None:
            assert g is None or not g.abs().sum().item(), f"gradgrad[{i}]: torch gives None"
            continue
        assert g is not None, f"gradgrad[{i}] is None, torch's is not"
        assert_like_torch(g, w, tol=row.tol, signbit=False, path=f"gradgrad[{i}]")


def _raised(lib, row, err):
    try:
        if err.call is not None:
            args = [row_convert(lib, a) for a in err.sample.args]
            kwargs = {k: row_convert(lib, v) for k, v in err.sample.kwargs.items()}
            err.call(lib, *args, **kwargs)
        else:
            row.run(lib, err.sample)
    except Exception as e:  # noqa: BLE001 - the test is about which exception
        return e
    return None


def row_convert(lib, v):
    return convert(lib, v)


@pytest.mark.parametrize("row, err", error_cases(ROWS))
def test_errors_match_torch(row, err):
    t = _raised(torch, row, err)
    assert isinstance(t, err.type), f"torch raised {t!r}, the row expects {err.type.__name__}"
    e = _raised(ember, row, err)
    assert e is not None, f"ember raised nothing; torch: {t}"
    assert isinstance(e, err.type), f"ember raised {type(e).__name__}: {e}; torch: {type(t).__name__}: {t}"
    if type(t).__module__ == "builtins":  # torch's own subclasses (torch.OutOfMemoryError ...) need only isinstance
        assert type(e) is type(t), f"ember raised {type(e).__name__}: {e}; torch: {type(t).__name__}: {t}"
    if err.match is not None:
        assert err.match in str(t), f"torch's message lacks {err.match!r}: {t}"
        assert err.match in str(e), f"ember's message {str(e)!r} lacks {err.match!r}"
    else:
        assert first_sentence(str(e)) == first_sentence(str(t))


@pytest.mark.parametrize(
    "row, dtype, samples", forward_cases([r for r in ROWS if r.alias], dtypes=("float32",), kind="alias")
)
def test_views_share_memory_like_torch(row, dtype, samples):
    """After an in-place change of the input, a view shows it and a copy does not, as in torch."""
    check_each(samples, lambda sample: _check_alias(row, sample))


def _check_alias(row, sample):
    outs = []
    for lib in (torch, ember):
        args = [convert(lib, a) for a in sample.args]
        kwargs = {k: convert(lib, v) for k, v in sample.kwargs.items()}
        try:
            out = row.call_with(lib, args, kwargs)
        except Exception:  # noqa: BLE001 - refusals are test_forward_matches_torch's business
            return
        args[0].mul_(-3).add_(1)
        outs.append(out)
    assert_like_torch(outs[1], outs[0])

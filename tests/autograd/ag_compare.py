"""Run one scenario on ember and on torch and compare what it returns, or the error it raises."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _plain(x, lib):
    """Turn a scenario's result into plain Python/NumPy values comparable across the two libraries."""
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        arr = np.array(x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x.detach().numpy(), copy=True)
        return ("tensor", str(x.dtype).replace("torch.", "").replace("ember.", ""), tuple(x.shape),
                bool(x.requires_grad), arr)
    if isinstance(x, (tuple, list)):
        return type(x).__name__, [_plain(i, lib) for i in x]
    if isinstance(x, dict):
        return {k: _plain(v, lib) for k, v in x.items()}
    return x


def assert_same(got, want, path="result", rtol=1e-5, atol=1e-6):
    """Assert that two _plain results are equal (tensor values within tolerance)."""
    if isinstance(want, tuple) and want and want[0] == "tensor":
        assert isinstance(got, tuple) and got and got[0] == "tensor", f"{path}: ember gave {got!r}, torch a tensor"
        assert got[1] == want[1], f"{path}: dtype {got[1]} != torch's {want[1]}"
        assert got[2] == want[2], f"{path}: shape {got[2]} != torch's {want[2]}"
        assert got[3] == want[3], f"{path}: requires_grad {got[3]} != torch's {want[3]}"
        np.testing.assert_allclose(got[4], want[4], rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
        return
    if isinstance(want, tuple) and len(want) == 2 and want[0] in ("tuple", "list"):
        assert isinstance(got, tuple) and got[0] in ("tuple", "list"), f"{path}: ember gave {got!r}"
        assert len(got[1]) == len(want[1]), f"{path}: {len(got[1])} items, torch {len(want[1])}"
        for i, (g, w) in enumerate(zip(got[1], want[1], strict=False)):
            assert_same(g, w, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), f"{path}: {got!r} vs {want!r}"
        for k in want:
            assert_same(got[k], want[k], f"{path}[{k!r}]", rtol, atol)
        return
    if isinstance(want, float):
        assert got == pytest.approx(want, rel=rtol, abs=atol), f"{path}: {got!r} != torch's {want!r}"
        return
    assert got == want, f"{path}: {got!r} != torch's {want!r}"


def run_both(fn, rtol=1e-5, atol=1e-6):
    """Run ``fn(lib)`` for ember and torch; results must match, or both must raise the same error."""
    try:
        want = _plain(fn(torch), torch)
    except Exception as t:  # noqa: BLE001 - torch refuses: ember must refuse the same way
        with pytest.raises(Exception) as e:
            fn(ember)
        assert type(e.value).__name__ == type(t).__name__, f"torch raised {t!r}, ember {e.value!r}"
        assert str(e.value) == str(t)
        return
    got = _plain(fn(ember), ember)
    assert_same(got, want, rtol=rtol, atol=atol)


def raises_like(fn) -> str:
    """Assert that ``fn(lib)`` raises the same exception type and message in both; return the message."""
    with pytest.raises(Exception) as t:
        fn(torch)
    with pytest.raises(Exception) as e:
        fn(ember)
    assert type(e.value).__name__ == type(t.value).__name__, f"torch raised {t.value!r}, ember {e.value!r}"
    assert str(e.value) == str(t.value)
    return str(t.value)

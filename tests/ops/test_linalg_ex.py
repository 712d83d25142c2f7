"""linalg.cholesky_ex against torch: info (order of the failing leading minor), partial factors, check_errors, grads."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_SPD = [[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]]
_BAD2 = [[4.0, 2.0, 1.0], [2.0, 1.0, 3.0], [1.0, 3.0, 5.0]]  # leading minor of order 2 is singular
_BAD3 = [[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, -3.0]]
_NEG = [[-1.0, 0.0], [0.0, 2.0]]
_NAN = [[float("nan"), 0.0], [0.0, 1.0]]
_NAN_OFF = [[1.0, 0.0], [float("nan"), 1.0]]

# fmt: off
# (id, matrix or batch (nested lists), dtype name)
CASES = [
    ("spd", _SPD, "float32"),
    ("spd-f64", _SPD, "float64"),
    ("bad-minor-2", _BAD2, "float32"),
    ("bad-minor-3", _BAD3, "float64"),
    ("bad-minor-1", _NEG, "float32"),
    ("negative-identity", [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]], "float64"),
    ("zero", [[0.0, 0.0], [0.0, 0.0]], "float32"),
    ("nan", _NAN, "float32"),
    ("nan-off-diagonal", _NAN_OFF, "float64"),
    ("upper-triangle-ignored", [[4.0, 100.0], [2.0, 1.0]], "float32"),
    ("batch", [_SPD, _BAD2, _BAD3], "float64"),
    ("batch-2d", [[_NEG, [[1.0, 0.0], [0.0, 1.0]]], [[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]]]], "float32"),
    ("complex-bad", [[1.0, 0.0], [0.0, -1.0]], "complex128"),
    ("complex-spd", [[2.0, 1j], [-1j, 2.0]], "complex64"),
    ("complex-not-hermitian", [[2.0, 5j], [1j, 3.0]], "complex128"),
    ("batch-upper-differs", [[[4.0, 1.0], [9.0, 1.0]], [[1.0, 9.0], [0.5, 2.0]]], "float64"),
]
# fmt: on


def _tensors(m, dtype):
    return ember.tensor(m, dtype=getattr(ember, dtype)), torch.tensor(m, dtype=getattr(torch, dtype))


def _same(e, t):
    assert str(e.dtype).replace("ember", "torch") == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    got = np.asarray(e.tolist()).reshape(tuple(e.shape))
    np.testing.assert_allclose(got, t.detach().numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("m,dtype", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cholesky_ex(m, dtype, upper):
    e, t = _tensors(m, dtype)
    re, rt = ember.linalg.cholesky_ex(e, upper=upper), torch.linalg.cholesky_ex(t, upper=upper)
    _same(re.info, rt.info)
    _same(re.L, rt.L)
    Le, ie = re
    assert Le is re.L and ie is re.info


@pytest.mark.parametrize("m,dtype", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_errors_and_cholesky_raise_like_torch(m, dtype):
    e, t = _tensors(m, dtype)
    for fe, ft in (
        (
            lambda: ember.linalg.cholesky_ex(e, check_errors=True),
            lambda: torch.linalg.cholesky_ex(t, check_errors=True),
        ),
        (lambda: ember.linalg.cholesky(e), lambda: torch.linalg.cholesky(t)),
    ):
        try:
            expected = ft()
        except torch.linalg.LinAlgError as err:
            with pytest.raises(ember.linalg.LinAlgError) as ei:
                fe()
            assert str(ei.value) == str(err)
            assert isinstance(ei.value, RuntimeError)
        else:
            got = fe()
            _same(got[0] if isinstance(got, tuple) else got, expected[0] if isinstance(expected, tuple) else expected)


# (a failure whose partial factor is singular gives torch nan/inf gradients; ember's backward raises there)
@pytest.mark.parametrize("m", [_SPD, _BAD3, [[1.0, 2.0], [2.0, 1.0]]], ids=["spd", "bad-minor-3", "indefinite-2x2"])
def test_cholesky_ex_grad(m):
    e = ember.tensor(m, dtype=ember.float64, requires_grad=True)
    t = torch.tensor(m, dtype=torch.float64, requires_grad=True)
    Le, _ = ember.linalg.cholesky_ex(e)
    Lt, _ = torch.linalg.cholesky_ex(t)
    assert Le.grad_fn.name() == Lt.grad_fn.name()
    w = np.arange(1.0, 1.0 + np.size(m)).reshape(np.shape(m))
    (Le * ember.tensor(w)).sum().backward()
    (Lt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(np.asarray(e.grad.tolist()), t.grad.numpy(), rtol=1e-6, atol=1e-9)


def test_empty_batch_and_info_dtype():
    re = ember.linalg.cholesky_ex(ember.zeros(0, 3, 3))
    rt = torch.linalg.cholesky_ex(torch.zeros(0, 3, 3))
    _same(re.L, rt.L)
    _same(re.info, rt.info)


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.linalg.cholesky_ex(L.ones(3)),
        lambda L: L.linalg.cholesky_ex(L.ones(2, 3)),
        lambda L: L.linalg.cholesky_ex(L.ones(2, 2, dtype=L.int64)),
        lambda L: L.linalg.cholesky_ex(L.ones(2, 2, dtype=L.float16)),
    ],
    ids=["1d", "not-square", "int", "half"],
)
def test_bad_input(make):
    with pytest.raises(Exception) as te:
        make(torch)
    with pytest.raises(type(te.value)) as ee:
        make(ember)
    assert str(ee.value) == str(te.value)

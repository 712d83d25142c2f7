"""x.sum() / x.mean() without grad take a fast path: same values, dtypes and silence as torch."""

import re
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [
    ("float32", lambda m: m.tensor([[1.5, -2.0, 3.25], [0.5, 7.0, -1.0]])),
    ("float64", lambda m: m.tensor([1.0, 2.0, 4.0], dtype=m.float64)),
    ("float16", lambda m: m.tensor([1.0, 2.0, 4.5], dtype=m.float16)),
    ("int64", lambda m: m.tensor([1, 2, 3])),
    ("uint8", lambda m: m.tensor([200, 100], dtype=m.uint8)),
    ("bool", lambda m: m.tensor([True, False, True])),
    ("0-d", lambda m: m.tensor(2.5)),
    ("empty", lambda m: m.zeros(0)),
    ("empty-2d", lambda m: m.zeros(0, 3)),
    ("nan-inf", lambda m: m.tensor([float("inf"), float("-inf"), 1.0])),
]


@pytest.mark.parametrize("name, make", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("op", ["sum", "mean", "mean0"])
def test_no_grad_sum_mean_match_torch(name, make, op):
    def run(m):
        x = make(m)
        if op == "sum":
            return x.sum()
        if op == "mean0":
            return x.mean(0) if x.ndim else x.mean()
        return x.mean()

    try:
        want = run(torch)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=re.escape(str(e).split(".")[0][:40])):
            run(ember)
        return
    with warnings.catch_warnings(record=True) as caught:  # the filters as a user has them (ember's included)
        got = run(ember)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]  # torch is silent here
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy().astype(float), want.numpy().astype(float), rtol=1e-6, equal_nan=True)


def test_sum_backward_of_0d_and_nd():
    for shape in [(), (3,), (2, 3)]:
        x = ember.ones(shape, requires_grad=True)
        (x * 3).sum().backward()
        xt = torch.ones(shape, requires_grad=True)
        (xt * 3).sum().backward()
        assert x.grad.tolist() == xt.grad.tolist()

"""Sparse COO tensors (ember.sparse) against torch: construction, printing, conversions, ops and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

I = np.array([[0, 1, 1], [2, 0, 2]])
V = np.array([3.0, 4.0, 5.0], np.float32)
I2 = np.array([[0, 0, 1], [1, 1, 3]])
V2 = np.array([1.0, 2.0, 3.0], np.float32)


def both(fn):
    """Run ``fn(lib)`` for ember and torch and return both results."""
    return fn(ember), fn(torch)


def coo(lib, i=I, v=V, size=(2, 4), **kw):
    return lib.sparse_coo_tensor(lib.tensor(i), lib.tensor(v), size, **kw)


def same(a, b):
    if isinstance(b, torch.Tensor):
        assert str(a.dtype) == str(b.dtype)
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(np.asarray(a.detach()), b.detach().numpy(), rtol=1e-6)
    else:
        assert a == b


CASES = {
    "repr": lambda lib: repr(coo(lib)),
    "repr float64": lambda lib: repr(coo(lib, v=V.astype(np.float64))),
    "repr int": lambda lib: repr(coo(lib, v=np.array([1, 2, 3]))),
    "repr empty": lambda lib: repr(lib.sparse_coo_tensor(lib.zeros(2, 0, dtype=lib.long), lib.zeros(0), (2, 3))),
    "repr coalesced duplicates": lambda lib: repr(coo(lib, I2, V2).coalesce()),
    "repr inferred size": lambda lib: repr(lib.sparse_coo_tensor(lib.tensor(I), lib.tensor(V))),
    "repr to_sparse": lambda lib: repr(lib.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]).to_sparse()),
    "repr grad_fn": lambda lib: repr(lib.sparse_coo_tensor(lib.tensor(I), lib.tensor(V, requires_grad=True), (2, 4))),
    "repr leaf": lambda lib: repr(coo(lib, requires_grad=True)),
    "repr mul leaf": lambda lib: repr(coo(lib, requires_grad=True) * 2),
    "repr coalesce leaf": lambda lib: repr(coo(lib, I2, V2, requires_grad=True).coalesce()),
    "layout": lambda lib: str(coo(lib).layout),
    "is_sparse": lambda lib: (coo(lib).is_sparse, lib.ones(2).is_sparse),
    "shape": lambda lib: tuple(coo(lib).shape) + (coo(lib).dim(), coo(lib).size(1)),
    "dtype": lambda lib: str(coo(lib).dtype),
    "nnz": lambda lib: (coo(lib)._nnz(), coo(lib, I2, V2).coalesce()._nnz()),
    "is_coalesced": lambda lib: (coo(lib).is_coalesced(), coo(lib).coalesce().is_coalesced(),
                                 lib.eye(2).to_sparse().is_coalesced()),
    "sparse_dim": lambda lib: (coo(lib).sparse_dim(), coo(lib).dense_dim()),
}

TENSOR_CASES = {
    "to_dense": lambda lib: coo(lib).to_dense(),
    "to_dense duplicates": lambda lib: coo(lib, I2, V2).to_dense(),
    "indices": lambda lib: coo(lib).coalesce().indices(),
    "values": lambda lib: coo(lib, I2, V2).coalesce().values(),
    "mm": lambda lib: lib.sparse.mm(coo(lib), lib.ones(4, 2)),
    "matmul operator": lambda lib: coo(lib) @ lib.arange(8.0).reshape(4, 2),
    "add": lambda lib: (coo(lib) + coo(lib, I2, V2)).to_dense(),
    "add indices": lambda lib: (coo(lib) + coo(lib, I2, V2))._indices(),
    "mul scalar": lambda lib: (coo(lib) * 2).to_dense(),
    "rmul scalar": lambda lib: (2.5 * coo(lib))._values(),
    "neg": lambda lib: (-coo(lib)).to_dense(),
    "sparse.sum": lambda lib: lib.sparse.sum(coo(lib)),
    "sparse.sum dim": lambda lib: lib.sparse.sum(coo(lib), 0).to_dense(),
    "sparse.sum all dims": lambda lib: lib.sparse.sum(coo(lib), (0, 1)),
    "dense plus sparse": lambda lib: lib.ones(2, 4) + coo(lib),
    "to_sparse roundtrip": lambda lib: lib.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]).to_sparse().to_dense(),
    "to_sparse values": lambda lib: lib.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]).to_sparse().values(),
    "t": lambda lib: coo(lib).t().to_dense(),
    "to float64": lambda lib: coo(lib).to(lib.float64).to_dense(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sparse_matches_torch(name):
    got, want = both(CASES[name])
    assert got == want


@pytest.mark.parametrize("name", list(TENSOR_CASES))
def test_sparse_tensor_results_match_torch(name):
    got, want = both(TENSOR_CASES[name])
    same(got, want)


def _grads(lib):
    v = lib.tensor(V.astype(np.float64), requires_grad=True)
    d = lib.tensor(np.arange(8.0).reshape(4, 2) / 3, requires_grad=True)
    s = lib.sparse_coo_tensor(lib.tensor(I), v, (2, 4))
    out = lib.sparse.mm(s, d)
    cot = lib.tensor(np.array([[0.5, -1.0], [2.0, 0.25]]))
    (out * cot).sum().backward()
    w = lib.tensor(V.astype(np.float64), requires_grad=True)
    dense = lib.sparse_coo_tensor(lib.tensor(I2), w, (2, 4)).to_dense()
    (dense * lib.arange(8.0, dtype=lib.float64).reshape(2, 4)).sum().backward()
    u = lib.tensor(V.astype(np.float64), requires_grad=True)
    lib.sparse.sum(lib.sparse_coo_tensor(lib.tensor(I), u, (2, 4)) * 3).backward()
    return v.grad, d.grad, w.grad, u.grad


def test_sparse_gradients_match_torch():
    got, want = both(_grads)
    for g, w in zip(got, want, strict=False):
        same(g, w)


@pytest.mark.parametrize("call, exc", [
    (lambda lib: coo(lib, v=V[:2]), RuntimeError),
    (lambda lib: coo(lib) + lib.ones(2, 4), RuntimeError),
    (lambda lib: coo(lib).indices(), RuntimeError),
    (lambda lib: lib.sparse.mm(coo(lib), lib.ones(3, 2)), RuntimeError),
])
def test_sparse_errors_match_torch(call, exc):
    with pytest.raises(exc) as t:
        call(torch)
    with pytest.raises(exc) as e:
        call(ember)
    assert str(e.value).split("\n")[0] == str(t.value).split("\n")[0]


def test_indices_outside_size_are_refused():
    # torch skips this check unless invariant checks are on; ember always checks (to_dense would fail later)
    with pytest.raises(RuntimeError, match="size is inconsistent with indices"):
        coo(ember, size=(1, 4))

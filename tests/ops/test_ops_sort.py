"""Sorting and selection (ops/sort.py) and the named-tuple results, against torch."""

from __future__ import annotations

import numpy as np
import pytest
from harness_ops import INTS, Error, Row, Sample, error_cases, forward_cases, grad_cases, make
from ops_check import errors, forward, gradgrads, grads, numeric_gradcheck

import ember

torch = pytest.importorskip("torch")


def distinct(shape, dtype="float32"):
    """Values without ties (tie order of topk/kthvalue/median is not specified by torch)."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(n * 7 + len(shape))
    return (rng.permutation(n).reshape(shape) - n // 2).astype(dtype) / (1 if dtype in INTS else 4)


def ties(dtype="float32"):
    return np.array([[2, 1, 2, 0, 1, 2], [5, 5, 5, 1, 1, 0]], dtype=dtype)


def sort_samples(dtype):
    yield Sample(distinct((3, 5), dtype))
    yield Sample(distinct((3, 5), dtype), 0, note="dim0")
    yield Sample(distinct((2, 3, 4), dtype), dim=1, descending=True, note="descending")
    yield Sample(ties(dtype), stable=True, note="stable ties")
    yield Sample(ties(dtype), stable=True, descending=True, note="stable ties descending")
    yield Sample(distinct((4, 3), dtype).T, note="transposed")
    yield Sample(make((), dtype), note="0-d")
    yield Sample(make((0, 3), dtype), note="empty")
    if dtype == "float32":
        yield Sample(np.array([1.0, np.nan, -np.inf, np.inf, 0.0, np.nan], np.float32), note="nan last")
        yield Sample(np.array([1.0, np.nan, -np.inf, np.inf, 0.0], np.float32), descending=True, stable=True,
                     note="nan first descending")


def long_ties(dtype):
    """Slices longer than 16 with many ties: torch's unstable sort (std::sort) orders them its own way."""
    rng = np.random.default_rng({"float32": 1, "int64": 2, "float64": 3}.get(dtype, 4))
    a = rng.integers(0, 4, (3, 40)).astype(dtype)
    if dtype.startswith("float"):
        a[0, [3, 17, 30]] = np.nan
    yield Sample(a, note="long ties")
    yield Sample(a, descending=True, note="long ties descending")
    yield Sample(np.ascontiguousarray(a.T), 0, note="long ties dim0")
    yield Sample(rng.integers(0, 3, 300).astype(dtype), note="300 ties")
    yield Sample(rng.integers(0, 50, 1000).astype(dtype), descending=True, note="1000 ties")


def grad_sort(dtype):
    yield Sample(distinct((3, 5), dtype))
    yield Sample(distinct((2, 3, 4), dtype), dim=1, descending=True, note="descending")


def topk_samples(dtype):
    rng = np.random.default_rng(17)
    ties = rng.integers(0, 4, (3, 70)).astype(dtype)
    if dtype == "float32":
        ties[0, [4, 40]] = np.nan
    for k in (1, 3, 30):
        yield Sample(ties, k, note=f"ties k{k}")
        yield Sample(ties, k, largest=False, note=f"ties smallest k{k}")
    yield Sample(ties, 5, sorted=False, note="ties unsorted")
    yield Sample(distinct((3, 70), dtype), 4, sorted=False, note="unsorted")
    yield Sample(distinct((3, 5), dtype), 2)
    yield Sample(distinct((3, 5), dtype), 1, dim=0, note="dim0")
    yield Sample(distinct((3, 5), dtype), 3, largest=False, note="smallest")
    yield Sample(distinct((7,), dtype), 7, note="all")
    yield Sample(distinct((7,), dtype), 0, note="k0")


def kth_samples(dtype):
    rng = np.random.default_rng(11)
    ties = rng.integers(0, 4, (4, 9)).astype(dtype)
    for k in (1, 3, 5, 9):
        yield Sample(ties, k, note=f"ties k{k}")
    yield Sample(np.ascontiguousarray(ties.T), 2, 0, True, note="ties dim0 keepdim")
    if dtype == "float32":
        t = ties.copy()
        t[1, [2, 5]] = np.nan
        yield Sample(t, 9, note="nan ties")
    yield Sample(distinct((3, 5), dtype), 2)
    yield Sample(distinct((3, 5), dtype), 1, dim=0, note="dim0")
    yield Sample(distinct((3, 5), dtype), 3, 1, True, note="keepdim")
    yield Sample(distinct((4,), dtype), 4, note="last")


def unique_samples(dtype):
    a = np.array([3, 1, 1, 2, 3, 3, 0], dtype=dtype)
    yield Sample(a)
    yield Sample(a, return_inverse=True, return_counts=True, note="inverse counts")
    yield Sample(np.array([[1, 2], [1, 2], [0, 5]], dtype=dtype), dim=0, return_inverse=True, return_counts=True,
                 note="dim0")
    yield Sample(np.array([[1, 2, 1], [3, 4, 3]], dtype=dtype), dim=1, note="dim1")
    yield Sample(np.zeros((0,), dtype=dtype), note="empty")
    if dtype == "float32":
        yield Sample(np.array([3.0, np.nan, 1.0, np.nan, 3.0], dtype), return_counts=True, note="nan distinct")


def empty_unique_samples(dtype):
    for shape, d in (((0,), 0), ((0, 3), 0), ((2, 0), 0), ((0, 0, 2), -1), ((0, 0), 0), ((3, 0), 1), ((2, 0, 0), 0)):
        yield Sample(np.zeros(shape, dtype), dim=d, return_inverse=True, return_counts=True, note=f"empty {shape} {d}")


def consecutive_samples(dtype):
    a = np.array([1, 1, 2, 2, 3, 1, 1, 2], dtype=dtype)
    yield Sample(a)
    yield Sample(a, return_inverse=True, return_counts=True, note="inverse counts")
    yield Sample(np.array([[1, 1, 2], [1, 1, 3]], dtype=dtype), dim=1, return_counts=True, note="dim1")


def call_named(name):
    """Call lib.<name> and return (values, indices) plus the repr, so the named tuple's print is compared."""
    def call(lib, *a, **k):
        r = getattr(lib, name)(*a, **k)
        return tuple(r) + (repr(r).replace("torch.return_types", "RT"),)
    return call


ROWS = [
    Row("sort", sort_samples, dtypes=("float32", "int64", "float64"), call=call_named("sort"), grad=True, gradgrad=True,
        grad_samples=grad_sort, errors=[Error(Sample(make((2, 3)), 2), IndexError)]),
    Row("sort", lambda d: [Sample(ties("bool") > 0), Sample(ties("uint8"), descending=True, stable=True)],
        id="sort bool uint8"),
    Row("argsort", sort_samples, dtypes=("float32", "int64"),
        call=lambda lib, x, *a, **k: lib.argsort(x, **({"dim": a[0]} if a else {}), **{**k, "stable": True})),
    Row("sort", long_ties, dtypes=("float32", "int64", "float64", "int8"), call=call_named("sort"),
        id="sort unstable ties"),
    Row("argsort", long_ties, dtypes=("float32", "int64"), id="argsort unstable ties"),
    Row("msort", lambda d: [Sample(distinct((3, 4), d)), Sample(ties(d))], dtypes=("float32", "int32"), grad=True,
        gradgrad=True),
    Row("topk", topk_samples, dtypes=("float32", "int64"), call=call_named("topk"), grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3)), 4), RuntimeError)]),
    Row("kthvalue", kth_samples, dtypes=("float32", "int64"), call=call_named("kthvalue"), grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3)), 4), RuntimeError), Error(Sample(make((2, 3)), 0), RuntimeError)]),
    Row("unique", unique_samples, dtypes=("int64", "float32")),
    Row("unique_consecutive", consecutive_samples, dtypes=("int64", "float32")),
    Row("unique", empty_unique_samples, id="unique empty"),
    Row("unique_consecutive", empty_unique_samples, id="unique_consecutive empty"),
    Row("diff", lambda d: [Sample(np.zeros((0, 2), d), 1, 0), Sample(np.zeros((1, 2), d), 2, 0)], id="diff empty"),
    Row("bincount", lambda d: [Sample(np.array([0, 1, 1, 3, 3, 3])), Sample(np.array([2, 0]), minlength=5),
                               Sample(np.array([0, 1, 1]), np.array([0.5, 1.0, 2.0], np.float32)),
                               Sample(np.array([0, 1, 1]), np.array([0.5, 1.0, 2.0])),
                               Sample(np.zeros(0, np.int64))],
        errors=[Error(Sample(np.array([-1, 2])), RuntimeError), Error(Sample(np.array([[1]])), RuntimeError)]),
    Row("histc", lambda d: [Sample(np.array([[2.0, 4, 4, 4], [5, 5, 7, 9]], d), bins=4, min=0, max=10),
                            Sample(np.array([1.0, 2, 1, 2.5], d), bins=4),
                            Sample(np.array([-1.0, 0, 10, 11], d), bins=5, min=0, max=10)],
        dtypes=("float32", "float64"), errors=[Error(Sample(np.array([1, 2])), NotImplementedError)]),
    Row("histogram", lambda d: [Sample(np.array([1.0, 2, 1, 2.5, 4], d), 4),
                                Sample(np.array([1.0, 2, 1, 2.5, 4], d), 3, range=(0.0, 5.0)),
                                Sample(np.array([1.0, 2, 1], d), np.array([0.0, 1.5, 3.0], d), note="edges"),
                                Sample(np.array([1.0, 2, 1, 3], d), 2, weight=np.array([1.0, 0.5, 2, 1], d),
                                       density=True, note="weights density")], dtypes=("float32", "float64"),
        call=lambda lib, *a, **k: tuple(lib.histogram(*a, **k))),
    Row("searchsorted", lambda d: [
        Sample(np.array([1, 3, 5, 7, 9], d), np.array([[3, 6, 9], [3, 6, 9]], d)),
        Sample(np.array([1, 3, 5, 7, 9], d), np.array([3, 6, 9], d), right=True),
        Sample(np.array([[1, 3, 5], [2, 4, 6]], d), np.array([[3, 6], [1, 7]], d)),
        Sample(np.array([1, 3, 5], d), np.array([3, 4], d), out_int32=True)], dtypes=("float32", "int64")),
    Row("bucketize", lambda d: [Sample(np.array([[3, 6, 9], [3, 6, 9]], d), np.array([1, 3, 5, 7, 9], d)),
                                Sample(np.array([3, 6, 9], d), np.array([1, 3, 5, 7, 9], d), right=True)],
        dtypes=("float32", "int64")),
]


@pytest.mark.parametrize("row, dtype, sample", forward_cases(ROWS))
def test_forward_matches_torch(row, dtype, sample):
    forward(torch, row, sample)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS))
def test_grads_match_torch(row, dtype, sample, request):
    grads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, dtype, sample", [c for c in grad_cases(ROWS) if c.id.endswith("-0")])
def test_gradcheck_finite_differences(row, dtype, sample):
    numeric_gradcheck(row, sample)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS, "gradgrad"))
def test_gradgrad_matches_torch(row, dtype, sample, request):
    gradgrads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, err", error_cases(ROWS))
def test_errors_match_torch(row, err):
    errors(torch, row, err)


def test_return_type_repr_and_fields():
    r = ember.sort(ember.tensor([3.0, 1.0, 2.0]))
    assert repr(r) == repr(torch.sort(torch.tensor([3.0, 1.0, 2.0])))
    assert r.values is r[0] and r.indices is r[1]
    values, indices = r
    assert isinstance(r, tuple) and type(r).__name__ == "sort"
    assert str(type(r)) == "<class 'torch.return_types.sort'>"
    m = ember.max(ember.tensor([[1.0, 5.0], [4.0, 2.0]]), dim=1)
    assert repr(m) == repr(torch.max(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), dim=1))


def test_return_types_pickle():
    import pickle

    r = ember.topk(ember.tensor([1.0, 3.0, 2.0]), 2)
    r2 = pickle.loads(pickle.dumps(r))
    assert type(r2) is type(r) and r2.values.tolist() == [3.0, 2.0]


@pytest.mark.parametrize("name, call", [
    ("sort", lambda lib, x, o: lib.sort(x, 1, out=o)),
    ("topk", lambda lib, x, o: lib.topk(x, 2, out=o)),
    ("max", lambda lib, x, o: lib.max(x, 1, out=o)),
    ("median", lambda lib, x, o: lib.median(x, 0, out=o)),
    ("cummax", lambda lib, x, o: lib.cummax(x, 1, out=o)),
])
def test_named_tuple_out_matches_torch(name, call):
    a = np.array([[3.0, 1.0, 2.0], [0.5, 9.0, -1.0]], np.float32)
    res = []
    for lib in (ember, torch):
        o = (lib.empty(0), lib.empty(0, dtype=lib.int64))
        r = call(lib, lib.tensor(a), o)
        assert r[0] is o[0] and r[1] is o[1]
        res.append(repr(r))
    assert res[0] == res[1]

"""Reductions (ops/reduce.py) against torch: values, dtypes, dims, keepdim, named tuples, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
from harness_ops import DT, Error, Row, Sample, error_cases, forward_cases, grad_cases, make
from ops_check import errors, forward, gradgrads, grads, numeric_gradcheck

torch = pytest.importorskip("torch")

NUM = ("float32", "float64", "int64", "int32", "uint8", "bool")


def distinct(shape, dtype="float32"):
    n = int(np.prod(shape))
    rng = np.random.default_rng(n * 3 + len(shape))
    return np.asarray((rng.permutation(n).reshape(shape) - n // 3) / 4).astype(dtype)


def dims_samples(dtype, shape=(2, 3, 4), dims=(None, 0, -1, (0, 2), (1,)), keep=True):
    for d in dims:
        if d is None:
            yield Sample(make(shape, dtype), note="all")
            yield Sample(make(shape, dtype), None, True, note="all keepdim")
            yield Sample(make(shape, dtype), (), note="empty dims")
        else:
            yield Sample(make(shape, dtype), d, note=f"dim {d}")
            if keep:
                yield Sample(make(shape, dtype), d, True, note=f"dim {d} keepdim")
    yield Sample(make((), dtype), note="0-d")


def one_dim(dtype, fn=make, shape=(3, 5)):
    yield Sample(fn(shape, dtype), 1, note="dim1")
    yield Sample(fn(shape, dtype), 0, True, note="dim0 keepdim")
    yield Sample(fn((2, 3, 4), dtype), -2, note="dim-2 3d")
    yield Sample(fn((), dtype), 0, note="0-d")


def with_nan(dtype):
    a = make((3, 4), dtype)
    a[0, 1] = np.nan
    a[2, :] = np.nan
    return a


def nan_samples(dtype):
    yield Sample(with_nan(dtype), note="all")
    yield Sample(with_nan(dtype), 1, note="dim1")
    yield Sample(with_nan(dtype), (0, 1), True, note="dims keepdim")


def var_samples(dtype):
    d = np.array([[2.0, 4.0, 4.0, 4.0], [5.0, 5.0, 7.0, 9.0]], dtype)
    yield Sample(d, note="all")
    yield Sample(d, 1, note="dim1")
    yield Sample(d, dim=1, unbiased=False, note="biased")
    yield Sample(d, dim=(0, 1), correction=0, keepdim=True, note="correction0")
    yield Sample(d, dim=0, correction=2, note="correction2")
    yield Sample(make((2, 3, 4), dtype), (0, 2), note="dims")


def named(name, **fixed):
    def call(lib, *a, **k):
        r = getattr(lib, name)(*a, **k, **fixed)
        return (tuple(r) + (repr(r),)) if isinstance(r, tuple) else r
    return call


def median_samples(dtype):
    yield Sample(distinct((3, 5), dtype), note="all odd")
    yield Sample(distinct((2, 4), dtype), note="all even")
    yield Sample(distinct((3, 5), dtype), 1, note="dim1")
    yield Sample(distinct((3, 4), dtype), 0, True, note="dim0 keepdim")
    if dtype.startswith("float"):
        a = distinct((3, 5), dtype)
        a[1, 2] = np.nan
        yield Sample(a, note="nan all")
        yield Sample(a, 1, note="nan dim1")


MEDIAN_GRAD = lambda d: [Sample(distinct((3, 5), d), note="all"), Sample(distinct((3, 5), d), 1, note="dim1"),  # noqa: E731
                         Sample(np.array([1.0, 2.0, 2.0, 3.0], d), note="tie split")]

ROWS = [
    Row("sum", dims_samples, dtypes=NUM, grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3)), 5), IndexError), Error(Sample(make((2, 3)), (0, 0)), RuntimeError)]),
    Row("sum", lambda d: [Sample(make((2, 3), "int32"), dtype=DT("float64")),
                          Sample(make((2, 3)), 1, dtype=DT("float64"))],
        id="sum dtype"),
    Row("mean", lambda d: dims_samples(d), dtypes=("float32", "float64"), grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3), "int64")), RuntimeError)]),
    Row("prod", lambda d: [Sample(make((2, 3), d)), Sample(make((2, 3), d), 1), Sample(make((2, 3), d), 0, True),
                           Sample(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]], d) if d != "bool" else make((2, 3), d),
                                  1, note="zeros")],
        dtypes=NUM, grad=True, gradgrad=True),
    Row("amax", lambda d: [Sample(make((2, 3, 4), d)), Sample(make((2, 3, 4), d), (0, 2)),
                           Sample(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], d), 1, True, note="ties")],
        dtypes=("float32", "int64", "float64"), grad=True, gradgrad=True),
    Row("amin", lambda d: [Sample(make((2, 3, 4), d), -1), Sample(np.array([[1.0, 1.0, 3.0]], d), note="ties")],
        dtypes=("float32", "int64", "float64"), grad=True, gradgrad=True),
    Row("max", lambda d: one_dim(d, distinct), dtypes=("float32", "int64", "float64"), call=named("max"), grad=True,
        gradgrad=True,
        errors=[Error(Sample(make((2, 3)), 2), IndexError), Error(Sample(make((0, 3)), 0), IndexError)]),
    Row("max", lambda d: [Sample(make((3, 4), d)), Sample(np.array([1.0, np.nan, 2.0], d), note="nan")],
        id="max all", dtypes=("float32",), grad=True, gradgrad=True),
    Row("min", lambda d: one_dim(d, distinct), dtypes=("float32", "int64"), call=named("min"), grad=True,
        gradgrad=True),
    Row("argmax", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1), Sample(make((3, 4), d), 0, True),
                             Sample(np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], d), 1, note="nan row")],
        dtypes=("float32", "float64")),
    Row("argmin", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1)], dtypes=("float32", "int64")),
    Row("var", var_samples, dtypes=("float32", "float64"), grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3), "int64")), RuntimeError)]),
    Row("std", var_samples, dtypes=("float32", "float64"), grad=True, gradgrad=True),
    Row("var_mean", var_samples, dtypes=("float32",), grad=True, gradgrad=True),
    Row("std_mean", var_samples, dtypes=("float32",), grad=True, gradgrad=True),
    Row("logsumexp", lambda d: [Sample(make((3, 4), d), 1), Sample(make((2, 3, 4), d), (0, 2), True),
                                Sample(np.array([[-np.inf, -np.inf], [1.0, np.inf]], d), 1, note="inf")],
        dtypes=("float32", "float64"), grad=True, gradgrad=True),
    Row("cumsum", lambda d: [Sample(make((3, 300), "float16"), 1)], id="cumsum half accumulates in float"),
    Row("cumsum", lambda d: [Sample(make((3, 4), d), 1), Sample(make((3, 4), d), 0),
                             Sample(make((3, 4), d), dtype=DT("float64"), dim=1, note="dtype"),
                             Sample(make((3, 4), d), axis=0, note="axis")], dtypes=NUM, grad=True,
        gradgrad=True),
    Row("cumprod", lambda d: [Sample(make((3, 4), d), 1),
                              Sample(np.array([[1.0, 0.0, 2.0, 3.0]], d) if d != "bool" else make((1, 4), d), 1,
                                     note="zero")], dtypes=NUM, grad=True, gradgrad=True),
    Row("all", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1), Sample(make((3, 4), d), 0, True)],
        dtypes=("bool", "uint8", "float32")),
    Row("any", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1)], dtypes=("bool", "uint8", "int64")),
    Row("count_nonzero", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1)], dtypes=("int64", "bool")),
    Row("nansum", nan_samples, dtypes=("float32", "float64"), grad=True, gradgrad=True),
    Row("nansum", lambda d: [Sample(make((3, 4), d))], dtypes=("int64", "bool"), id="nansum int"),
    Row("nanmean", nan_samples, dtypes=("float32", "float64"), grad=True, gradgrad=True,
        errors=[Error(Sample(make((2, 3), "int64")), RuntimeError)]),
    Row("median", median_samples, dtypes=("float32", "float64", "int64"), call=named("median"), grad=True,
        gradgrad=True,
        grad_samples=MEDIAN_GRAD),
    Row("nanmedian", median_samples, dtypes=("float32", "float64"), call=named("nanmedian"), grad=True, gradgrad=True,
        grad_samples=MEDIAN_GRAD),
    Row("mode", lambda d: [Sample(np.random.default_rng(5).integers(0, 4, (3, 40)).astype(d), 1, note="long ties"),
                           Sample(np.array([1.0, np.nan, np.nan, 1.0, 2.0, np.nan], d), note="nan")],
        dtypes=("float32", "float64"), call=named("mode"), id="mode torch's index"),
    Row("mode", lambda d: [Sample(np.array([1, 2, 2, 3, 3, 3, 0, 2], d)),
                           Sample(np.array([[1, 2, 2, 1, 3], [4, 4, 0, 0, 0]], d), 1, note="count tie"),
                           Sample(np.array([[1, 2], [1, 3], [2, 3]], d), 0, True, note="dim0 keepdim")],
        dtypes=("int64", "float32", "float64"), call=named("mode"), grad=True, gradgrad=True),
    Row("aminmax", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), dim=1),
                              Sample(make((3, 4), d), dim=0, keepdim=True)],
        dtypes=("float32", "int64", "float64"), call=named("aminmax"), grad=True, gradgrad=True),
    Row("cummax", lambda d: [Sample(np.array([1.0, 3, 2, 3, np.nan, 5, np.nan], d), 0, note="ties nan"),
                             Sample(make((3, 4), d), 1)], dtypes=("float32", "float64"), call=named("cummax"),
        grad=True, gradgrad=True, grad_samples=lambda d: [Sample(distinct((3, 4), d), 1)]),
    Row("cummin", lambda d: [Sample(np.array([3, 1, 2, 1, 0], d), 0), Sample(make((3, 4), d), 0)],
        dtypes=("int64", "float64"), call=named("cummin"), grad=True, gradgrad=True,
        grad_samples=lambda d: [Sample(distinct((3, 4), d), 0)]),
    Row("logcumsumexp", lambda d: [Sample(make((3, 4), d), 1)], dtypes=("float32", "float64"), grad=True,
        gradgrad=True),
    Row("quantile", lambda d: [Sample(distinct((2, 5), d), 0.5, dim=1), Sample(distinct((9,), d), 0.3),
                               Sample(distinct((2, 5), d), np.array([0.25, 0.75], d), dim=1, keepdim=True),
                               Sample(distinct((2, 5), d), 0.4, interpolation="lower"),
                               Sample(distinct((2, 5), d), 0.4, dim=0, interpolation="nearest"),
                               Sample(distinct((2, 5), d), 0.45, interpolation="midpoint")],
        dtypes=("float32", "float64"), grad=True, gradgrad=True,
        grad_samples=lambda d: [Sample(distinct((2, 5), d), 0.5, dim=1), Sample(distinct((9,), d), 0.3),
                                Sample(distinct((2, 5), d), 0.45, interpolation="midpoint")]),
    Row("nanquantile", lambda d: [Sample(with_nan(d), 0.5, dim=1)], dtypes=("float32", "float64")),
    Row("norm", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1), Sample(make((3, 4), d), "fro"),
                           Sample(make((3, 4), d), float("inf")), Sample(make((3, 4), d), 3, 1, True),
                           Sample(make((3, 4), d), p=0, note="p0 zeros"), Sample(make((3, 4), d), "nuc"),
                           Sample(make((3, 4), d), dim=1), Sample(make((2, 3, 4), d), "fro", (1, 2)),
                           Sample(make((2, 3, 4), d), "nuc", note="nuc 3-d")],
        dtypes=("float32", "float64"), grad=True, gradgrad=True),
]


@pytest.mark.parametrize("row, dtype, sample", forward_cases(ROWS))
def test_forward_matches_torch(row, dtype, sample):
    forward(torch, row, sample)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS))
def test_grads_match_torch(row, dtype, sample, request):
    grads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS, "gradgrad"))
def test_gradgrad_matches_torch(row, dtype, sample, request):
    gradgrads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, dtype, sample", [c for c in grad_cases(ROWS) if c.id.split("-")[-1] in ("0", "all")
                                                and not c.id.startswith("mode")])  # mode's sample is all ties
def test_gradcheck_finite_differences(row, dtype, sample):
    numeric_gradcheck(row, sample)


@pytest.mark.parametrize("row, err", error_cases(ROWS))
def test_errors_match_torch(row, err):
    errors(torch, row, err)


@pytest.mark.parametrize("expr", [
    "lib.topk(b, 1)", "lib.kthvalue(b, 1)", "lib.median(b, 1)", "lib.median(b)", "lib.nanmedian(b)", "lib.argmax(b)",
    "lib.argmin(b, 0)", "lib.trace(b)", "lib.bincount(lib.tensor([1.0]))", "lib.bincount(b[0])",
    "lib.quantile(b, 0.5)",
])
def test_bool_inputs_refused_as_torch(expr):
    from harness_ops import first_sentence

    import ember

    errs = []
    for lib in (torch, ember):
        b = lib.tensor([[True, False], [True, True]])
        with pytest.raises(Exception) as e:
            eval(expr, {"lib": lib, "b": b})
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0]), f"ember: {errs[1]!r}, torch: {errs[0]!r}"
    assert first_sentence(str(errs[1])) == first_sentence(str(errs[0]))


def test_clamp_of_bool_with_int_bounds_is_int64():
    import ember

    assert str(ember.clamp(ember.tensor([True, False]), 1, 3).dtype) == "torch.int64"

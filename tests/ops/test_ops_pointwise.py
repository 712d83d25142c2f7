"""Element-wise ops of ops/pointwise.py (and misc element-wise extras) against torch."""

from __future__ import annotations

import numpy as np
import pytest
from harness_ops import Error, Row, Sample, error_cases, forward_cases, grad_cases, make
from ops_check import errors, forward, gradgrads, grads, numeric_gradcheck

torch = pytest.importorskip("torch")

EDGE = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5], np.float32)


def pair(dtype, low=-2.0, high=2.0, edges=True):
    yield Sample(make((3, 4), dtype, low=low, high=high), make((3, 4), dtype, low=low, high=high))
    yield Sample(make((3, 4), dtype, low=low, high=high), make((4,), dtype, low=low, high=high), note="broadcast")
    yield Sample(make((), dtype, low=low, high=high), make((2, 3), dtype, low=low, high=high), note="0-d")
    yield Sample(make((4, 3), dtype, low=low, high=high).T, make((3, 4), dtype, low=low, high=high), note="transposed")
    if edges and dtype.startswith("float"):
        yield Sample(EDGE.astype(dtype), EDGE[::-1].astype(dtype), note="edge")


def grad_pair(dtype, low=-2.0, high=2.0):
    yield Sample(make((3, 4), dtype, low=low, high=high), make((3, 4), dtype, low=low, high=high))
    yield Sample(make((3, 4), dtype, low=low, high=high), make((4,), dtype, low=low, high=high), note="broadcast")


def ties(dtype):
    return Sample(np.array([1.0, 2.0, 3.0], dtype), np.array([1.0, 0.0, 3.0], dtype), note="ties")


FLOATS = ("float32", "float64")
MIXED = [Sample(make((3,), "int64"), make((3,), "float32"), note="int float"),
         Sample(make((3,), "float32"), make((3,), "float64"), note="float double"),
         Sample(make((3,), "float32"), make((), "float64"), note="0-d double")]

ROWS = [
    Row("maximum", lambda d: list(pair(d)) + [ties(d)], dtypes=FLOATS + ("int64",), grad=True, gradgrad=True,
        grad_samples=lambda d: list(grad_pair(d)) + [ties(d)],
        errors=[Error(Sample(make((3,)), 2), TypeError), Error(Sample(make((3,)), make((4,))), RuntimeError)]),
    Row("maximum", lambda d: MIXED, id="maximum promotion"),
    Row("minimum", lambda d: list(pair(d)) + [ties(d)], dtypes=FLOATS + ("int32",), grad=True, gradgrad=True,
        grad_samples=lambda d: list(grad_pair(d)) + [ties(d)]),
    Row("fmax", lambda d: list(pair(d)) + [ties(d)], dtypes=FLOATS, grad=True, gradgrad=True,
        grad_samples=lambda d: list(grad_pair(d)) + [ties(d),
                                                     Sample(np.array([np.nan, 1.0]), np.array([2.0, np.nan]))]),
    Row("fmax", lambda d: MIXED, id="fmax promotion"),
    Row("fmin", lambda d: list(pair(d)) + [ties(d)], dtypes=FLOATS, grad=True, gradgrad=True,
        grad_samples=lambda d: list(grad_pair(d)) + [ties(d)]),
    Row("clamp", lambda d: [Sample(make((3, 4), d), -1, 1), Sample(make((3, 4), d), min=0),
                            Sample(make((3, 4), d), max=0.5), Sample(EDGE.astype(d), -1.0, 1.0, note="edge"),
                            Sample(make((3, 4), d), make((4,), d), make((3, 1), d) + 1, note="tensor bounds"),
                            Sample(make((3, 4), d), make((3, 4), d), note="tensor min"),
                            Sample(make((3, 4), d), max=make((4,), d), note="tensor max"),
                            Sample(np.array([0.5, 1.0, 3.0, 1.0, 2.0], d), np.array([1.0, 1, 1, 2, 1], d),
                                   np.array([1.0, 1, 1, 1, 2], d), note="crossed bounds")],
        dtypes=FLOATS, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,))), RuntimeError, call=lambda lib, x: lib.clamp(x))]),
    Row("clamp", lambda d: [Sample(make((3, 4), "int64"), -1, 1), Sample(make((3, 4), "int64"), 0.5),
                            Sample(make((3, 4), "int64"), make((4,), "float32"), note="int with float tensor")],
        id="clamp int"),
    Row("clip", lambda d: [Sample(make((3, 4), d), -1, 1)], dtypes=FLOATS),
    Row("lerp", lambda d: [Sample(make((3, 4), d), make((3, 4), d), 0.3),
                           Sample(make((3, 4), d), make((4,), d), 0.75, note="broadcast high weight"),
                           Sample(make((3, 4), d), make((3, 4), d), make((3, 4), d), note="tensor weight"),
                           Sample(make((3, 4), d), make((3, 4), d), make((), d), note="0-d weight")],
        dtypes=FLOATS, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,), "int64"), make((3,), "int64"), 0.5), NotImplementedError),
                Error(Sample(make((3,)), make((3,), "float64"), 0.5), RuntimeError)]),
    Row("addcmul", lambda d: [Sample(make((3, 4), d), make((3, 4), d), make((4,), d)),
                              Sample(make((3, 4), d), make((3, 4), d), make((3, 4), d), value=-0.5, note="value")],
        dtypes=FLOATS, grad=True, gradgrad=True),
    Row("addcmul", lambda d: [Sample(make((3,), "int64"), make((3,), "int64"), make((3,), "int64"), value=2),
                              Sample(make((3,), "int64"), make((3,), "float32"), make((3,), "int64"))],
        id="addcmul int"),
    Row("addcdiv", lambda d: [Sample(make((3, 4), d), make((3, 4), d), make((4,), d, low=0.5, high=2)),
                              Sample(make((3, 4), d), make((3, 4), d), make((3, 4), d, low=0.5), value=3,
                                     note="value")],
        dtypes=FLOATS, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,)), make((3,), "int64"), make((3,), "int64")), RuntimeError)]),
    Row("hypot", pair, dtypes=FLOATS, grad=True, gradgrad=True, grad_samples=grad_pair,
        errors=[Error(Sample(make((3,), "int64"), make((3,), "int64")), NotImplementedError)]),
    Row("xlogy", lambda d: list(pair(d)) + [Sample(np.array([0.0, 0.0, 1.0, 2.0], d),
                                                   np.array([0.0, np.nan, 0.0, 3.0], d), note="zeros"),
                                            Sample(make((3,), d), 2.5, note="scalar other"),
                                            Sample(2.0, make((3,), d, low=0.1), note="scalar self"),
                                            Sample(make((3,), "int64"), make((3,), "int64"), note="ints")],
        dtypes=FLOATS, grad=True, gradgrad=True, grad_samples=lambda d: grad_pair(d, 0.1, 2.0)),
    Row("logaddexp", pair, dtypes=FLOATS, grad=True, gradgrad=True, grad_samples=grad_pair,
        errors=[Error(Sample(make((3,), "int64"), make((3,), "int64")), NotImplementedError)]),
    Row("logaddexp2", pair, dtypes=FLOATS, grad=True, gradgrad=True, grad_samples=grad_pair),
    Row("nan_to_num", lambda d: [Sample(EDGE.astype(d)), Sample(EDGE.astype(d), nan=1.0, posinf=9.0, neginf=-9.0),
                                 Sample(EDGE.astype(d), posinf=5.0)], dtypes=FLOATS, grad=True, gradgrad=True),
    Row("nan_to_num", lambda d: [Sample(make((3,), "int64"))], id="nan_to_num int"),
    Row("where", lambda d: [Sample(make((3, 4), "bool"), make((3, 4), d), make((4,), d)),
                            Sample(make((3, 4), "bool"), make((3, 4), d), 0.0, note="scalar other"),
                            Sample(make((3, 4), "bool"), make((3, 4), "int64"), make((3, 4), d), note="promotion")],
        dtypes=FLOATS, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,)), make((3,)), make((3,))), RuntimeError)]),
    Row("round", lambda d: [Sample(np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.2345], d)),
                            Sample(np.array([1.2345, 2.3456, -0.125, 1234.5], d), decimals=2, note="decimals"),
                            Sample(np.array([1234.5, 1250.0, -150.0], d), decimals=-2, note="negative decimals")],
        dtypes=FLOATS, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,), "int64"), decimals=1), NotImplementedError)]),
    Row("atan2", pair, dtypes=FLOATS, grad=True, gradgrad=True, grad_samples=grad_pair),
    Row("deg2rad", lambda d: [Sample(make((3, 4), d, low=-360, high=360))], dtypes=FLOATS + ("int64",)),
    Row("rad2deg", lambda d: [Sample(make((3, 4), d))], dtypes=FLOATS + ("int64",)),
    Row("copysign", lambda d: [Sample(make((3, 4), d), make((4,), d)), Sample(make((3,), d), -1.0)],
        dtypes=FLOATS),
    Row("sinc", lambda d: [Sample(np.array([0.0, 0.5, -1.5, 2.0], d))], dtypes=FLOATS),
    Row("heaviside", lambda d: [Sample(np.array([-1.0, 0.0, 2.0], d), np.array([0.5], d))], dtypes=FLOATS),
    Row("signbit", lambda d: [Sample(EDGE.astype(d))], dtypes=FLOATS),
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


@pytest.mark.parametrize("row, dtype, sample", [c for c in grad_cases(ROWS) if c.id.endswith("-0")
                                                and c.id.split("-")[0] not in ("round", "nan_to_num")])  # steps
def test_gradcheck_finite_differences(row, dtype, sample):
    numeric_gradcheck(row, sample)


@pytest.mark.parametrize("row, err", error_cases(ROWS))
def test_errors_match_torch(row, err):
    errors(torch, row, err)


@pytest.mark.parametrize("expr", [
    "lib.hypot(a, f)", "lib.logaddexp(a, f)", "lib.copysign(a, f)", "lib.clamp(a, np.float32(0.5))",
    "lib.clamp(a, max=np.int64(2))", "lib.maximum(a, f)", "lib.fmin(f, a)", "lib.xlogy(a, f)",
])
def test_mixed_dtype_promotion_matches_torch(expr):
    from harness_ops import assert_like_torch

    import ember

    res = []
    for lib in (ember, torch):
        a, f = lib.tensor([1, -2, 3]), lib.tensor([0.5, -1.0, 2.0], dtype=lib.float16)
        res.append(eval(expr, {"lib": lib, "a": a, "f": f, "np": np}))
    assert_like_torch(res[0], res[1])


def test_hypot_needs_a_tensor_other():
    import ember

    for lib in (ember, torch):
        with pytest.raises(TypeError, match="must be Tensor, not int"):
            lib.hypot(lib.ones(2), 2)

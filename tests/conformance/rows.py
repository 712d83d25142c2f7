"""The conformance table: one Row per op of the foundation issue, with samples drawn once in NumPy."""

from __future__ import annotations

import operator

import numpy as np
from harness import (
    ALL,
    ALL_C,
    DT,
    FLOATS,
    INTEGRAL,
    INTS,
    REALS,
    Error,
    Raw,
    Row,
    Sample,
    edge_values,
    make,
    noncontig,
)


# ------------------------------------------------------------------------------------------- call helpers
def method(name):
    """Call ``x.<name>(*args)`` on the first argument."""
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


def op(f):
    """Call a Python operator (or any function of the arguments alone)."""
    return lambda lib, *a, **k: f(*a, **k)


# ------------------------------------------------------------------------------------------- sample generators
def binary(low=None, high=None, nonzero=False, scalars=(2, 2.5, True), edges=True, blow=None, bhigh=None):
    """Two tensors of one dtype in every layout, then a tensor with Python scalars, then edge values."""
    blow = low if blow is None else blow
    bhigh = high if bhigh is None else bhigh

    def gen(dtype):
        def a(shape):
            return make(shape, dtype, low=low, high=high)

        def b(shape):
            return make(shape, dtype, low=blow, high=bhigh, nonzero=nonzero)

        yield Sample(a((3, 4)), b((3, 4)))
        yield Sample(a((3, 4)), b((4,)), note="broadcast")
        yield Sample(a((2, 1, 3)), b((4, 1)), note="broadcast both")
        yield Sample(a(()), b((2, 3)), note="0-d")
        yield Sample(a((2, 3)), b(()), note="0-d other")
        yield Sample(a(()), b(()), note="both 0-d")
        yield Sample(a((0, 3)), b((1, 3)), note="empty")
        yield Sample(a((4, 3)).T, b((3, 4)), note="transposed")
        yield Sample(noncontig(a((3, 4))), noncontig(b((3, 4))), note="strided")
        for s in scalars:
            if nonzero and not s:
                continue
            yield Sample(a((3,)), s, note=f"scalar {type(s).__name__}")
        if edges:
            e = edge_values(dtype)
            other = e[::-1].copy()
            if nonzero and dtype not in FLOATS:
                other[other == 0] = 1
            yield Sample(e, other, note="edge")

    return gen


def reflected(scalars=(2, 2.5, True), low=None, high=None, nonzero=False):
    """A Python or NumPy scalar on the left of an operator (exercises __radd__ and friends)."""

    def gen(dtype):
        for s in scalars:
            yield Sample(s, make((3,), dtype, low=low, high=high, nonzero=nonzero), note=f"{type(s).__name__} left")
        yield Sample(make((), dtype, low=low, high=high), make((2,), dtype, low=low, high=high, nonzero=nonzero),
                     note="0-d left")

    return gen


def mixed(nonzero=False, others=ALL):
    """A tensor of ``dtype`` with a tensor (dimensioned and 0-d) of every other dtype: torch's promotion table."""

    def gen(dtype):
        for o in others:
            yield Sample(make((3,), dtype), make((3,), o, nonzero=nonzero), note=f"with {o}")
            yield Sample(make((3,), dtype), make((), o, nonzero=nonzero), note=f"with 0-d {o}")
            yield Sample(make((), dtype), make((), o, nonzero=nonzero), note=f"0-d with 0-d {o}")

    return gen


def unary(low=None, high=None, edges=True):
    def gen(dtype):
        def a(shape):
            return make(shape, dtype, low=low, high=high)

        yield Sample(a((3, 4)))
        yield Sample(a(()), note="0-d")
        yield Sample(a((0, 2)), note="empty")
        yield Sample(a((4, 3)).T, note="transposed")
        yield Sample(noncontig(a((2, 3))), note="strided")
        if edges:
            yield Sample(edge_values(dtype), note="edge")

    return gen


def chain(*gens):
    def gen(dtype):
        for g in gens:
            yield from g(dtype)

    return gen


def only(*samples_fn):
    """A generator from a function of dtype returning a list of samples."""
    return samples_fn[0]


# ------------------------------------------------------------------------------------------- arithmetic
_BCAST = [Error(Sample(make((3,)), make((4,))), RuntimeError, note="broadcast")]
_SCALARS_NP = (np.float64(1.5), np.int64(3), np.float32(2.0), np.bool_(True))

ARITH = [
    Row("add", binary(), dtypes=ALL_C, grad=True, errors=_BCAST),
    Row("add", mixed(), dtypes=ALL, id="add promotion"),
    Row("add", binary(scalars=(2, 3.5)), dtypes=REALS, id="add alpha", call=lambda lib, a, b: lib.add(a, b, alpha=2),
        grad=True),
    Row("sub", binary(scalars=(2, 2.5)), dtypes=REALS + ("complex64",), grad=True,
        errors=[Error(Sample(make((2,), "bool"), make((2,), "bool")), RuntimeError, note="bool")]),
    Row("sub", binary(scalars=(2, 2.5)), dtypes=REALS, id="sub alpha", call=lambda lib, a, b: lib.sub(a, b, alpha=3),
        grad=True),
    Row("mul", binary(), dtypes=ALL_C, grad=True, gradgrad=True),
    Row("mul", mixed(), dtypes=ALL, id="mul promotion"),
    Row("div", binary(nonzero=True), dtypes=ALL_C, grad=True, gradgrad=True),
    Row("div", mixed(nonzero=True), dtypes=ALL, id="div promotion"),
    Row("true_divide", binary(nonzero=True), dtypes=REALS, grad=True),
    Row("div", binary(nonzero=True, scalars=(2, 2.5)), dtypes=REALS, id="div trunc",
        call=lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), grad=True,
        errors=[Error(Sample(make((2,)), make((2,)), rounding_mode="round"), RuntimeError, note="bad mode",
                      call=lambda lib, a, b, **k: lib.div(a, b, **k))]),
    Row("div", binary(nonzero=True, scalars=(2, 2.5)), dtypes=REALS, id="div floor",
        call=lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), grad=True),
    # torch: floor_divide has no derivative (backward raises), so no gradient row
    Row("floor_divide", binary(nonzero=True, scalars=(2, 2.5)), dtypes=REALS,
        errors=[Error(Sample(make((2,), "int64"), np.zeros(2, np.int64)), RuntimeError, note="int by zero")]),
    Row("remainder", binary(nonzero=True, scalars=(3, 2.5)), dtypes=REALS, grad=True),
    Row("fmod", binary(nonzero=True, scalars=(3, 2.5)), dtypes=REALS, grad=True),
    Row("pow", binary(low=0.5, high=2.0, scalars=(2, 0.5, 3)), dtypes=FLOATS + ("complex64",), grad=True,
        gradgrad=True),
    Row("pow", binary(low=0, high=4, scalars=(2, 0, 3)), dtypes=INTS, id="pow int",
        errors=[Error(Sample(make((2,), "int64"), -1), RuntimeError, note="negative int power")]),
    Row("pow", reflected(scalars=(2, 1.5)), dtypes=FLOATS + INTS, id="pow scalar base",
        call=lambda lib, s, x: lib.pow(s, x), grad=True),
    Row("float_power", binary(low=0.5, high=2.0, scalars=(2, 0.5)), dtypes=REALS, grad=True),
    Row("neg", unary(), dtypes=REALS + ("complex64",), grad=True,
        errors=[Error(Sample(make((2,), "bool")), RuntimeError, note="bool")]),
]

# ------------------------------------------------------------------------------------------- operators
_OPS = [
    ("+", operator.add, ALL_C, {}), ("-", operator.sub, REALS, {}), ("*", operator.mul, ALL_C, {}),
    ("/", operator.truediv, ALL, {"nonzero": True}), ("//", operator.floordiv, REALS, {"nonzero": True}),
    ("%", operator.mod, REALS, {"nonzero": True}),
]
OPERATORS = []
for _sym, _f, _dts, _kw in _OPS:
    OPERATORS.append(Row(f"op {_sym}", binary(scalars=(2, 2.5, True) if _sym in "+*" else (3, 2.5), **_kw),
                         dtypes=_dts, call=op(_f), grad=_sym in ("+", "-", "*", "/")))
    OPERATORS.append(Row(f"op r{_sym}", reflected(scalars=(3, 2.5) + _SCALARS_NP[:2], **_kw), dtypes=REALS,
                         call=op(_f), grad=_sym in ("+", "-", "*", "/")))
OPERATORS += [
    Row("op **", binary(low=0.5, high=2.0, scalars=(2, 0.5)), dtypes=FLOATS, call=op(operator.pow), grad=True),
    Row("op **", binary(low=0, high=4, scalars=(2, 3)), dtypes=INTS, id="op ** int", call=op(operator.pow)),
    Row("op r**", reflected(scalars=(2, 1.5, np.float64(2.0))), dtypes=FLOATS + ("int64",), call=op(operator.pow),
        grad=True),
    Row("op neg", unary(), dtypes=REALS, call=op(operator.neg), grad=True),
    Row("op abs", unary(), dtypes=REALS, call=op(abs), grad=True),
    Row("op np scalar", lambda d: [Sample(make((3,), d), s, note=f"np {type(s).__name__}") for s in _SCALARS_NP],
        dtypes=REALS, call=op(operator.mul)),
    Row("op np scalar add", lambda d: [Sample(make((3,), d), s, note=f"np {type(s).__name__}") for s in _SCALARS_NP],
        dtypes=REALS, call=op(operator.add)),
]
for _sym, _f in [("==", operator.eq), ("!=", operator.ne), ("<", operator.lt), ("<=", operator.le),
                 (">", operator.gt), (">=", operator.ge)]:
    OPERATORS.append(Row(f"op {_sym}", binary(scalars=(2, 2.5)), dtypes=REALS, call=op(_f)))
    OPERATORS.append(Row(f"op r{_sym}", reflected(scalars=(2, 2.5)), dtypes=("float32", "int64"), call=op(_f)))
for _sym, _f in [("&", operator.and_), ("|", operator.or_), ("^", operator.xor)]:
    OPERATORS.append(Row(f"op {_sym}", binary(scalars=(3, True)), dtypes=INTEGRAL, call=op(_f),
                         errors=[Error(Sample(make((2,)), make((2,))), RuntimeError, call=op(_f), note="float")]))
    OPERATORS.append(Row(f"op r{_sym}", reflected(scalars=(3,)), dtypes=INTS, call=op(_f)))
OPERATORS.append(Row("op ~", unary(), dtypes=INTEGRAL, call=op(operator.invert),
                     errors=[Error(Sample(make((2,))), TypeError, call=op(operator.invert), note="float")]))

# ------------------------------------------------------------------------------------------- unary table
_DOMAIN = {
    "log": (0.1, 3), "log2": (0.1, 3), "log10": (0.1, 3), "sqrt": (0.1, 3), "rsqrt": (0.1, 3),
    "log1p": (-0.9, 3), "asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atanh": (-0.95, 0.95),
    "acosh": (1.1, 3), "erfinv": (-0.9, 0.9), "lgamma": (0.1, 3), "digamma": (0.1, 3),
}
_COMPLEX_OK = {"exp", "log", "sqrt", "sin", "cos", "tanh", "abs", "neg", "sigmoid", "reciprocal", "sgn"}
_GRADGRAD = {"exp", "log", "sin", "tanh", "sigmoid"}
_NO_GRAD = {"digamma"}
_UNARY_NAMES = [
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos",
    "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc", "erfinv", "lgamma",
    "digamma", "reciprocal", "abs", "sign", "sgn", "floor", "ceil", "trunc", "frac", "square", "relu",
]
UNARY = []
for _n in _UNARY_NAMES:
    _lo, _hi = _DOMAIN.get(_n, (None, None))
    _dts = (FLOATS if _n == "frac" else ALL) + (("complex64",) if _n in _COMPLEX_OK else ())
    UNARY.append(Row(_n, unary(_lo, _hi), dtypes=_dts, grad=_n not in _NO_GRAD, gradgrad=_n in _GRADGRAD,
                     grad_samples=unary(_lo, _hi, edges=False)))
    UNARY.append(Row(_n, unary(_lo, _hi, edges=False), dtypes=("float32",), id=f"{_n} method", call=method(_n)))

# ------------------------------------------------------------------------------------------- comparisons
COMPARE = []
for _n in ("eq", "ne", "lt", "le", "gt", "ge"):
    COMPARE.append(Row(_n, binary(scalars=(2, 2.5, True)), dtypes=ALL + (("complex64",) if _n in ("eq", "ne") else ()),
                       errors=_BCAST))
COMPARE.append(Row("eq", mixed(), dtypes=ALL, id="eq promotion"))
for _n in ("logical_and", "logical_or", "logical_xor"):
    COMPARE.append(Row(_n, binary(scalars=()), dtypes=ALL))
COMPARE.append(Row("logical_not", unary(), dtypes=ALL))
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    COMPARE.append(Row(_n, binary(scalars=(3,)), dtypes=INTEGRAL,
                       errors=[Error(Sample(make((2,)), make((2,))), RuntimeError, note="float")]))
COMPARE.append(Row("bitwise_not", unary(), dtypes=INTEGRAL,
                   errors=[Error(Sample(make((2,))), RuntimeError, note="float")]))
for _n in ("isnan", "isinf", "isfinite", "isposinf", "isneginf"):
    COMPARE.append(Row(_n, unary(), dtypes=ALL))
COMPARE += [
    Row("equal", lambda d: [Sample(make((3,), d), make((3,), d)), Sample(*(2 * [make((2, 3), d)]), note="same"),
                            Sample(make((3,), d), make((4,), d), note="shapes")], dtypes=ALL),
    Row("isclose", lambda d: [Sample(make((3,), d), make((3,), d)), Sample(*(2 * [make((2, 3), d)]), note="same"),
                              Sample(edge_values(d), edge_values(d), note="edge"),
                              Sample(edge_values(d), edge_values(d), equal_nan=True, note="equal_nan")], dtypes=ALL),
    Row("allclose", lambda d: [Sample(make((3,), d), make((3,), d)), Sample(*(2 * [make((2, 3), d)]), note="same"),
                               Sample(make((3,), d), make((3,), d) + np.asarray(1e-9, d), note="close")],
        dtypes=FLOATS),
]

ROWS = ARITH + OPERATORS + UNARY + COMPARE
_ = (INTS, DT, Raw, chain, only)

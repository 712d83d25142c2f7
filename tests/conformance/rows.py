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
LAYOUT_DTYPES = ("bool", "int64", "float32", "float64")  # the dtypes that get every layout (and gradients)
# int8/int16 take the same paths as int32 in all but promotion (which "add promotion" covers with every dtype)
ALL7 = ("bool", "uint8", "int32", "int64", "float16", "float32", "float64")
REALS6 = ALL7[1:]


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
        if dtype not in LAYOUT_DTYPES:  # layouts are dtype-independent: checked in a few dtypes only
            yield Sample(a(()), b((2, 3)), note="0-d")
            for s in scalars[:2]:
                if not (nonzero and not s):
                    yield Sample(a((3,)), s, note=f"scalar {type(s).__name__}")
            if edges:
                e = edge_values(dtype)
                other = e[::-1].copy()
                if nonzero and dtype not in FLOATS:
                    other[other == 0] = 1
                yield Sample(e, other, note="edge")
            return
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
        yield Sample(
            make((), dtype, low=low, high=high), make((2,), dtype, low=low, high=high, nonzero=nonzero), note="0-d left"
        )

    return gen


def mixed(nonzero=False, others=ALL):
    """A tensor of ``dtype`` with a tensor (dimensioned and 0-d) of every other dtype: torch's promotion table."""

    def gen(dtype):
        for o in others:
            yield Sample(make((3,), dtype), make((3,), o, nonzero=nonzero), note=f"with {o}")
            yield Sample(make((3,), dtype), make((), o, nonzero=nonzero), note=f"with 0-d {o}")

    return gen


def unary(low=None, high=None, edges=True):
    def gen(dtype):
        def a(shape):
            return make(shape, dtype, low=low, high=high)

        yield Sample(a((3, 4)))
        if dtype not in LAYOUT_DTYPES:
            if edges:
                yield Sample(edge_values(dtype), note="edge")
            return
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
_BIG_SCALARS = (-1, 256, 1000, -129, 2**40, 2**63)  # out of range for small ints: torch wraps them to the dtype
_PROMO_FEW = ("bool", "uint8", "int32", "float16")  # add promotion covers the whole table; these spot-check others
_OP_DTYPES = ("bool", "uint8", "int64", "float16", "float32", "float64", "complex64")  # operators call the functions
_BCAST = [Error(Sample(make((3,)), make((4,))), RuntimeError, note="broadcast")]
_SCALARS_NP = (np.float64(1.5), np.int64(3), np.float32(2.0), np.bool_(True))

ARITH = [
    Row("add", binary(), dtypes=ALL_C, grad=True, errors=_BCAST),
    Row("add", mixed(), dtypes=ALL, id="add promotion"),
    Row(
        "add",
        lambda d: [Sample(make((3,), d), s, note=f"scalar {s}") for s in _BIG_SCALARS],
        dtypes=INTS,
        id="add wrapping scalar",
    ),
    Row(
        "mul",
        lambda d: [Sample(make((3,), d), s, note=f"scalar {s}") for s in _BIG_SCALARS],
        dtypes=INTS,
        id="mul wrapping scalar",
    ),
    Row(
        "lt",
        lambda d: [Sample(make((3,), d), s, note=f"scalar {s}") for s in _BIG_SCALARS],
        dtypes=INTS,
        id="lt wrapping scalar",
    ),
    Row(
        "eq",
        lambda d: [Sample(make((3,), d), s, note=f"scalar {s}") for s in _BIG_SCALARS],
        dtypes=INTS,
        id="eq wrapping scalar",
    ),
    Row(
        "scalar mix",
        lambda d: [Sample(np.array([0.001, -0.5, 2.0], dtype=d), s, note=f"scalar {s!r}") for s in (1j, 2.5, 1e6, -3)],
        dtypes=("bool", "int32", "float16", "float64"),
        call=op(operator.mul),
        xfail={
            "float16-scalar 1j": "ember has no complex32 (torch's ComplexHalf)",
            "float16-scalar 1000000.0": "torch multiplies float16 in float32 (opmath); NumPy rounds 1e6 to inf first",
        },
    ),
    Row(
        "op -",
        lambda d: [Sample(300, make((3,), d), note="300 left")],
        dtypes=("uint8", "int8"),
        id="rsub wrapping scalar",
        call=op(operator.sub),
    ),
    Row(
        "add",
        binary(scalars=(2, 3.5)),
        dtypes=REALS6,
        id="add alpha",
        call=lambda lib, a, b: lib.add(a, b, alpha=2),
        grad=True,
    ),
    Row(
        "sub",
        binary(scalars=(2, 2.5)),
        dtypes=REALS6 + ("complex64",),
        grad=True,
        errors=[Error(Sample(make((2,), "bool"), make((2,), "bool")), RuntimeError, note="bool")],
    ),
    Row(
        "sub",
        binary(scalars=(2, 2.5)),
        dtypes=REALS6,
        id="sub alpha",
        call=lambda lib, a, b: lib.sub(a, b, alpha=3),
        grad=True,
    ),
    Row("mul", binary(), dtypes=ALL7 + ("complex64",), grad=True, gradgrad=True),
    Row("mul", mixed(), dtypes=_PROMO_FEW, id="mul promotion"),
    Row("div", binary(nonzero=True), dtypes=ALL7 + ("complex64",), grad=True, gradgrad=True),
    Row("div", mixed(nonzero=True), dtypes=_PROMO_FEW, id="div promotion"),
    Row("true_divide", binary(nonzero=True), dtypes=REALS6, grad=True),
    Row(
        "div",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=REALS6,
        id="div trunc",
        call=lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
        grad=True,
        errors=[
            Error(
                Sample(make((2,)), make((2,)), rounding_mode="round"),
                RuntimeError,
                note="bad mode",
                call=lambda lib, a, b, **k: lib.div(a, b, **k),
            )
        ],
    ),
    Row(
        "div",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=REALS6,
        id="div floor",
        call=lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
        grad=True,
    ),
    # torch: floor_divide has no derivative (backward raises), so no gradient row
    Row(
        "floor_divide",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=REALS6,
        errors=[Error(Sample(make((2,), "int64"), np.zeros(2, np.int64)), RuntimeError, note="int by zero")],
    ),
    Row("remainder", binary(nonzero=True, scalars=(3, 2.5)), dtypes=REALS6, grad=True),
    Row("fmod", binary(nonzero=True, scalars=(3, 2.5)), dtypes=REALS6, grad=True),
    Row(
        "pow", binary(low=0.5, high=2.0, scalars=(2, 0.5, 3)), dtypes=FLOATS + ("complex64",), grad=True, gradgrad=True
    ),
    Row(
        "pow",
        binary(low=0, high=4, scalars=(2, 0, 3)),
        dtypes=("uint8", "int8", "int64"),
        id="pow int",
        errors=[Error(Sample(make((2,), "int64"), -1), RuntimeError, note="negative int power")],
    ),
    Row(
        "pow",
        reflected(scalars=(2, 1.5)),
        dtypes=FLOATS + ("int8", "int64"),
        id="pow scalar base",
        call=lambda lib, s, x: lib.pow(s, x),
        grad=True,
    ),
    Row("float_power", binary(low=0.5, high=2.0, scalars=(2, 0.5)), dtypes=REALS6, grad=True),
    Row(
        "neg",
        unary(),
        dtypes=REALS + ("complex64",),
        grad=True,
        errors=[Error(Sample(make((2,), "bool")), RuntimeError, note="bool")],
    ),
]

# ------------------------------------------------------------------------------------------- operators
_OPS = [
    ("+", operator.add, ALL_C, {}),
    ("-", operator.sub, REALS, {}),
    ("*", operator.mul, ALL_C, {}),
    ("/", operator.truediv, ALL, {"nonzero": True}),
    ("//", operator.floordiv, REALS, {"nonzero": True}),
    ("%", operator.mod, REALS, {"nonzero": True}),
]
OPERATORS = []
for _sym, _f, _dts, _kw in _OPS:
    OPERATORS.append(
        Row(
            f"op {_sym}",
            binary(scalars=(2, 2.5, True) if _sym in "+*" else (3, 2.5), **_kw),
            dtypes=tuple(d for d in _dts if d in _OP_DTYPES),
            call=op(_f),
            grad=_sym in ("+", "-", "*", "/"),
        )
    )
    OPERATORS.append(
        Row(
            f"op r{_sym}",
            reflected(scalars=(3, 2.5) + _SCALARS_NP[:2], **_kw),
            dtypes=_OP_DTYPES[1:],
            call=op(_f),
            grad=_sym in ("+", "-", "*", "/"),
        )
    )
OPERATORS += [
    Row("op **", binary(low=0.5, high=2.0, scalars=(2, 0.5)), dtypes=FLOATS, call=op(operator.pow), grad=True),
    Row("op **", binary(low=0, high=4, scalars=(2, 3)), dtypes=INTS, id="op ** int", call=op(operator.pow)),
    Row(
        "op r**",
        reflected(scalars=(2, 1.5, np.float64(2.0))),
        dtypes=FLOATS + ("int64",),
        call=op(operator.pow),
        grad=True,
    ),
    Row("op neg", unary(), dtypes=REALS6, call=op(operator.neg), grad=True),
    Row("op abs", unary(), dtypes=REALS6, call=op(abs), grad=True),
    Row(
        "op np scalar",
        lambda d: [Sample(make((3,), d), s, note=f"np {type(s).__name__}") for s in _SCALARS_NP],
        dtypes=REALS6,
        call=op(operator.mul),
    ),
    Row(
        "op np scalar add",
        lambda d: [Sample(make((3,), d), s, note=f"np {type(s).__name__}") for s in _SCALARS_NP],
        dtypes=REALS6,
        call=op(operator.add),
    ),
]
for _sym, _f in [
    ("==", operator.eq),
    ("!=", operator.ne),
    ("<", operator.lt),
    ("<=", operator.le),
    (">", operator.gt),
    (">=", operator.ge),
]:
    OPERATORS.append(Row(f"op {_sym}", binary(scalars=(2, 2.5)), dtypes=("int64", "float32"), call=op(_f)))
    OPERATORS.append(Row(f"op r{_sym}", reflected(scalars=(2, 2.5)), dtypes=("float32", "int64"), call=op(_f)))
for _sym, _f in [("&", operator.and_), ("|", operator.or_), ("^", operator.xor)]:
    OPERATORS.append(
        Row(
            f"op {_sym}",
            binary(scalars=(3, True)),
            dtypes=INTEGRAL,
            call=op(_f),
            errors=[Error(Sample(make((2,)), make((2,))), RuntimeError, call=op(_f), note="float")],
        )
    )
    OPERATORS.append(Row(f"op r{_sym}", reflected(scalars=(3,)), dtypes=INTS, call=op(_f)))
OPERATORS.append(
    Row(
        "op ~",
        unary(),
        dtypes=INTEGRAL,
        call=op(operator.invert),
        errors=[Error(Sample(make((2,))), TypeError, call=op(operator.invert), note="float")],
    )
)

# ------------------------------------------------------------------------------------------- unary table
_DOMAIN = {
    "log": (0.1, 3),
    "log2": (0.1, 3),
    "log10": (0.1, 3),
    "sqrt": (0.1, 3),
    "rsqrt": (0.1, 3),
    "log1p": (-0.9, 3),
    "asin": (-0.95, 0.95),
    "acos": (-0.95, 0.95),
    "atanh": (-0.95, 0.95),
    "acosh": (1.1, 3),
    "erfinv": (-0.9, 0.9),
    "lgamma": (0.1, 3),
    "digamma": (0.1, 3),
}
_COMPLEX_OK = {"exp", "log", "sqrt", "sin", "cos", "tanh", "abs", "neg", "sigmoid", "reciprocal", "sgn"}
_GRADGRAD = {"exp", "log", "sin", "tanh", "sigmoid"}
_NO_GRAD = {"digamma"}
_EDGE_GRAD_XFAIL: dict = {}
_UNARY_NAMES = [
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "sigmoid",
    "erf",
    "erfc",
    "erfinv",
    "lgamma",
    "digamma",
    "reciprocal",
    "abs",
    "sign",
    "sgn",
    "floor",
    "ceil",
    "trunc",
    "frac",
    "square",
    "relu",
]
# gradients at edge values of binary ops: the rows above leave them out
EDGE_GRADS = [
    Row(
        n,
        lambda d: [
            Sample(edge_values(d), edge_values(d)[::-1].copy(), note="edge"),
            Sample(edge_values(d), 2.0, note="edge scalar"),
        ],
        dtypes=(),
        id=f"{n} edge grad",
        grad=True,
        grad_edges=True,
        call=c,
    )
    for n, c in [
        ("add", None),
        ("sub", None),
        ("mul", None),
        ("div", None),
        ("pow", None),
        ("remainder", None),
        ("fmod", None),
        ("float_power", None),
        ("op **", op(operator.pow)),
        ("op /", op(operator.truediv)),
    ]
]
UNARY = []
for _n in _UNARY_NAMES:
    _lo, _hi = _DOMAIN.get(_n, (None, None))
    _dts = (FLOATS if _n == "frac" else ALL7) + (("complex64",) if _n in _COMPLEX_OK else ())
    UNARY.append(
        Row(
            _n,
            unary(_lo, _hi),
            dtypes=_dts,
            grad=_n not in _NO_GRAD,
            gradgrad=_n in _GRADGRAD,
            grad_samples=unary(_lo, _hi, edges=False),
        )
    )
    UNARY.append(Row(_n, unary(_lo, _hi, edges=False), dtypes=("float32",), id=f"{_n} method", call=method(_n)))
    if _n not in _NO_GRAD:  # gradients at nan, +-inf and +-0 (where the conventions are torch's own)
        UNARY.append(
            Row(
                _n,
                lambda d: [Sample(edge_values(d), note="edge")],
                dtypes=(),
                id=f"{_n} edge grad",
                grad=True,
                grad_edges=True,
                xfail=_EDGE_GRAD_XFAIL.get(_n, {}),
            )
        )

# ------------------------------------------------------------------------------------------- comparisons
COMPARE = []
for _n in ("eq", "ne", "lt", "le", "gt", "ge"):
    COMPARE.append(
        Row(
            _n,
            binary(scalars=(2, 2.5, True)),
            dtypes=ALL7 + (("complex64",) if _n in ("eq", "ne") else ()),
            errors=_BCAST,
        )
    )
COMPARE.append(Row("eq", mixed(), dtypes=_PROMO_FEW, id="eq promotion"))
for _n in ("logical_and", "logical_or", "logical_xor"):
    COMPARE.append(Row(_n, binary(scalars=()), dtypes=ALL7))
COMPARE.append(Row("logical_not", unary(), dtypes=ALL7))
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    COMPARE.append(
        Row(
            _n,
            binary(scalars=(3,)),
            dtypes=INTEGRAL,
            errors=[Error(Sample(make((2,)), make((2,))), RuntimeError, note="float")],
        )
    )
COMPARE.append(
    Row("bitwise_not", unary(), dtypes=INTEGRAL, errors=[Error(Sample(make((2,))), RuntimeError, note="float")])
)
for _n in ("isnan", "isinf", "isfinite", "isposinf", "isneginf"):
    COMPARE.append(Row(_n, unary(), dtypes=ALL7))
COMPARE += [
    Row(
        "equal",
        lambda d: [
            Sample(make((3,), d), make((3,), d)),
            Sample(*(2 * [make((2, 3), d)]), note="same"),
            Sample(make((3,), d), make((4,), d), note="shapes"),
        ],
        dtypes=ALL7,
    ),
    Row(
        "isclose",
        lambda d: [
            Sample(make((3,), d), make((3,), d)),
            Sample(*(2 * [make((2, 3), d)]), note="same"),
            Sample(edge_values(d), edge_values(d), note="edge"),
            Sample(edge_values(d), edge_values(d), equal_nan=True, note="equal_nan"),
        ],
        dtypes=ALL7,
    ),
    Row(
        "allclose",
        lambda d: [
            Sample(make((3,), d), make((3,), d)),
            Sample(*(2 * [make((2, 3), d)]), note="same"),
            Sample(make((3,), d), make((3,), d) + np.asarray(1e-9, d), note="close"),
        ],
        dtypes=FLOATS,
    ),
]


# ------------------------------------------------------------------------------------------- shape
SHAPE_DTYPES = ("bool", "int64", "float16", "float32", "complex64")


def on(shape, *calls, nc=True, zero=None, empty=None):
    """Samples of one input of ``shape`` with each argument tuple of ``calls``; plus transposed / 0-d / empty."""

    def gen(dtype):
        for c in calls:
            c = c if isinstance(c, tuple) else (c,)
            yield Sample(make(shape, dtype), *c, note=_note(c))
        if nc and len(shape) >= 2:
            c = calls[0] if isinstance(calls[0], tuple) else (calls[0],)
            yield Sample(make(shape[::-1], dtype).T, *c, note="transposed")
        if zero is not None:
            for c in zero:
                c = c if isinstance(c, tuple) else (c,)
                yield Sample(make((), dtype), *c, note="0-d " + _note(c))
        if empty is not None:
            eshape, ecalls = empty
            for c in ecalls:
                c = c if isinstance(c, tuple) else (c,)
                yield Sample(make(eshape, dtype), *c, note="empty " + _note(c))

    return gen


def _note(args):
    return " ".join(_short(a) for a in args)


def _short(a):
    if isinstance(a, np.ndarray):
        return f"t{list(a.shape)}"
    if isinstance(a, slice):
        return f"{'' if a.start is None else a.start}:{'' if a.stop is None else a.stop}" + (
            f":{a.step}" if a.step is not None else ""
        )
    if a is Ellipsis:
        return "..."
    if isinstance(a, (tuple, list)):
        return (
            ("(" if isinstance(a, tuple) else "[")
            + ",".join(_short(x) for x in a)
            + (")" if isinstance(a, tuple) else "]")
        )
    return repr(a).replace(" ", "")


def seq_of(n_inputs, shapes, *extra):
    """Samples with a list of tensors (cat, stack...) as the first argument."""

    def gen(dtype):
        for shp, ex in shapes:
            yield Sample([make(s, dtype) for s in shp], *ex, note=f"{[list(s) for s in shp]} {_note(ex)}")

    return gen


SHAPE = [
    Row(
        "view",
        alias=True,
        samples=on(
            (2, 3, 4),
            (6, 4),
            (-1,),
            (4, -1, 2),
            (2, 12),
            zero=[(1,), (-1,), ((),)],
            empty=((0, 3), [(3, 0), (-1, 3, 1)]),
        ),
        dtypes=SHAPE_DTYPES,
        call=method("view"),
        grad=True,
        errors=[
            Error(Sample(make((4, 3)).T, 12), RuntimeError, call=method("view"), note="non-contiguous"),
            Error(Sample(make((2, 3)), 5), RuntimeError, call=method("view"), note="size"),
            Error(Sample(make((2, 3)), -1, -1), RuntimeError, call=method("view"), note="two -1"),
            Error(Sample(make((2, 3)), 4, -1), RuntimeError, call=method("view"), note="infer"),
        ],
    ),
    Row(
        "reshape",
        alias=True,
        samples=on(
            (2, 3, 4), (6, 4), (-1,), (4, -1, 2), ((3, 8),), zero=[(1,), ((),)], empty=((0, 3), [(3, 0), (-1,)])
        ),
        dtypes=SHAPE_DTYPES,
        call=method("reshape"),
        grad=True,
        errors=[Error(Sample(make((2, 3)), 5), RuntimeError, call=method("reshape"), note="size")],
    ),
    Row(
        "reshape",
        on((2, 3), ((3, 2),), ((-1,),)),
        dtypes=("float32",),
        id="torch.reshape",
        call=lambda lib, x, *s: lib.reshape(x, *s),
    ),
    Row(
        "transpose",
        alias=True,
        samples=on((2, 3, 4), (0, 1), (-1, 0), (1, 1), zero=[(0, -1)]),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((2, 3)), 0, 2), IndexError, note="dim")],
    ),
    Row("swapaxes", alias=True, samples=on((2, 3, 4), (0, 2)), dtypes=("float32",), grad=True),
    Row(
        "t",
        alias=True,
        samples=on((2, 3), (), zero=[()]),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((2, 3, 4))), RuntimeError, note="3-d")],
    ),
    Row(
        "view dtype",
        lambda d: [Sample(make((2, 4), "float32"), DT(d), note=f"float32 as {d}")],
        dtypes=("int32", "int16", "float64", "uint8", "bool"),
        call=lambda lib, x, dt: x.view(dt),
    ),
    Row("adjoint", lambda d: [Sample(make((2, 3), d))], dtypes=("float32", "complex64"), call=method("adjoint")),
    Row("t 1-d", lambda d: [Sample(make((3,), d))], dtypes=("float32",), call=method("t")),
    Row(
        "permute",
        alias=True,
        samples=on((2, 3, 4), (2, 0, 1), ((1, 0, 2),), (-1, 0, 1)),
        dtypes=SHAPE_DTYPES,
        call=method("permute"),
        grad=True,
        errors=[
            Error(Sample(make((2, 3)), 0, 0), RuntimeError, call=method("permute"), note="dup"),
            Error(Sample(make((2, 3)), 0), RuntimeError, call=method("permute"), note="len"),
        ],
    ),
    Row("permute", on((2, 3, 4), ((2, 0, 1),)), dtypes=("float32",), id="torch.permute"),
    Row(
        "expand",
        alias=True,
        samples=on((3, 1), (3, 4), (2, 3, 4), (-1, 5), ((2, 3, 2),), zero=[(2, 3)]),
        dtypes=SHAPE_DTYPES,
        call=method("expand"),
        grad=True,
        errors=[
            Error(Sample(make((3, 2)), 3, 4), RuntimeError, call=method("expand"), note="size"),
            Error(Sample(make((3, 2)), 2), RuntimeError, call=method("expand"), note="fewer"),
        ],
    ),
    Row(
        "expand_as",
        alias=True,
        samples=lambda d: [Sample(make((3, 1), d), make((2, 3, 4), d))],
        dtypes=SHAPE_DTYPES,
        call=method("expand_as"),
        grad=True,
    ),
    Row(
        "squeeze",
        alias=True,
        samples=on((2, 1, 3, 1), (), (1,), (-1,), (0,), ((1, 3),), zero=[(), (0,)], empty=((0, 1), [(), (1,)])),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "unsqueeze",
        alias=True,
        samples=on((2, 3), 0, 1, 2, -1, -3, zero=[0, -1]),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((2, 3)), 3), IndexError, note="dim")],
    ),
    Row(
        "flatten",
        alias=True,
        samples=on((2, 3, 4), (), (1,), (0, 1), (-2, -1), (1, 1), zero=[()], empty=((0, 3), [()])),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((2, 3, 4)), 2, 1), RuntimeError, note="order")],
    ),
    Row(
        "unflatten",
        alias=True,
        samples=on((2, 12), (1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2))),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "narrow",
        alias=True,
        samples=on((4, 5), (0, 1, 2), (1, -3, 2), (1, 0, 0), (0, 3, 1)),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((4, 5)), 0, 3, 2), RuntimeError, note="bounds")],
    ),
    Row(
        "select",
        alias=True,
        samples=on((4, 5), (0, 1), (1, -1), (-1, 4)),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((4, 5)), 0, 4), IndexError, note="index")],
    ),
    Row("unbind", alias=True, samples=on((3, 2), (), (1,), (-1,)), dtypes=SHAPE_DTYPES, grad=True),
    Row(
        "split",
        alias=True,
        samples=on((5, 4), (2,), (2, 1), ([1, 4],), ([2, 1, 1], 1), (5,), (7,)),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((5, 4)), [2, 2]), RuntimeError, note="sizes")],
    ),
    Row(
        "chunk",
        alias=True,
        samples=on((5, 4), (2,), (3, 1), (5,), (6,), (1,)),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample(make((5, 4)), 0), RuntimeError, note="zero")],
    ),
    Row(
        "tensor_split",
        alias=True,
        samples=on((7, 4), (3,), ([1, 5],), ((2, 9),), (2, 1)),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "cat",
        seq_of(
            2,
            [
                ([(2, 3), (4, 3)], ()),
                ([(2, 3), (2, 1)], (1,)),
                ([(2, 3), (2, 3), (2, 3)], (-1,)),
                ([(2, 3), (0,)], ()),
                ([(0, 3), (2, 3)], ()),
                ([(2, 3)], ()),
            ],
        ),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[
            Error(Sample([make((2, 3)), make((2, 4))]), RuntimeError, note="sizes"),
            Error(Sample([make((2, 3)), make((3,))]), RuntimeError, note="ndim"),
            Error(Sample([make(())]), RuntimeError, note="0-d"),
            Error(Sample([]), ValueError, note="empty list"),
        ],
    ),
    Row(
        "cat",
        lambda d: [Sample([make((2,), d), make((3,), o)], note=f"with {o}") for o in ("bool", "int32", "float64")],
        dtypes=("uint8", "int64", "float32"),
        id="cat promotion",
    ),
    Row(
        "stack",
        seq_of(
            2,
            [
                ([(2, 3), (2, 3)], ()),
                ([(2, 3), (2, 3)], (1,)),
                ([(2, 3), (2, 3)], (-1,)),
                ([(), ()], ()),
                ([(0, 3)], ()),
            ],
        ),
        dtypes=SHAPE_DTYPES,
        grad=True,
        errors=[Error(Sample([make((2, 3)), make((2, 4))]), RuntimeError, note="sizes")],
    ),
    Row(
        "hstack",
        seq_of(2, [([(2, 3), (2, 1)], ()), ([(2,), (3,)], ()), ([(), ()], ())]),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "vstack",
        seq_of(2, [([(2, 3), (1, 3)], ()), ([(3,), (3,)], ()), ([(), ()], ())]),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "dstack",
        seq_of(2, [([(2, 3), (2, 3)], ()), ([(3,), (3,)], ()), ([(2, 3, 1), (2, 3, 2)], ())]),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row(
        "flip",
        alias=True,
        samples=on((2, 3, 4), ((0,),), ((0, 2),), ((-1,),), ([1, 2],)),
        dtypes=SHAPE_DTYPES,
        grad=True,
    ),
    Row("flip", on((2, 3, 4), (0,), (0, 2)), dtypes=("float32",), id="flip method", call=method("flip")),
    Row(
        "repeat",
        alias=True,
        samples=on((2, 3), (2, 1), (1, 2, 2), ((3, 1),), (0, 1), zero=[(2,), (2, 3)]),
        dtypes=SHAPE_DTYPES,
        call=method("repeat"),
        grad=True,
        errors=[Error(Sample(make((2, 3)), 2), RuntimeError, call=method("repeat"), note="fewer")],
    ),
    Row("tile", alias=True, samples=on((2, 3), ((2, 1),), ((2,),), ((1, 2, 2),)), dtypes=SHAPE_DTYPES, grad=True),
    Row(
        "movedim", alias=True, samples=on((2, 3, 4), (0, 2), (-1, 0), ((0, 1), (2, 0))), dtypes=SHAPE_DTYPES, grad=True
    ),
    Row("clone", alias=True, samples=on((2, 3), (), zero=[()], empty=((0, 2), [()])), dtypes=ALL_C, grad=True),
    Row(
        "contiguous",
        alias=True,
        samples=on((2, 3), (), zero=[()]),
        dtypes=SHAPE_DTYPES,
        call=method("contiguous"),
        grad=True,
    ),
    Row("is_contiguous", on((2, 3), (), zero=[()]), dtypes=("float32",), call=method("is_contiguous")),
    Row("stride", on((2, 3, 4), (), (1,), zero=[()]), dtypes=("float32",), call=method("stride")),
]

# ------------------------------------------------------------------------------------------- index
X = (4, 5, 6)
_I = np.array


def _getitem(lib, x, idx):
    return x[idx]


_BASIC = [
    1,
    -1,
    slice(1, 3),
    slice(None, None, 2),
    slice(-3, None),
    slice(3, 1),
    (1, slice(None), 2),
    None,
    (Ellipsis, 1),
    (None, Ellipsis, None),
    (slice(None), -2, slice(1, None, 3)),
    (),
    Ellipsis,
    (0, 0, 0),
    (True,),
]
_ADVANCED = [
    _I([0, 2]),
    [0, 2, 1],
    [[0, 1], [2, 3]],
    _I([True, False, True, True]),
    (_I([0, 1]), _I([1, 2])),
    (slice(None), [0, 2]),
    (Ellipsis, [1, 0]),
    (_I([0, 1]), slice(None), _I([1, 2])),
    (1, [0, 2]),
    (_I([[0], [1]]), _I([1, 2, 3])),
    _I(1),
    _I([], dtype=np.int64),
    (slice(1, 3), _I([-1, 0])),
]


def _index_samples(dtype):
    for idx in _BASIC:
        yield Sample(make(X, dtype), idx, note=_short(idx))
    for idx in _ADVANCED:
        yield Sample(make(X, dtype), idx, note=_short(idx))
    x = make(X, dtype)
    yield Sample(x, make((4, 5), "bool"), note="mask 2-d")
    yield Sample(make((), dtype), None, note="0-d None")
    yield Sample(make((), dtype), Ellipsis, note="0-d ...")
    yield Sample(make((), dtype), make((), "bool"), note="0-d mask")
    yield Sample(make((6, 4), dtype).T, (slice(None), 1), note="transposed")
    yield Sample(make((5,), dtype), 2, note="1-d int")
    yield Sample(make((5,), dtype), -1, note="1-d negative int")
    yield Sample(make((5,), dtype), (3,), note="1-d tuple")


def _setitem(lib, x, idx, v):
    y = x.clone()
    y[idx] = v
    return y


def _set_samples(dtype):
    for idx in [
        1,
        -1,
        slice(1, 3),
        (slice(None), 2),
        (Ellipsis, 0),
        _I([0, 2]),
        [1, 3],
        _I([True, False, True, False]),
        (_I([0, 1]), _I([1, 2])),
    ]:
        yield Sample(make((4, 3), dtype), idx, 5, note=_short(idx) + " scalar")
    yield Sample(make((4, 3), dtype), 1, make((3,), dtype), note="row tensor")
    yield Sample(make((4, 3), dtype), slice(1, 3), make((3,), dtype), note="broadcast tensor")
    yield Sample(make((4, 3), dtype), make((4, 3), "bool"), 0, note="mask")
    yield Sample(make((4, 3), dtype), (_I([0, 2]), _I([1, 1])), make((2,), dtype), note="advanced tensor")
    yield Sample(make((4, 3), dtype), 0, make((), dtype), note="0-d value")


_OOB = [
    Error(Sample(make((4, 5)), 4), IndexError, call=_getitem, note="int"),
    Error(Sample(make((4, 5)), (0, -6)), IndexError, call=_getitem, note="negative"),
    Error(Sample(make((4, 5)), _I([0, 4])), IndexError, call=_getitem, note="tensor"),
    Error(Sample(make((4, 5)), (0, 0, 0)), IndexError, call=_getitem, note="too many"),
    Error(Sample(make((4, 5)), slice(None, None, -1)), ValueError, call=_getitem, note="negative step"),
    Error(Sample(make((4, 5)), _I([True, False])), IndexError, call=_getitem, note="mask shape"),
    Error(Sample(make((4, 5)), _I([0.0])), IndexError, call=_getitem, note="float index"),
]


def idx(shape, hi):
    return make(shape, "int64", low=0, high=hi - 1)


INDEX = [
    Row(
        "getitem",
        alias=True,
        samples=_index_samples,
        dtypes=("bool", "int64", "float32", "complex64"),
        call=_getitem,
        grad=True,
        errors=_OOB,
    ),
    Row(
        "setitem",
        _set_samples,
        dtypes=("bool", "int32", "float32", "float64"),
        call=_setitem,
        grad=True,
        errors=[
            Error(Sample(make((4, 3)), 4, 1.0), IndexError, call=_setitem, note="oob"),
            Error(Sample(make((4, 3)), 1, make((4,))), RuntimeError, call=_setitem, note="shape"),
        ],
    ),
    Row(
        "gather",
        lambda d: [
            Sample(make((3, 4), d), 1, idx((3, 2), 4)),
            Sample(make((3, 4), d), 0, idx((2, 4), 3)),
            Sample(make((3, 4), d), -1, idx((2, 2), 4), note="smaller"),
            Sample(make((3,), d), 0, idx((0,), 3), note="empty"),
        ],
        dtypes=ALL7,
        grad=True,
        errors=[
            Error(Sample(make((3, 4)), 1, _I([[0, 4]])), RuntimeError, note="oob"),
            Error(Sample(make((3, 4)), 1, _I([[0.0, 1]])), RuntimeError, note="float index"),
        ],
    ),
    Row(
        "gather",
        lambda d: [Sample(make((3, 4), d), 1, _I([[0, 1]], dtype=np.int32))],
        dtypes=("float32",),
        id="gather int32",
    ),
    Row(
        "scatter",
        lambda d: [
            Sample(make((3, 4), d), 1, _I([[0, 1], [2, 3], [1, 0]]), make((3, 2), d)),
            Sample(make((3, 4), d), 0, _I([[0, 1, 2, 0]]), make((1, 4), d), note="dim 0"),
            Sample(make((3, 4), d), 1, _I([[3], [2], [1]]), value=2, note="value"),
        ],
        dtypes=ALL7,
        grad=True,
    ),
    Row(
        "scatter_add",
        lambda d: [
            Sample(make((3, 4), d), 1, _I([[0, 0], [2, 3], [1, 1]]), make((3, 2), d)),
            Sample(make((3, 4), d), 0, _I([[0, 0, 2, 0]]), make((1, 4), d), note="dim 0"),
        ],
        dtypes=REALS6,
        grad=True,
    ),
    Row(
        "index_select",
        lambda d: [
            Sample(make((3, 4), d), 0, _I([2, 0, 2])),
            Sample(make((3, 4), d), 1, _I([3])),
            Sample(make((3, 4), d), -1, _I([], dtype=np.int64), note="empty"),
            Sample(make((), d), 0, _I([0, 0]), note="0-d"),
        ],
        dtypes=ALL7,
        grad=True,
        errors=[Error(Sample(make((3, 4)), 0, _I([3])), IndexError, note="oob")],
    ),
    Row(
        "index_add",
        lambda d: [
            Sample(make((3, 4), d), 0, _I([2, 0, 2]), make((3, 4), d)),
            Sample(make((3, 4), d), 1, _I([1]), make((3, 1), d), note="dim 1"),
        ],
        dtypes=REALS6,
        grad=True,
    ),
    Row(
        "index_add",
        lambda d: [Sample(make((3, 4), d), 0, _I([2, 0]), make((2, 4), d), alpha=2)],
        dtypes=REALS6,
        id="index_add alpha",
    ),
    Row(
        "masked_fill",
        lambda d: [
            Sample(make((3, 4), d), make((3, 4), "bool"), 1),
            Sample(make((3, 4), d), make((4,), "bool"), 0.5, note="broadcast"),
            Sample(make((3, 4), d), make((3, 4), "bool"), make((), d), note="0-d value"),
            Sample(make((), d), make((), "bool"), 2, note="0-d"),
        ],
        dtypes=ALL7,
        grad=True,
        errors=[Error(Sample(make((3, 4)), make((3, 4), "int64"), 1), RuntimeError, note="int mask")],
    ),
    Row(
        "masked_select",
        lambda d: [
            Sample(make((3, 4), d), make((3, 4), "bool")),
            Sample(make((3, 4), d), make((4,), "bool"), note="broadcast"),
            Sample(make((0, 4), d), make((4,), "bool"), note="empty"),
        ],
        dtypes=ALL7,
        grad=True,
    ),
    Row(
        "nonzero",
        lambda d: [
            Sample(make((3, 4), d)),
            Sample(make((5,), d)),
            Sample(make((), d), note="0-d"),
            Sample(make((0, 3), d), note="empty"),
            Sample(edge_values(d), note="edge"),
            Sample(make((3, 4), d), as_tuple=True, note="as_tuple"),
        ],
        dtypes=ALL7,
    ),
    Row(
        "take",
        lambda d: [
            Sample(make((3, 4), d), _I([0, 11, -1])),
            Sample(make((3, 4), d), _I([[1, 2], [3, 4]])),
            Sample(make((4, 3), d).T, _I([1, 2]), note="transposed"),
        ],
        dtypes=ALL7,
        grad=True,
        errors=[Error(Sample(make((3, 4)), _I([12])), IndexError, note="oob")],
    ),
]

# ------------------------------------------------------------------------------------------- linalg
LINALG_DTYPES = ("int64", "float32", "float64", "complex64")
_MM_TOL = {"float16": (1e-2, 1e-2), "float32": (1e-5, 1e-5), "complex64": (1e-5, 1e-5)}


def pairs(*shapes):
    def gen(dtype):
        for sa, sb in shapes:
            yield Sample(make(sa, dtype), make(sb, dtype), note=f"{list(sa)}@{list(sb)}")

    return gen


_MATMUL = pairs(
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (5, 3, 4)),
    ((0, 3), (3, 2)),
    ((2, 0), (0, 3)),
    ((3,), (2, 3, 4)),
)
_MM_ERR = [
    Error(Sample(make((4, 5)), make((6, 3))), RuntimeError, note="shapes"),
    Error(Sample(make((4, 5)), make((5, 3), "float64")), RuntimeError, note="dtype"),
]
LINALG = [
    Row(
        "matmul",
        _MATMUL,
        dtypes=LINALG_DTYPES,
        grad=True,
        gradgrad=True,
        tol=_MM_TOL,
        errors=[
            Error(Sample(make((4, 5)), make((6, 3))), RuntimeError, note="shapes"),
            Error(Sample(make((3,)), make((4,))), RuntimeError, note="1-d"),
            Error(Sample(make((2, 3, 4)), make((5, 4, 2))), RuntimeError, note="batch"),
            Error(Sample(make(()), make((3,))), RuntimeError, note="0-d"),
        ],
    ),
    Row(
        "op @",
        _MATMUL,
        dtypes=("float32",),
        call=op(operator.matmul),
        grad=True,
        tol=_MM_TOL,
        errors=[Error(Sample(make((4, 5)), make((6, 3))), RuntimeError, call=op(operator.matmul), note="shapes")],
    ),
    Row(
        "mm",
        pairs(((2, 3), (3, 4)), ((0, 3), (3, 2)), ((1, 1), (1, 1))),
        dtypes=LINALG_DTYPES,
        grad=True,
        tol=_MM_TOL,
        errors=_MM_ERR + [Error(Sample(make((3,)), make((3, 2))), RuntimeError, note="1-d")],
    ),
    Row(
        "mm transposed",
        lambda d: [Sample(make((3, 2), d).T, make((4, 3), d).T)],
        dtypes=("float32",),
        call=lambda lib, a, b: lib.mm(a, b),
        tol=_MM_TOL,
    ),
    Row(
        "bmm",
        pairs(((2, 2, 3), (2, 3, 4)), ((0, 2, 3), (0, 3, 1))),
        dtypes=LINALG_DTYPES,
        grad=True,
        tol=_MM_TOL,
        errors=[
            Error(Sample(make((2, 2, 3)), make((3, 3, 4))), RuntimeError, note="batch"),
            Error(Sample(make((2, 3)), make((3, 4))), RuntimeError, note="2-d"),
        ],
    ),
    Row(
        "mv",
        pairs(((2, 3), (3,)), ((0, 3), (3,))),
        dtypes=LINALG_DTYPES,
        grad=True,
        tol=_MM_TOL,
        errors=[Error(Sample(make((2, 3)), make((4,))), RuntimeError, note="size")],
    ),
    Row(
        "dot",
        pairs(((3,), (3,)), ((0,), (0,))),
        dtypes=LINALG_DTYPES,
        grad=True,
        tol=_MM_TOL,
        errors=[
            Error(Sample(make((3,)), make((4,))), RuntimeError, note="size"),
            Error(Sample(make((3,)), make((3,), "float64")), RuntimeError, note="dtype"),
            Error(Sample(make((2, 3)), make((3,))), RuntimeError, note="2-d"),
        ],
    ),
    Row(
        "tensor np scalars",
        lambda d: [
            Sample([np.dtype(d).type(1), np.dtype(d).type(2)], note="np scalars"),
            Sample([np.dtype(d).type(1), 2], note="with python int"),
            Sample([[np.dtype(d).type(1)], [2.5]], note="with python float"),
        ],
        dtypes=("int32", "int8", "float16", "float64"),
        call=lambda lib, x: lib.tensor(x),
    ),
    Row(
        "tensor wraps",
        lambda d: [
            Sample([-1, -255], dtype=DT(d), note="negative into uint8"),
            Sample([range(3)], note="list of range"),
        ],
        dtypes=("uint8",),
        call=lambda lib, x, **k: lib.tensor(x, **k),
    ),
    Row(
        "full wraps",
        lambda d: [Sample((2,), -1, dtype=DT(d))],
        dtypes=("uint8",),
        call=lambda lib, *a, **k: lib.full(*a, **k),
    ),
    Row("vdot", lambda d: [Sample(make((3,), d), make((3,), d))], dtypes=("float32", "complex64")),
    Row(
        "out=",
        lambda d: [
            Sample(make((2, 3), d), make((2, 3), d), (2, 3), note="same shape"),
            Sample(make((2, 3), d), make((2, 3), d), (0,), note="resized"),
        ],
        dtypes=("float32", "int64"),
        call=lambda lib, a, b, shape: (lambda o: (lib.add(a, b, out=o) is o, o))(lib.empty(shape, dtype=a.dtype)),
    ),
    Row("outer", pairs(((3,), (4,)), ((0,), (2,))), dtypes=LINALG_DTYPES, grad=True),
    Row(
        "addmm",
        lambda d: [
            Sample(make((2, 4), d), make((2, 3), d), make((3, 4), d)),
            Sample(make((4,), d), make((2, 3), d), make((3, 4), d), note="broadcast"),
            Sample(make((2, 4), d), make((2, 3), d), make((3, 4), d), beta=0.5, alpha=2, note="alpha beta"),
        ],
        dtypes=("float32", "float64"),
        grad=True,
        tol=_MM_TOL,
    ),
]

# ------------------------------------------------------------------------------------------- creation
_DATA = [
    ([1, 2, 3], "ints"),
    ([1.0, 2, 3], "floats"),
    ([True, False], "bools"),
    ([True, 1], "bool int"),
    ([1, 2.5], "int float"),
    ([[1, 2], [3, 4]], "nested"),
    ([], "empty"),
    ([[], []], "empty nested"),
    (3, "int"),
    (2.5, "float"),
    (True, "bool"),
    ([[1.5], [2]], "nested float"),
    ([1 + 2j, 3], "complex"),
    ([[[1, 2]], [[3, 4]]], "3-d"),
    ((1, 2), "tuple"),
    ([np.float64(1.5), 2], "np scalar in list"),
    (np.float32(2.5), "np float32"),
    (np.int64(3), "np int64"),
    ([2**40, 1], "big int"),
    (float("nan"), "nan"),
    ([-0.0, float("inf")], "inf"),
]


def _creation_samples(dtype):
    for data, note in _DATA:
        yield Sample(data, note=note)


def _np_data(dtype):
    for d in ALL + ("complex64", "complex128"):
        yield Sample(Raw(make((2, 3), d)), note=f"numpy {d}")
    yield Sample(Raw(make((3, 2), "float32").T), note="numpy transposed")
    yield Sample(Raw(np.array(2.5)), note="numpy 0-d")


def _with_dtype(dtype):
    for data, note in [([1, 2, 3], "ints"), ([1.5, -2.7], "floats"), ([True, False], "bools"), (0.5, "scalar")]:
        yield Sample(data, dtype=DT(dtype), note=note)


def _sizes(dtype):
    yield Sample(2, 3, note="varargs")
    yield Sample((2, 3), note="tuple")
    yield Sample([4], note="list")
    yield Sample((), note="0-d")
    yield Sample(0, 3, note="empty")
    yield Sample(2, 3, dtype=DT(dtype), note="dtype")


def _like(dtype):
    yield Sample(make((2, 3), dtype))
    yield Sample(make((2, 3), dtype), dtype=DT("float64"), note="dtype")
    yield Sample(make((), dtype), note="0-d")


def _full(dtype):
    yield Sample((2, 3), 1.5, note="float")
    yield Sample((2, 3), 7, note="int")
    yield Sample((2, 3), True, note="bool")
    yield Sample((2,), 2, dtype=DT(dtype), note="dtype")
    yield Sample((), 1.5, note="0-d")


def _full_like(dtype):
    yield Sample(make((2, 3), dtype), 2)
    yield Sample(make((2, 3), dtype), 1.5, note="float")
    yield Sample(make((2, 3), dtype), 3, dtype=DT("int32"), note="dtype")


def _arange(dtype):
    for args, note in [
        ((5,), "int end"),
        ((1, 7, 2), "int step"),
        ((5.0,), "float end"),
        ((0, 1, 0.25), "float"),
        ((1, -3, -1), "negative"),
        ((0, 1, 0.1), "tenth"),
        ((0,), "empty"),
        ((-1.5, 1.5, 0.5), "half"),
        ((True,), "bool"),
        ((np.int64(4),), "np int"),
    ]:
        yield Sample(*args, note=note)
    yield Sample(0, 5, dtype=DT(dtype), note="dtype")


def _linspace(dtype):
    for args, note in [
        ((0, 1, 5), "ints"),
        ((-1.5, 2.5, 9), "floats"),
        ((3, 3, 1), "one"),
        ((0, 1, 0), "none"),
        ((1, 0, 4), "down"),
        ((0, 10, 5), "int bounds"),
    ]:
        yield Sample(*args, note=note)
    yield Sample(0, 10, 5, dtype=DT(dtype), note="dtype")


def _logspace(dtype):
    for args, kw, note in [
        ((0, 2, 3), {}, "base 10"),
        ((0, 3, 4), {"base": 2}, "base 2"),
        ((-1, 1, 5), {}, "neg"),
        ((1, 1, 1), {}, "one"),
    ]:
        yield Sample(*args, note=note, **kw)
    yield Sample(0, 2, 3, dtype=DT(dtype), note="dtype")


def _eye(dtype):
    yield Sample(3, note="square")
    yield Sample(2, 4, note="wide")
    yield Sample(4, 2, note="tall")
    yield Sample(0, note="empty")
    yield Sample(3, dtype=DT(dtype), note="dtype")


_CREATE_DTYPES = ("bool", "int32", "int64", "float16", "float32", "float64")


def _numel_invariant(lib, *args, **kw):
    return None


def _empty_meta(lib, *args, **kw):
    t = lib.empty(*args, **kw)
    return t.shape, t.dtype


def _empty_like_meta(lib, *args, **kw):
    t = lib.empty_like(*args, **kw)
    return t.shape, t.dtype


CREATION = [
    Row(
        "tensor",
        _creation_samples,
        dtypes=("default",),
        errors=[
            Error(Sample([[1, 2], [3]]), ValueError, note="ragged"),
            Error(Sample([[1, 2], 3]), TypeError, note="ragged scalar"),
            Error(Sample([[1], [2, 3]]), ValueError, note="ragged 2"),
            Error(Sample("abc"), TypeError, note="string"),
            Error(Sample([1, "a"]), TypeError, note="string in list"),
            Error(Sample(None), RuntimeError, note="None"),
            Error(Sample([1.5, -0.5], dtype=DT("uint8")), RuntimeError, note="overflow"),
            Error(Sample([300.0], dtype=DT("int8")), RuntimeError, note="overflow int8"),
        ],
    ),
    Row("tensor", _np_data, dtypes=("default",), id="tensor numpy"),
    Row("tensor", _with_dtype, dtypes=_CREATE_DTYPES + ("uint8", "int8", "complex64"), id="tensor dtype"),
    Row("as_tensor", _creation_samples, dtypes=("default",)),
    Row("as_tensor", _np_data, dtypes=("default",), id="as_tensor numpy"),
    Row("as_tensor", _with_dtype, dtypes=_CREATE_DTYPES, id="as_tensor dtype"),
    Row("asarray", _np_data, dtypes=("default",), id="asarray numpy"),
    Row(
        "from_numpy",
        _np_data,
        dtypes=("default",),
        errors=[
            Error(Sample([1, 2]), TypeError, note="list"),
            Error(Sample(Raw(np.array(["a"]))), TypeError, note="string"),
        ],
    ),
    Row("zeros", _sizes, dtypes=_CREATE_DTYPES, errors=[Error(Sample(-1), RuntimeError, note="negative")]),
    Row("ones", _sizes, dtypes=_CREATE_DTYPES),
    Row("empty", _sizes, dtypes=_CREATE_DTYPES, call=_empty_meta),
    Row("full", _full, dtypes=_CREATE_DTYPES),
    Row("zeros_like", _like, dtypes=ALL7),
    Row("ones_like", _like, dtypes=ALL7),
    Row("empty_like", _like, dtypes=ALL7, call=_empty_like_meta),
    Row("full_like", _full_like, dtypes=ALL7),
    Row(
        "arange",
        _arange,
        dtypes=("int64", "float32", "float64"),
        errors=[
            Error(Sample(0, 5, 0), RuntimeError, note="zero step"),
            Error(Sample(0, 5, -1), RuntimeError, note="wrong sign"),
        ],
    ),
    Row(
        "linspace",
        _linspace,
        dtypes=("int64", "float32", "float64"),
        errors=[Error(Sample(0, 1, -1), RuntimeError, note="negative steps")],
    ),
    Row("logspace", _logspace, dtypes=("float32", "float64")),
    Row("eye", _eye, dtypes=_CREATE_DTYPES, errors=[Error(Sample(-1), RuntimeError, note="negative")]),
]

# ------------------------------------------------------------------------------------------- conversions
_CONV = ("float", "double", "long", "int", "bool", "half", "short", "char", "byte")
CONVERSION = [Row(f"{n}()", unary(), dtypes=ALL7, call=method(n)) for n in _CONV]
CONVERSION += [
    Row(
        "to",
        lambda d: (
            [Sample(make((2, 3), d) if d != "bool" else make((2, 3), "float32"), DT(d), note="dtype") for _ in (0,)]
            + [Sample(edge_values("float32"), DT(d), note="edge")]
            + [Sample(make((3,), "float64"), DT(d), copy=True, note="copy")]
        ),
        dtypes=ALL_C,
        call=method("to"),
    ),
    Row("to other", lambda d: [Sample(make((3,), "float32"), make((2,), d))], dtypes=ALL7, call=method("to")),
    Row("type", lambda d: [Sample(make((3,), d))], dtypes=ALL7, call=method("type")),
    Row(
        "item",
        lambda d: [Sample(make((), d)), Sample(make((1, 1), d), note="one element")],
        dtypes=ALL_C,
        call=method("item"),
        errors=[
            Error(Sample(make((2, 3))), RuntimeError, call=method("item"), note="many"),
            Error(Sample(make((0,))), RuntimeError, call=method("item"), note="none"),
        ],
    ),
    Row(
        "tolist",
        lambda d: [Sample(make((2, 3), d)), Sample(make((), d), note="0-d"), Sample(make((0, 2), d))],
        dtypes=ALL_C,
        call=method("tolist"),
    ),
    Row(
        "int()",
        lambda d: [Sample(make((), d))],
        dtypes=REALS6,
        call=op(int),
        errors=[Error(Sample(make((2,))), ValueError, call=op(int), note="many")],
    ),
    Row("float()", lambda d: [Sample(make((), d))], dtypes=REALS6, call=op(float)),
    Row(
        "bool()",
        lambda d: [Sample(make((), d)), Sample(make((1,), d))],
        dtypes=ALL7,
        call=op(bool),
        errors=[Error(Sample(make((2,))), RuntimeError, call=op(bool), note="many")],
    ),
    Row(
        "len()",
        lambda d: [Sample(make((3, 2), d))],
        dtypes=("float32",),
        call=op(len),
        errors=[Error(Sample(make(())), TypeError, call=op(len), note="0-d")],
    ),
    Row("numel", on((2, 3), (), zero=[()]), dtypes=("float32",)),
    Row("dim", on((2, 3), (), zero=[()]), dtypes=("float32",), call=method("dim")),
    Row("size", on((2, 3), (), (1,), (-1,), zero=[()]), dtypes=("float32",), call=method("size")),
    Row("element_size", on((2, 3), ()), dtypes=ALL_C, call=method("element_size")),
    Row("is_floating_point", on((2,), ()), dtypes=ALL_C),
    Row("is_complex", on((2,), ()), dtypes=ALL_C),
    Row("promote_types", lambda d: [Sample(DT(d), DT(o), note=o) for o in ALL_C], dtypes=ALL_C),
    Row(
        "result_type",
        lambda d: (
            [Sample(make((2,), d), s, note=_short(s)) for s in (1, 2.5, True, 1j)]
            + [Sample(make((2,), d), make((), o), note=f"0-d {o}") for o in ALL]
        ),
        dtypes=ALL7,
        xfail={"float16-1j": "ember has no complex32 (torch's ComplexHalf)"},
    ),
    Row("can_cast", lambda d: [Sample(DT(d), DT(o), note=o) for o in ALL_C], dtypes=ALL_C),
]


# ------------------------------------------------------------------------------------------- in-place
def inplace(name):
    """Call ``x.<name>(*args)`` and return (whether it returned x itself, x)."""

    def call(lib, x, *a, **k):
        r = getattr(x, name)(*a, **k)
        return r is x, x

    return call


def augmented(f):
    """``x op= y``: the statement's result must be the same object (and x's values change)."""

    def call(lib, x, y):
        x0 = x
        x = f(x, y)
        return x is x0, x

    return call


_IN_DTYPES = ("bool", "uint8", "int64", "float16", "float32", "float64")
_CAST_ERR = [Error(Sample(make((3,), "int64"), 2.5), RuntimeError, call=inplace("add_"), note="float into int")]
INPLACE = [
    Row("add_", binary(scalars=(2, 2.5, True)), dtypes=_IN_DTYPES, call=inplace("add_"), errors=_CAST_ERR),
    Row(
        "add_",
        binary(scalars=(2,)),
        dtypes=("int64", "float32"),
        id="add_ alpha",
        call=lambda lib, x, y: inplace("add_")(lib, x, y, alpha=2),
    ),
    Row("sub_", binary(scalars=(2, 2.5)), dtypes=_IN_DTYPES[1:], call=inplace("sub_")),
    Row("mul_", binary(scalars=(2, 2.5, True)), dtypes=_IN_DTYPES, call=inplace("mul_")),
    Row(
        "div_",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=("float16", "float32", "float64"),
        call=inplace("div_"),
        errors=[Error(Sample(make((3,), "int64"), 2), RuntimeError, call=inplace("div_"), note="int true division")],
    ),
    Row(
        "div_",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=("int64", "float32"),
        id="div_ floor",
        call=lambda lib, x, y: inplace("div_")(lib, x, y, rounding_mode="floor"),
    ),
    Row("pow_", binary(low=0.5, high=2, scalars=(2, 0.5)), dtypes=("float32", "float64"), call=inplace("pow_")),
    Row("neg_", unary(), dtypes=("int64", "float32"), call=inplace("neg_")),
    Row(
        "exp_",
        unary(),
        dtypes=("float32",),
        call=inplace("exp_"),
        errors=[Error(Sample(make((3,), "int64")), RuntimeError, call=inplace("exp_"), note="int")],
    ),
    Row("zero_", unary(), dtypes=("bool", "int64", "float32"), call=inplace("zero_")),
    Row(
        "fill_",
        lambda d: [
            Sample(make((2, 3), d), 1),
            Sample(make((2, 3), d), 2.5, note="float"),
            Sample(make((2, 3), d), make((), d), note="0-d tensor"),
        ],
        dtypes=_IN_DTYPES,
        call=inplace("fill_"),
    ),
    Row(
        "copy_",
        lambda d: [
            Sample(make((2, 3), d), make((2, 3), "float64")),
            Sample(make((2, 3), d), make((3,), "int32"), note="broadcast"),
            Sample(make((3, 2), d).T, make((2, 3), d), note="transposed"),
        ],
        dtypes=_IN_DTYPES,
        call=inplace("copy_"),
        errors=[Error(Sample(make((2, 3)), make((4,))), RuntimeError, call=inplace("copy_"), note="shape")],
    ),
    Row("op +=", binary(scalars=(2, 2.5)), dtypes=("int64", "float32"), call=augmented(operator.iadd)),
    Row("op -=", binary(scalars=(2, 2.5)), dtypes=("int64", "float32"), call=augmented(operator.isub)),
    Row("op *=", binary(scalars=(2, 2.5)), dtypes=("int64", "float32"), call=augmented(operator.imul)),
    Row(
        "op /=",
        binary(nonzero=True, scalars=(2, 2.5)),
        dtypes=("float32",),
        call=augmented(operator.itruediv),
        errors=[Error(Sample(make((3,), "int64"), 2), RuntimeError, call=augmented(operator.itruediv), note="int")],
    ),
    Row("op //=", binary(nonzero=True, scalars=(2,)), dtypes=("int64", "float32"), call=augmented(operator.ifloordiv)),
    Row("op %=", binary(nonzero=True, scalars=(3,)), dtypes=("int64", "float32"), call=augmented(operator.imod)),
    Row("op **=", binary(low=0.5, high=2, scalars=(2,)), dtypes=("float32",), call=augmented(operator.ipow)),
    Row("op &=", binary(scalars=(3,)), dtypes=("bool", "int64"), call=augmented(operator.iand)),
    Row("op |=", binary(scalars=(3,)), dtypes=("bool", "int64"), call=augmented(operator.ior)),
    Row("op ^=", binary(scalars=(3,)), dtypes=("bool", "int64"), call=augmented(operator.ixor)),
    Row(
        "setitem view",
        lambda d: [Sample(make((4, 3), d), note="writes through")],
        dtypes=("int64", "float32"),
        call=lambda lib, x: (x[1].fill_(7), x[:, 0].mul_(2), x.view(-1)[0:2].zero_(), x)[-1],
    ),
]

# ------------------------------------------------------------------------------------------- Python protocol
PROTOCOL = [
    Row(
        "iter",
        lambda d: [Sample(make((3, 2), d)), Sample(make((3,), d), note="1-d")],
        dtypes=("int64", "float32"),
        call=lambda lib, x: list(x),
        errors=[Error(Sample(make(())), TypeError, call=lambda lib, x: list(x), note="0-d")],
    ),
    Row(
        "contains",
        lambda d: [Sample(make((3, 2), d), 1), Sample(make((3,), d), 100, note="absent")],
        dtypes=("int64", "float32"),
        call=lambda lib, x, v: v in x,
    ),
    Row(
        "index",
        lambda d: [Sample(make((), d)), Sample(make((1,), d), note="one element")],
        dtypes=("int64",),
        call=op(operator.index),
        errors=[
            Error(Sample(make(())), TypeError, call=op(operator.index), note="float"),
            Error(Sample(make((2,), "int64")), TypeError, call=op(operator.index), note="many"),
        ],
    ),
    Row("range index", lambda d: [Sample(make((), d))], dtypes=("int64",), call=lambda lib, x: list(range(10))[x]),
    Row("T", on((2, 3), (), zero=[()]), dtypes=("float32",), call=lambda lib, x: x.T, grad=True),
    Row(
        "mT",
        on((4, 2, 3), ()),
        dtypes=("float32",),
        call=lambda lib, x: x.mT,
        grad=True,
        errors=[Error(Sample(make((3,))), RuntimeError, call=lambda lib, x: x.mT, note="1-d")],
    ),
    Row("shape", on((2, 3), (), zero=[()]), dtypes=("float32",), call=lambda lib, x: x.shape),
    Row("ndim", on((2, 3), (), zero=[()]), dtypes=("float32",), call=lambda lib, x: x.ndim),
    Row("nbytes", on((2, 3), ()), dtypes=ALL7, call=lambda lib, x: x.nbytes),
    Row("itemsize", on((2, 3), ()), dtypes=ALL7, call=lambda lib, x: x.itemsize),
    Row("device", on((2,), ()), dtypes=("float32",), call=lambda lib, x: str(x.device)),
    Row("cpu", on((2, 3), ()), dtypes=("float32",), call=method("cpu")),
    Row("numpy", on((2, 3), (), zero=[()]), dtypes=ALL7, call=lambda lib, x: lib.from_numpy(x.numpy().copy())),
    Row("np.asarray", on((2, 3), ()), dtypes=ALL7, call=lambda lib, x: lib.from_numpy(np.asarray(x).copy())),
    Row(
        "numpy shares",
        on((2, 3), ()),
        dtypes=("float32",),
        call=lambda lib, x: (x.numpy().__setitem__((0, 0), 5), x)[1],
    ),
    Row(
        "from_numpy shares",
        lambda d: [Sample(Raw(make((2, 3), d)))],
        dtypes=("float32",),
        call=lambda lib, a: (lib.from_numpy(a), a.__setitem__((0, 0), 9), lib.from_numpy(a))[0],
    ),
    Row(
        "requires_grad",
        lambda d: [Sample((2, 3), requires_grad=True)],
        dtypes=("float32",),
        call=lambda lib, *a, **k: lib.zeros(*a, **k),
    ),
    Row(
        "tensor requires_grad",
        lambda d: [Sample([1.0, 2.0], requires_grad=True)],
        dtypes=("float32",),
        call=lambda lib, *a, **k: lib.tensor(*a, **k),
        errors=[
            Error(
                Sample([1, 2], requires_grad=True),
                RuntimeError,
                call=lambda lib, *a, **k: lib.tensor(*a, **k),
                note="int",
            )
        ],
    ),
    Row(
        "repr",
        lambda d: [Sample(make((2, 3), d)), Sample(make((), d), note="0-d"), Sample(edge_values(d), note="edge")],
        dtypes=ALL7,
        call=lambda lib, x: repr(x),
    ),
]


# ------------------------------------------------------------------------------------------- layouts
def _t(shape, dtype="float32"):
    return make(shape[::-1], dtype).T  # a transposed (non-contiguous) array


_LAYOUT_OPS = {
    "clone": lambda lib, x: x.clone(),
    "x + 1": lambda lib, x: x + 1,
    "neg": lambda lib, x: -x,
    "exp": lambda lib, x: x.exp(),
    "to float64": lambda lib, x: x.to(lib.float64),
    "gt": lambda lib, x: x > 0,
    "zeros_like": lambda lib, x: lib.zeros_like(x),
    "ones_like": lambda lib, x: lib.ones_like(x),
    "empty_like": lambda lib, x: lib.empty_like(x).shape,
    "full_like": lambda lib, x: lib.full_like(x, 2),
    "contiguous": lambda lib, x: x.contiguous(),
    "flip": lambda lib, x: x.flip(0),
    "slice": lambda lib, x: x[:, 1:],
    "expand": lambda lib, x: x.unsqueeze(0).expand(2, -1, -1),
}
LAYOUT = [
    Row(
        f"layout {n}",
        lambda d: [
            Sample(_t((3, 4), d), note="transposed"),
            Sample(make((3, 4), d), note="C"),
            Sample(noncontig(make((3, 4), d)), note="strided"),
        ],
        dtypes=("float32",),
        call=lambda lib, x, f=f: (lambda r: (r, r.stride(), r.is_contiguous()) if isinstance(r, lib.Tensor) else r)(
            f(lib, x)
        ),
    )
    for n, f in _LAYOUT_OPS.items()
] + [
    Row(
        f"layout {n}",
        lambda d: [Sample(make((1, 3), d), note="expanded rows"), Sample(make((3, 1), d), note="expanded columns")],
        dtypes=("float32",),
        id=f"layout expanded {n}",
        call=lambda lib, x, f=f: (lambda r: (r, r.stride(), r.is_contiguous()) if isinstance(r, lib.Tensor) else r)(
            f(lib, x.expand(3, 3))
        ),
    )
    for n, f in _LAYOUT_OPS.items()
]


# ------------------------------------------------------------------------------------------- bad operands
_SET_VALUES = {
    "uint8": (-1, -255, 255, 2.7, True),
    "int8": (-128, 127, -2.9),
    "int32": (2**31 - 1, 1.5),
    "bool": (2, 0.5, 0),
    "float16": (1e6, 2.5),
    "float32": (1e30, 1 + 0j, np.float64(2.5)),
}


def _setitem0(lib, x, v):
    x[0] = v
    return x


SHIFTS = [
    Row("op <<", binary(low=0, high=5, scalars=(1, 3)), dtypes=("uint8", "int32", "int64"), call=op(operator.lshift)),
    Row("op >>", binary(low=0, high=5, scalars=(1, 3)), dtypes=("uint8", "int8", "int64"), call=op(operator.rshift)),
    Row("op r<<", reflected(scalars=(1, 3), low=0, high=5), dtypes=("int64",), call=op(operator.lshift)),
    Row(
        "bitwise_left_shift",
        binary(low=0, high=5, scalars=(2,)),
        dtypes=("int16", "int64"),
        call=method("bitwise_left_shift"),
    ),
    Row(
        "bitwise_right_shift",
        lambda d: [Sample(np.array([-8, 7, 100], dtype=d), 1)],
        dtypes=("int16", "int64"),
        call=method("bitwise_right_shift"),
    ),
    Row(
        "add bool alpha",
        lambda d: [Sample(make((4,), d), make((4,), d), alpha=a, note=f"alpha {a}") for a in (0, 2)],
        dtypes=("bool",),
        call=lambda lib, a, b, **k: lib.add(a, b, **k),
    ),
    Row(
        "add float alpha",
        lambda d: [Sample(make((3,), d), 2, alpha=0.5)],
        dtypes=("float32", "complex64"),
        call=lambda lib, a, b, **k: lib.add(a, b, **k),
    ),
]


def _info(kind):
    # ember exports finfo/iinfo from its namespace once __init__ re-exports them; until then from ember._dtype
    def call(lib, *names):
        info = (getattr(lib, kind, None) or getattr(lib._dtype, kind))(*(getattr(lib, n) for n in names))
        return repr(info), info.bits, info.max, info.min, info.dtype

    return call


INFO = [
    Row(
        "finfo",
        lambda d: [Sample(d)],
        dtypes=("float16", "float32", "float64", "complex64"),
        call=_info("finfo"),
        errors=[Error(Sample("int32"), TypeError, call=_info("finfo"), note="int")],
    ),
    Row("finfo default", lambda d: [Sample()], dtypes=("float32",), call=_info("finfo")),
    Row(
        "iinfo",
        lambda d: [Sample(d)],
        dtypes=INTS,
        call=_info("iinfo"),
        errors=[
            Error(Sample("float32"), TypeError, call=_info("iinfo"), note="float"),
            Error(Sample("bool"), TypeError, call=_info("iinfo"), note="bool"),
        ],
    ),
]

_UNARY_ALIASES = ("arcsin", "arccos", "arctan", "arcsinh", "arctanh", "absolute", "fix", "negative")
_BINARY_ALIASES = ("multiply", "divide", "subtract", "not_equal", "less", "less_equal", "greater", "greater_equal")
ALIASES = (
    [
        Row(
            f"alias {n}",
            lambda d: [Sample(make((3,), d, low=-0.9, high=0.9))],
            dtypes=("float32",),
            call=lambda lib, x, n=n: (getattr(lib, n)(x), getattr(x, n)()),
        )
        for n in _UNARY_ALIASES
    ]
    + [
        Row(
            f"alias {n}",
            lambda d: [Sample(make((3,), d), make((3,), d, nonzero=True))],
            dtypes=("float32", "int64"),
            call=lambda lib, x, y, n=n: (getattr(lib, n)(x, y), getattr(x, n)(y)),
        )
        for n in _BINARY_ALIASES
    ]
    + [
        Row(
            "alias arccosh",
            lambda d: [Sample(make((3,), d, low=1.1, high=3))],
            dtypes=("float32",),
            call=lambda lib, x: (lib.arccosh(x), x.arccosh()),
        )
    ]
)

NDARRAY_OPERANDS = [
    Row(
        f"op {sym} ndarray",
        lambda d: [Sample(make((3,), d), Raw(make((3,), "float64")), note="array right")],
        dtypes=("int64", "float32"),
        call=op(f),
        errors=[Error(Sample(Raw(np.array(2.0)), make((3,))), TypeError, call=op(f), note="array left")]
        if left
        else [],
    )
    for sym, f, left in [("+", operator.add, True), ("*", operator.mul, True), ("==", operator.eq, False)]
]

ARANGE_INT = [
    Row(
        "arange",
        lambda d: [
            Sample(*a, dtype=DT(d), note=" ".join(map(str, a)))
            for a in [(0, 10, 2.5), (-2.5, 2, 1.5), (0.5, 5.5, 1), (1.5, 7.2, 2.2), (3.7,), (2.5, 9)]
        ],
        dtypes=("int64", "int32", "int16"),
        id="arange int dtype float args",
    ),
]

SETITEM_SCALARS = [
    Row(
        "setitem scalar",
        lambda d: [Sample(make((2,), d), v, note=f"{v!r}") for v in _SET_VALUES[d]],
        dtypes=tuple(_SET_VALUES),
        call=_setitem0,
    ),
    Row(
        "fill_ scalar",
        lambda d: [Sample(make((2,), d), v, note=f"{v!r}") for v in _SET_VALUES[d]],
        dtypes=tuple(_SET_VALUES),
        call=lambda lib, x, v: x.fill_(v),
    ),
]


def _raises(f):
    return lambda lib, *a: f(*a)


BAD = [
    Row(
        "bad operands",
        lambda d: [Sample(make((2,), d), "x", note="== str"), Sample(make((2,), d), None, note="== None")],
        dtypes=("float32",),
        call=op(operator.eq),
        errors=[
            Error(Sample(make((2,)), "x"), TypeError, call=_raises(operator.add), note="+ str"),
            Error(Sample("x", make((2,))), TypeError, call=_raises(operator.add), note="str +"),
            Error(Sample(make((2,)), None), TypeError, call=_raises(operator.mul), note="* None"),
            Error(Sample(make((2,)), [1, 2]), TypeError, call=_raises(operator.sub), note="- list"),
            Error(Sample(make((2,)), None), TypeError, call=_raises(operator.lt), note="< None"),
            Error(Sample(make((2,)), "x"), TypeError, call=_raises(operator.pow), note="** str"),
            Error(Sample(make((2, 3)), 2, 2, 3, 1), RuntimeError, call=method("expand"), note="expand from the right"),
            Error(
                Sample(make((2, 3)), _I([0, 1]), _I([0, 1, 2])),
                IndexError,
                call=lambda lib, x, i, j: x[i, j],
                note="index broadcast",
            ),
            Error(
                Sample(make((2, 2), "bool"), make((2, 2), "bool")),
                NotImplementedError,
                call=op(operator.matmul),
                note="bool mm",
            ),
            Error(
                Sample(make((2,), "bool"), make((2,), "bool")),
                NotImplementedError,
                call=op(operator.matmul),
                note="bool dot",
            ),
            Error(
                Sample(make((2, 3)), make((2, 3), "int64")),
                RuntimeError,
                call=op(operator.matmul),
                note="shape before dtype",
            ),
            Error(
                Sample(make((1, 2, 2)), make((1, 2, 2), "float64")),
                RuntimeError,
                call=lambda lib, a, b: lib.bmm(a, b),
                note="bmm dtype",
            ),
            Error(
                Sample(make((2, 2)), make((2,), "float64")),
                RuntimeError,
                call=lambda lib, a, b: lib.mv(a, b),
                note="mv dtype",
            ),
            Error(Sample(2**63), ValueError, call=lambda lib, x: lib.tensor(x), note="tensor overflow"),
            Error(Sample(), RuntimeError, call=lambda lib: lib.tensor(i for i in range(3)), note="tensor generator"),
            Error(
                Sample(5), NotImplementedError, call=lambda lib, n: lib.arange(n, dtype=lib.bool), note="arange bool"
            ),
            Error(Sample(3, -1), RuntimeError, call=lambda lib, n, m: lib.eye(n, m), note="eye m"),
            Error(
                Sample(Raw(np.arange(6.0).reshape(2, 3)[:, ::-1], fresh=False)),
                ValueError,
                call=lambda lib, a: lib.from_numpy(a),
                note="negative strides",
            ),
            Error(
                Sample(make((2, 3)), (3, 2)),
                RuntimeError,
                call=lambda lib, x, s: x.unflatten(1, s),
                note="unflatten sizes",
            ),
            Error(Sample(make((2, 3)), 0, 3, 0), IndexError, call=lambda lib, x, *a: x.narrow(*a), note="narrow start"),
            Error(
                Sample(make((2, 3)), 0, 0, -1), RuntimeError, call=lambda lib, x, *a: x.narrow(*a), note="narrow length"
            ),
            Error(
                Sample(make((2, 3)), 0),
                RuntimeError,
                call=lambda lib, x, n: x.tensor_split(n, 1),
                note="tensor_split zero",
            ),
            Error(
                Sample(make((2, 3)), (0, 0), (1, 0)),
                RuntimeError,
                call=lambda lib, x, a, b: x.movedim(a, b),
                note="movedim repeated",
            ),
            Error(
                Sample(make((2, 3)), _I([1, 0], dtype=np.int8)),
                IndexError,
                call=lambda lib, x, i: x[i],
                note="int8 index",
            ),
            Error(
                Sample(make((2, 3)), _I([[-1, 0, 0]])),
                RuntimeError,
                call=lambda lib, x, i: x.gather(0, i),
                note="gather negative",
            ),
            Error(
                Sample(make((2, 3)), _I([[3], [2]])),
                RuntimeError,
                call=lambda lib, x, i: x.scatter(1, i, 1.0),
                note="scatter oob",
            ),
            Error(
                Sample(make((2, 3)), _I([[0, 0, 0]]), make((1, 2))),
                RuntimeError,
                call=lambda lib, x, i, s: x.scatter_add(0, i, s),
                note="scatter_add src",
            ),
            Error(
                Sample(make((2, 3)), _I([[0, 1, 0, 0]])),
                RuntimeError,
                call=lambda lib, x, i: x.scatter(0, i, 1.0),
                note="scatter index size",
            ),
            Error(
                Sample(make((2, 3)), _I([0.0])),
                RuntimeError,
                call=lambda lib, x, i: x.index_select(0, i),
                note="index_select float",
            ),
            Error(
                Sample(make((2, 3)), _I([0]), make((1, 2))),
                RuntimeError,
                call=lambda lib, x, i, s: x.index_add(0, i, s),
                note="index_add shape",
            ),
            Error(
                Sample(make((2, 3)), _I([5]), make((1, 3))),
                RuntimeError,
                call=lambda lib, x, i, s: x.index_add(0, i, s),
                note="index_add oob",
            ),
            Error(
                Sample(make((2, 3)), _I([0]), make((1, 3), "float64")),
                RuntimeError,
                call=lambda lib, x, i, s: x.index_add(0, i, s),
                note="index_add dtype",
            ),
            Error(
                Sample(make((2, 3)), make((2,), "bool")),
                RuntimeError,
                call=lambda lib, x, m: x.masked_fill(m, 1),
                note="masked_fill broadcast",
            ),
            Error(
                Sample(make((2, 3)), make((2,), "bool")),
                RuntimeError,
                call=lambda lib, x, m: x.masked_select(m),
                note="masked_select broadcast",
            ),
            Error(
                Sample(make((2, 3)), make((3,), "int64")),
                RuntimeError,
                call=lambda lib, x, m: x.masked_select(m),
                note="masked_select int mask",
            ),
            Error(
                Sample(make((2, 3)), _I([0], dtype=np.int32)),
                RuntimeError,
                call=lambda lib, x, i: x.take(i),
                note="take int32",
            ),
            Error(Sample(make((2, 3)).T), RuntimeError, call=lambda lib, x: x.view(lib.int16), note="view dtype"),
            Error(Sample(make((2,), "complex64")), NotImplementedError, call=method("sign"), note="sign complex"),
            Error(Sample(make((2,), "complex64"), 1), NotImplementedError, call=op(operator.lt), note="lt complex"),
            Error(Sample(make((2,), "complex64")), NotImplementedError, call=method("floor"), note="floor complex"),
            Error(Sample(make((2,), "complex64")), NotImplementedError, call=method("relu"), note="relu complex"),
            Error(Sample(make((2,), "complex64")), RuntimeError, call=method("isposinf"), note="isposinf complex"),
            Error(
                Sample(make((2,)), make((2,), "float64")),
                RuntimeError,
                call=lambda lib, a, b: lib.isclose(a, b),
                note="isclose dtypes",
            ),
            Error(
                Sample(make((2,), "int64"), make((2,), "int64")),
                RuntimeError,
                call=lambda lib, a, b: lib.add(a, b, alpha=0.5),
                note="float alpha",
            ),
            Error(
                Sample(make((2,)), 1),
                RuntimeError,
                call=lambda lib, a, b: lib.add(a, b, alpha=1j),
                note="complex alpha",
            ),
            Error(
                Sample(make((2,)), 1), RuntimeError, call=lambda lib, a, b: lib.sub(a, b, alpha=True), note="bool alpha"
            ),
            Error(Sample(make((2,)), 1), NotImplementedError, call=op(operator.lshift), note="float shift"),
            Error(
                Sample([2**40], dtype=DT("int32")),
                RuntimeError,
                call=lambda lib, *a, **k: lib.tensor(*a, **k),
                note="tensor int overflow",
            ),
            Error(
                Sample([256], dtype=DT("uint8")),
                RuntimeError,
                call=lambda lib, *a, **k: lib.tensor(*a, **k),
                note="tensor uint8 256",
            ),
            Error(
                Sample([1 + 1j], dtype=DT("float32")),
                TypeError,
                call=lambda lib, *a, **k: lib.tensor(*a, **k),
                note="tensor complex into real",
            ),
            Error(
                Sample((2,), 300, dtype=DT("uint8")),
                RuntimeError,
                call=lambda lib, *a, **k: lib.full(*a, **k),
                note="full uint8 300",
            ),
            Error(
                Sample(make((2,), "int64"), float("nan")),
                RuntimeError,
                call=lambda lib, x, v: lib.full_like(x, v),
                note="full_like nan into int",
            ),
            Error(
                Sample(2),
                NotImplementedError,
                call=lambda lib, n: lib.arange(n, dtype=lib.complex64),
                note="arange complex",
            ),
            Error(
                Sample(make((2, 3)), make((2, 3)), make((2, 3))),
                RuntimeError,
                call=lambda lib, a, b, o: lib.add(a.requires_grad_(), b, out=o),
                note="out= with grad",
            ),
            Error(
                Sample(make((2, 2)), make((3,))), RuntimeError, call=lambda lib, a, b: lib.outer(a, b), note="outer 2-d"
            ),
            Error(
                Sample(make((2, 3, 4)), make((2, 5, 6))), RuntimeError, call=op(operator.matmul), note="batched matmul"
            ),
            Error(
                Sample(make((2, 3)), make((3, 1))),
                RuntimeError,
                call=lambda lib, a, b: lib.mv(a, b),
                note="mv 2-d vector",
            ),
            Error(
                Sample(make((3, 3)), make((2, 3)), make((3, 2))),
                RuntimeError,
                call=lambda lib, *t: lib.addmm(*t),
                note="addmm input shape",
            ),
            Error(Sample(make((2,), "uint8"), 300), RuntimeError, call=_setitem0, note="setitem uint8 300"),
            Error(Sample(make((2,), "int8"), -129), RuntimeError, call=_setitem0, note="setitem int8 -129"),
            Error(Sample(make((2,), "int32"), 2.5e10), RuntimeError, call=_setitem0, note="setitem int32 float"),
            Error(Sample(make((2,), "float32"), 1e40), RuntimeError, call=_setitem0, note="setitem float32 1e40"),
            Error(Sample(make((2,), "float32"), 1j), RuntimeError, call=_setitem0, note="setitem complex"),
            Error(Sample(make((2,)), "a"), TypeError, call=_setitem0, note="setitem str"),
            Error(Sample(make((2,)), None), TypeError, call=_setitem0, note="setitem None"),
            Error(Sample(make((2,)), [1.0]), TypeError, call=_setitem0, note="setitem list"),
            Error(Sample(make((2,), "uint8"), 300), RuntimeError, call=lambda lib, x, v: x.fill_(v), note="fill_ 300"),
            Error(Sample(make((2,)), make((2,))), RuntimeError, call=lambda lib, x, v: x.fill_(v), note="fill_ 1-d"),
            Error(
                Sample(make((3,)), make((2, 3))),
                RuntimeError,
                call=lambda lib, x, v: x.copy_(v),
                note="copy_ broadcast",
            ),
            Error(
                Sample(Raw(np.zeros(3, dtype=">f4"))),
                ValueError,
                call=lambda lib, a: lib.from_numpy(a),
                note="byte order",
            ),
        ],
    ),
]

ROWS = (
    ARANGE_INT
    + NDARRAY_OPERANDS
    + EDGE_GRADS
    + ALIASES
    + INFO
    + SHIFTS
    + SETITEM_SCALARS
    + BAD
    + LAYOUT
    + INPLACE
    + PROTOCOL
    + ARITH
    + OPERATORS
    + UNARY
    + COMPARE
    + SHAPE
    + INDEX
    + LINALG
    + CREATION
    + CONVERSION
)
_ = (INTS, chain, only, _numel_invariant)


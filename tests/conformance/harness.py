"""The conformance harness: samples drawn once in NumPy, run through ember and torch, compared.

A ``Row`` names an op, how to call it (``call(lib, *args, **kwargs)`` with ``lib`` = ember or torch), a
generator of ``Sample``s for each dtype, and the ``Error``s it must raise. NumPy arrays in a sample become
tensors of each library (``from_numpy`` on a fresh copy with the same strides, so a transposed array gives a
non-contiguous tensor in both); ``Raw`` values are passed as they are; everything else (Python scalars, NumPy
scalars, lists, dtype names via ``DT``) is passed as is or mapped to the library's object.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zlib
from collections.abc import Callable, Iterable

import numpy as np
import pytest

# dtype names, in torch's order of categories
BOOL = ("bool",)
UINT = ("uint8",)
SINT = ("int8", "int16", "int32", "int64")
INTS = UINT + SINT
FLOATS = ("float16", "float32", "float64")
COMPLEX = ("complex64",)
REALS = INTS + FLOATS  # numeric, no bool
NUMERIC = REALS
ALL = BOOL + REALS
ALL_C = ALL + COMPLEX
INTEGRAL = BOOL + INTS  # bool and integer (bitwise ops)
GRAD_DTYPE = "float64"

_NP = {
    "bool": np.bool_,
    "uint8": np.uint8,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "complex64": np.complex64,
    "complex128": np.complex128,
}

# rtol, atol by result dtype: a few ulps for the libm differences between NumPy and torch's kernels
TOLERANCES = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1e-2, 1e-2),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


# ------------------------------------------------------------------------------------------- sample values
class Raw:
    """A value passed to both libraries unchanged (e.g. the NumPy array given to ``from_numpy``)."""

    def __init__(self, value, fresh: bool = True):
        self.value, self.fresh = value, fresh  # fresh: each library gets its own copy (same strides)


class DT:
    """A dtype argument, by name: becomes ``ember.float32`` / ``torch.float32``."""

    def __init__(self, name: str):
        self.name = name


class Lib:
    """A library-object reference resolved per library: ``Lib("float32")`` -> ``lib.float32``."""

    def __init__(self, attr: str):
        self.attr = attr


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


_counter = [0]


def make(
    shape=(3, 4), dtype: str = "float32", *, low: float | None = None, high: float | None = None, nonzero: bool = False
) -> np.ndarray:
    """Draw an array of ``shape`` and ``dtype``: small ints, floats in [low, high), complex with both parts."""
    _counter[0] += 1
    rng = _rng("make", _counter[0], shape, dtype)
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    npdt = _NP[dtype]
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -9
        lo = max(math.ceil(low), 0 if dtype == "uint8" else lo) if low is not None else lo
        hi = max(math.floor(high) + 1, lo + 1) if high is not None else 10
        a = np.asarray(rng.integers(lo, hi, shape))
        if nonzero:
            a[a == 0] = 1
        return a.astype(npdt)
    lo = -2.0 if low is None else low
    hi = 2.0 if high is None else high
    a = np.asarray(rng.uniform(lo, hi, shape))
    if dtype.startswith("complex"):
        a = np.asarray(a + 1j * rng.uniform(lo, hi, shape))
    if nonzero:
        a[np.abs(a) < 0.1] = 0.5
    return np.asarray(a, dtype=npdt)


def noncontig(a: np.ndarray) -> np.ndarray:
    """A non-contiguous array equal to ``a`` (every other element of a buffer twice as long)."""
    big = np.zeros(a.shape + (2,), dtype=a.dtype)
    v = big[..., 0]
    v[...] = a
    return v


def edge_values(dtype: str = "float32") -> np.ndarray:
    """The values where implementations disagree: nan, +-inf, -0.0, extremes of integer types."""
    if dtype == "bool":
        return np.array([True, False, True, False], dtype=np.bool_)
    npdt = _NP[dtype]
    if dtype in INTS:
        info = np.iinfo(npdt)
        return np.array([0, 1, info.max, info.min, 7, -7 if info.min < 0 else 3], dtype=npdt)
    vals = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1.0, -1.5, 2.5, 0.5]
    if dtype.startswith("complex"):
        return np.array([complex(v, 1.0) for v in vals[3:]] + [complex(0.0, -0.0)], dtype=npdt)
    return np.array(vals, dtype=npdt)


# ------------------------------------------------------------------------------------------- rows
class Sample:
    """Positional and keyword arguments for one call; ``note`` becomes part of the test id."""

    def __init__(self, *args, note: str = "", **kwargs):
        self.args, self.kwargs, self.note = args, kwargs, note

    def __repr__(self):
        return f"Sample({self.note or len(self.args)})"


@dataclasses.dataclass
class Error:
    """A sample that must raise ``type`` in both libraries with the same first sentence (or containing ``match``)."""

    sample: Sample
    type: type
    match: str | None = None  # when given, both messages must contain it (instead of equal first sentences)
    call: Callable | None = None  # overrides the row's call
    note: str = ""


@dataclasses.dataclass
class Row:
    """One op of the table: how to call it, its samples per dtype, its errors, its known gaps."""

    name: str
    samples: Callable[[str], Iterable[Sample]] | None = None
    dtypes: tuple = ("float32",)
    call: Callable | None = None  # call(lib, *args, **kwargs); default lib.<name>(*args, **kwargs)
    grad: bool = False  # compare gradients in float64
    gradgrad: bool = False
    errors: list = dataclasses.field(default_factory=list)
    xfail: dict = dataclasses.field(default_factory=dict)  # key: dtype, note, "dtype-note" or "grad"/"gradgrad"
    tol: dict = dataclasses.field(default_factory=dict)  # result dtype -> (rtol, atol)
    grad_samples: Callable[[str], Iterable[Sample]] | None = None  # default: samples(GRAD_DTYPE)
    check_signbit: bool = True
    grad_edges: bool = False
    alias: bool = False  # the output is a view of input 0 where torch's is (checked after changing the input)
    id: str = ""

    def __post_init__(self):
        if not self.id:
            self.id = self.name

    def run(self, lib, sample: Sample, *, requires_grad: bool = False):
        args = [convert(lib, a, requires_grad) for a in sample.args]
        kwargs = {k: convert(lib, v, False) for k, v in sample.kwargs.items()}
        if self.call is not None:
            return self.call(lib, *args, **kwargs)
        return _resolve(lib, self.name)(*args, **kwargs)

    def leaves(self, lib, sample: Sample):
        """Convert a sample with its float arrays as leaves requiring grad; return (args, kwargs, leaves)."""
        args = [convert(lib, a, True) for a in sample.args]
        kwargs = {k: convert(lib, v, True) for k, v in sample.kwargs.items()}
        leaves = [x for x in _flatten(args) + _flatten(list(kwargs.values())) if _is_leaf(lib, x)]
        return args, kwargs, leaves

    def call_with(self, lib, args, kwargs):
        if self.call is not None:
            return self.call(lib, *args, **kwargs)
        return _resolve(lib, self.name)(*args, **kwargs)


def _resolve(lib, dotted: str):
    obj = lib
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _flatten(xs):
    out = []
    for x in xs:
        if isinstance(x, (list, tuple)):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


def _is_leaf(lib, x):
    return isinstance(x, lib.Tensor) and x.requires_grad


def _fresh(a: np.ndarray) -> np.ndarray:
    """A private copy of ``a`` with the same kind of strides (C, transposed, or every other element)."""
    if a.flags.c_contiguous:
        return a.copy()
    if a.flags.f_contiguous or all(s >= 0 for s in a.strides):
        try:
            c = a.copy(order="K")
            if c.strides == a.strides or not c.flags.c_contiguous:
                return c
        except ValueError:
            pass
        return noncontig(a)
    return a.copy()


def convert(lib, v, requires_grad: bool = False):
    """A sample value as ``lib`` takes it: arrays become tensors (float ones leaves when ``requires_grad``)."""
    if isinstance(v, np.ndarray):
        t = lib.from_numpy(_fresh(v))
        if requires_grad and v.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    if isinstance(v, Raw):
        return _fresh(v.value) if isinstance(v.value, np.ndarray) and v.fresh else v.value
    if isinstance(v, DT):
        return getattr(lib, v.name)
    if isinstance(v, Lib):
        return _resolve(lib, v.attr)
    if isinstance(v, list):
        return [convert(lib, x, requires_grad) for x in v]
    if isinstance(v, tuple):
        return tuple(convert(lib, x, requires_grad) for x in v)
    return v


# ------------------------------------------------------------------------------------------- cases
def _xfail_reason(row: Row, dtype: str, note: str, kind: str) -> str | None:
    """The reason of a known gap: keys name a kind, dtype, note or "kind-note" / "dtype-note"; "empty*" a prefix."""
    candidates = (kind, dtype, note, f"{dtype}-{note}", f"{kind}-{note}", f"{kind}-{dtype}")
    for key, reason in row.xfail.items():
        if key.endswith("*"):
            if any(c.startswith(key[:-1]) for c in candidates if c):
                return reason
        elif key in candidates:
            return reason
    return None


def _group(row, dtype, samples, seen, kind):
    """One case per (row, dtype) holding its samples (pytest's per-case overhead dwarfs a sample's cost); a sample
    with a known gap gets a case of its own, marked xfail."""
    out, plain = [], []
    for i, sample in enumerate(samples):
        sample.note = sample.note or str(i)
        reason = _xfail_reason(row, dtype, sample.note, kind)
        if reason:
            cid = _unique(seen, f"{row.id}-{dtype}-{sample.note}")
            out.append(pytest.param(row, dtype, [sample], id=cid, marks=[pytest.mark.xfail(reason=reason)]))
        else:
            plain.append(sample)
    if plain:
        out.insert(0, pytest.param(row, dtype, plain, id=_unique(seen, f"{row.id}-{dtype}")))
    return out


def _unique(seen, base):
    base = base.replace(" ", "_")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}{n}"


def forward_cases(rows: list[Row], dtypes: tuple | None = None, kind: str = "forward"):
    """(row, dtype, samples) for every dtype of every row (only ``dtypes`` when given)."""
    seen: dict = {}
    out = []
    for row in rows:
        if row.samples is None:
            continue
        for dtype in row.dtypes:
            if dtypes is None or dtype in dtypes:
                out.extend(_group(row, dtype, list(row.samples(dtype)), seen, kind))
    return out


def grad_cases(rows: list[Row], kind: str = "grad"):
    """(row, "float64", samples) for rows with gradients (second derivatives when ``kind`` is "gradgrad")."""
    seen: dict = {}
    out = []
    for row in rows:
        if not (row.gradgrad if kind == "gradgrad" else row.grad):
            continue
        gen = row.grad_samples or row.samples
        # nan/inf gradients are compared only by rows that ask for them
        samples = [s for s in gen(GRAD_DTYPE) if "edge" not in s.note or row.grad_edges]
        out.extend(_group(row, GRAD_DTYPE, samples, seen, kind))
    return out


def check_each(samples, check) -> None:
    """Run ``check(sample)`` for every sample; fail once, naming every sample that failed and why."""
    failures = []
    for sample in samples:
        try:
            check(sample)
        except Exception as e:  # noqa: BLE001 - collected and reported together below
            failures.append(f"[{sample.note}] {type(e).__name__}: {e}")
    if failures:
        raise AssertionError(f"{len(failures)} of {len(samples)} samples differ from torch:\n" + "\n".join(failures))


def error_cases(rows: list[Row]):
    out = []
    seen: dict = {}
    for row in rows:
        for err in row.errors:
            cid = _unique(seen, f"{row.id}-{err.note or err.type.__name__}")
            reason = _xfail_reason(row, "", err.note, "error")
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            out.append(pytest.param(row, err, id=cid, marks=marks))
    return out


# ------------------------------------------------------------------------------------------- comparing
def _dtype_name(d) -> str:
    return str(d).replace("torch.", "")


def _to_numpy(t) -> np.ndarray:
    t = t.detach()
    if hasattr(t, "resolve_conj"):
        t = t.resolve_conj().resolve_neg()
    return np.asarray(t.cpu().numpy(force=True))  # force: torch returns ZeroTensors for some gradients


def assert_like_torch(got, want, *, tol: dict | None = None, signbit: bool = True, path: str = "out") -> None:
    """Assert ember's ``got`` equals torch's ``want``: type, dtype, shape, values (dtype-aware tolerance)."""
    import torch

    if isinstance(want, torch.Tensor):
        import ember

        assert isinstance(got, ember.Tensor), f"{path}: expected a Tensor, got {type(got).__name__}"
        wd, gd = _dtype_name(want.dtype), _dtype_name(got.dtype)
        assert gd == wd, f"{path}: dtype {gd} != torch's {wd}"
        assert tuple(got.shape) == tuple(want.shape), f"{path}: shape {tuple(got.shape)} != torch's {tuple(want.shape)}"
        assert got.requires_grad == want.requires_grad, f"{path}: requires_grad {got.requires_grad} != torch's"
        g, w = _to_numpy(got), _to_numpy(want)
        assert g.dtype == w.dtype, f"{path}: array dtype {g.dtype} != {w.dtype}"
        _assert_values(g, w, wd, tol or {}, signbit, path)
        return
    if isinstance(want, (tuple, list)) and not isinstance(want, torch.Size):
        assert isinstance(got, (tuple, list)), f"{path}: expected a sequence, got {type(got).__name__}"
        assert len(got) == len(want), f"{path}: {len(got)} items != torch's {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_like_torch(g, w, tol=tol, signbit=signbit, path=f"{path}[{i}]")
        return
    if isinstance(want, torch.Size):
        assert tuple(got) == tuple(want), f"{path}: {tuple(got)} != torch's {tuple(want)}"
        return
    if isinstance(want, torch.dtype):
        assert _dtype_name(got) == _dtype_name(want), f"{path}: {got} != {want}"
        return
    assert type(got) is type(want), f"{path}: type {type(got).__name__} != torch's {type(want).__name__}"
    if isinstance(want, float):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, equal_nan=True, err_msg=path)
    else:
        assert got == want, f"{path}: {got!r} != torch's {want!r}"


def _assert_values(g, w, dtype, tol, signbit, path):
    if g.size == 0:
        return
    if dtype in TOLERANCES:
        rtol, atol = tol.get(dtype, TOLERANCES[dtype])
        gc, wc = (
            g.astype(np.complex128 if g.dtype.kind == "c" else np.float64),
            w.astype(np.complex128 if w.dtype.kind == "c" else np.float64),
        )
        np.testing.assert_allclose(gc, wc, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{path} ({dtype})")
        if signbit and g.dtype.kind == "f":
            zeros = (w == 0) & (g == 0)
            bad = np.signbit(g[zeros]) != np.signbit(w[zeros])
            assert not bad.any(), f"{path}: sign of zero differs from torch's: got {g}, torch {w}"
    else:
        assert np.array_equal(g, w), f"{path} ({dtype}): {g!r} != torch's {w!r}"


def first_sentence(msg: str) -> str:
    """The first sentence of an exception message (torch appends C++ context after the first line)."""
    msg = msg.strip().split("\n")[0].strip()
    m = re.match(r"(.+?[.!?])(\s|$)", msg)
    return (m.group(1) if m else msg).strip()


def seeded_like(lib, t, key: str):
    """A cotangent for ``t`` drawn from a seed fixed by ``key`` (the same values for ember and torch)."""
    rng = _rng("cotangent", key, tuple(t.shape))
    a = rng.uniform(-1.0, 1.0, tuple(t.shape))
    if _dtype_name(t.dtype).startswith("complex"):
        a = a + 1j * rng.uniform(-1.0, 1.0, tuple(t.shape))
    return lib.from_numpy(np.asarray(a, dtype=_NP[_dtype_name(t.dtype)]))

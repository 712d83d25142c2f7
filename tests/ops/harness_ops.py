"""A small table harness for tests/ops: rows of samples drawn in NumPy, run through ember and torch, compared.

Same shape as the conformance table (``Row``, ``Sample``, ``Error``; an id reads ``op-dtype-note``); kept here so
that tests/ops stands on its own.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Callable, Iterable

import numpy as np
import pytest

INTS = ("uint8", "int8", "int16", "int32", "int64")
FLOATS = ("float32", "float64")
GRAD_DTYPE = "float64"
TOL = {"float16": (1e-3, 1e-3), "float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7), "complex64": (1e-5, 1e-5),
       "complex128": (1e-7, 1e-7)}


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


_counter = [0]


def make(shape=(3, 4), dtype="float32", *, low=-2.0, high=2.0):
    """Draw an array: small ints for integer dtypes, uniform floats in [low, high) otherwise."""
    _counter[0] += 1
    rng = _rng("make", _counter[0], shape, dtype)
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype in INTS:
        return np.asarray(rng.integers(0 if dtype == "uint8" else -9, 10, shape)).astype(dtype)
    return np.asarray(rng.uniform(low, high, shape)).astype(dtype)


class Sample:
    def __init__(self, *args, note: str = "", **kwargs):
        self.args, self.kwargs, self.note = args, kwargs, note

    def __repr__(self):
        return f"Sample({self.note or len(self.args)})"


@dataclasses.dataclass
class Error:
    sample: Sample
    type: type
    match: str | None = None
    call: Callable | None = None
    note: str = ""


@dataclasses.dataclass
class Row:
    name: str
    samples: Callable[[str], Iterable[Sample]] | None = None
    dtypes: tuple = ("float32",)
    call: Callable | None = None
    grad: bool = False
    gradgrad: bool = False
    errors: list = dataclasses.field(default_factory=list)
    tol: dict = dataclasses.field(default_factory=dict)
    grad_samples: Callable[[str], Iterable[Sample]] | None = None
    check_signbit: bool = True
    id: str = ""

    def __post_init__(self):
        if not self.id:
            self.id = self.name

    def run(self, lib, sample):
        args = [convert(lib, a) for a in sample.args]
        kwargs = {k: convert(lib, v) for k, v in sample.kwargs.items()}
        return self.call_with(lib, args, kwargs)

    def leaves(self, lib, sample):
        args = [convert(lib, a, True) for a in sample.args]
        kwargs = {k: convert(lib, v, True) for k, v in sample.kwargs.items()}
        flat = _flatten(args) + _flatten(list(kwargs.values()))
        return args, kwargs, [x for x in flat if isinstance(x, lib.Tensor) and x.requires_grad]

    def call_with(self, lib, args, kwargs):
        if self.call is not None:
            return self.call(lib, *args, **kwargs)
        obj = lib
        for part in self.name.split("."):
            obj = getattr(obj, part)
        return obj(*args, **kwargs)


def _flatten(xs):
    out = []
    for x in xs:
        out.extend(_flatten(x) if isinstance(x, (list, tuple)) else [x])
    return out


class DT:
    """A dtype argument by name: ``DT("float64")`` becomes ``lib.float64``."""

    def __init__(self, name):
        self.name = name


def convert(lib, v, requires_grad=False):
    if isinstance(v, np.ndarray):
        t = lib.from_numpy(v.copy())
        if requires_grad and v.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    if isinstance(v, DT):
        return getattr(lib, v.name)
    if isinstance(v, list):
        return [convert(lib, x, requires_grad) for x in v]
    if isinstance(v, tuple):
        return tuple(convert(lib, x, requires_grad) for x in v)
    return v


def _param(row, dtype, sample, idx, seen):
    base = f"{row.id}-{dtype}-{sample.note or idx}"
    n = seen.get(base, 0)
    seen[base] = n + 1
    return pytest.param(row, dtype, sample, id=(base if n == 0 else f"{base}{n}").replace(" ", "_"))


def forward_cases(rows):
    seen: dict = {}
    return [_param(r, d, s, i, seen) for r in rows if r.samples for d in r.dtypes for i, s in enumerate(r.samples(d))]


def grad_cases(rows, kind="grad"):
    seen: dict = {}
    out = []
    for r in rows:
        if getattr(r, kind):
            for i, s in enumerate((r.grad_samples or r.samples)(GRAD_DTYPE)):
                if kind == "gradgrad" and any(w in s.note for w in ("zeros", "tie", "singular", "inf")):
                    continue  # second derivatives at kinks: torch's own conventions (nan), not compared
                out.append(_param(r, GRAD_DTYPE, s, i, seen))
    return out


def error_cases(rows):
    seen: dict = {}
    out = []
    for r in rows:
        for e in r.errors:
            base = f"{r.id}-{e.note or e.type.__name__}"
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.append(pytest.param(r, e, id=(base if n == 0 else f"{base}{n}").replace(" ", "_")))
    return out


def _np(t):
    t = t.detach()
    if getattr(t, "_is_zerotensor", lambda: False)():  # torch's efficient zero gradients
        return np.zeros(tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""))
    if hasattr(t, "resolve_conj"):
        t = t.resolve_conj().resolve_neg()
    return np.asarray(t.cpu().numpy())


def assert_like_torch(got, want, *, tol=None, signbit=True, path="out"):
    """Assert ember's result equals torch's: types, dtypes, shapes and values (dtype-aware tolerance)."""
    import torch

    import ember

    if isinstance(want, torch.Tensor):
        assert isinstance(got, ember.Tensor), f"{path}: expected a Tensor, got {type(got).__name__}"
        wd, gd = str(want.dtype).replace("torch.", ""), str(got.dtype).replace("torch.", "")
        assert gd == wd, f"{path}: dtype {gd} != torch's {wd}"
        assert tuple(got.shape) == tuple(want.shape), f"{path}: shape {tuple(got.shape)} != {tuple(want.shape)}"
        g, w = _np(got), _np(want)
        if g.size == 0:
            return
        if wd in TOL:
            rtol, atol = (tol or {}).get(wd, TOL[wd])
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
            if signbit and g.dtype.kind == "f":
                z = (g == 0) & (w == 0)
                assert (np.signbit(g[z]) == np.signbit(w[z])).all(), f"{path}: sign of zero differs"
        else:
            assert np.array_equal(g, w), f"{path}: {g!r} != torch's {w!r}"
        return
    if isinstance(want, torch.Size):
        assert tuple(got) == tuple(want), path
        return
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)), f"{path}: expected a sequence, got {type(got).__name__}"
        assert len(got) == len(want), f"{path}: {len(got)} items != torch's {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            assert_like_torch(g, w, tol=tol, signbit=signbit, path=f"{path}[{i}]")
        return
    if isinstance(want, torch.dtype):
        assert str(got) == str(want), path
        return
    assert type(got) is type(want), f"{path}: type {type(got).__name__} != torch's {type(want).__name__}"
    if isinstance(want, float):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, equal_nan=True, err_msg=path)
    else:
        assert got == want, f"{path}: {got!r} != torch's {want!r}"


def first_sentence(msg: str) -> str:
    msg = msg.strip().split("\n")[0].strip()
    m = re.match(r"(.+?[.!?])(\s|$)", msg)
    return (m.group(1) if m else msg).strip()


def seeded_like(lib, t, key):
    """A cotangent for ``t`` from a seed fixed by ``key`` (the same values for ember and torch)."""
    rng = _rng("cotangent", key, tuple(t.shape))
    a = rng.uniform(-1.0, 1.0, tuple(t.shape))
    name = str(t.dtype).replace("torch.", "")
    if name.startswith("complex"):
        a = a + 1j * rng.uniform(-1.0, 1.0, tuple(t.shape))
    return lib.from_numpy(np.asarray(a, dtype=name))

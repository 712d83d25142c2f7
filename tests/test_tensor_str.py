"""ember's tensor printing against torch 2.13's own repr, case by case."""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")


def _load_printing():
    """Import ember._tensor_str, or load it on its own when the ember package is mid-edit and fails to import."""
    try:
        return importlib.import_module("ember._tensor_str"), importlib.import_module("ember._dtype")
    except Exception:  # a broken ember/__init__.py must not hide the printing tests
        src = pathlib.Path(__file__).resolve().parents[1] / "src" / "ember"
        pkg = types.ModuleType("_ember_printing_only")
        pkg.__path__ = [str(src)]
        sys.modules[pkg.__name__] = pkg
        mods = []
        for name in ("_dtype", "_tensor_str"):
            spec = importlib.util.spec_from_file_location(f"{pkg.__name__}.{name}", src / f"{name}.py")
            mod = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = mod
            spec.loader.exec_module(mod)
            mods.append(mod)
        return mods[1], mods[0]


ts, edt = _load_printing()


@pytest.fixture(autouse=True)
def _reset_printoptions():
    yield
    ts.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    edt.set_default_dtype(edt.float32)
    torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------- the table
FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
COMPLEX = ["complex64", "complex128"]
ALL = FLOATS + INTS + ["bool"] + COMPLEX
NAN, INF = float("nan"), float("inf")


@dataclass
class Case:
    id: str
    make: Callable[[], Any]  # values, made into an array of ``dtype``
    dtype: str
    opts: dict = field(default_factory=dict)
    grad: str | None = None  # None, "leaf" (requires_grad=True) or "mul" (grad_fn=<MulBackward0>)
    default_dtype: str | None = None


def rng(seed=0):
    return np.random.default_rng(seed)


CASES: list[Case] = []


def add(id, make, dtypes, **kw):
    for d in [dtypes] if isinstance(dtypes, str) else dtypes:
        CASES.append(Case(f"{id}-{d}", make, d, **kw))


# fmt: off
# shapes, for every dtype
add("0d", lambda: 3, ALL)
add("0d-zero", lambda: 0, ALL)
add("1d", lambda: [1, 2, 3], ALL)
add("2d", lambda: [[1, 2], [3, 4]], ALL)
add("3d", lambda: np.arange(24).reshape(2, 3, 4) % 7, ALL)
add("4d", lambda: np.arange(36).reshape(2, 3, 2, 3) - 10, FLOATS + INTS[1:] + COMPLEX)
add("empty-0", lambda: np.zeros(0), ALL)
add("empty-0x3", lambda: np.zeros((0, 3)), ALL)
add("empty-2x0x3", lambda: np.zeros((2, 0, 3)), ALL)
add("summarized-2000", lambda: np.arange(2000) % 100, ALL)
add("summarized-40x40", lambda: np.arange(1600).reshape(40, 40) % 97, ALL)
add("long-row", lambda: np.arange(60) % 50, ALL)
add("long-rows-3x40", lambda: np.arange(120).reshape(3, 40) % 90, ALL)

# float values
add("0d-frac", lambda: 3.5, FLOATS)
add("0d-negzero", lambda: -0.0, FLOATS)
add("0d-nan", lambda: NAN, FLOATS)
add("0d-inf", lambda: -INF, FLOATS)
add("0d-tiny", lambda: 1e-5, FLOATS)
add("0d-big", lambda: 123456789.0, ["float32", "float64"])
add("linspace", lambda: np.linspace(2, 10, 4), FLOATS)
add("powers-of-ten", lambda: [1.0, 10.0, 100.0], FLOATS)
add("sci-mixed", lambda: [1e-5, 1e5], ["float32", "float64"])
add("sci-ratio", lambda: [0.5, 2000.0], FLOATS)
add("sci-big-int", lambda: [1e9, 2e9], ["float32", "float64"])
add("sci-3digit-exp", lambda: [1e-120, 1.5, -2e200], "float64")
add("negzero", lambda: [-0.0, 1.0], FLOATS)
add("negzero-frac", lambda: [-0.0, 1.5, 0.0], FLOATS)
add("nan-frac", lambda: [NAN, 1.5], FLOATS)
add("nonfinite", lambda: [NAN, INF, -INF], FLOATS)
add("all-nan", lambda: [NAN, NAN], FLOATS)
add("inf-and-int", lambda: [INF, -INF, 1.0, -20.0], FLOATS)
add("all-zero", lambda: [0.0, 0.0, -0.0], FLOATS)
add("negative-mixed", lambda: [-1.5, 2.5e3, 0.25], FLOATS)
add("small-edge", lambda: [1e-4, 1.0], FLOATS)
add("randn-3x4", lambda: rng(1).standard_normal((3, 4)), FLOATS)
add("randn-big", lambda: rng(2).standard_normal((3, 4)) * 1e4, FLOATS)
add("randn-tiny", lambda: rng(3).standard_normal(5) * 1e-6, FLOATS)
add("randn-2x3x4", lambda: rng(4).standard_normal((2, 3, 4)), FLOATS)
add("randn-long", lambda: rng(5).standard_normal(100), FLOATS)
add("randn-1000x1000", lambda: rng(6).standard_normal((1000, 1000)), "float32")
add("randn-5x5x50", lambda: rng(7).standard_normal((5, 5, 50)), "float32")
add("randn-10x10x11", lambda: rng(8).standard_normal((10, 10, 11)), "float64")
add("rounding-99995", lambda: [9.99995, 0.5], "float64")
add("half-extremes", lambda: [65504.0, -65504.0, 6e-8], "float16")
add("subnormal-64", lambda: [5e-324, 1.0], "float64")

# integer and bool values
add("int-negative", lambda: [-100, 5, 42], INTS[1:])
add("int-extremes", lambda: [np.iinfo(np.int64).min, np.iinfo(np.int64).max], "int64")
add("int-extremes", lambda: [np.iinfo(np.int32).min, np.iinfo(np.int32).max], "int32")
add("uint8-255", lambda: [0, 255, 7], "uint8")
add("bool-true", lambda: [True, True], "bool")
add("bool-mixed-2d", lambda: [[True, False], [False, True]], "bool")
add("bool-0d-false", lambda: False, "bool")

# complex values
add("complex-basic", lambda: [1 + 2j, 3 - 4j], COMPLEX)
add("complex-0d", lambda: 1.5 - 0.5j, COMPLEX)
add("complex-negzero-imag", lambda: [complex(1, -0.0), 2 + 0j], COMPLEX)
add("complex-nan", lambda: [complex(NAN, 1), complex(1, INF)], COMPLEX)
add("complex-sci", lambda: [1e-6 + 1e6j, 2 + 3j], COMPLEX)
add("complex-2d", lambda: (rng(9).standard_normal((3, 3)) + 1j * rng(10).standard_normal((3, 3))), COMPLEX)
add("complex-long", lambda: (np.arange(30) + 0.5j * np.arange(30)), "complex64")

# print options
add("precision-2", lambda: [1.12345, 2.5], FLOATS, opts=dict(precision=2))
add("precision-0", lambda: [1.12345, 2.5], ["float32"], opts=dict(precision=0))
add("precision-0-sci", lambda: [1e-5, 1e5], ["float32"], opts=dict(precision=0))
add("precision-8", lambda: [1 / 3, 2.5], ["float32", "float64"], opts=dict(precision=8))
add("sci-on", lambda: [1.5, 2.25], FLOATS, opts=dict(sci_mode=True))
add("sci-on-int", lambda: [1.0, 2.0], FLOATS, opts=dict(sci_mode=True))
add("sci-on-nan-only", lambda: [NAN, INF], ["float32"], opts=dict(sci_mode=True))
add("sci-off", lambda: [1e-5, 1e5], ["float32", "float64"], opts=dict(sci_mode=False))
add("sci-off-big", lambda: [1e10, 3.5], ["float64"], opts=dict(sci_mode=False))
add("sci-off-complex", lambda: [1e-5 + 1e5j], ["complex64"], opts=dict(sci_mode=False))
add("threshold-5", lambda: np.arange(10), ["int64", "float32"], opts=dict(threshold=5))
add("threshold-5-2d", lambda: np.arange(30).reshape(5, 6), ["int64", "float32"], opts=dict(threshold=5))
add("edgeitems-1", lambda: np.arange(2000).reshape(40, 50), ["int64", "float32"], opts=dict(edgeitems=1))
add("edgeitems-0-small", lambda: [[1.0, 2.0], [3.0, 4.0]], ["float32", "int32"], opts=dict(edgeitems=0))
add("edgeitems-0-summ-1d", lambda: np.arange(2000), ["float32", "int64"], opts=dict(edgeitems=0))
add("edgeitems-0-summ-2d", lambda: np.arange(2000).reshape(40, 50), ["float32"], opts=dict(edgeitems=0))
add("edgeitems-5-threshold-10", lambda: np.arange(30) * 1.5, ["float32"], opts=dict(edgeitems=5, threshold=10))
add("linewidth-40", lambda: rng(11).standard_normal((3, 12)), ["float32"], opts=dict(linewidth=40))
add("linewidth-120", lambda: rng(12).standard_normal((2, 30)), ["float64"], opts=dict(linewidth=120))
add("linewidth-10", lambda: np.arange(6) * 1.25, ["float32"], opts=dict(linewidth=10))
add("linewidth-5", lambda: np.arange(3), ["int64"], opts=dict(linewidth=5))
add("profile-full", lambda: np.arange(1200) % 13, ["int64", "float32"], opts=dict(profile="full"))
add("profile-short", lambda: rng(13).standard_normal((40, 40)), ["float32"], opts=dict(profile="short"))
add("profile-full-precision-2", lambda: np.arange(1100) / 7, ["float64"], opts=dict(profile="full", precision=2))

# requires_grad and grad_fn suffixes, with the dtype suffix before them
add("requires-grad", lambda: [1.0, 2.0], ["float32", "float64", "float16", "complex64"], grad="leaf")
add("requires-grad-0d", lambda: 2.5, ["float32", "float64"], grad="leaf")
add("requires-grad-wrap", lambda: np.arange(10) * 1.5, ["float32", "float64"], grad="leaf")
add("requires-grad-2d", lambda: rng(14).standard_normal((4, 8)), ["float64"], grad="leaf")
add("requires-grad-summarized", lambda: rng(15).standard_normal((50, 50)), ["float32"], grad="leaf")
add("grad-fn", lambda: [1.0, 2.0], ["float32", "float64"], grad="mul")
add("grad-fn-long", lambda: rng(16).standard_normal(7), ["float64"], grad="mul")
add("grad-fn-linewidth", lambda: [1.0, 2.0, 3.0], ["float32"], grad="mul", opts=dict(linewidth=30))

# the default dtype decides which dtype suffix is shown
# bfloat16 needs ml_dtypes; skipped without it
add("bf16", lambda: [1.5, -2.0, 3.0e4], "bfloat16")
add("bf16-sci", lambda: [[1e-5, 1e5], [NAN, 2.0]], "bfloat16", grad="leaf")
add("bf16-int-valued", lambda: [1.0, 2.0, -0.0], "bfloat16")

add("default-f64", lambda: [1.5, 2.0], ["float32", "float64", "complex64", "complex128", "int64"],
    default_dtype="float64")
add("default-f64-empty", lambda: np.zeros((0, 2)), ["float32", "float64"], default_dtype="float64")
# fmt: on


def _np_dtype(name):
    return edt._dtype_by_name(name).np


def _build(case):
    """The NumPy array for ember and the torch tensor built from the same values."""
    values = case.make()
    if case.dtype == "bool":
        arr = np.asarray(values).astype(bool)
    else:
        with np.errstate(all="ignore"):
            arr = np.asarray(values).astype(_np_dtype(case.dtype))
    if case.dtype == "bfloat16":  # torch.from_numpy has no bfloat16; the values are exact in float32
        t = torch.from_numpy(arr.astype(np.float32)).to(torch.bfloat16)
    else:
        t = torch.from_numpy(arr.copy())
    if case.grad:
        t = t.requires_grad_(True)
        if case.grad == "mul":
            t = t * 1
    return arr, t


def _ember_suffixes(t):
    if t.grad_fn is not None:
        return [f"grad_fn=<{type(t.grad_fn).__name__}>"]
    return ["requires_grad=True"] if t.requires_grad else []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_repr_matches_torch(case):
    if case.dtype == "bfloat16" and edt.bfloat16.np is None:
        pytest.skip("bfloat16 needs the optional package ml_dtypes")
    if case.default_dtype:
        edt.set_default_dtype(edt._dtype_by_name(case.default_dtype))
        torch.set_default_dtype(getattr(torch, case.default_dtype))
    arr, t = _build(case)
    ts.set_printoptions(**case.opts)
    torch.set_printoptions(**case.opts)
    expected = repr(t)
    got = ts.format_tensor(arr, edt._dtype_by_name(case.dtype), _ember_suffixes(t))
    assert got == expected


def test_there_are_enough_cases():
    assert len([c for c in CASES if c.dtype != "bfloat16"]) >= 150


# ---------------------------------------------------------------- print options
PRINTOPTION_CALLS = [
    {},
    dict(precision=2),
    dict(threshold=10, edgeitems=2),
    dict(linewidth=40, sci_mode=True),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="full", precision=6),
    dict(profile="default"),
    dict(sci_mode=False),
    dict(profile="nonsense"),
]


@pytest.mark.parametrize("kwargs", PRINTOPTION_CALLS, ids=[repr(k) for k in PRINTOPTION_CALLS])
def test_get_printoptions_matches_torch_after_set(kwargs):
    ts.set_printoptions(precision=7, threshold=3, edgeitems=1, linewidth=50, sci_mode=True)
    torch.set_printoptions(precision=7, threshold=3, edgeitems=1, linewidth=50, sci_mode=True)
    ts.set_printoptions(**kwargs)
    torch.set_printoptions(**kwargs)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_defaults_match_torch():
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_restores():
    before = ts.get_printoptions()
    with ts.printoptions(precision=2):
        assert ts.format_tensor(np.array([1.12345], np.float32), edt.float32) == "tensor([1.12])"
    assert ts.get_printoptions() == before


def test_set_printoptions_changes_output_like_torch():
    x = np.array([1.12345, 10.5, 123.25], np.float32)
    for kwargs in PRINTOPTION_CALLS:
        ts.set_printoptions(**kwargs)
        torch.set_printoptions(**kwargs)
        assert ts.format_tensor(x, edt.float32) == repr(torch.from_numpy(x.copy()))


# ---------------------------------------------------------------- suffixes
def test_device_suffix_comes_first():
    # torch's order: device, size, dtype, then grad suffixes (no CUDA here, so spelled out)
    got = ts.format_tensor(np.array([1.0, 2.0]), edt.float64, ["requires_grad=True"], device_suffix="device='cuda:0'")
    assert got == "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)"


def test_device_suffix_on_empty_tensor():
    got = ts.format_tensor(np.zeros((0, 3), np.int64), edt.int64, device_suffix="device='cuda:0'")
    assert got == "tensor([], device='cuda:0', size=(0, 3), dtype=torch.int64)"


def test_device_suffix_wraps_like_other_suffixes():
    # no CUDA here: the text is torch's rule worked by hand (the device fits after "]", then dtype wraps)
    arr = np.arange(14, dtype=np.float64) * 1.5
    got = ts.format_tensor(arr, edt.float64, device_suffix="device='cuda:0'")
    assert got == (
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000], device='cuda:0',\n"
        "       dtype=torch.float64)"
    )


# ---------------------------------------------------------------- speed: summarise before formatting
def test_large_tensor_formats_only_edge_items(monkeypatch):
    seen = []
    original = ts._Formatter.format_list

    def counting(self, values):
        seen.append(len(values))
        return original(self, values)

    monkeypatch.setattr(ts._Formatter, "format_list", counting)
    arr = np.arange(1_000_000, dtype=np.float32).reshape(1000, 1000)
    out = ts.format_tensor(arr, edt.float32)
    assert sum(seen) == 36
    assert out == repr(torch.from_numpy(arr))


# ---------------------------------------------------------------- __format__
FORMAT_CASES = [
    (np.array(2.0, np.float32), "float32", ".3f"),
    (np.array(2.0, np.float32), "float32", ""),
    (np.array(1 / 3, np.float64), "float64", "10.2e"),
    (np.array(0.1, np.float16), "float16", ".6f"),
    (np.array(7, np.int64), "int64", "05d"),
    (np.array(7, np.int8), "int8", ""),
    (np.array(True), "bool", ""),
    (np.array(False), "bool", "d"),
    (np.array(1 + 2j, np.complex64), "complex64", ".2f"),
    (np.array([1.0, 2.0], np.float32), "float32", ""),
    (np.array([[1, 2], [3, 4]], np.int32), "int32", ""),
]


@pytest.mark.parametrize("arr, dtype, spec", FORMAT_CASES, ids=[f"{d}-{a.ndim}d-{s!r}" for a, d, s in FORMAT_CASES])
def test_format_matches_torch(arr, dtype, spec):
    assert ts.tensor_format(arr, edt._dtype_by_name(dtype), spec) == format(torch.from_numpy(arr.copy()), spec)


def test_format_spec_on_a_vector_raises_like_torch():
    t = torch.tensor([1.0, 2.0])
    with pytest.raises(TypeError) as torch_err:
        format(t, ".3f")
    with pytest.raises(TypeError) as ember_err:
        ts.tensor_format(np.array([1.0, 2.0], np.float32), edt.float32, ".3f")
    assert str(ember_err.value) == str(torch_err.value)


def test_format_of_a_vector_keeps_suffixes():
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    got = ts.tensor_format(np.array([1.0, 2.0], np.float32), edt.float32, "", ["requires_grad=True"])
    assert got == f"{t}"


# ---------------------------------------------------------------- sparse COO
@dataclass
class Sparse:
    id: str
    indices: Any
    values: Any
    size: tuple
    dtype: str = "float32"
    opts: dict = field(default_factory=dict)
    grad: bool = False


def _big_sparse():
    r = rng(20)
    return r.integers(0, 50, (2, 600)), r.standard_normal(600)


# fmt: off
SPARSE_CASES = [
    Sparse("basic", [[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 4)),
    Sparse("float64", [[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 4), "float64"),
    Sparse("int64", [[0, 1], [2, 0]], [3, 4], (2, 4), "int64"),
    Sparse("int32", [[0, 1], [2, 0]], [3, 4], (2, 4), "int32"),
    Sparse("bool", [[0, 1], [2, 0]], [True, False], (2, 4), "bool"),
    Sparse("complex64", [[0], [3]], [1 + 1j], (2, 4), "complex64"),
    Sparse("1-sparse-dim", [[0, 3, 5]], [1.5, 2.5, -3.25], (6,)),
    Sparse("3-sparse-dims", [[0, 1], [1, 0], [2, 2]], [1.0, 2.0], (2, 2, 3)),
    Sparse("hybrid", [[0, 2]], [[1.0, 2.0], [3.0, 4.5]], (3, 2)),
    Sparse("nnz-0", np.zeros((2, 0), np.int64), np.zeros(0), (2, 4)),
    Sparse("nnz-0-float64", np.zeros((2, 0), np.int64), np.zeros(0), (2, 4), "float64"),
    Sparse("nnz-0-hybrid", np.zeros((1, 0), np.int64), np.zeros((0, 3)), (2, 3)),
    Sparse("sci", [[0, 1]], [1e-6, 1e6], (2,)),
    Sparse("requires-grad", [[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 4), grad=True),
    Sparse("requires-grad-f64", [[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 4), "float64", grad=True),
    Sparse("long-values", [list(range(30))], np.arange(30) * 1.5, (30,)),
    Sparse("summarized", *_big_sparse(), (50, 50), "float64"),
    Sparse("precision-2", [[0, 1]], [1 / 3, 2 / 3], (2,), opts=dict(precision=2)),
    Sparse("linewidth-30", [[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 4), opts=dict(linewidth=30)),
]
# fmt: on


@pytest.mark.parametrize("case", SPARSE_CASES, ids=[c.id for c in SPARSE_CASES])
def test_sparse_coo_repr_matches_torch(case):
    indices = np.asarray(case.indices, np.int64)
    values = np.asarray(case.values).astype(_np_dtype(case.dtype))
    t = torch.sparse_coo_tensor(
        torch.from_numpy(indices.copy()), torch.from_numpy(values.copy()), case.size, check_invariants=True
    )
    if case.grad:
        t.requires_grad_(True)
    ts.set_printoptions(**case.opts)
    torch.set_printoptions(**case.opts)
    suffixes = ["requires_grad=True"] if case.grad else []
    assert ts.format_sparse_coo(indices, values, edt._dtype_by_name(case.dtype), case.size, suffixes) == repr(t)

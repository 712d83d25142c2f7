"""ember.set_num_threads / get_num_threads / *_interop_threads: torch's API, on NumPy's BLAS."""

import subprocess
import sys

import pytest

import ember
from ember.backend import threads

torch = pytest.importorskip("torch")


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_set_then_get_round_trips_and_reaches_the_blas():
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        ember.set_num_threads(3)
        assert ember.get_num_threads() == 3
        if threads._find_blas():  # the BLAS itself reports the count ember set
            assert threads._find_blas()[0]() == 3
    finally:
        ember.set_num_threads(before)
    assert ember.get_num_threads() == before


def test_blas_is_found_in_numpys_wheel():
    import numpy as np

    libs = [line for line in open("/proc/self/maps") if "openblas" in line.lower()]
    if not libs:
        pytest.skip(f"NumPy {np.__version__} here links no OpenBLAS")
    assert threads._find_blas(), libs[0]


def test_env_variable_is_what_get_reports_at_start():
    out = _run("import os; os.environ['OPENBLAS_NUM_THREADS']='1'; import ember; print(ember.get_num_threads())")
    assert out == "1"


@pytest.mark.parametrize("fn, arg", [
    ("set_num_threads", 0), ("set_num_threads", -2), ("set_num_threads", "a"), ("set_num_threads", 2.0),
    ("set_num_interop_threads", 0), ("set_num_interop_threads", "a"),
])
def test_bad_counts_raise_torchs_error(fn, arg):
    with pytest.raises(Exception) as want:
        getattr(torch, fn)(arg)
    with pytest.raises(type(want.value)) as got:
        getattr(ember, fn)(arg)
    assert str(got.value) == str(want.value)


def test_interop_threads_settable_once_like_torch():
    code = ("import {m} as t\nt.set_num_interop_threads(3)\nprint(t.get_num_interop_threads())\n"
            "try:\n    t.set_num_interop_threads(2)\nexcept RuntimeError as e:\n    print(e)\n")
    assert _run(code.format(m="ember")) == _run(code.format(m="torch"))


def test_without_a_blas_the_value_is_remembered(monkeypatch):
    monkeypatch.setattr(threads, "_blas", False)
    monkeypatch.setattr(threads, "_threads", None)
    assert ember.get_num_threads() >= 1
    ember.set_num_threads(5)
    assert ember.get_num_threads() == 5

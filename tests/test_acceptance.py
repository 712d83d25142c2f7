"""The acceptance programs of ../shared/acceptance run through `python -m ember run` and print PyTorch's output.

The comparison is ../shared/tools/difftest.py's own rule (imported, not re-implemented). Every program is
`slow`; by default only FAST runs (CI's bounded sample); EMBER_SLOW=all runs all thirty.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

try:
    from conftest import SHARED  # tests/conftest.py
except ImportError:  # "conftest" resolved to another conftest module
    import pathlib

    SHARED = pathlib.Path(os.environ.get("EMBER_SHARED", pathlib.Path(__file__).resolve().parents[2] / "shared"))

ACCEPTANCE = SHARED / "acceptance"
DIFFTEST = SHARED / "tools" / "difftest.py"
TIMEOUT = float(os.environ.get("EMBER_ACCEPTANCE_TIMEOUT", "300"))

# run by default (seconds each); the others need EMBER_SLOW=all
FAST = ("s000_tensor_creation", "s001_dtypes_shapes", "s002_autograd", "s004_ch3_linreg_scratch")

# programs that cannot pass yet: name -> why (the issue that will turn it green)
XFAIL = {
    "s004_ch13_detection": "ops: torch.flip(x, dims=[...]) keyword not accepted",
    "s004_ch6_conv_pool": "ops/creation.py: zeros(size=...) keyword not accepted",
    "s004_ch6_lenet": "ops/creation.py: zeros(size=...) keyword not accepted",
    "s004_ch7_modern_cnns": "ops/creation.py: zeros(size=...) keyword not accepted",
    "s004_ch8_rnn": "ops/creation.py: zeros(size=...) keyword not accepted",
}

if not DIFFTEST.is_file() or not ACCEPTANCE.is_dir():
    pytest.skip(f"shared/ (acceptance programs and tools) not found at {SHARED}", allow_module_level=True)


def _load_difftest():
    spec = importlib.util.spec_from_file_location("_ember_difftest", DIFFTEST)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


difftest = _load_difftest()
PROGRAMS = sorted(p.stem for p in ACCEPTANCE.glob("*.py") if not p.name.startswith("_"))
SELECTED = PROGRAMS if os.environ.get("EMBER_SLOW") == "all" else [p for p in PROGRAMS if p in FAST]


def _param(name):
    marks = [pytest.mark.slow]
    if name in XFAIL:
        marks.append(pytest.mark.xfail(reason=XFAIL[name], strict=False))
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [_param(n) for n in SELECTED])
def test_program_prints_what_pytorch_printed(name):
    prog = str(ACCEPTANCE / f"{name}.py")
    with open(ACCEPTANCE / "expected" / f"{name}.out", encoding="utf-8") as f:
        expected = f.read()
    env = {"EMBER_DATA": os.environ.get("EMBER_DATA", str(SHARED / "data"))}
    run = difftest.run_program(difftest.DEFAULT_CANDIDATE, prog, {"python": sys.executable}, TIMEOUT, env)
    assert not run.timed_out, f"timeout after {TIMEOUT:g}s"
    diff = difftest.compare_outputs(expected, run.stdout, difftest.program_options(prog, difftest.Options()))
    assert run.rc == 0, f"exit {run.rc}: {run.last_exception()}\n{run.stderr[-3000:]}"
    if diff:
        line, why, exp, act = diff
        pytest.fail(f"line {line}: {why}\n  expected: {exp}\n  actual:   {act}")


def test_fast_sample_names_existing_programs():
    assert set(FAST) <= set(PROGRAMS)
    assert set(XFAIL) <= set(PROGRAMS)

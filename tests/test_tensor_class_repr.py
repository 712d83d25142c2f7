"""How the Tensor class prints and names itself, against torch (with ember's own name in place of torch's)."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import pytest

import ember

torch = pytest.importorskip("torch")


def _as_ember(s: str) -> str:
    return s.replace("torch", "ember")


# fmt: off
# (id, text built from library L)
CASES = [
    ("type-repr", lambda L: repr(type(L.ones(2)))),
    ("class-repr", lambda L: repr(L.Tensor)),
    ("str-class", lambda L: str(L.Tensor)),
    ("module", lambda L: L.Tensor.__module__),
    ("qualname", lambda L: f"{L.Tensor.__module__}.{L.Tensor.__qualname__}"),
    ("typename-class", lambda L: L.typename(L.Tensor)),
    ("param-base", lambda L: repr(L.nn.Parameter.__mro__[1])),
]
# fmt: on


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_names(make):
    assert make(ember) == _as_ember(make(torch))


def test_class_still_pickles_and_copies():
    assert pickle.loads(pickle.dumps(ember.Tensor)) is ember.Tensor
    t = ember.arange(3.0)
    assert pickle.loads(pickle.dumps(t)).tolist() == [0.0, 1.0, 2.0]
    assert type(copy.deepcopy(t)) is ember.Tensor
    assert isinstance(ember.nn.Parameter(t), ember.Tensor)


def test_under_shim(tmp_path):
    prog = tmp_path / "p.py"
    prog.write_text("import torch\nprint(type(torch.ones(1)))\n")
    out = subprocess.run([sys.executable, "-m", "ember", "run", str(prog)], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == repr(type(torch.ones(1)))

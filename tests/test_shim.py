"""The torch shim: import aliases, `python -m ember run prog.py args`, `ember info`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import ember
from ember import compat


@pytest.fixture
def shim():
    compat.install()
    try:
        yield
    finally:
        compat.uninstall()


def test_import_torch_is_ember(shim):
    import torch

    assert torch is ember
    assert sys.modules["torch"] is ember


@pytest.mark.parametrize(
    "torch_name, ember_name",
    [
        ("torch.nn", "ember.nn"),
        ("torch.nn.functional", "ember.nn.functional"),
        ("torch.nn.init", "ember.nn.init"),
        ("torch.optim", "ember.optim"),
        ("torch.autograd", "ember.autograd"),
        ("torch.utils.data", "ember.utils.data"),
        ("torch.utils.data.dataloader", "ember.utils.data.dataloader"),
        ("torch.nn.modules", "ember.nn.modules"),
        ("torchvision", "ember.vision"),
    ],
)
def test_submodules_resolve_to_ember_modules(shim, torch_name, ember_name):
    import importlib

    mod = importlib.import_module(torch_name)
    assert mod is importlib.import_module(ember_name)


def test_import_forms_programs_use(shim):
    import torch.nn as nn
    from torch import optim
    from torch.nn import functional as F
    from torch.utils import data

    assert nn is ember.nn and F is ember.nn.functional and optim is ember.optim and data is ember.utils.data
    assert isinstance(ember.zeros(1), sys.modules["torch"].Tensor)


def test_missing_submodule_raises_import_error_naming_it(shim):
    with pytest.raises(ImportError) as ei:
        import torch.no_such_part  # noqa: F401
    assert "torch.no_such_part" in str(ei.value)
    assert ei.value.name == "torch.no_such_part"
    with pytest.raises(ImportError) as ei:
        from torchvision import no_such_part  # noqa: F401
    assert "no_such_part" in str(ei.value)


def test_uninstall_restores_real_torch():
    torch = pytest.importorskip("torch")
    compat.install()
    import torch as shimmed

    assert shimmed is ember
    compat.uninstall()
    import torch as real

    assert real is torch and real is not ember


# ------------------------------------------------------------------ python -m ember run
# Every command runs in its own process, all started together (each is mostly ember's import time).
MAIN_PROG = """
import os, sys
import torch
import helper_mod_for_shim_test as h
print(__name__, torch.__name__, h.VALUE + 1)
print(sys.argv[1:])
print(os.path.basename(sys.argv[0]), sys.path[0] == os.path.dirname(os.path.abspath(__file__)),
      os.getcwd() in sys.path)
if __name__ == "__main__":
    print(torch.tensor([1.0, 2.0]) * 2)
"""
PICKLE_PROG = """
import pickle
class Point:
    def __init__(self, x):
        self.x = x
p = pickle.loads(pickle.dumps(Point(3)))
print(type(p).__module__, p.x)
"""
EXIT_CASES = [("sys.exit(3)", 3), ("sys.exit(0)", 0), ("sys.exit()", 0), ("sys.exit('bad')", 1),
              ("raise ValueError('boom')", 1), ("pass", 0)]


class _Runs:
    def __init__(self, procs):
        self._procs, self._done = procs, {}

    def __getitem__(self, name):
        if name not in self._done:
            p = self._procs[name]
            out, err = p.communicate(timeout=180)
            self._done[name] = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        return self._done[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("shim")
    progs = root / "progs"
    progs.mkdir()
    (progs / "helper_mod_for_shim_test.py").write_text("VALUE = 41\n")
    sources = {"main": MAIN_PROG, "pickle": PICKLE_PROG, "missing part": "import torch.no_such_part\n"}
    sources.update({f"exit {code}": f"import sys\n{code}\n" for code, _ in EXIT_CASES})
    commands = {"info": ["info"], "help": [], "missing file": ["run", str(progs / "nope.py")]}
    for k, (name, src) in enumerate(sources.items()):
        (progs / f"prog{k}.py").write_text(textwrap.dedent(src))
        commands[name] = ["run", str(progs / f"prog{k}.py")] + (["a", "--flag", "b c"] if name == "main" else [])
    procs = {name: subprocess.Popen([sys.executable, "-m", "ember", *cmd], cwd=root, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for name, cmd in commands.items()}
    yield _Runs(procs)
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.communicate()


def test_run_sets_main_argv_path_and_torch(runs):
    r = runs["main"]
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["__main__ ember 42", "['a', '--flag', 'b c']", "prog0.py True False",
                                     "tensor([2., 4.])"]


@pytest.mark.parametrize("code, rc", EXIT_CASES)
def test_run_propagates_the_exit_code(runs, code, rc):
    r = runs[f"exit {code}"]
    assert r.returncode == rc, r.stderr
    if "boom" in code:
        assert "ValueError: boom" in r.stderr
        assert "runpy" not in r.stderr and "compat" not in r.stderr  # the traceback shows only the program
    if "bad" in code:
        assert r.stderr.strip() == "bad"


def test_run_lets_the_program_pickle_its_own_classes(runs):
    r = runs["pickle"]
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["__main__", "3"]


def test_run_missing_program_fails_clearly(runs):
    r = runs["missing file"]
    assert r.returncode == 2 and "nope.py" in r.stderr


def test_run_missing_torch_submodule_names_it(runs):
    r = runs["missing part"]
    assert r.returncode == 1
    assert "ModuleNotFoundError" in r.stderr and "torch.no_such_part" in r.stderr


def test_ember_info_prints_versions_devices_and_blas(runs):
    import numpy as np

    r = runs["info"]
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"ember {ember.__version__}" in out
    assert f"NumPy {np.__version__}" in out
    assert "BLAS:" in out and "Devices: cpu" in out
    assert "CUDA available:" in out


def test_ember_without_command_prints_help(runs):
    r = runs["help"]
    assert r.returncode == 0 and "run" in r.stdout and "info" in r.stdout


def test_aliased_modules_keep_their_own_spec(shim):
    import warnings

    import torch.autograd  # noqa: F401
    import torch.nn.functional  # noqa: F401

    assert ember.autograd.__spec__.name == "ember.autograd"
    assert ember.nn.functional.__spec__.name == "ember.nn.functional"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImportWarning)  # "__package__ != __spec__.parent" on relative imports
        import importlib

        importlib.import_module(".functional", "ember.autograd")

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
def run_ember(tmp_path, source, *args, name="prog.py"):
    prog = tmp_path / name
    prog.write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "ember", "run", str(prog), *args], capture_output=True, text=True,
                          cwd=tmp_path.parent, timeout=120)


def test_run_sets_main_argv_path_and_torch(tmp_path):
    (tmp_path / "helper_mod_for_shim_test.py").write_text("VALUE = 41\n")
    r = run_ember(tmp_path, """
        import os, sys
        import torch
        import helper_mod_for_shim_test as h
        print(__name__, torch.__name__, h.VALUE + 1)
        print(sys.argv[1:])
        print(os.path.basename(sys.argv[0]), sys.path[0] == os.path.dirname(os.path.abspath(__file__)),
              os.getcwd() in sys.path)
        if __name__ == "__main__":
            print(torch.tensor([1.0, 2.0]) * 2)
    """, "a", "--flag", "b c")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["__main__ ember 42", "['a', '--flag', 'b c']", "prog.py True False",
                                     "tensor([2., 4.])"]


EXIT_CASES = [("sys.exit(3)", 3), ("sys.exit(0)", 0), ("sys.exit()", 0), ("sys.exit('bad')", 1),
              ("raise ValueError('boom')", 1), ("pass", 0)]


def test_run_propagates_the_exit_code(tmp_path):
    procs = []
    for k, (code, _) in enumerate(EXIT_CASES):  # started together: each one is mostly ember's import time
        prog = tmp_path / f"exit{k}.py"
        prog.write_text(f"import sys\n{code}\n")
        procs.append(subprocess.Popen([sys.executable, "-m", "ember", "run", str(prog)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for (code, rc), p in zip(EXIT_CASES, procs, strict=True):
        _, err = p.communicate(timeout=120)
        assert p.returncode == rc, (code, err)
        if "boom" in code:
            assert "ValueError: boom" in err
            assert "runpy" not in err and "compat" not in err  # the traceback shows only the program
        if "bad" in code:
            assert err.strip() == "bad"


def test_run_lets_the_program_pickle_its_own_classes(tmp_path):
    r = run_ember(tmp_path, """
        import pickle
        class Point:
            def __init__(self, x):
                self.x = x
        p = pickle.loads(pickle.dumps(Point(3)))
        print(type(p).__module__, p.x)
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["__main__", "3"]


def test_run_missing_program_fails_clearly(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ember", "run", str(tmp_path / "nope.py")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "nope.py" in r.stderr


def test_run_missing_torch_submodule_names_it(tmp_path):
    r = run_ember(tmp_path, "import torch.no_such_part\n")
    assert r.returncode == 1
    assert "ModuleNotFoundError" in r.stderr and "torch.no_such_part" in r.stderr


def test_ember_info_prints_versions_devices_and_blas():
    import numpy as np

    r = subprocess.run([sys.executable, "-m", "ember", "info"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"ember {ember.__version__}" in out
    assert f"NumPy {np.__version__}" in out
    assert "BLAS:" in out and "Devices: cpu" in out
    assert "CUDA available:" in out


def test_ember_without_command_prints_help():
    r = subprocess.run([sys.executable, "-m", "ember"], capture_output=True, text=True, timeout=60)
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

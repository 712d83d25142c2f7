"""The torch shim: an import hook that makes ``import torch`` (and torchvision) give ember's modules.

It is an alias, not a copy: ``sys.modules["torch"] is ember``, so isinstance checks, pickling
and monkey-patching behave the same whichever name a program uses.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# torch name -> ember module; a prefix maps its whole subtree (torch.nn.modules.x -> ember.nn.modules.x)
ALIASES = {
    "torch": "ember",
    "torchvision": "ember.vision",
    "torch.utils.data.dataloader": "ember.utils.data.dataloader",
    "torch.utils.data.dataset": "ember.utils.data.dataset",
    "torch.utils.data.sampler": "ember.utils.data.sampler",
    "torch.nn.modules": "ember.nn.modules",
    "torch.distributions": "ember.distributions",
    "torch.testing": "ember.testing",
}


def _target(name: str) -> str | None:
    for prefix in sorted(ALIASES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return ALIASES[prefix] + name[len(prefix):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module) -> None:
        # importlib set module.__spec__ to the torch.* spec; the module stays ember's (its relative imports use it)
        module.__spec__ = self._own_spec


class TorchFinder(importlib.abc.MetaPathFinder):
    """Resolve torch.* / torchvision.* imports to the ember modules of the same role."""

    def find_spec(self, fullname, path=None, target=None):
        tgt = _target(fullname)
        if tgt is None:
            return None
        try:
            found = importlib.util.find_spec(tgt)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': ember has no '{tgt}' yet (the torch shim maps {fullname} to it)",
                name=fullname,
            )
        spec = importlib.util.spec_from_loader(fullname, _AliasLoader(tgt), is_package=found.submodule_search_locations
                                               is not None)
        return spec


_finder = TorchFinder()


_saved: dict = {}


def _is_torch_name(k: str) -> bool:
    return k == "torch" or k.startswith("torch.") or k == "torchvision" or k.startswith("torchvision.")


def install() -> None:
    """Make ``import torch`` resolve to ember (idempotent); real torch modules already imported are set aside."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    import ember

    for k in [k for k in sys.modules if _is_torch_name(k)]:
        if not getattr(sys.modules[k], "__name__", "").startswith("ember"):
            _saved[k] = sys.modules.pop(k)
    sys.modules["torch"] = ember
    ember.Tensor.__module__ = "torch"  # type(x) prints <class 'torch.Tensor'>; pickles resolve it through the shim


def uninstall() -> None:
    """Undo install(): torch imports go to the real torch again (if installed)."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for k in [k for k in sys.modules if _is_torch_name(k)]:
        del sys.modules[k]
    sys.modules.update(_saved)
    _saved.clear()
    ember_mod = sys.modules.get("ember")
    if ember_mod is not None:
        ember_mod.Tensor.__module__ = "ember"


def run_path(path: str, argv: list[str]) -> int:
    """Run the program at ``path`` as ``__main__`` with the shim active; return its exit code."""
    import os
    import runpy

    if not os.path.exists(path):
        print(f"ember run: can't open file {path!r}: no such file", file=sys.stderr)
        return 2
    install()
    sys.argv = [path] + list(argv)
    prog_dir = os.path.dirname(os.path.abspath(path))
    if sys.path and sys.path[0] in ("", os.getcwd()):  # `python -m ember` put the cwd first; `python prog.py` would not
        sys.path[0] = prog_dir
    else:
        sys.path.insert(0, prog_dir)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException as e:  # noqa: B036 - report it as Python would for the program itself
        _print_program_traceback(e)
        return 130 if isinstance(e, KeyboardInterrupt) else 1
    return 0


def _print_program_traceback(exc: BaseException) -> None:
    """Print the traceback without the frames of the runner (cli, compat, runpy), as `python prog.py` would."""
    import traceback

    tb = exc.__traceback__
    while tb is not None and _is_runner_frame(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    sys.stderr.flush()
    traceback.print_exception(type(exc), exc, tb if tb is not None else exc.__traceback__)


def _is_runner_frame(filename: str) -> bool:
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    pkg = os.path.dirname(here)
    runner = (os.path.join(pkg, "cli.py"), os.path.join(pkg, "__main__.py"))
    return filename.startswith(here) or filename in runner or filename == "<frozen runpy>" or filename.endswith(
        "runpy.py")

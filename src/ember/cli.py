"""The ``ember`` command: ``ember info``, ``ember run prog.py``, ``ember demo``."""

from __future__ import annotations

import argparse
import sys


def info() -> int:
    import platform

    import numpy as np

    import ember

    print(f"ember {ember.__version__}")
    print(f"Python {platform.python_version()} ({sys.executable})")
    print(f"NumPy {np.__version__}")
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = f"{b.get('name', '?')} {b.get('version', '')}".strip()
    except Exception:  # NumPy < 1.25 has no dict mode
        pass
    print(f"BLAS: {blas}")
    try:
        import cupy  # noqa: F401

        cupy_v = cupy.__version__
    except Exception:
        cupy_v = "not installed"
    print(f"CuPy: {cupy_v}")
    print(f"CUDA available: {ember.cuda.is_available()} (devices: {ember.cuda.device_count()})")
    print("Devices: cpu" + "".join(f", cuda:{i}" for i in range(ember.cuda.device_count())))
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="ember", description="PyTorch's API on NumPy")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("info", help="print versions, devices and the BLAS NumPy uses")
    run = sub.add_parser("run", help="run a PyTorch program on ember (import torch -> ember)")
    run.add_argument("program")
    run.add_argument("args", nargs=argparse.REMAINDER)
    sub.add_parser("demo", help="train a small network on Fashion-MNIST with ember")
    if argv and argv[0] == "run":  # everything after the program belongs to it
        if len(argv) < 2:
            parser.error("run needs a program")
        from .compat import run_path

        return run_path(argv[1], argv[2:])
    ns = parser.parse_args(argv)
    if ns.cmd == "info":
        return info()
    if ns.cmd == "demo":
        try:
            from .demo import main as demo_main
        except ImportError:
            print("ember demo is not available yet", file=sys.stderr)
            return 1
        return demo_main()
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time ember and torch side by side in one process and print ember/torch ratios (never pass/fail).

    python benchmarks/run.py                 # every benchmarks/bench_*.py
    python benchmarks/run.py overhead -k add # one file, the cases whose name contains "add"

A benchmark file defines CASES: a list of (name, make) where make(m) builds the inputs with the
module m (ember or torch) and returns a no-argument callable that does one operation, and
optionally (name, make, numpy_make) where numpy_make() returns the same work hand-written in
NumPy (the floor DESIGN.md sets ember's goals from).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import math
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def per_call(fns, min_time: float = 0.05, repeat: int = 7) -> list[float]:
    """Seconds per call of each fn: the best of ``repeat`` rounds, the fns interleaved round by round.

    Interleaving keeps a busy machine from favouring whichever library happened to run in a quiet moment.
    """
    counts = []
    for fn in fns:
        fn()  # warm caches, imports and lazy attributes
        n = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
            if dt >= min_time / repeat or n >= 1 << 20:
                break
            n *= 2
        counts.append(n)
    best = [math.inf] * len(fns)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for k, (fn, n) in enumerate(zip(fns, counts, strict=True)):
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                best[k] = min(best[k], (time.perf_counter() - t0) / n)
    finally:
        if gc_was:
            gc.enable()
    return best


def load(path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fmt_time(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:8.2f} us"
    return f"{s * 1e3:8.2f} ms"


def run_file(path: pathlib.Path, filters: list[str], min_time: float) -> list[float]:
    import torch

    import ember

    torch.set_num_threads(1)  # torch's intra-op threads only add overhead at these sizes
    mod = load(path)
    print(f"== {path.stem}  (ember {ember.__version__}, torch {torch.__version__})")
    print(f"{'case':<28} {'ember':>11} {'torch':>11} {'numpy':>11} {'ember/torch':>12} {'numpy/torch':>12}")
    ratios = []
    for case in mod.CASES:
        name, make = case[0], case[1]
        if filters and not any(f in name for f in filters):
            continue
        fns = [make(ember), make(torch)]
        if len(case) > 2 and case[2] is not None:
            fns.append(case[2]())
        times = per_call(fns, min_time)
        t_e, t_t = times[0], times[1]
        t_n = times[2] if len(times) > 2 else None
        ratios.append(t_e / t_t)
        np_cols = (fmt_time(t_n), f"{t_n / t_t:12.2f}") if t_n is not None else ("-".rjust(11), "-".rjust(12))
        print(f"{name:<28} {fmt_time(t_e)} {fmt_time(t_t)} {np_cols[0]} {t_e / t_t:12.2f} {np_cols[1]}", flush=True)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"{'geometric mean':<28} {'':>11} {'':>11} {'':>11} {geo:12.2f}")
    return ratios


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="*", help="names: overhead for bench_overhead.py (default: all)")
    ap.add_argument("-k", action="append", default=[], help="only cases whose name contains this (repeatable)")
    ap.add_argument("--min-time", type=float, default=0.05, help="seconds per timing round (default 0.05)")
    args = ap.parse_args(argv)
    files = sorted(HERE.glob("bench_*.py"))
    if args.benchmarks:
        files = [f for f in files if f.stem.removeprefix("bench_") in args.benchmarks or f.stem in args.benchmarks]
        if not files:
            ap.error(f"no benchmark named {args.benchmarks}")
    for f in files:
        run_file(f, args.k, args.min_time)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

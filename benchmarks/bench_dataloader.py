"""One epoch over a TensorDataset of Fashion-MNIST's shape (60k x 784) at batch 256: ember vs torch.

Prints seconds per epoch and the ember/torch ratio for num_workers 0 and 2 (goal: ratio <= 1.2).
Run: python benchmarks/bench_dataloader.py
"""

from __future__ import annotations

import time

import numpy as np


def epoch_time(lib, num_workers: int, X: np.ndarray, y: np.ndarray, repeat: int = 3) -> float:
    data = lib.utils.data
    ds = data.TensorDataset(lib.from_numpy(X), lib.from_numpy(y))
    best = float("inf")
    for _ in range(repeat):
        dl = data.DataLoader(ds, batch_size=256, shuffle=True, num_workers=num_workers)
        t0 = time.perf_counter()
        for _batch in dl:
            pass
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    import torch

    import ember

    rng = np.random.default_rng(0)
    X = rng.random((60000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 60000)
    for workers in (0, 2):
        t = epoch_time(torch, workers, X, y)
        e = epoch_time(ember, workers, X, y)
        print(f"dataloader epoch, num_workers={workers}: torch {t:.3f} s, ember {e:.3f} s, ratio {e / t:.2f}")


if __name__ == "__main__":
    main()

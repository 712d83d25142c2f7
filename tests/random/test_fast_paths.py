"""The engine's fast paths equal the exact code they replace (no torch needed: the exact code is tested vs torch)."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from ember._rng import CPUGeneratorState
from ember._rng import avx2_math as A

_TWO_PI_F32 = np.float32(2.0 * math.pi)


def _uniforms(k: np.ndarray) -> np.ndarray:
    return k.astype(np.float32) * np.float32(2.0**-24)


def _check_range(k: np.ndarray) -> None:
    u = _uniforms(k)
    x1 = np.float32(1.0) - u
    np.testing.assert_array_equal(A.log_ps_u24(x1).view(np.uint32), A.log_ps(x1).view(np.uint32))
    x2 = _TWO_PI_F32 * u
    (s_fast, c_fast), (s, c) = A.sincos_ps_u24(x2), A.sincos_ps(x2)
    np.testing.assert_array_equal(s_fast.view(np.uint32), s.view(np.uint32))
    np.testing.assert_array_equal(c_fast.view(np.uint32), c.view(np.uint32))


def test_fast_log_and_sincos_equal_exact_on_edges_and_a_sample():
    edges = np.r_[np.arange(0, 4096), np.arange((1 << 24) - 4096, 1 << 24), (1 << 23) + np.arange(-2048, 2048)]
    _check_range(edges.astype(np.uint32))
    rng = np.random.default_rng(0)
    _check_range(rng.integers(0, 1 << 24, 200_000).astype(np.uint32))


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("EMBER_SLOW") != "all", reason="20 s: run with EMBER_SLOW=all")
def test_fast_log_and_sincos_equal_exact_for_every_24_bit_uniform():
    for start in range(0, 1 << 24, 1 << 20):
        _check_range(np.arange(start, start + (1 << 20), dtype=np.uint32))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 5000])
def test_vectorised_randperm_equals_the_swap_loop(n):
    a, b = CPUGeneratorState(n), CPUGeneratorState(n)
    fast = a.randperm(n)
    # the plain forward Fisher-Yates loop that torch runs, on the same draws
    perm = list(range(n))
    if n > 1:
        steps = b._words(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
        for i, s in enumerate(steps.tolist()):
            j = i + s
            perm[i], perm[j] = perm[j], perm[i]
    np.testing.assert_array_equal(fast, np.array(perm, dtype=np.int64))
    np.testing.assert_array_equal(a.get_state(), b.get_state())

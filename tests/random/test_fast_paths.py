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


def _exact32(a, b, c) -> np.ndarray:
    from fractions import Fraction

    out = []
    for x, y in zip(a.tolist(), np.broadcast_to(b, a.shape).tolist(), strict=True):
        v = Fraction(x) * Fraction(y) + Fraction(float(c))
        out.append(np.float32(float(v)) if v != 0 else np.float32(np.float32(x) * np.float32(y) + np.float32(c)))
    return np.array(out, dtype=np.float32)


@pytest.mark.parametrize("c", [0.0, -0.0])
def test_fma_shortcuts_equal_one_rounding(c):
    from ember._rng.fma import _fma64_exact, fma32, fma64

    rng = np.random.default_rng(1)
    a = np.r_[rng.standard_normal(300) * 10.0 ** rng.integers(-30, 30, 300), 0.0, -0.0, 1e-200, -1e-200]
    b = np.r_[rng.standard_normal(300), 0.0, 3.0, 1e-200, 1e-200]
    exact = np.array([_fma64_exact(x, y, c) for x, y in zip(a.tolist(), b.tolist(), strict=True)])
    got = fma64(a, b, c)
    np.testing.assert_array_equal(got, exact)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(exact))
    np.testing.assert_array_equal(fma64(a, 1.0, 0.25), a + 0.25)
    a32 = a.astype(np.float32)
    got32, exact32 = fma32(a32, np.float32(0.7), c), _exact32(a32, np.float32(0.7), c)
    np.testing.assert_array_equal(got32, exact32)
    np.testing.assert_array_equal(np.signbit(got32), np.signbit(exact32))

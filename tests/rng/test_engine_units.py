"""Checks of the random engine's building blocks that need no torch: exact FMA, libstdc++ ordering, statistics."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from ember._rng import CPUGeneratorState, discrete, libm32, stl_select
from ember._rng.fma import fma32, fma64, fma_scalar


def _hard_operands(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Products nearly cancelled by the addend: the cases where a double-rounded a*b + c goes wrong."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(n) * np.exp2(rng.integers(-30, 30, n))
    b = rng.standard_normal(n)
    c = -(a * b) * (1 + rng.standard_normal(n) * np.exp2(-rng.integers(1, 60, n).astype(float)))
    c[::3] = rng.standard_normal(c[::3].size)
    return a, b, c


def _nearest32(exact: Fraction) -> np.float32:
    f = np.float32(float(exact))
    cands = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
    return min(cands, key=lambda x: (abs(Fraction(float(x)) - exact), int(np.array(x).view(np.int32)) & 1))


def test_fma64_rounds_once():
    a, b, c = _hard_operands(3000, 1)
    got = fma64(a, b, c)
    for i in range(a.size):
        assert got[i] == float(Fraction(a[i]) * Fraction(b[i]) + Fraction(c[i]))
        assert fma_scalar(float(a[i]), float(b[i]), float(c[i])) == got[i]


def test_fma64_handles_overflow_subnormals_and_specials():
    a = np.array([1e-200, 1e300, 2.0**1000, 0.0, np.inf, 1e-160, 3.0])
    b = np.array([1e-200, 1e10, 2.0**-900, 5.0, 1.0, 1e-160, 1e308])
    c = np.array([1e-310, -1e308, 1.0, -0.0, 1.0, 0.0, -1e308])
    got = fma64(a, b, c)
    assert got[0] == 1e-310 and got[1] == np.inf and got[2] == 2.0**100 + 1.0 and got[4] == np.inf
    assert got[3] == 0.0 and not np.signbit(got[3]) and got[5] == 1e-320 and got[6] == np.inf


def test_fma64_large_arrays_are_chunked_with_broadcasting():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((300, 400))
    b = rng.standard_normal(400)
    c = -a * b * (1 + rng.standard_normal((300, 400)) * 1e-12)
    got = fma64(a, b, c)
    assert got.shape == (300, 400)
    for i, j in zip(rng.integers(0, 300, 500), rng.integers(0, 400, 500), strict=True):
        assert got[i, j] == float(Fraction(a[i, j]) * Fraction(b[j]) + Fraction(c[i, j]))


def test_fma32_rounds_once():
    a, b, c = (x.astype(np.float32) for x in _hard_operands(3000, 2))
    got = fma32(a, b, c)
    for i in range(a.size):
        assert got[i] == _nearest32(Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])))


def test_fma32_breaks_a_double_rounding_tie():
    # a*b + c = 1 + 3*2**-24 - 2**-60: rounding to double first lands on a float32 midpoint and then goes up
    a = np.float32(1 - 2**-18)
    b = np.float32((1 + 2**-18) * 2**-24)
    c = np.float32(1 + 2**-23)
    assert fma32(np.array([a]), b, c)[0] == np.float32(1 + 2**-23)
    assert np.float32(np.float64(a) * np.float64(b) + np.float64(c)) == np.float32(1 + 2**-22)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16, 17, 40, 333])
def test_libstdcxx_replays_sort_and_select(n):
    rng = np.random.default_rng(n)
    keys = rng.integers(0, 4, n).astype(float).tolist()  # many ties
    items = list(zip(keys, range(n), strict=True))
    by_value = sorted(keys, reverse=True)
    a = items[:]
    stl_select.sort(a, 0, n)
    assert [v for v, _ in a] == by_value and sorted(i for _, i in a) == list(range(n))
    for k in {1, n // 2 + 1, n}:
        a = items[:]
        stl_select.nth_element(a, 0, k - 1, n)
        assert a[k - 1][0] == by_value[k - 1]
        assert all(v >= a[k - 1][0] for v, _ in a[:k]) and all(v <= a[k - 1][0] for v, _ in a[k:])
        a = items[:]
        stl_select.partial_sort(a, 0, k, n)
        assert [v for v, _ in a[:k]] == by_value[:k]


def test_state_round_trip_keeps_the_cached_normal_and_the_position():
    g = CPUGeneratorState(99)
    g.uniform(1000, np.float32)
    g.normal(3, np.float64)
    saved = g.get_state()
    first = g.normal(20, np.float32), g.random_int(7, np.int64, 0, 100)
    h = CPUGeneratorState()
    h.set_state(saved.tobytes())
    again = h.normal(20, np.float32), h.random_int(7, np.int64, 0, 100)
    assert all(np.array_equal(x, y) for x, y in zip(first, again, strict=True))
    assert np.array_equal(g.get_state(), h.get_state())


def test_results_have_the_requested_shape_dtype_and_layout():
    g = CPUGeneratorState(0)
    for dt in (np.float16, np.float32, np.float64):
        for fn in (g.uniform, g.normal, g.exponential, g.log_normal, g.cauchy, g.geometric, g.bernoulli_scalar):
            out = fn((2, 3, 4), dt)
            assert out.shape == (2, 3, 4) and out.dtype == dt and out.flags.c_contiguous
    assert g.random_int((5, 0), np.int32, 0, 3).shape == (5, 0)
    assert g.randperm(10, np.int32).dtype == np.int32


def test_inside_out_randperm_for_huge_n_is_a_uniform_permutation(monkeypatch):
    """torch switches to an inside-out shuffle with 64-bit draws past 214748364 elements (not checked against
    torch: it needs gigabytes); the same code run on small n must give uniformly distributed permutations."""
    monkeypatch.setattr(discrete, "_RANDPERM_SMALL", 0)
    g = CPUGeneratorState(1)
    counts = np.zeros((4, 4))
    for _ in range(4000):
        p = g.randperm(4)
        assert sorted(p.tolist()) == [0, 1, 2, 3]
        counts[np.arange(4), p] += 1
    assert np.all(np.abs(counts / 4000 - 0.25) < 0.03)


def test_float_libm_fallback_is_statistically_normal(monkeypatch):
    """Without a loadable C math library the float kernels use double math rounded to float: right in law, not in
    every last bit."""
    monkeypatch.setattr(libm32, "_FNS", None)
    x = CPUGeneratorState(3, capability="default").normal(200_000, np.float32, 1.5, 2.0)
    assert abs(x.mean() - 1.5) < 0.02 and abs(x.std() - 2.0) < 0.02
    assert abs(((x - x.mean()) ** 3).mean()) < 0.2


@pytest.mark.parametrize("lam", [0.5, 3.0, 9.5, 10.0, 55.0, 1e4])
def test_poisson_moments(lam):
    x = CPUGeneratorState(4).poisson(np.full(20_000, lam))
    assert abs(x.mean() - lam) < 5 * math.sqrt(lam / 20_000) + 1e-9
    assert abs(x.var() / lam - 1) < 0.06

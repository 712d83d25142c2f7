"""Vectorised fused multiply-add (``a*b + c`` rounded once) for float32 and float64 NumPy arrays.

torch's AVX2 kernels contract ``a*b + c`` into an FMA instruction, and NumPy has no fma ufunc. Both versions here
are exact: they split the operation with error-free transforms and finish with *rounding to odd*, which makes the
final rounding to nearest the correct one (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums:
proved algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008).
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant for float64


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``s = fl(a+b)`` and the exact error ``a + b - s`` (Knuth's branch-free TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``p = fl(a*b)`` and the exact error ``a*b - p`` (Dekker's product with Veltkamp splitting)."""
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """Round the exact value ``s + err`` (with ``s = fl(s + err)``) to odd: inexact results get an odd last bit."""
    bits = s.view(np.int64)
    need = (err != 0) & ((bits & 1) == 0)
    if not need.any():
        return s
    # one step toward the exact value: +1 on the bit pattern moves away from zero, -1 toward it
    step = np.where((err > 0) == (s > 0), 1, -1) * need
    return (bits + step).view(np.float64)


_MID32 = np.uint64(0x10000000)  # low 29 of a double's 52 fraction bits at a float32 rounding midpoint
_LOW29 = np.uint64(0x1FFFFFFF)


def fma32(a: np.ndarray, b, c) -> np.ndarray:
    """Return ``float32(a*b + c)`` with one rounding, for float32 inputs (broadcasting)."""
    p = np.asarray(a, dtype=np.float32).astype(np.float64)
    p *= np.float64(b) if np.ndim(b) == 0 else np.asarray(b, dtype=np.float32).astype(np.float64)  # exact product
    if np.ndim(c) == 0 and c == 0:
        # the exact product rounded once is the fma; adding c (a signed zero) gives IEEE's sign for a zero product
        p += np.float64(c)
        with np.errstate(over="ignore"):
            return p.astype(np.float32)
    c64 = np.float64(c) if np.ndim(c) == 0 else np.asarray(c, dtype=np.float32).astype(np.float64)
    s = p + c64
    # Rounding p + c to double and then to float32 goes wrong only when the double lands exactly on a float32
    # midpoint (and in float32's subnormal range, where the midpoints sit elsewhere): only those are redone.
    bits = s.view(np.uint64)
    suspect = (bits & _LOW29) == _MID32
    suspect |= np.abs(s) < 2.0**-126
    if suspect.any():
        idx = np.nonzero(suspect)
        pi, ci = p[idx], np.broadcast_to(c64, s.shape)[idx]
        si, err = _two_sum(pi, ci)
        with np.errstate(invalid="ignore"):
            s[idx] = _round_to_odd(si, np.where(np.isfinite(si), err, 0.0))  # odd at 53 bits: exact at 24 (53 >= 24+2)
    with np.errstate(over="ignore"):
        return s.astype(np.float32)


def _fma64_exact(a: float, b: float, c: float) -> float:
    """Return ``a*b + c`` rounded once, by exact rational arithmetic (slow; for the rare hard elements)."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        return a * b + c  # the sign of an exact zero follows IEEE's rules for the plain expression
    try:
        return float(exact)  # Fraction -> float rounds to nearest, ties to even
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def _split(x):
    t = _SPLIT * x
    hi = t - (t - x)
    return hi, x - hi


_CHUNK = 16384  # elements per pass: the ~30 temporaries of a chunk stay in cache (5x faster than whole arrays)


def fma64(a: np.ndarray, b, c) -> np.ndarray:
    """Return ``a*b + c`` with one rounding, for float64 inputs (broadcasting; ``b`` and ``c`` may be scalars)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.float64(b) if np.ndim(b) == 0 else np.asarray(b, dtype=np.float64)
    c = np.float64(c) if np.ndim(c) == 0 else np.asarray(c, dtype=np.float64)
    if b.ndim == 0 and b == 1:
        return a + c  # a*1 is exact: the sum is the one rounding
    if c.ndim == 0 and c == 0:
        # adding a signed zero is exact, except for the sign of a zero product: a product that underflowed to
        # zero keeps its own sign in the fma, an exact zero product takes IEEE's sign of the sum
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            out = a * b
            zero = out == 0
            if zero.any():
                exact_zero = zero & ((a == 0) | (b == 0))
                out = np.where(exact_zero, out + c, out)
        return out
    shape = np.broadcast_shapes(a.shape, b.shape, c.shape)
    if math.prod(shape) > 2 * _CHUNK:
        a, b, c = (x if x.ndim == 0 else np.broadcast_to(x, shape).ravel() for x in (a, b, c))
        out = np.empty(math.prod(shape), dtype=np.float64)
        for i in range(0, out.size, _CHUNK):
            sl = slice(i, i + _CHUNK)
            out[sl] = _fma64(*(x if x.ndim == 0 else x[sl] for x in (a, b, c)))
        return out.reshape(shape)
    return _fma64(a, b, c)


def _fma64(a: np.ndarray, b, c) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        e = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + e exactly (Dekker)
        hi, lo = _two_sum(c, p)  # c + p == hi + lo exactly
        lo_sum, lo_err = _two_sum(lo, e)
        out = hi + _round_to_odd(lo_sum, lo_err)
        # The transforms are exact only away from overflow and from the subnormal range; redo those elements.
        hard = ~np.isfinite(out) | (np.abs(p) < 2.0**-960)
    if hard.any():
        out = np.array(out, dtype=np.float64, copy=True)
        a, b, c = np.broadcast_arrays(a, b, c)
        for i in zip(*np.nonzero(hard), strict=True):
            out[i] = _fma64_exact(float(a[i]), float(b[i]), float(c[i]))
    return out


def fma_scalar(a: float, b: float, c: float) -> float:
    """Return ``a*b + c`` rounded once for Python floats (the same transforms as :func:`fma64`, without arrays)."""
    p = a * b
    if not (abs(p) < 2.0**1000 and abs(c) < 2.0**1020 and abs(a) < 2.0**995 and abs(b) < 2.0**995) or (
        abs(p) < 2.0**-960 and a != 0 and b != 0
    ):
        return _fma64_exact(a, b, c)
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    hi = c + p
    bb = hi - c
    lo = (c - (hi - bb)) + (p - bb)
    s = lo + e
    bb = s - lo
    err = (lo - (s - bb)) + (e - bb)
    if err != 0 and (struct.unpack("<q", struct.pack("<d", s))[0] & 1) == 0:
        s = math.nextafter(s, math.copysign(math.inf, err))
    return hi + s

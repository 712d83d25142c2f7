"""float32 log and sin/cos exactly as torch's AVX2 ``normal_`` kernel computes them (Cephes-style polynomials).

torch: the AVX2 build of ``normal_fill`` for float32 does all of Box-Muller in float32 vector code (ATen's
cpu/avx_mathfun.h), not with libm, and the compiler fuses the ``a*b + c`` steps. Every step below is one float32
operation (NumPy's float32 ``+ - * sqrt`` round exactly like the vector instructions) or one emulated FMA.
"""

from __future__ import annotations

import numpy as np

from .fma import fma32

f32 = np.float32

# fmt: off
_LOG_POLY = [f32(c) for c in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
)]
# fmt: on
_SQRTHF = f32(0.707106781186547524)
_LOG_Q1 = f32(-2.12194440e-4)
_LOG_Q2 = f32(0.693359375)
_MIN_NORM = np.array(0x00800000, dtype=np.uint32).view(np.float32)[()]

_FOPI = f32(1.27323954473516)  # 4 / pi
_DP1, _DP2, _DP3 = f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)
_COS_P = (f32(2.443315711809948e-5), f32(-1.388731625493765e-3), f32(4.166664568298827e-2))
_SIN_P = (f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1))


def log_ps(x: np.ndarray) -> np.ndarray:
    """Return the natural log of positive float32 values, bit for bit as torch's AVX2 ``log256_ps``."""
    x = np.maximum(np.asarray(x, dtype=np.float32), _MIN_NORM)
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + f32(1)
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)  # mantissa in [0.5, 1)
    small = m < _SQRTHF
    e = np.where(small, e - f32(1), e)
    t = np.where(small, (m - f32(1)) + m, m - f32(1))  # torch: (m - 1) + m, not 2m - 1
    z = t * t
    y = np.full_like(t, _LOG_POLY[0])
    for c in _LOG_POLY[1:]:
        y = fma32(y, t, c)
    y = y * t
    y = fma32(y, z, e * _LOG_Q1)
    y = y - f32(0.5) * z
    return fma32(e, _LOG_Q2, t + y)


def sincos_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(sin x, cos x)`` of non-negative float32 values, bit for bit as torch's AVX2 ``sincos256_ps``."""
    x = np.asarray(x, dtype=np.float32)
    j = (x * _FOPI).astype(np.int32)
    j = (j + 1) & ~np.int32(1)
    yj = j.astype(np.float32)
    x = fma32(yj, _DP1, x)
    x = fma32(yj, _DP2, x)
    x = fma32(yj, _DP3, x)
    z = x * x
    c = fma32(fma32(np.full_like(z, _COS_P[0]), z, _COS_P[1]), z, _COS_P[2])
    c = c * z
    c = fma32(c, z, f32(-0.5) * z) + f32(1)
    s = fma32(fma32(np.full_like(z, _SIN_P[0]), z, _SIN_P[1]), z, _SIN_P[2])
    s = s * z
    s = fma32(s, x, x)
    swap = (j & 2) != 0
    sin = np.where(swap, c, s)
    cos = np.where(swap, s, c)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos


# ------------------------------------------------------------------------------------------- fast paths
# The normal kernel feeds these functions only 24-bit uniforms u = k * 2**-24: log of 1 - u and sincos of
# float32(2*pi) * u. On that domain every fused step can be done as "exact float64 product and sum, then one
# rounding to float32" with no midpoint fix-up: comparing against log_ps/sincos_ps for all 2**24 values of k
# gave no difference (tests/random/test_fast_paths.py, marked slow, repeats the check). Three times faster.


def _fma_u(a: np.ndarray, b64, c) -> np.ndarray:
    """Return float32 ``a*b + c`` for float32 ``a``; ``b64`` is ``b`` already in float64 (a scalar or array)."""
    s = a.astype(np.float64)  # then float32 * float32 is exact in float64 (cheaper than a casting multiply)
    s *= b64
    s += c
    return s.astype(np.float32)


def _select(mask: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(where(mask, a, b), where(mask, b, a))`` for float32 arrays, by bit operations.

    ``mask`` is 0 or 0xFFFFFFFF per element (uint32); np.where with a random mask is several times slower.
    """
    ab, bb = a.view(np.uint32), b.view(np.uint32)
    diff = ab ^ bb
    diff &= mask
    return (bb ^ diff).view(np.float32), (ab ^ diff).view(np.float32)


_LOG_POLY64 = [np.float64(c) for c in _LOG_POLY]
_U4, _U29 = np.uint32(4), np.uint32(29)


def log_ps_u24(x: np.ndarray) -> np.ndarray:
    """Return :func:`log_ps` of ``x = 1 - k * 2**-24`` (float32), bit for bit, without the midpoint fix-ups."""
    x = np.maximum(np.asarray(x, dtype=np.float32), _MIN_NORM)
    bits = x.view(np.uint32)
    e = (bits >> np.uint32(23)).astype(np.int32).astype(np.float32) - f32(126)
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    small = m < _SQRTHF
    e -= small
    t = m - f32(1)
    t += m * small  # torch: (m - 1) + m below sqrt(1/2); adding +0.0 elsewhere leaves t (never -0.0) as it is
    z = t * t
    t64 = t.astype(np.float64)
    y = _fma_u(t, _LOG_POLY64[0], _LOG_POLY[1])
    for c in _LOG_POLY[2:]:
        y = _fma_u(y, t64, c)
    y *= t
    y = _fma_u(y, z.astype(np.float64), e * _LOG_Q1)
    y -= f32(0.5) * z
    return _fma_u(e, np.float64(_LOG_Q2), t + y)


def sincos_ps_u24(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return :func:`sincos_ps` of ``x = float32(2*pi) * k * 2**-24``, bit for bit, without the midpoint fix-ups."""
    x = np.asarray(x, dtype=np.float32)
    j = (x * _FOPI).astype(np.int32)
    j += 1
    j &= -2
    yj = j.astype(np.float32)
    x = _fma_u(yj, np.float64(_DP1), x)
    x = _fma_u(yj, np.float64(_DP2), x)
    x = _fma_u(yj, np.float64(_DP3), x)
    z = x * x
    z64 = z.astype(np.float64)
    c = _fma_u(_fma_u(z, np.float64(_COS_P[0]), _COS_P[1]), z64, _COS_P[2])
    c *= z
    c = _fma_u(c, z64, f32(-0.5) * z)
    c += f32(1)
    s = _fma_u(_fma_u(z, np.float64(_SIN_P[0]), _SIN_P[1]), z64, _SIN_P[2])
    s *= z
    s = _fma_u(s, x.astype(np.float64), x)
    ju = j.view(np.uint32)
    swap = (ju >> np.uint32(1)) & np.uint32(1)
    np.negative(swap, out=swap)  # 1 -> 0xFFFFFFFF
    sin, cos = _select(swap, c, s)
    sin.view(np.uint32)[...] ^= (ju & _U4) << _U29  # sign flips as torch's xor of the sign bit
    cos.view(np.uint32)[...] ^= (((ju - np.uint32(2)) & _U4) ^ _U4) << _U29
    return sin, cos

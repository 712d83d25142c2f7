"""Special functions (erf, erfinv, lgamma, digamma) on arrays, with NumPy alone.

SciPy is used when it is installed (faster); otherwise Python's math module element by element
for erf/lgamma (exact to double precision), and a series for digamma and Newton steps for erfinv.
"""

from __future__ import annotations

import math

import numpy as np

try:
    from scipy import special as _sp  # type: ignore
except ImportError:  # pragma: no cover - depends on the environment
    _sp = None

_erf_u = np.frompyfunc(math.erf, 1, 1)
_lgamma_u = np.frompyfunc(lambda v: math.lgamma(v) if not (v <= 0 and v == math.floor(v)) else math.inf, 1, 1)


def _host(xp, x, fn):
    if xp is np:
        return fn(x)
    return xp.asarray(fn(xp.asnumpy(x)))


def erf(xp, x):
    if _sp is not None and xp is np:
        return _sp.erf(x).astype(x.dtype, copy=False)
    return _host(xp, x, lambda a: _erf_u(a.astype(np.float64)).astype(a.dtype))


def lgamma(xp, x):
    if _sp is not None and xp is np:
        return _sp.gammaln(x).astype(x.dtype, copy=False)
    return _host(xp, x, lambda a: _lgamma_u(a.astype(np.float64)).astype(a.dtype))


def digamma(xp, x):
    if _sp is not None and xp is np:
        return _sp.psi(x).astype(x.dtype, copy=False)

    def f(a):
        v = a.astype(np.float64)
        out = np.zeros_like(v)
        # reflection for negative arguments, recurrence up to >= 6, then the asymptotic series
        neg = v < 0.5
        w = np.where(neg, 1 - v, v)
        acc = np.zeros_like(w)
        while np.any(w < 6):
            small = w < 6
            acc = acc - np.where(small, 1 / np.where(small, w, 1), 0)
            w = np.where(small, w + 1, w)
        inv = 1 / w
        inv2 = inv * inv
        tail = 1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132)))
        series = np.log(w) - 0.5 * inv - inv2 * tail
        out = acc + series
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(neg, out - math.pi / np.tan(math.pi * v), out)
            out = np.where((v <= 0) & (v == np.floor(v)), np.nan, out)
        return out.astype(a.dtype)

    return _host(xp, x, f)


def erfinv(xp, x):
    if _sp is not None and xp is np:
        return _sp.erfinv(x).astype(x.dtype, copy=False)

    def f(a):
        v = a.astype(np.float64)
        # Giles' single-precision approximation as a start, then two Newton steps on erf
        w = -np.log((1.0 - v) * (1.0 + v))
        small = w < 5
        ws = w - 2.5
        ps = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                  0.246640727, 1.50140941):
            ps = c + ps * ws
        wl = np.sqrt(np.maximum(w, 0)) - 3
        pl = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                  1.00167406, 2.83297682):
            pl = c + pl * wl
        r = np.where(small, ps, pl) * v
        for _ in range(2):
            err = _erf_u(r).astype(np.float64) - v
            r = r - err / (2 / math.sqrt(math.pi) * np.exp(-r * r))
        r = np.where(v == 1, np.inf, np.where(v == -1, -np.inf, r))
        r = np.where(np.abs(v) > 1, np.nan, r)
        return r.astype(a.dtype)

    with np.errstate(all="ignore"):
        return _host(xp, x, f)

"""Samplers for the distributions whose torch streams ember does not reproduce (gamma, binomial).

They are seeded from ember's generator (one 64-bit word per call), so seeded programs are reproducible on ember,
but the values differ from torch's: see docs/random.md. Gamma samples are reparameterised with the implicit
gradient ``dx/da = -(dP(a, x)/da) / p(x; a)``, P the regularised lower incomplete gamma function.
"""

from __future__ import annotations

import math

import numpy as np

from ember._tensor import Tensor
from ember.autograd.function import Op
from ember.random import _gen

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def numpy_generator(generator=None) -> np.random.Generator:
    """Return a NumPy generator seeded from one 64-bit word of ember's (default) generator."""
    word = int(_gen(generator)._state._words64(1)[0])
    return np.random.Generator(np.random.PCG64(word))


def gammainc(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return the regularised lower incomplete gamma P(a, x) in float64.

    A series below ``x = a + 1``, a continued fraction above it.
    """
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.zeros(a.shape)
    pos = x > 0
    with np.errstate(all="ignore"):
        log_pre = a * np.log(np.where(pos, x, 1.0)) - x - _lgamma(a)
        series = x < a + 1
        # series: P = e^{-x} x^a / Gamma(a) * sum x^n / (a (a+1) ... (a+n))
        term = 1.0 / a
        total = term.copy()
        for n in range(1, 300):
            term = term * x / (a + n)
            total = total + term
        p_series = np.exp(log_pre) * total
        # continued fraction (modified Lentz) for Q = 1 - P
        tiny = 1e-300
        b = x + 1.0 - a
        c = np.full(a.shape, 1.0 / tiny)
        d = 1.0 / np.where(b == 0, tiny, b)
        h = d.copy()
        for i in range(1, 300):
            an = -i * (i - a)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1.0 / d
            h = h * d * c
        p_cf = 1.0 - np.exp(log_pre) * h
    out = np.where(series, p_series, p_cf)
    return np.where(pos, np.clip(out, 0.0, 1.0), 0.0)


def _gamma_sample_grad(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return d(sample)/d(concentration) for standard gamma samples ``x`` drawn with concentration ``a``."""
    a, x = np.asarray(a, np.float64), np.asarray(x, np.float64)
    h = 1e-5 * np.maximum(a, 1e-3)
    dp_da = (gammainc(a + h, x) - gammainc(a - h, x)) / (2 * h)
    with np.errstate(all="ignore"):
        log_pdf = (a - 1) * np.log(x) - x - _lgamma(a)
        grad = -dp_da / np.exp(log_pdf)
    return np.where(np.isfinite(grad), grad, 0.0)


class StandardGamma(Op):
    """out = a standard gamma sample per concentration (drawn by the caller); backward is the implicit gradient."""

    grad_fn = "StandardGammaBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, concentration, sample):
        return sample.astype(concentration.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (concentration,) = ctx.inputs[:1]
        dxda = _gamma_sample_grad(concentration._data, ctx.output._data)
        return grad * Tensor._from(dxda.astype(concentration._data.dtype), concentration.dtype), None


def standard_gamma(concentration: Tensor, generator=None) -> Tensor:
    """Draw one standard gamma sample per element of ``concentration``, differentiable in it."""
    rng = numpy_generator(generator)
    sample = rng.standard_gamma(np.asarray(concentration._data, np.float64))
    tiny = np.finfo(concentration._data.dtype).tiny
    sample = np.maximum(sample.astype(concentration._data.dtype), tiny)  # torch: clamped to the dtype's tiny
    return StandardGamma.apply(concentration, Tensor._from(sample, concentration.dtype))


def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """Draw ``Binomial(count, prob)`` counts, element-wise, in ``count``'s float dtype."""
    rng = numpy_generator(generator)
    n = np.asarray(count._data, np.float64)
    p = np.asarray(prob._data, np.float64)
    out = rng.binomial(n.astype(np.int64), np.clip(p, 0.0, 1.0)).astype(count._data.dtype)
    return Tensor._from(out, count.dtype)

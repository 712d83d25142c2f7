"""A pure-NumPy copy of torch's CPU generator: MT19937 state, cached normals and every distribution's transform.

Each method consumes exactly the 32-bit words torch 2.13 consumes for the same call, in the same order, and
returns the same bits (see docs/random.md for what is bit-identical and what is only statistically right).
Elements are produced in row-major order, as torch's serial kernels fill a contiguous tensor.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from . import discrete, libm, libm32
from .avx2_math import log_ps_u24, sincos_ps_u24
from .cpu import capability_uses_fma, detect_capability
from .fma import fma32, fma64, fma_scalar
from .mt19937 import MT19937

DEFAULT_SEED = 67280421310721  # torch: the seed of a fresh torch.Generator() and of the default CPU generator
STATE_SIZE = 5056  # bytes of torch's CPUGeneratorImplState

_U64 = (1 << 64) - 1
_F32, _F64, _F16 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16)
_TWO_PI = 2.0 * math.pi
_TWO_PI_F32 = np.float32(_TWO_PI)


def _numel(shape: int | Sequence[int]) -> tuple[tuple[int, ...], int]:
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return shape, math.prod(shape)


def _float_dtype(dtype, what: str) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (_F32, _F64, _F16):
        raise TypeError(f"{what} is implemented for float16, float32 and float64 only, got {dt}")
    return dt


def _fmt(x: float) -> str:
    """Format a number as torch's C++ ``<<`` does in its error messages (6 significant digits, ``%g``)."""
    return f"{x:g}"


def _low_bit(x: float) -> Fraction:
    f = Fraction(x)
    return Fraction(f.numerator & -f.numerator, f.denominator)


def _sum_is_exact(width, low) -> bool:
    """Say whether ``u * width + low`` is exact in float64 for every 24-bit uniform ``u = k * 2**-24``.

    Every such value is a multiple of ``g``, the lower of the two terms' lowest set bits, and below
    ``|width| + |low|`` in size: with at most 53 bits between the two, float64 holds it exactly, and rounding it
    to float32 once is what the fused multiply-add gives (uniform_(-b, b) and the like always qualify).
    """
    width, low = float(width), float(low)
    if not (math.isfinite(width) and math.isfinite(low)) or width == 0:
        return False
    g = _low_bit(width) / (1 << 24)
    if low != 0:
        g = min(g, _low_bit(low))
    return (Fraction(abs(width)) + Fraction(abs(low))) / g <= 1 << 53


def _to_half(x: np.ndarray) -> np.ndarray:
    # torch: c10::Half is built from a float, so a double becomes float first, then half (two roundings).
    with np.errstate(over="ignore"):
        return np.asarray(x, dtype=np.float64).astype(np.float32).astype(np.float16)


class CPUGeneratorState:
    """torch's CPU generator (``torch.Generator()`` / the default generator), reimplemented on NumPy.

    A fresh instance is seeded with 67280421310721, as ``torch.Generator()`` is. ``capability`` is the torch kernel
    build to imitate (``"default"``, ``"avx2"`` or ``"avx512"``); by default it is the one torch picks on this CPU,
    and it decides whether ``a*b + c`` steps are fused (the AVX2 and AVX-512 builds fuse them).
    """

    __slots__ = ("_mt", "_seed", "_normal_cache", "_float_cache", "capability", "_fma")

    def __init__(self, seed: int = DEFAULT_SEED, *, capability: str | None = None) -> None:
        self._mt = MT19937()
        self.capability = capability or detect_capability()
        self._fma = capability_uses_fma(self.capability)
        self.manual_seed(seed)

    # ------------------------------------------------------------------ seeding and state

    def manual_seed(self, seed: int) -> CPUGeneratorState:
        """Seed the stream as ``torch.manual_seed``: negative seeds wrap modulo 2**64; clears the cached normals."""
        seed = int(seed)
        if seed < -(1 << 63) or seed > _U64:
            raise ValueError("Overflow when unpacking long long")  # torch's own text
        self._seed = seed & _U64
        self._mt.seed(self._seed & 0xFFFFFFFF)  # torch: only the low 32 bits reach the engine
        self._normal_cache: float | None = None
        self._float_cache: float | None = None
        return self

    def initial_seed(self) -> int:
        """Return the seed last set (all 64 bits, as ``torch.initial_seed``)."""
        return self._seed

    def seed(self) -> int:
        """Re-seed from the OS's entropy source, as ``torch.seed()``, and return the new 64-bit seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def get_state(self) -> np.ndarray:
        """Return the state as torch's 5056-byte ``get_rng_state()`` layout (uint8, little-endian)."""
        key, left, nxt = self._mt.get()
        buf = np.zeros(STATE_SIZE, dtype=np.uint8)
        struct.pack_into("<QiiQ", buf, 0, self._seed, left, 1, nxt)
        buf[24:5016] = key.astype("<u8").view(np.uint8)
        if self._normal_cache is not None:
            struct.pack_into("<d", buf, 5024, self._normal_cache)
            struct.pack_into("<i", buf, 5040, 1)
        if self._float_cache is not None:
            struct.pack_into("<f", buf, 5048, self._float_cache)
            buf[5052] = 1
        return buf

    def set_state(self, state: np.ndarray | bytes | bytearray) -> None:
        """Load a state in torch's layout (e.g. ``torch.get_rng_state().numpy()``); errors as torch's."""
        if isinstance(state, (bytes, bytearray, memoryview)):
            arr = np.frombuffer(bytes(state), dtype=np.uint8)
        else:
            arr = np.asarray(state)
            if arr.dtype != np.uint8:
                raise TypeError("RNG state must be a torch.ByteTensor")
            arr = np.ascontiguousarray(arr).reshape(-1)
        if arr.size != STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG state size to be "
                f"{arr.size}"
            )
        seed, left, seeded, nxt = struct.unpack_from("<QiiQ", arr, 0)
        if seeded == 0 or left <= 0 or left > 624 or nxt > 624:
            raise RuntimeError("Invalid mt19937 state")
        key = arr[24:5016].view("<u8").astype(np.uint32)  # torch: the words are truncated to 32 bits
        self._mt.set(key, left, nxt)
        self._seed = seed
        (normal_valid,) = struct.unpack_from("<i", arr, 5040)
        self._normal_cache = struct.unpack_from("<d", arr, 5024)[0] if normal_valid else None
        self._float_cache = struct.unpack_from("<f", arr, 5048)[0] if arr[5052] else None

    # ------------------------------------------------------------------ raw draws

    def _words(self, n: int) -> np.ndarray:
        return self._mt.words(n)

    def _words64(self, n: int) -> np.ndarray:
        return self._mt.words64(n)

    def _unit32(self, n: int) -> np.ndarray:
        """Return ``n`` float32 uniforms in [0, 1): 24 bits of one word each."""
        return (self._mt.words(n) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)

    def _unit64(self, n: int) -> np.ndarray:
        """Return ``n`` float64 uniforms in [0, 1): 53 bits of two words each."""
        return (self._mt.words64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * (2.0**-53)

    def _unit16(self, n: int) -> np.ndarray:
        """Return ``n`` half-precision uniforms (11 bits of one word each), held in float32 as torch computes."""
        return (self._mt.words(n) & np.uint64(0x7FF)).astype(np.float32) * np.float32(2.0**-11)

    def _muladd(self, a: np.ndarray, b, c, dtype: np.dtype) -> np.ndarray:
        """Return ``a*b + c`` in ``dtype`` (float32/float64), fused when torch's kernel build fuses it."""
        if self._fma:
            return fma32(a, b, c) if dtype == _F32 else fma64(a, b, c)
        return np.asarray(a * dtype.type(b) + dtype.type(c), dtype=dtype)

    # ------------------------------------------------------------------ uniform

    def uniform(self, shape: int | Sequence[int], dtype=np.float32, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """Draw like ``torch.rand`` / ``Tensor.uniform_(low, high)``: one word (float64: two) per element."""
        shape, n = _numel(shape)
        dt = _float_dtype(dtype, "uniform_")
        if low == 0 and high == 1 and dt != _F16:
            # torch.rand: u * 1 + 0 is u, and u < 1 always, so none of the steps below changes anything
            return (self._unit64(n) if dt == _F64 else self._unit32(n)).reshape(shape)
        if low > high:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={_fmt(low)} > to={_fmt(high)}"
            )
        lo, hi = (np.float32(low), np.float32(high)) if dt == _F16 else (dt.type(low), dt.type(high))
        with np.errstate(over="ignore"):
            width = hi - lo  # torch: the width is computed in the tensor's dtype (float for float16)
        if not np.isfinite(width):
            name = {_F16: "Half", _F32: "Float", _F64: "Double"}[dt]
            raise RuntimeError(
                f"uniform_ expects to-from <= std::numeric_limits<{name}>::max(), but found to={_fmt(high)} and "
                f"from={_fmt(low)} which result in to-from to exceed the limit"
            )
        # torch: float16 draws 24 bits like float32, computes in float32, then rounds to half
        u = self._unit64(n) if dt == _F64 else self._unit32(n)
        if lo == 0 and width == 1:
            out = u  # u*1 + 0 is exact: skip the emulated fma
        elif dt != _F64 and self._fma and _sum_is_exact(width, lo):
            out = np.multiply(u, width, dtype=np.float64)  # exact, and so is the sum: one rounding, as the fma
            out += lo
            out = out.astype(np.float32)
        else:
            out = self._muladd(u, width, lo, _F64 if dt == _F64 else _F32)
        if dt == _F16:
            out = out.astype(np.float16)
        # torch: a result that rounded up to `to` is replaced by `from`, keeping the range half-open
        top = dt.type(high) if dt != _F16 else _to_half(high)
        hit = out == top
        if hit.any():
            out[hit] = dt.type(low) if dt != _F16 else _to_half(low)
        return out.reshape(shape)

    # ------------------------------------------------------------------ normal

    def _normal_scalar(self, n: int, mean: float, std: float) -> np.ndarray:
        """Return ``n`` float64 normals from torch's scalar path: Box-Muller pairs, the sine cached for the next one."""
        out = np.empty(n, dtype=np.float64)
        if n == 0:
            return out
        start = 0
        if self._normal_cache is not None:
            out[0] = self._normal_cache
            self._normal_cache = None
            start = 1
        m = n - start
        if 0 < m <= 32:
            # few elements: plain Python floats beat a dozen NumPy calls on tiny arrays
            u = self._unit64(m + m % 2).tolist()
            for i in range(0, m, 2):
                r = math.sqrt(-2.0 * math.log1p(-u[i + 1]))
                theta = _TWO_PI * u[i]
                out[start + i] = r * math.cos(theta)
                sin_v = r * math.sin(theta)
                if i + 1 < m:
                    out[start + i + 1] = sin_v
                else:
                    self._normal_cache = sin_v
        elif m:
            pairs = (m + 1) // 2
            u = self._unit64(2 * pairs)
            u1, u2 = u[0::2], u[1::2]  # torch: the first uniform gives the angle, the second the radius
            r = np.sqrt(-2.0 * libm.log1p(-u2))
            theta = _TWO_PI * u1
            cos_v, sin_v = r * libm.cos(theta), r * libm.sin(theta)
            vals = np.empty(2 * pairs, dtype=np.float64)
            vals[0::2], vals[1::2] = cos_v, sin_v
            out[start:] = vals[:m]
            if m % 2:
                self._normal_cache = float(sin_v[-1])
        if n <= 32:
            std, mean = float(std), float(mean)
            if self._fma:
                return np.array([fma_scalar(v, std, mean) for v in out.tolist()], dtype=np.float64)
            return out * std + mean
        return self._muladd(out, float(std), float(mean), _F64)

    def _box_muller_blocks(self, d: np.ndarray, dt: np.dtype, mean, std) -> np.ndarray:
        """Return Box-Muller normals for blocks of 16 uniforms, as torch's ``normal_fill_16``: pairs are (j, j + 8)."""
        blocks = d.reshape(-1, 2, 8)
        u1 = np.ascontiguousarray(blocks[:, 0, :])  # contiguous copies: a dozen ufuncs run on each
        u2 = np.ascontiguousarray(blocks[:, 1, :])
        if dt == _F32 and self._fma:
            rad = np.sqrt(np.float32(-2.0) * log_ps_u24(np.float32(1.0) - u1))
            sin_t, cos_t = sincos_ps_u24(_TWO_PI_F32 * u2)
            first, second = rad * cos_t, rad * sin_t
        elif dt == _F32:
            rad = np.sqrt(np.float32(-2.0) * libm32.logf(np.float32(1.0) - u1.ravel())).reshape(u1.shape)
            theta = (_TWO_PI * u2.astype(np.float64)).astype(np.float32).ravel()
            first = rad * libm32.cosf(theta).reshape(u1.shape)
            second = rad * libm32.sinf(theta).reshape(u1.shape)
        else:
            rad = np.sqrt(-2.0 * libm.log(1.0 - u1))
            theta = _TWO_PI * u2
            first, second = rad * libm.cos(theta), rad * libm.sin(theta)
        out = np.empty_like(blocks)
        if std == 1:
            # fma(x, 1, mean) rounds x + mean once: a plain add (which also turns -0.0 into +0.0, as the fma does)
            np.add(first, mean, out=out[:, 0, :])
            np.add(second, mean, out=out[:, 1, :])
        else:
            # torch: this step is fused in every kernel build, the default one included (a vectorised fmadd)
            fma = fma32 if dt == _F32 else fma64
            out[:, 0, :] = fma(first, std, mean)
            out[:, 1, :] = fma(second, std, mean)
        return out.reshape(-1)

    def _normal_vector(self, n: int, dt: np.dtype, mean: float, std: float) -> np.ndarray:
        """torch's ``normal_fill``: n uniforms, blocks of 16, then 16 fresh uniforms for the tail's last block.

        torch: float16 is computed by the float32 code, but its first fill stops at the last full block, so it
        draws ``16 * ceil(n / 16)`` words where float32 draws ``n + 16``.
        """
        work = _F32 if dt == _F16 else dt
        unit = self._unit64 if work == _F64 else self._unit32
        m, s = work.type(mean), work.type(std)
        full = n - n % 16
        d = np.empty(n, dtype=work)
        if dt == _F16:
            d[:full] = unit(full)
        else:
            d[:] = unit(n)
        # torch: the last 16 slots are refilled with fresh uniforms, overwriting part of the last full block.
        # Both are drawn first (the same words in the same order) so that one pass transforms them together.
        src = d[:full] if n % 16 == 0 else np.concatenate([d[:full], unit(16)])
        res = np.empty_like(src)
        for i in range(0, src.size, 32768):  # chunks keep the temporaries in cache
            res[i : i + 32768] = self._box_muller_blocks(src[i : i + 32768], work, m, s)
        d[:full] = res[:full]
        if n % 16:
            d[n - 16 :] = res[full:]
        return d.astype(np.float16) if dt == _F16 else d

    def normal(
        self,
        shape: int | Sequence[int],
        dtype=np.float32,
        mean: float = 0.0,
        std: float = 1.0,
        *,
        contiguous: bool = True,
    ) -> np.ndarray:
        """Draw like ``torch.randn`` / ``Tensor.normal_(mean, std)`` / ``torch.normal(mean, std, size)``.

        torch takes its vectorised path for contiguous tensors of 16 or more elements and a scalar path (cached
        Box-Muller pairs, computed in double) otherwise; pass ``contiguous=False`` for a non-contiguous target.
        """
        shape, n = _numel(shape)
        dt = _float_dtype(dtype, "normal_")
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        if n >= 16 and contiguous:
            return self._normal_vector(n, dt, mean, std).reshape(shape)
        vals = self._normal_scalar(n, mean, std)
        return (_to_half(vals) if dt == _F16 else vals.astype(dt)).reshape(shape)

    def normal_tensor(self, mean, std, dtype=np.float32) -> np.ndarray:
        """Draw like ``torch.normal(mean, std)`` where ``mean`` and/or ``std`` are arrays (the other may be a float).

        torch: standard normals are drawn into the broadcast shape first, then scaled and shifted by separate
        element-wise ops (``mul_(std).add_(mean)``, or ``normal_(0, std).add_(mean)`` for a scalar std), so the
        result is rounded twice, unlike ``normal_(m, s)``.
        """
        dt = _float_dtype(dtype, "normal")
        mean_is_arr, std_is_arr = isinstance(mean, np.ndarray), isinstance(std, np.ndarray)
        if not (mean_is_arr or std_is_arr):
            raise TypeError("normal_tensor needs an array mean or std; use normal() for two floats")
        if std_is_arr:
            if std.size and not bool(np.all(std >= 0)):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        shape = np.broadcast_shapes(np.shape(mean) if mean_is_arr else (), np.shape(std) if std_is_arr else ())
        if std_is_arr:
            z = self.normal(shape, dt, 0.0, 1.0)
            out = z * np.asarray(std, dtype=dt)
        else:
            out = self.normal(shape, dt, 0.0, float(std))
        m = np.asarray(mean, dtype=dt) if mean_is_arr else dt.type(mean)
        return np.ascontiguousarray((out + m).astype(dt, copy=False))

    def log_normal(
        self, shape: int | Sequence[int], dtype=np.float32, mean: float = 1.0, std: float = 2.0
    ) -> np.ndarray:
        """Draw like ``Tensor.log_normal_(mean, std)``: ``exp`` of scalar-path normals at every size."""
        shape, n = _numel(shape)
        dt = _float_dtype(dtype, "log_normal_")
        if not std > 0.0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
        vals = libm.exp(self._normal_scalar(n, mean, std))
        return (_to_half(vals) if dt == _F16 else vals.astype(dt)).reshape(shape)

    # ------------------------------------------------------------------ one-uniform transforms (double)

    def _finish(self, vals: np.ndarray, dt: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
        return (_to_half(vals) if dt == _F16 else vals.astype(dt)).reshape(shape)

    def exponential(self, shape: int | Sequence[int], dtype=np.float32, lambd: float = 1.0) -> np.ndarray:
        """Draw like ``Tensor.exponential_(lambd)``: ``-1/lambd * log1p(-u)`` from one double uniform each."""
        shape, n = _numel(shape)
        dt = _float_dtype(dtype, "exponential_")
        if not lambd > 0.0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
        u = self._unit64(n)
        return self._finish((-1.0 / lambd) * libm.log1p(-u), dt, shape)

    def cauchy(
        self, shape: int | Sequence[int], dtype=np.float32, median: float = 0.0, sigma: float = 1.0
    ) -> np.ndarray:
        """Draw like ``Tensor.cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``."""
        shape, n = _numel(shape)
        dt = _float_dtype(dtype, "cauchy_")
        if not sigma > 0.0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
        t = libm.tan(math.pi * (self._unit64(n) - 0.5))
        return self._finish(self._muladd(t, float(sigma), float(median), _F64), dt, shape)

    def geometric(self, shape: int | Sequence[int], dtype=np.float32, p: float = 0.5) -> np.ndarray:
        """Draw like ``Tensor.geometric_(p)``: ``ceil(log(u) / log1p(-p))`` (number of trials, from 1)."""
        shape, n = _numel(shape)
        dt = np.dtype(dtype)
        if not 0.0 < p < 1.0:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
        with np.errstate(divide="ignore"):
            vals = np.ceil(libm.log(self._unit64(n)) / math.log1p(-p))
        if dt.kind == "f":
            return self._finish(vals, dt, shape)
        return discrete.double_to_int(vals, dt).reshape(shape)

    # ------------------------------------------------------------------ Bernoulli

    def bernoulli_scalar(self, shape: int | Sequence[int], dtype=np.float32, p: float = 0.5) -> np.ndarray:
        """Draw like ``Tensor.bernoulli_(p)`` with a float ``p`` (and dropout masks): ``u < p``, u a double uniform.

        torch: this is the default kernel's stream (two words per element), which 2.13 runs on AMD and Intel CPUs.
        """
        shape, n = _numel(shape)
        if not 0.0 <= p <= 1.0:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        return (self._unit64(n) < p).astype(dtype).reshape(shape)

    def bernoulli_tensor(self, p: np.ndarray, dtype=None) -> np.ndarray:
        """Draw like ``torch.bernoulli(p)``: per element ``u < p``; u is a double uniform if p is float64, else float32.

        The result has ``p``'s shape and ``dtype`` (``p``'s dtype when None); for ``Tensor.bernoulli_(p)`` broadcast
        ``p`` to the tensor's shape first.
        """
        p = np.asarray(p)
        dt = p.dtype if dtype is None else np.dtype(dtype)
        if p.size and not bool(np.all((p >= 0) & (p <= 1))):
            raise RuntimeError(
                "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  "
                "If so, please report an enhancement request to PyTorch.)"
            )
        if p.dtype == _F64:
            hit = self._unit64(p.size) < p.ravel()
        else:
            hit = self._unit32(p.size) < p.ravel().astype(np.float32)
        return hit.astype(dt).reshape(p.shape)

    # ------------------------------------------------------------------ integers and sampling

    def random_int(
        self, shape: int | Sequence[int], dtype=np.int64, low: int = 0, high: int | None = None
    ) -> np.ndarray:
        """Draw like ``torch.randint(low, high)`` / ``Tensor.random_(low, high)``; ``high=None`` is ``random_(low)``."""
        shape, n = _numel(shape)
        return discrete.random_from_to(self, n, np.dtype(dtype), int(low), high).reshape(shape)

    def random_(self, shape: int | Sequence[int], dtype=np.int64) -> np.ndarray:
        """Draw like ``Tensor.random_()`` with no bounds: [0, 2**mantissa] for floats, [0, max] for integers."""
        shape, n = _numel(shape)
        return discrete.random_full(self, n, np.dtype(dtype)).reshape(shape)

    def randperm(self, n: int, dtype=np.int64) -> np.ndarray:
        """Return a random permutation of ``0..n-1`` like ``torch.randperm(n)`` (n - 1 words for n < 214748364)."""
        return discrete.randperm(self, int(n), np.dtype(dtype))

    def multinomial(self, probs: np.ndarray, num_samples: int, replacement: bool = False) -> np.ndarray:
        """Sample category indices like ``torch.multinomial`` from a 1-D or 2-D array of weights (int64 result)."""
        return discrete.multinomial(self, np.asarray(probs), int(num_samples), bool(replacement))

    def poisson(self, rates: np.ndarray, dtype=None) -> np.ndarray:
        """Draw like ``torch.poisson(rates)``: one count per rate, in ``rates``' dtype unless ``dtype`` is given."""
        rates = np.asarray(rates)
        return discrete.poisson(self, rates, np.dtype(dtype) if dtype is not None else rates.dtype)

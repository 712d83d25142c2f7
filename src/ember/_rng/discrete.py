"""torch's integer-valued draws on the CPU generator: randint/random_, randperm, multinomial and poisson.

Functions here take the :class:`~ember._rng.engine.CPUGeneratorState` as ``gen`` and use its raw draws
(``gen._words``, ``gen._words64``, ``gen._unit64``); they are the engine's methods, kept in their own file.
"""

from __future__ import annotations

import math

import numpy as np

from .fma import fma_scalar
from .stl_select import topk_largest_indices

_U64 = (1 << 64) - 1
_I64_MIN = -(1 << 63)

# torch: messages name the C++ type of the tensor's elements
_CXX_NAMES = {
    "int8": "signed char",
    "uint8": "unsigned char",
    "int16": "short",
    "int32": "int",
    "int64": "long",
    "bool": "bool",
    "uint16": "unsigned short",
    "uint32": "unsigned int",
    "uint64": "unsigned long",
}


def _float_digits(dt: np.dtype) -> int:
    return {2: 11, 4: 24, 8: 53}[dt.itemsize]


def _cast_int64(vals: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Cast int64 values to ``dt`` as C++'s ``static_cast`` does (integers wrap; half goes through float)."""
    if dt == np.float16:
        return vals.astype(np.float32).astype(np.float16)
    return vals.astype(dt)


def double_to_int(vals: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Cast float64 values to an integer or bool dtype as ``static_cast`` (truncation toward zero)."""
    with np.errstate(invalid="ignore"):
        if dt == np.bool_:
            return vals != 0
        return vals.astype(np.int64).astype(dt)


def _int_bounds(dt: np.dtype) -> tuple[int, int]:
    if dt == np.bool_:
        return 0, 1
    info = np.iinfo(dt)
    return int(info.min), int(info.max)


def _round_int(x: int, dt: np.dtype) -> int:
    """Round an integer to ``dt``'s precision and back, as ``static_cast<int64_t>(static_cast<scalar_t>(x))``."""
    if dt == np.float16:
        return int(np.float16(np.float32(x)))
    return int(dt.type(x))


def _float_from(low: int, dt: np.dtype) -> int:
    """Move ``low`` up to where the float dtype can still tell ``low`` and ``low + 1`` apart."""
    # torch: if float(low + 1) rounds below low, the bound becomes that value plus one step of the dtype
    rounded = _round_int(low + 1, dt)
    if rounded < low:
        n = abs(low + 1).bit_length() - 1
        low = rounded + (1 << (n - _float_digits(dt) + 1))
    return low


def _float_to(high: int, dt: np.dtype) -> int:
    """Move ``high`` down so that ``high - 1`` stays below ``high`` after rounding to the float dtype."""
    # torch: if float(high - 1) rounds up to high or beyond, the bound becomes that value minus one step
    rounded = _round_int(high - 1, dt)
    if rounded >= high:
        n = abs(high - 1).bit_length() - 1
        high = rounded - (1 << (n - _float_digits(dt) + 1))
    return high


def _draw_mod(gen, n: int, rng: int) -> np.ndarray:
    """Return ``draw % rng`` for n draws as uint64; torch uses two words per draw when the range is 2**28 or more."""
    if rng >= 1 << 28:
        draws = gen._words64(n)
    else:
        draws = gen._words(n)
    if rng == 1 << 64:
        return draws
    return draws % np.uint64(rng)


def random_from_to(gen, n: int, dt: np.dtype, low: int, high: int | None) -> np.ndarray:
    """Return n values of ``random_(low, high)`` (``high=None``: up to the dtype's top) as an array of ``dt``."""
    if dt.kind not in "fiub":
        raise TypeError(f"random_ is not implemented for {dt}")
    if high is not None:
        high = int(high)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if dt.kind == "f":
            low, high = _float_from(low, dt), _float_to(high, dt)
            if low >= high:
                raise RuntimeError(
                    f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got "
                    f"from={low} >= to={high}"
                )
        top = high - 1
    elif low == _I64_MIN:
        # torch: [int64 min, int64 max] is the full 64-bit range: the raw 64-bit draw, reinterpreted as signed
        if dt.kind not in "f" and dt != np.int64:
            raise RuntimeError(f"random_from_to: the full 64-bit range is not supported for {dt}")
        vals = gen._words64(n).view(np.int64)
        return _cast_int64(vals, dt)
    elif dt.kind == "f":
        top = 1 << _float_digits(dt)
        low = _float_from(low, dt)
        if low >= top:
            raise RuntimeError(
                f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
                f"to dtype, but got from={low} > to_inc={top}"
            )
    else:
        top = _int_bounds(dt)[1]
    if dt.kind != "f":
        lo_ok, hi_ok = _int_bounds(dt)
        name = _CXX_NAMES.get(dt.name, dt.name)
        if not lo_ok <= low <= hi_ok:
            raise RuntimeError(f"from is out of bounds for {name}")
        if not lo_ok <= top <= hi_ok:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")
    if n == 0:
        return np.empty(0, dtype=dt)
    rng = (top - low + 1) & _U64 or (1 << 64)
    vals = (_draw_mod(gen, n, rng) + np.uint64(low & _U64)).view(np.int64)  # uint64 wrap-around, as torch
    if dt == np.bool_:
        return vals != 0
    return _cast_int64(vals, dt)


def random_full(gen, n: int, dt: np.dtype) -> np.ndarray:
    """Return n values of ``random_()``: [0, 2**digits] for floats, [0, max] for integers, {0, 1} for bool."""
    if dt == np.bool_:
        return (gen._words(n) & np.uint64(1)).astype(np.bool_)
    if dt.kind == "f":
        # torch: the modulus is 2**digits + 1 so that 2**digits itself can come out
        mod = (1 << _float_digits(dt)) + 1
        draws = gen._words64(n) if dt == np.float64 else gen._words(n)
        return _cast_int64((draws % np.uint64(mod)).astype(np.int64), dt)
    if dt.kind not in "iu":
        raise TypeError(f"random_ is not implemented for {dt}")
    mod = _int_bounds(dt)[1] + 1
    draws = gen._words64(n) if dt == np.int64 else gen._words(n)  # torch: only int64 (and double) take 64 bits
    if mod < 1 << 64:
        draws = draws % np.uint64(mod)
    return draws.astype(dt)


def _swaps_loop(targets: np.ndarray, n: int) -> np.ndarray:
    """Run ``perm = 0..n-1; swap(perm[i], perm[targets[i]])`` for each step i in order (fast for small n)."""
    perm = list(range(n))
    for i, j in enumerate(targets.tolist()):
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


def _swaps_vectorised(targets: np.ndarray, n: int) -> np.ndarray:
    """Return what :func:`_swaps_loop` returns, without a Python loop over the steps (``targets[i] >= i``).

    Step i fixes position i for good (later steps only touch positions above their own), writing there the value
    that sits at ``targets[i]`` and moving the value of position i, ``a[i]``, to ``targets[i]``. So ``a[i]`` is
    ``a[p]`` for the last step p < i that targeted position i (or i itself if none did), and step i writes
    ``a[q]`` for the last step q < i with the same target (or the target itself if none, or ``a[i]`` if the
    target is i). Those "last step" links come from one sort of the steps by (target, step); the chains behind
    ``a`` are short (about log n) and are followed for all steps at once.
    """
    m = n - 1
    step = np.arange(m, dtype=np.int64)
    order = np.argsort(targets * n + step)  # by target, then step: unique keys, so any sort gives this order
    ts = targets[order]
    same = ts[1:] == ts[:-1]
    prev_same = np.full(m, -1, dtype=np.int64)  # the previous step with the same target
    prev_same[order[1:][same]] = order[:-1][same]
    ends = np.nonzero(np.r_[~same, True])[0]
    last_into = np.full(n, -1, dtype=np.int64)  # the last step targeting each position
    last_into[ts[ends]] = order[ends]
    prev_a = last_into[:m].copy()  # the last step before i that targeted position i
    own = prev_a == step
    prev_a[own] = prev_same[own]
    a = np.where(prev_a < 0, step, -1)
    todo = np.nonzero(a < 0)[0]
    ptr = prev_a[todo]
    while todo.size:
        got = a[ptr]
        done = got >= 0
        a[todo[done]] = got[done]
        todo, ptr = todo[~done], ptr[~done]
        ptr = np.where(a[ptr] >= 0, ptr, prev_a[ptr])
    out = np.empty(n, dtype=np.int64)
    src = np.where(targets == step, step, prev_same)
    out[:m] = np.where(src >= 0, a[np.maximum(src, 0)], targets)
    last = last_into[m]
    out[m] = a[last] if last >= 0 else m
    return out


_RANDPERM_SMALL = 214748364  # torch: below (2**32 - 1) // 20 a 32-bit draw per step is unbiased enough


def randperm(gen, n: int, dt: np.dtype) -> np.ndarray:
    """Return ``torch.randperm(n)``: a forward Fisher-Yates shuffle of 0..n-1, cast to ``dt``."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dt == np.float16 and n > 2049:
        raise RuntimeError("n cannot be greater than 2049 for Half type.")
    if dt == np.float32 and n > (1 << 24) + 1:
        raise RuntimeError(f"n cannot be greater than {(1 << 24) + 1} for Float type.")
    if n < _RANDPERM_SMALL:
        if n <= 1:
            out = np.arange(n, dtype=np.int64)
        else:
            # the swap targets depend only on the draws, so they are computed for all steps at once
            steps = gen._words(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
            targets = steps.astype(np.int64) + np.arange(n - 1, dtype=np.int64)
            out = _swaps_vectorised(targets, n) if n > 1000 else _swaps_loop(targets, n)
    else:
        # torch: "inside-out" shuffle with 64-bit draws for huge n (slow here: a Python loop over n)
        out = np.empty(n, dtype=np.int64)
        chunk = 1 << 20
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            zs = (gen._words64(stop - start) % np.arange(start + 1, stop + 1, dtype=np.uint64)).tolist()
            for i, z in zip(range(start, stop), zs, strict=True):
                out[i] = out[z]
                out[z] = i
    return out if dt == np.int64 else _cast_int64(out, dt)


def multinomial(gen, probs: np.ndarray, k: int, replacement: bool) -> np.ndarray:
    """Return ``torch.multinomial(probs, k, replacement)`` as int64 indices, shaped like torch's result."""
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {probs.dtype}")
    if k <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = probs.shape[-1]
    if not replacement and k > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = probs.reshape(-1, n_cat)
    if not replacement or k == 1:
        if rows.size and not (np.all(rows < np.inf) and np.all(rows >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(rows.sum(axis=1, dtype=np.float64) == 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        # torch: the "exponential race": argmax / top-k of p / q with q ~ Exp(1), drawn for the whole array at once
        q = gen.exponential(rows.shape, rows.dtype, 1.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            keys = (rows / q).astype(rows.dtype)
        if k == 1:
            idx = np.argmax(keys, axis=1)[:, None]
        else:
            idx = topk_largest_indices(keys, k)  # torch: top-k, ties in the order libstdc++ leaves them
    else:
        acc = np.float32 if probs.dtype == np.float16 else probs.dtype
        idx = np.empty((rows.shape[0], k), dtype=np.int64)
        for r, row in enumerate(rows):
            row = row.astype(acc)
            if np.any(row < 0):
                raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
            if not np.all(np.isfinite(row)):
                raise RuntimeError(
                    "invalid multinomial distribution (encountering probability entry = infinity or NaN)"
                )
            cum = np.cumsum(row, dtype=acc)  # sequential, in the input's precision, as torch's loop
            total = cum[-1]
            if not total > 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            cum = (cum / total).astype(acc)
            cum[-1] = 1  # torch: the last bucket is forced to 1
            idx[r] = np.searchsorted(cum.astype(np.float64), gen._unit64(k), side="left")
    idx = idx.astype(np.int64)
    return idx.reshape(k) if probs.ndim == 1 else idx


class _UniformFeed:
    """Hands out double uniforms one by one from bulk draws, and leaves the stream after exactly the ones used."""

    def __init__(self, gen) -> None:
        self.gen = gen
        self.saved = gen._mt.get()
        self.buf: list[float] = []
        self.pos = 0
        self.used = 0

    def next(self) -> float:
        if self.pos == len(self.buf):
            self.used += len(self.buf)
            self.buf = self.gen._unit64(max(256, 2 * len(self.buf))).tolist()
            self.pos = 0
        v = self.buf[self.pos]
        self.pos += 1
        return v

    def close(self) -> None:
        used = self.used + self.pos
        self.gen._mt.set(*self.saved)
        self.gen._words(2 * used)


def _poisson_large(lam: float, uniform, fused: bool) -> int:
    """Hörmann's PTRS transformed rejection (1993), for rates of 10 and more, as torch's CPU kernel runs it."""
    muladd = fma_scalar if fused else (lambda a, b, c: a * b + c)
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = muladd(2.53, slam, 0.931)
    a = muladd(0.02483, b, -0.059)
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = uniform() - 0.5
        v = uniform()
        us = 0.5 - abs(u)
        k = math.floor(muladd(2 * a / us + b, u, lam) + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        lhs = (math.log(v) if v > 0 else -math.inf) + math.log(invalpha) - math.log(a / (us * us) + b)
        if lhs <= muladd(k, loglam, -lam) - math.lgamma(k + 1.0):
            return k


def poisson(gen, rates: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Return ``torch.poisson(rates)``: counts by multiplying uniforms below 10, PTRS rejection from 10 on."""
    flat = rates.astype(np.float64).ravel()
    if flat.size and not np.all(flat >= 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    out = np.empty(flat.size, dtype=np.float64)
    feed = _UniformFeed(gen)
    uniform = feed.next
    try:
        for i, lam in enumerate(flat.tolist()):
            if lam >= 10:
                out[i] = _poisson_large(lam, uniform, gen._fma)
            elif lam == 0:
                out[i] = 0
            else:
                limit = math.exp(-lam)
                count, prod = 0, 1.0
                while True:
                    prod *= uniform()
                    if prod > limit:
                        count += 1
                    else:
                        break
                out[i] = count
    finally:
        feed.close()
    res = out.reshape(rates.shape)
    return (
        double_to_int(res, dt)
        if dt.kind != "f"
        else (res.astype(np.float32).astype(dt) if dt == np.float16 else res.astype(dt))
    )

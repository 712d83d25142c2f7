"""The 32-bit Mersenne Twister as torch's CPU generator drives it, with torch's ``left``/``next`` bookkeeping.

Bulk generation is delegated to :class:`numpy.random.MT19937` (the same recurrence and tempering, written in C):
torch's state words are loaded as NumPy's ``key`` and torch's position is mapped onto NumPy's ``pos``.
"""

from __future__ import annotations

import numpy as np

N = 624  # words per block
_MASK32 = 0xFFFFFFFF


def init_genrand(seed32: int) -> np.ndarray:
    """Return the 624 state words that the reference ``init_genrand(seed32)`` produces (not yet twisted)."""
    key = [0] * N
    x = seed32 & _MASK32
    key[0] = x
    for j in range(1, N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & _MASK32
        key[j] = x
    return np.array(key, dtype=np.uint32)


def temper(y: np.ndarray) -> np.ndarray:
    """Apply MT19937's output tempering to raw state words (uint64 arrays holding 32-bit values)."""
    y = y ^ (y >> np.uint64(11))
    y = y ^ ((y << np.uint64(7)) & np.uint64(0x9D2C5680))
    y = y ^ ((y << np.uint64(15)) & np.uint64(0xEFC60000))
    return y ^ (y >> np.uint64(18))


class MT19937:
    """A 32-bit MT19937 stream whose observable state is torch's ``(state words, left, next)`` triple.

    torch keeps ``left`` (draws until the next twist, plus one) and ``next`` (index of the next word). For every
    state torch itself produces, ``left == 625 - next`` mid-block and ``left == 1`` at a block end, which maps onto
    NumPy's ``pos`` one to one; the only extra fact is the value of ``next`` while ``left == 1`` (0 right after
    seeding, 624 after a block was used up), kept in ``_next_at_end``. A hand-made state with other ``left``/``next``
    values is honoured too, through a short "pending" run of words read straight from the key.
    """

    __slots__ = ("_bg", "_next_at_end", "_pending")

    def __init__(self, seed32: int = 0) -> None:
        self._bg = np.random.MT19937(0)
        self._next_at_end = 0
        self._pending: tuple[int, int] | None = None  # (left, next) of a state with left != 625 - next
        self.seed(seed32)

    def seed(self, seed32: int) -> None:
        """Reset to ``init_genrand(seed32)``, positioned as torch is right after seeding (left=1, next=0)."""
        self._set_key(init_genrand(seed32), 624)
        self._next_at_end = 0
        self._pending = None

    def _set_key(self, key: np.ndarray, pos: int) -> None:
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    def get(self) -> tuple[np.ndarray, int, int]:
        """Return ``(state words as uint32[624], left, next)`` exactly as torch would report them."""
        st = self._bg.state["state"]
        key = np.asarray(st["key"], dtype=np.uint32).copy()
        if self._pending is not None:
            left, nxt = self._pending
            return key, left, nxt
        pos = int(st["pos"])
        if pos == N:
            return key, 1, self._next_at_end
        return key, N + 1 - pos, pos

    def set(self, key: np.ndarray, left: int, nxt: int) -> None:
        """Load torch's ``(state words, left, next)``; the caller has validated ``0 < left <= 624, next <= 624``."""
        key = np.asarray(key, dtype=np.uint32)
        self._pending = None
        if left == 1:
            self._set_key(key, N)
            self._next_at_end = nxt
        elif left + nxt == N + 1:
            self._set_key(key, nxt)
        else:
            # torch: it serves words next, next+1, ... for left-1 draws and only then twists, whatever next was.
            if nxt + left - 1 > N:
                raise RuntimeError("ember: an MT19937 state with next + left > 625 reads past the state words")
            self._set_key(key, N)
            self._pending = (left, nxt)

    def words(self, n: int) -> np.ndarray:
        """Draw ``n`` 32-bit words (torch's ``random()``), returned as uint64 for convenient arithmetic."""
        if n <= 0:
            return np.empty(0, dtype=np.uint64)
        if self._pending is None:
            out = self._bg.random_raw(n)
            self._next_at_end = N
            return out
        left, nxt = self._pending
        k = min(n, left - 1)
        key = self._bg.state["state"]["key"]
        head = temper(np.asarray(key[nxt : nxt + k], dtype=np.uint64))
        left, nxt = left - k, nxt + k
        if left == 1:
            self._pending = None
            self._next_at_end = nxt
        else:
            self._pending = (left, nxt)
        if k == n:
            return head
        return np.concatenate([head, self.words(n - k)])

    def words64(self, n: int) -> np.ndarray:
        """Draw ``n`` 64-bit values as torch's ``random64()`` does: two words, the first one is the high half."""
        w = self.words(2 * n)
        return (w[0::2] << np.uint64(32)) | w[1::2]

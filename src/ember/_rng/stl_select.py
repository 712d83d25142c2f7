"""torch's CPU ``topk`` order for tied values, by replaying GCC's libstdc++ selection and sorting algorithms.

``torch.multinomial`` without replacement returns the top-k of ``p / q``. Distinct keys have only one order, but
tied keys (zero probabilities, or float16 rounding) come out in whatever order ``std::nth_element`` + ``std::sort``
(or ``std::partial_sort`` when ``k * 64 <= n``) leave them, which are not stable. The functions below are written
from the published behaviour of libstdc++'s introselect/introsort (median-of-three pivot moved to the front,
unguarded Hoare partition, insertion sort below 16 elements, heap select) and compare keys only, as torch does.
"""

from __future__ import annotations

import numpy as np

_THRESHOLD = 16  # libstdc++'s _S_threshold: below this introsort hands over to insertion sort


def _before(x: tuple[float, int], y: tuple[float, int]) -> bool:
    """torch's "largest" comparator: x goes first if it is NaN and y is not, or if it is greater."""
    return (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _median_to_first(a: list, result: int, i: int, j: int, k: int) -> None:
    if _before(a[i], a[j]):
        if _before(a[j], a[k]):
            m = j
        elif _before(a[i], a[k]):
            m = k
        else:
            m = i
    elif _before(a[i], a[k]):
        m = i
    elif _before(a[j], a[k]):
        m = k
    else:
        m = j
    a[result], a[m] = a[m], a[result]


def _partition_pivot(a: list, first: int, last: int) -> int:
    """Move the median of (first+1, mid, last-1) to ``first`` and partition the rest around it; return the cut."""
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1)
    pivot = a[first]
    lo, hi = first + 1, last
    while True:
        while _before(a[lo], pivot):
            lo += 1
        hi -= 1
        while _before(pivot, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _insertion_sort(a: list, first: int, last: int) -> None:
    for i in range(first + 1, last):
        val = a[i]
        if _before(val, a[first]):
            a[first + 1 : i + 1] = a[first:i]
            a[first] = val
        else:
            j = i
            while _before(val, a[j - 1]):
                a[j] = a[j - 1]
                j -= 1
            a[j] = val


def _unguarded_insertion_sort(a: list, first: int, last: int) -> None:
    for i in range(first, last):
        val = a[i]
        j = i
        while _before(val, a[j - 1]):
            a[j] = a[j - 1]
            j -= 1
        a[j] = val


def _push_heap(a: list, base: int, hole: int, top: int, value) -> None:
    parent = (hole - 1) // 2
    while hole > top and _before(a[base + parent], value):
        a[base + hole] = a[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[base + hole] = value


def _adjust_heap(a: list, base: int, hole: int, length: int, value) -> None:
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _before(a[base + child], a[base + child - 1]):
            child -= 1
        a[base + hole] = a[base + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[base + hole] = a[base + child - 1]
        hole = child - 1
    _push_heap(a, base, hole, top, value)


def _make_heap(a: list, first: int, last: int) -> None:
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, length, a[first + parent])


def _pop_heap(a: list, first: int, last: int, result: int) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value)


def _heap_select(a: list, first: int, middle: int, last: int) -> None:
    _make_heap(a, first, middle)
    for i in range(middle, last):
        if _before(a[i], a[first]):
            _pop_heap(a, first, middle, i)


def _sort_heap(a: list, first: int, last: int) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last)


def partial_sort(a: list, first: int, middle: int, last: int) -> None:
    """libstdc++'s ``std::partial_sort``: heap select, then heap sort of the front part."""
    _heap_select(a, first, middle, last)
    _sort_heap(a, first, middle)


def sort(a: list, first: int, last: int) -> None:
    """libstdc++'s ``std::sort``: introsort down to runs of 16, then one insertion sort pass."""
    if last - first < 2:
        return
    _introsort(a, first, last, 2 * _lg(last - first))
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD)
        _unguarded_insertion_sort(a, first + _THRESHOLD, last)
    else:
        _insertion_sort(a, first, last)


def _introsort(a: list, first: int, last: int, depth: int) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(a, first, last, last)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        _introsort(a, cut, last, depth)
        last = cut


def nth_element(a: list, first: int, nth: int, last: int) -> None:
    """libstdc++'s ``std::nth_element``: introselect, insertion sort once 3 or fewer elements remain."""
    if first == last or nth == last:
        return
    depth = 2 * _lg(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last)


def topk_largest_indices(keys: np.ndarray, k: int) -> np.ndarray:
    """Return the indices of torch's ``topk(keys, k, largest=True, sorted=True)`` for each row of a 2-D array."""
    rows, n = keys.shape
    out = np.empty((rows, k), dtype=np.int64)
    for r in range(rows):
        row = keys[r]
        if not np.isnan(row).any() and np.unique(row).size == n:
            out[r] = np.argsort(-row, kind="stable")[:k]  # distinct keys: the order is unique, no replay needed
            continue
        queue = list(zip(row.astype(np.float64).tolist(), range(n), strict=True))
        if k * 64 <= n:  # torch: partial_sort for small k, nth_element + sort otherwise
            partial_sort(queue, 0, k, n)
        else:
            nth_element(queue, 0, k - 1, n)
            sort(queue, 0, k - 1)
        out[r] = [idx for _, idx in queue[:k]]
    return out

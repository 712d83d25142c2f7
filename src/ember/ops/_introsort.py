"""libstdc++'s std::sort on (value, index) pairs, comparing values only: torch's unstable CPU sort.

torch.sort(stable=False) calls std::sort per slice; its order of equal values (ties beyond the first 16
elements) is that algorithm's, so ember replays it, step for step, on the slices that have ties (sort.py).
Introsort: median-of-three quicksort down to 16-element runs (heapsort past the depth limit), then one
insertion sort. Checked against torch on random slices with ties and nans, ascending and descending.
"""
from __future__ import annotations

import math


def lt_asc(a, b) -> bool:
    """a < b with nan the largest value (torch's comparator)."""
    an, bn = a != a, b != b
    return (not an and bn) or (not an and not bn and a < b)


def lt_desc(a, b) -> bool:
    """a > b with nan the largest value."""
    an, bn = a != a, b != b
    return (an and not bn) or (not an and not bn and a > b)


def std_sort(vals: list, comp) -> list:
    """Return the permutation std::sort produces for ``vals`` (a list) with strict-weak order ``comp``."""
    v = list(vals)
    ix = list(range(len(v)))
    n = len(v)

    def swap(i, j):
        v[i], v[j] = v[j], v[i]
        ix[i], ix[j] = ix[j], ix[i]

    def move_median_to_first(result, a, b, c):
        if comp(v[a], v[b]):
            if comp(v[b], v[c]):
                swap(result, b)
            elif comp(v[a], v[c]):
                swap(result, c)
            else:
                swap(result, a)
        elif comp(v[a], v[c]):
            swap(result, a)
        elif comp(v[b], v[c]):
            swap(result, c)
        else:
            swap(result, b)

    def unguarded_partition(first, last, pivot):
        while True:
            while comp(v[first], v[pivot]):
                first += 1
            last -= 1
            while comp(v[pivot], v[last]):
                last -= 1
            if not first < last:
                return first
            swap(first, last)
            first += 1

    def adjust_heap(first, hole, length, val, vi):
        top = hole
        second = hole
        while second < (length - 1) // 2:
            second = 2 * (second + 1)
            if comp(v[first + second], v[first + second - 1]):
                second -= 1
            v[first + hole], ix[first + hole] = v[first + second], ix[first + second]
            hole = second
        if (length & 1) == 0 and second == (length - 2) // 2:
            second = 2 * (second + 1)
            v[first + hole], ix[first + hole] = v[first + second - 1], ix[first + second - 1]
            hole = second - 1
        # push_heap
        parent = (hole - 1) // 2
        while hole > top and comp(v[first + parent], val):
            v[first + hole], ix[first + hole] = v[first + parent], ix[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        v[first + hole], ix[first + hole] = val, vi

    def heap_sort(first, last):
        length = last - first
        if length >= 2:  # make_heap
            parent = (length - 2) // 2
            while True:
                adjust_heap(first, parent, length, v[first + parent], ix[first + parent])
                if parent == 0:
                    break
                parent -= 1
        while last - first > 1:  # sort_heap: pop_heap repeatedly
            last -= 1
            val, vi = v[last], ix[last]
            v[last], ix[last] = v[first], ix[first]
            adjust_heap(first, 0, last - first, val, vi)

    def introsort_loop(first, last, depth):
        while last - first > 16:
            if depth == 0:
                heap_sort(first, last)  # __partial_sort(first, last, last) = heap_select + sort_heap
                return
            depth -= 1
            mid = first + (last - first) // 2
            move_median_to_first(first, first + 1, mid, last - 1)
            cut = unguarded_partition(first + 1, last, first)
            introsort_loop(cut, last, depth)
            last = cut

    def unguarded_linear_insert(last):
        val, vi = v[last], ix[last]
        nxt = last - 1
        while comp(val, v[nxt]):
            v[last], ix[last] = v[nxt], ix[nxt]
            last = nxt
            nxt -= 1
        v[last], ix[last] = val, vi

    def insertion_sort(first, last):
        if first == last:
            return
        for i in range(first + 1, last):
            if comp(v[i], v[first]):
                val, vi = v[i], ix[i]
                v[first + 1:i + 1], ix[first + 1:i + 1] = v[first:i], ix[first:i]
                v[first], ix[first] = val, vi
            else:
                unguarded_linear_insert(i)

    if n > 1:
        introsort_loop(0, n, 2 * int(math.floor(math.log2(n))))
        if n > 16:
            insertion_sort(0, 16)
            for i in range(16, n):
                unguarded_linear_insert(i)
        else:
            insertion_sort(0, n)
    return ix


def quick_select(vals: list, k: int) -> int:
    """The original index of the ``k``-th smallest (0-based) as torch's kthvalue finds it (its quickselect)."""
    v = list(vals)
    ix = list(range(len(v)))

    def gt(a, b):  # a > b with nan the largest value
        an, bn = a != a, b != b
        return (an and not bn) or (not an and not bn and a > b)

    def swap(i, j):
        v[i], v[j] = v[j], v[i]
        ix[i], ix[j] = ix[j], ix[i]

    lo, hi = 0, len(v) - 1
    while True:
        if hi <= lo:
            return ix[k]
        if hi == lo + 1:
            if gt(v[lo], v[hi]):
                swap(lo, hi)
            return ix[k]
        p = lo + (hi - lo) // 2
        swap(p, lo + 1)
        if gt(v[lo + 1], v[hi]):
            swap(lo + 1, hi)
        if gt(v[lo], v[hi]):
            swap(lo, hi)
        if gt(v[lo + 1], v[lo]):
            swap(lo + 1, lo)
        i, j = lo + 1, hi
        piv = v[lo]
        while True:
            i += 1
            while gt(piv, v[i]):
                i += 1
            j -= 1
            while gt(v[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1

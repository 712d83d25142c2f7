"""libstdc++'s std::sort, std::nth_element and std::partial_sort, and torch's quickselect, replayed on
(value, index) pairs comparing values only: the algorithms behind torch's CPU sort (stable=False), topk and
kthvalue.

Their order of equal values is an accident of each algorithm, so ember replays them, step for step, on the
slices that have ties (ops/sort.py); slices without ties need no replay, the result being unique. Checked
against torch on random slices with ties and nans, ascending and descending.
"""

from __future__ import annotations


def lt_asc(a, b) -> bool:
    """a < b with nan the largest value (torch's comparator)."""
    an, bn = a != a, b != b
    return (not an and bn) or (not an and not bn and a < b)


def lt_desc(a, b) -> bool:
    """a > b with nan the largest value."""
    an, bn = a != a, b != b
    return (an and not bn) or (not an and not bn and a > b)


def _lg(n: int) -> int:
    return n.bit_length() - 1


class _Seq:
    """A sequence of values with their original indices, and the libstdc++ algorithms on index ranges."""

    def __init__(self, vals: list, comp):
        self.v = list(vals)
        self.ix = list(range(len(self.v)))
        self.comp = comp

    def swap(self, i, j):
        v, ix = self.v, self.ix
        v[i], v[j] = v[j], v[i]
        ix[i], ix[j] = ix[j], ix[i]

    # ---------------------------------------------------------------- quicksort pieces
    def move_median_to_first(self, result, a, b, c):
        v, comp = self.v, self.comp
        if comp(v[a], v[b]):
            if comp(v[b], v[c]):
                self.swap(result, b)
            elif comp(v[a], v[c]):
                self.swap(result, c)
            else:
                self.swap(result, a)
        elif comp(v[a], v[c]):
            self.swap(result, a)
        elif comp(v[b], v[c]):
            self.swap(result, c)
        else:
            self.swap(result, b)

    def unguarded_partition(self, first, last, pivot):
        v, comp = self.v, self.comp
        while True:
            while comp(v[first], v[pivot]):
                first += 1
            last -= 1
            while comp(v[pivot], v[last]):
                last -= 1
            if not first < last:
                return first
            self.swap(first, last)
            first += 1

    def partition_pivot(self, first, last):
        mid = first + (last - first) // 2
        self.move_median_to_first(first, first + 1, mid, last - 1)
        return self.unguarded_partition(first + 1, last, first)

    # ---------------------------------------------------------------- heaps
    def adjust_heap(self, first, hole, length, val, vi):
        v, ix, comp = self.v, self.ix, self.comp
        top = second = hole
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
        parent = (hole - 1) // 2
        while hole > top and comp(v[first + parent], val):
            v[first + hole], ix[first + hole] = v[first + parent], ix[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        v[first + hole], ix[first + hole] = val, vi

    def make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self.adjust_heap(first, parent, length, self.v[first + parent], self.ix[first + parent])
            if parent == 0:
                return
            parent -= 1

    def pop_heap(self, first, last, result):
        v, ix = self.v, self.ix
        val, vi = v[result], ix[result]
        v[result], ix[result] = v[first], ix[first]
        self.adjust_heap(first, 0, last - first, val, vi)

    def heap_select(self, first, middle, last):
        self.make_heap(first, middle)
        for i in range(middle, last):
            if self.comp(self.v[i], self.v[first]):
                self.pop_heap(first, middle, i)

    def sort_heap(self, first, last):
        while last - first > 1:
            last -= 1
            self.pop_heap(first, last, last)

    # ---------------------------------------------------------------- insertion sorts
    def unguarded_linear_insert(self, last):
        v, ix, comp = self.v, self.ix, self.comp
        val, vi = v[last], ix[last]
        nxt = last - 1
        while comp(val, v[nxt]):
            v[last], ix[last] = v[nxt], ix[nxt]
            last = nxt
            nxt -= 1
        v[last], ix[last] = val, vi

    def insertion_sort(self, first, last):
        v, ix = self.v, self.ix
        if first == last:
            return
        for i in range(first + 1, last):
            if self.comp(v[i], v[first]):
                val, vi = v[i], ix[i]
                v[first + 1:i + 1], ix[first + 1:i + 1] = v[first:i], ix[first:i]
                v[first], ix[first] = val, vi
            else:
                self.unguarded_linear_insert(i)

    # ---------------------------------------------------------------- the algorithms
    def sort(self, first, last):
        """std::sort(first, last)."""
        if last - first < 2:
            return
        self._introsort_loop(first, last, 2 * _lg(last - first))
        if last - first > 16:
            self.insertion_sort(first, first + 16)
            for i in range(first + 16, last):
                self.unguarded_linear_insert(i)
        else:
            self.insertion_sort(first, last)

    def _introsort_loop(self, first, last, depth):
        while last - first > 16:
            if depth == 0:
                self.heap_select(first, last, last)
                self.sort_heap(first, last)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            self._introsort_loop(cut, last, depth)
            last = cut

    def nth_element(self, first, nth, last):
        """std::nth_element(first, nth, last)."""
        if first == last or nth == last:
            return
        depth = 2 * _lg(last - first)
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                self.swap(first, nth)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)

    def partial_sort(self, first, middle, last):
        """std::partial_sort(first, middle, last)."""
        self.heap_select(first, middle, last)
        self.sort_heap(first, middle)


def std_sort(vals: list, comp) -> list:
    """The permutation std::sort gives ``vals`` under the strict weak order ``comp`` (torch.sort, unstable)."""
    s = _Seq(vals, comp)
    s.sort(0, len(s.v))
    return s.ix


def topk_indices(vals: list, k: int, largest: bool, sorted: bool) -> list:
    """The indices torch.topk returns on CPU (partial_sort when k * 64 <= n, else nth_element [+ sort])."""
    n = len(vals)
    s = _Seq(vals, lt_desc if largest else lt_asc)
    if k == 0:
        return []
    if k * 64 <= n:
        s.partial_sort(0, k, n)
    else:
        s.nth_element(0, k - 1, n)
        if sorted:
            s.sort(0, k - 1)  # torch sorts the first k - 1 only: the k-th is already in place
    return s.ix[:k]


def quick_select(vals: list, k: int) -> int:
    """The original index of the ``k``-th smallest (0-based) as torch's kthvalue finds it (its quickselect)."""
    v = list(vals)
    ix = list(range(len(v)))

    def swap(i, j):
        v[i], v[j] = v[j], v[i]
        ix[i], ix[j] = ix[j], ix[i]

    gt = lt_desc  # a > b with nan the largest
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


def _lt_plain(a, b) -> bool:
    return a < b  # torch's mode sorts with plain <, under which nan is equivalent to everything


def mode_index(vals: list) -> int:
    """The index torch.mode reports: std::sort by value, then the last element of the first longest run."""
    s = _Seq(vals, _lt_plain)
    n = len(s.v)
    s.sort(0, n)
    best_i, best, run = 0, 0, 0
    for i in range(n):
        run += 1
        if i == n - 1 or s.v[i] != s.v[i + 1]:
            if run > best:
                best_i, best = i, run
            run = 0
    return s.ix[best_i]

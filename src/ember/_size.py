"""torch.Size: the tuple subclass a tensor's shape is."""

from __future__ import annotations

import operator

_tuple_new = tuple.__new__


class Size(tuple):
    """A tensor shape; a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        t = tuple(sizes)
        for s in t:
            if type(s) is not int:
                return _tuple_new(cls, _ints(t))
        return _tuple_new(cls, t)

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        """Return the number of elements a tensor of this shape has."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return _tuple_new(Size, r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return _tuple_new(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


def _ints(t: tuple) -> tuple:
    out = []
    for i, s in enumerate(t):
        try:
            out.append(operator.index(s))  # bools, NumPy ints and one-element int tensors are accepted, as in torch
        except TypeError:
            raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')") from None
    return tuple(out)

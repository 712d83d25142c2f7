"""Checking and normalising ``dim`` arguments (torch's errors, written once)."""

from __future__ import annotations

from ._errors import dim_out_of_range


def wrap_dim(dim, ndim: int) -> int:
    """Return ``dim`` as a non-negative axis of an ``ndim``-dimensional tensor (0-d accepts -1 and 0)."""
    try:
        d = dim.__index__()
    except AttributeError:
        raise TypeError(f"dim must be an int, not {type(dim).__name__}") from None
    n = ndim if ndim else 1
    if d < -n or d >= n:
        raise dim_out_of_range(d, ndim)
    return d + n if d < 0 else d


def wrap_dims(dims, ndim: int) -> tuple:
    """Normalise an int or a sequence of ints to a sorted tuple of distinct non-negative axes."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, (list, tuple)):
        out = []
        for d in dims:
            w = wrap_dim(d, ndim)
            if w in out:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            out.append(w)
        return tuple(sorted(out)) if ndim else ()
    w = wrap_dim(dims, ndim)
    return (w,) if ndim else ()


def shape_args(args) -> tuple:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(torch.Size([2, 3]))`` -> (2, 3)."""
    if len(args) == 1 and not isinstance(args[0], int) and hasattr(args[0], "__len__"):
        args = args[0]
    out = []
    for a in args:
        try:
            out.append(a.__index__())
        except AttributeError:
            raise TypeError(
                f"expected a sequence of integers or a single integer, got '{type(a).__name__}'"
            ) from None
    return tuple(out)


def varargs(args: tuple, keyword, name: str, fn: str) -> tuple:
    """``f(2, 3)`` or ``f(name=(2, 3))``: torch's varargs functions also take their sequence by keyword."""
    if keyword is None:
        return args
    if args:
        raise TypeError(f"{fn}() got multiple values for argument '{name}'")
    return (keyword,)

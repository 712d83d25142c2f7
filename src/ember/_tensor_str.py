"""Print tensors exactly as torch 2.13 does: ``repr``, ``format``, print options and sparse COO.

Everything works on plain NumPy arrays plus an ember dtype, so the Tensor class only has to pass its data,
its dtype and the suffixes it knows about (``requires_grad=True``, ``grad_fn=<MulBackward0>``, the device).
A tensor above ``threshold`` elements is cut down to its edge items before anything is formatted, so printing a
1000x1000 tensor formats 36 numbers, not a million.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import _dtype as _dt

__all__ = [
    "format_sparse_coo",
    "format_tensor",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
    "tensor_format",
]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the options for printing tensors, as ``torch.set_printoptions`` does.

    ``profile`` ("default", "short" or "full") is applied first, then the other given options on top of it.

    >>> set_printoptions(precision=2); format_tensor(np.array([1.12345], np.float32), _dt.float32)
    'tensor([1.12])'
    >>> set_printoptions(profile="default")
    """
    if profile in _PROFILES:  # torch: an unknown profile name is silently ignored
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode  # torch: every call resets sci_mode, to None when it is not given


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict that ``set_printoptions(**d)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block and restore them afterwards."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------- element formatters
class _Formatter:
    """Decide one width (and for floats: int mode, sci mode) for all elements that will be shown."""

    __slots__ = ("floating", "int_mode", "sci_mode", "max_width", "precision")

    def __init__(self, data: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        self.precision = PRINT_OPTS.precision
        flat = data.reshape(-1)
        if not flat.size:
            return
        if not floating:
            if flat.dtype == np.bool_:
                self.max_width = 5 if not flat.all() else 4  # "False" / "True"
            else:  # the widest is the largest or the most negative value
                self.max_width = max(len(str(flat.max().item())), len(str(flat.min().item())))
            return
        values = flat.astype(np.float64, copy=False)  # torch measures in double too
        nonzero_finite = values[np.isfinite(values) & (values != 0)]
        if not nonzero_finite.size:
            return  # torch: with no finite non-zero value even sci_mode=True is ignored
        abs_vals = np.abs(nonzero_finite)
        lo, hi = float(abs_vals.min()), float(abs_vals.max())
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        # Rounding is monotone, so the widest text comes from an extreme of each sign: the largest and the smallest
        # magnitude (the exponent of %e can grow to three digits at either end).
        pos, neg = nonzero_finite[nonzero_finite > 0], nonzero_finite[nonzero_finite < 0]
        candidates = []
        for part in (pos, neg):
            if part.size:
                candidates += [float(part.min()), float(part.max())]
        p = self.precision
        if self.sci_mode:
            width = max(len(f"{v:.{p}e}") for v in candidates)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") for v in candidates) + 1  # room for the "." that marks a float
        else:
            width = max(len(f"{v:.{p}f}") for v in candidates)
        self.max_width = max(self.max_width, width)

    def format_list(self, values: list) -> list[str]:
        """Format Python numbers (from ``tolist``), each right-aligned to the common width."""
        w = self.max_width
        if not self.floating:
            return [str(v).rjust(w) for v in values]
        p = self.precision
        if self.sci_mode:
            return [f"{v:{w}.{p}e}" for v in values]
        if self.int_mode:
            return [(f"{v:.0f}." if math.isfinite(v) else f"{v:.0f}").rjust(w) for v in values]
        return [f"{v:.{p}f}".rjust(w) for v in values]


def _edge_index(n: int, summarize: bool) -> np.ndarray | slice:
    e = PRINT_OPTS.edgeitems
    if summarize and n > 2 * e:
        return np.r_[0:e, n - e : n]
    return slice(None)


def _summarized(data: np.ndarray, summarize: bool) -> np.ndarray:
    """Keep only the elements torch shows: ``edgeitems`` at both ends of every long dimension."""
    if not summarize or data.ndim == 0:
        return data
    if data.ndim == 1:
        # torch: with edgeitems=0 a 1-d tensor keeps all of x[:0] + x[-0:], i.e. everything, for its formatter
        return data if not PRINT_OPTS.edgeitems else data[_edge_index(data.shape[0], True)]
    if not PRINT_OPTS.edgeitems:
        return data[(slice(0, 0),) * data.ndim]
    out = data
    for axis, n in enumerate(data.shape):
        idx = _edge_index(n, True)
        if not isinstance(idx, slice):
            out = np.take(out, idx, axis=axis)
    return out


def _element_strings(shown: np.ndarray, f1: _Formatter, f2: _Formatter | None) -> list[str]:
    if f2 is None:
        return f1.format_list(shown.reshape(-1).tolist())
    reals = f1.format_list(shown.real.reshape(-1).tolist())
    imags = f2.format_list(shown.imag.reshape(-1).tolist())
    out = []
    for re, im in zip(reals, imags, strict=True):
        im = (im + "j").lstrip()
        # torch: the sign of the imaginary part (including -0.0) joins the two halves, else a "+" does
        out.append(re + im if im[0] in "+-" else re + "+" + im)
    return out


def _join_nested(strs: list[str], shape: tuple[int, ...], cut: list[bool], indent: int, elem_len: int) -> str:
    """Build torch's nested brackets from the shown element strings (row-major, summarized shape)."""
    e = PRINT_OPTS.edgeitems
    linewidth = PRINT_OPTS.linewidth

    def rec(start: int, dim: int, indent: int) -> str:
        ndim = len(shape) - dim
        if ndim == 0:
            return strs[start]
        n = shape[dim]
        if ndim == 1:
            row = strs[start : start + n]
            if cut[dim]:
                row = row[:e] + [" ..."] + row[e:]
            per_line = max(1, (linewidth - indent) // elem_len)
            lines = [", ".join(row[i : i + per_line]) for i in range(0, len(row), per_line)]
            return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
        step = math.prod(shape[dim + 1 :])
        slices = [rec(start + i * step, dim + 1, indent + 1) for i in range(n)]
        if cut[dim]:
            slices = slices[:e] + ["..."] + slices[e:]
        return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(slices) + "]"

    return rec(0, 0, indent)


def _tensor_str(data: np.ndarray, dtype: _dt.dtype, indent: int) -> str:
    """Format the bracketed contents of a dense, non-empty tensor (no ``tensor(`` prefix or suffixes)."""
    if data.size == 0:
        return "[]"
    summarize = data.size > PRINT_OPTS.threshold
    if summarize and not PRINT_OPTS.edgeitems and data.ndim:
        return "[...]"  # torch: edgeitems=0 shows a bare ellipsis at the outermost level
    shown = _summarized(data, summarize)
    if dtype.is_floating_point:  # exact for every float dtype, and tolist() then gives Python floats even for bfloat16
        shown = shown.astype(np.float64)
    if dtype.is_complex:
        f1, f2 = _Formatter(shown.real, True), _Formatter(shown.imag, True)
        elem_len = f1.max_width + 2 + f2.max_width + 1  # ", " between elements and a "j"
    else:
        f1, f2 = _Formatter(shown, dtype.is_floating_point), None
        elem_len = f1.max_width + 2
    strs = _element_strings(shown, f1, f2)
    cut = [summarize and n > 2 * PRINT_OPTS.edgeitems for n in data.shape]
    return _join_nested(strs, shown.shape, cut, indent, elem_len)


def _add_suffixes(tensor_str: str, suffixes: Sequence[str], indent: int, force_newline: bool) -> str:
    parts = [tensor_str]
    # torch: this is 2 more than the last line's length when there is no newline; kept for identical wrapping
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _has_default_dtype(dtype: _dt.dtype) -> bool:
    default = _dt.get_default_dtype()
    default_complex = _dt.complex128 if default is _dt.float64 else _dt.complex64
    return dtype in (default, default_complex, _dt.int64, _dt.bool)


_PREFIX = "tensor("
_INDENT = len(_PREFIX)


def format_tensor(
    data: np.ndarray, dtype: _dt.dtype, suffixes: Sequence[str] = (), *, device_suffix: str | None = None
) -> str:
    """Return what torch prints for ``repr`` of a dense tensor holding ``data`` with ``dtype``.

    ``suffixes`` come last, in order (``"requires_grad=True"`` or ``"grad_fn=<MulBackward0>"``); ``device_suffix``
    (``"device='cuda:0'"``) comes first, as in torch.

    >>> format_tensor(np.array([[1, 2], [3, 4]]), _dt.int64)
    'tensor([[1, 2],\\n        [3, 4]])'
    """
    data = np.asarray(data)
    extra = [device_suffix] if device_suffix else []
    if data.size == 0:
        if data.ndim != 1:  # torch: the shape is shown unless it is (0,), as NumPy does
            extra.append(f"size={tuple(data.shape)}")
        if dtype is not _dt.get_default_dtype():  # torch: no element to tell an int64 apart, so always shown
            extra.append(f"dtype={dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            extra.append(f"size={tuple(data.shape)}")
        if not _has_default_dtype(dtype):
            extra.append(f"dtype={dtype}")
        body = _tensor_str(data, dtype, _INDENT)
    return _add_suffixes(_PREFIX + body, extra + list(suffixes), _INDENT, force_newline=False)


def format_sparse_coo(
    indices: np.ndarray,
    values: np.ndarray,
    values_dtype: _dt.dtype,
    size: Sequence[int],
    suffixes: Sequence[str] = (),
    *,
    device_suffix: str | None = None,
) -> str:
    """Return what torch prints for ``repr`` of a sparse COO tensor (``indices`` is int64, ``sparse_dim x nnz``).

    >>> print(format_sparse_coo(np.array([[0, 1, 1], [2, 0, 2]]), np.array([3.0, 4, 5], np.float32), _dt.float32,
    ...                         (2, 4)))
    tensor(indices=tensor([[0, 1, 1],
                           [2, 0, 2]]),
           values=tensor([3., 4., 5.]),
           size=(2, 4), nnz=3, layout=torch.sparse_coo)
    """
    indices, values = np.asarray(indices), np.asarray(values)
    extra = [device_suffix] if device_suffix else []
    extra += [f"size={tuple(int(s) for s in size)}", f"nnz={indices.shape[1] if indices.ndim == 2 else 0}"]
    if not _has_default_dtype(values_dtype):
        extra.append(f"dtype={values_dtype}")
    extra.append("layout=torch.sparse_coo")
    ind_prefix, val_prefix = "indices=tensor(", "values=tensor("
    ind_str = _tensor_str(indices, _dt.int64, _INDENT + len(ind_prefix))
    if indices.size == 0:
        ind_str += f", size={tuple(indices.shape)}"
    val_str = _tensor_str(values, values_dtype, _INDENT + len(val_prefix))
    if values.size == 0:
        val_str += f", size={tuple(values.shape)}"
    body = ind_prefix + ind_str + "),\n" + " " * _INDENT + val_prefix + val_str + ")"
    return _add_suffixes(_PREFIX + body, extra + list(suffixes), _INDENT, force_newline=True)


def tensor_format(
    data: np.ndarray,
    dtype: _dt.dtype,
    spec: str,
    suffixes: Sequence[str] = (),
    *,
    device_suffix: str | None = None,
) -> str:
    """Implement ``Tensor.__format__``: a 0-d tensor formats its Python number, any other prints its repr.

    >>> tensor_format(np.array(2.0, np.float32), _dt.float32, ".3f")
    '2.000'
    """
    data = np.asarray(data)
    if data.ndim == 0:
        if dtype.is_floating_point:
            data = data.astype(np.float64)  # bfloat16's item() is not a Python float
        return format(data.item(), spec)  # item() gives bool/int/float/complex, as torch's .item() does
    if spec:  # torch: falls back to object.__format__, which refuses any non-empty spec
        raise TypeError("unsupported format string passed to Tensor.__format__")
    return format_tensor(data, dtype, suffixes, device_suffix=device_suffix)

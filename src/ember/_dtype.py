"""dtype objects, torch's type-promotion rules and the default dtype.

ember's dtype is the truth about a tensor; the backend array's dtype follows it. Promotion is
decided here, from small tables, before NumPy is called (NumPy's own rules differ from torch's
for int tensor / int, bool arithmetic and 0-d tensors).
"""

from __future__ import annotations

import builtins

import numpy as np

try:  # optional: bfloat16 has no NumPy dtype of its own
    import ml_dtypes as _ml_dtypes
except ImportError:  # pragma: no cover - depends on the environment
    _ml_dtypes = None

# category order used by promotion: bool < int < float < complex
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, printed as torch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed", "_cat", "_rank", "_legacy")

    def __init__(self, name, np_dtype, itemsize, cat, rank, legacy):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = itemsize
        self._cat = cat
        self._rank = rank  # order by size within a category
        self.is_floating_point = cat == _FLOAT
        self.is_complex = cat == _COMPLEX
        self.is_signed = name not in ("uint8", "bool")
        self._legacy = legacy  # torch's legacy tensor type name, e.g. "FloatTensor"

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> dtype:
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        return {"float32": complex64, "float64": complex128, "float16": complex64}.get(self.name, self)

    @property
    def is_bool(self) -> bool:  # ember-internal convenience
        return self._cat == _BOOL


_BF16 = _ml_dtypes.bfloat16 if _ml_dtypes is not None else None

# fmt: off
bool = dtype("bool", np.bool_, 1, _BOOL, 0, "BoolTensor")  # noqa: A001 - torch's name
uint8 = dtype("uint8", np.uint8, 1, _INT, 0, "ByteTensor")
int8 = dtype("int8", np.int8, 1, _INT, 1, "CharTensor")
int16 = dtype("int16", np.int16, 2, _INT, 2, "ShortTensor")
int32 = dtype("int32", np.int32, 4, _INT, 3, "IntTensor")
int64 = dtype("int64", np.int64, 8, _INT, 4, "LongTensor")
float16 = dtype("float16", np.float16, 2, _FLOAT, 0, "HalfTensor")
bfloat16 = dtype("bfloat16", _BF16, 2, _FLOAT, 0, "BFloat16Tensor")
float32 = dtype("float32", np.float32, 4, _FLOAT, 1, "FloatTensor")
float64 = dtype("float64", np.float64, 8, _FLOAT, 2, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, 8, _COMPLEX, 1, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, 16, _COMPLEX, 2, "ComplexDoubleTensor")
# fmt: on

# aliases, as torch has them
float = float32  # noqa: A001
double = float64
half = float16
int = int32  # noqa: A001
long = int64
short = int16
cfloat = complex64
cdouble = complex128

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update(float=float32, double=float64, half=float16, int=int32, long=int64, short=int16)
_FROM_NP = {d.np: d for d in ALL_DTYPES if d.np is not None}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """Map a NumPy dtype to ember's; TypeError naming it when torch has no equivalent."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        ) from None


def np_dtype(d: dtype) -> np.dtype:
    """The NumPy dtype that holds ``d``; TypeError for bfloat16 without ml_dtypes."""
    if d.np is None:
        raise TypeError("bfloat16 needs the optional package ml_dtypes (pip install ml_dtypes)")
    return d.np


# ---------------------------------------------------------------- default dtype
_default = [float32]


def get_default_dtype() -> dtype:
    """Return the default floating point dtype (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating point dtype: float32, float64, float16 or bfloat16."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def default_complex() -> dtype:
    return complex128 if _default[0] is float64 else complex64


# ---------------------------------------------------------------- promotion
def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    ca, cb = a._cat, b._cat
    if ca == _BOOL:
        return b
    if cb == _BOOL:
        return a
    if ca == _INT and cb == _INT:
        if a is uint8 or b is uint8:  # torch: uint8 with a signed int widens to hold both
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi._cat == _COMPLEX and lo._cat == _FLOAT and lo is float64:
            return complex128
        return hi
    if ca == _FLOAT and {a, b} == {float16, bfloat16}:
        return float32
    return a if a._rank > b._rank else b


_PROMOTE = {(a, b): _promote(a, b) for a in ALL_DTYPES for b in ALL_DTYPES}


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """Return the smallest dtype to which both can be cast without losing category (torch's table)."""
    return _PROMOTE[(type1, type2)]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # torch: a higher-priority operand keeps its dtype unless the lower one is of a higher category
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._cat == _COMPLEX:
        return higher
    if lower._cat == _COMPLEX:
        return higher.to_complex() if higher._cat == _FLOAT else lower
    if higher._cat == _FLOAT:
        return higher
    if higher is bool or lower._cat == _FLOAT:
        return _PROMOTE[(higher, lower)]
    return higher


def scalar_dtype(value) -> dtype:
    """The dtype torch gives a Python scalar taking part in an op (a "weak" type)."""
    t = type(value)
    if t is builtins.bool:
        return bool
    if t is np.bool_:  # torch: a NumPy bool scalar takes part as a Python float (int8 tensor * np.True_ is float32)
        return _default[0]
    if t is builtins.int:
        return int64
    if t is builtins.float:
        return _default[0]
    if t is builtins.complex:
        return default_complex()
    if isinstance(value, np.generic):
        d = from_numpy_dtype(value.dtype)
        if d._cat == _FLOAT:
            return _default[0]
        if d._cat == _COMPLEX:
            return default_complex()
        return int64 if d._cat == _INT else bool
    raise NotANumber(f"unsupported scalar type {t.__name__}")


class NotANumber(TypeError):
    """An operand that is neither a tensor nor a number: the operators return NotImplemented for it."""


def result_type_of(operands) -> dtype:
    """torch.result_type over tensors and scalars: dimensioned tensors > 0-d tensors > Python scalars."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype) and hasattr(x, "_data"):
            if x._data.ndim:
                dim = d if dim is None else _PROMOTE[(dim, d)]
            else:
                zero = d if zero is None else _PROMOTE[(zero, d)]
        else:
            s = scalar_dtype(x)
            wrapped = s if wrapped is None else _PROMOTE[(wrapped, s)]
    return _combine(dim, _combine(zero, wrapped))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether an in-place op may write ``from_`` values into ``to`` (no lowering of category)."""
    return from_._cat <= to._cat


def is_floating_point(input) -> builtins.bool:
    return input.dtype.is_floating_point


def is_complex(input) -> builtins.bool:
    return input.dtype.is_complex


def dtype_name_cap(d: dtype) -> str:
    """Name torch uses in messages such as ``result type Float can't be cast ...``."""
    return {
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
        "complex64": "ComplexFloat",
        "complex128": "ComplexDouble",
    }[d.name]


_C_TYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def checked_scalar(value, d: dtype, check_half: builtins.bool = False):
    """A Python number written into a tensor of dtype ``d`` (setitem, fill_), with torch's overflow check.

    torch: an int may wrap into an unsigned type from as low as -max (uint8 takes -255 as 1); anything else out of
    range is an error, as is a complex with an imaginary part written into a real tensor.
    """
    t = type(value)
    if t is builtins.bool or d is bool or d._cat == _COMPLEX:
        return value
    if t is builtins.complex or isinstance(value, (np.complexfloating)):
        if value.imag != 0:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE[d.name]} without overflow")
        value = value.real
    if d._cat == _INT:
        info = np.iinfo(d.np)
        wraps = not d.is_signed and isinstance(value, (builtins.int, np.integer))
        lo = -builtins.int(info.max) if wraps else builtins.int(info.min)
        if not lo <= value <= builtins.int(info.max):
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE[d.name]} without overflow")
        if isinstance(value, (builtins.int, np.integer)) and value < 0 and not d.is_signed:
            return builtins.int(value) % (builtins.int(info.max) + 1)
    elif d is float32 and np.isfinite(value) and abs(value) > 3.4028234663852886e38:
        raise RuntimeError("value cannot be converted to type float without overflow")
    elif check_half and d is float16 and np.isfinite(value) and abs(value) > 65504:  # torch: fill_ checks, x[i]= not
        raise RuntimeError("value cannot be converted to type c10::Half without overflow")
    return value


# ---------------------------------------------------------------- finfo / iinfo
class finfo:  # noqa: N801 - torch's name
    """Machine limits of a floating point dtype (a complex dtype gives its real part's)."""

    def __init__(self, type: dtype | None = None):  # noqa: A002 - torch's argument name
        d = _default[0] if type is None else type
        if d._cat < _FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        d = d.to_real()
        info = _ml_dtypes.finfo(d.np) if d is bfloat16 and _ml_dtypes is not None else np.finfo(np_dtype(d))
        self.bits = builtins.int(info.bits)
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max), builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - torch's name
    """Limits of an integer dtype."""

    def __init__(self, type: dtype):  # noqa: A002 - torch's argument name
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type._cat != _INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits, self.min, self.max = builtins.int(info.bits), builtins.int(info.min), builtins.int(info.max)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

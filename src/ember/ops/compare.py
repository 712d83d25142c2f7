"""Comparisons and logic: eq ne lt le gt ge, logical_* and bitwise_* (bool results, no gradient)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._errors import not_implemented_for
from .._tensor import Tensor
from ._binary import Binary
from ._inplace import inplace


def _ordered(ufunc, kernel):
    def forward(ctx, a, b):
        x = a if hasattr(a, "dtype") else b  # operands arrive cast to the result dtype
        if x.dtype.kind == "c":  # torch: complex numbers have no order
            raise not_implemented_for(kernel, D.from_numpy_dtype(x.dtype))
        return ufunc(a, b)

    return forward


def _cmp(name, ufunc, torch_name):
    fwd = _ordered(ufunc, f"{name}_cpu") if name in ("lt", "le", "gt", "ge") else (lambda ctx, a, b: ufunc(a, b))
    cls = type(name.capitalize(), (Binary,), {
        "grad_fn": torch_name,
        "differentiable": False,
        "forward": staticmethod(fwd),
        "__doc__": f"out = {ufunc.__name__}(a, b) as bool.",
    })

    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            from .creation import scalar_tensor_like

            input = scalar_tensor_like(input, other)
        r = cls.apply(input, other)
        if out is not None:
            from .arith import _out

            return _out(r, out)
        return r

    fn.__name__ = name
    fn.__doc__ = f"Compare element-wise ({ufunc.__name__}), broadcasting; returns a bool tensor."
    return cls, fn


Eq, eq = _cmp("eq", np.equal, "EqBackward0")
Ne, ne = _cmp("ne", np.not_equal, "NeBackward0")
Lt, lt = _cmp("lt", np.less, "LtBackward0")
Le, le = _cmp("le", np.less_equal, "LeBackward0")
Gt, gt = _cmp("gt", np.greater, "GtBackward0")
Ge, ge = _cmp("ge", np.greater_equal, "GeBackward0")
LogicalAnd, logical_and = _cmp("logical_and", np.logical_and, "")
LogicalOr, logical_or = _cmp("logical_or", np.logical_or, "")
LogicalXor, logical_xor = _cmp("logical_xor", np.logical_xor, "")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _bitwise(name, ufunc):
    cls = type(name, (Binary,), {"grad_fn": "", "differentiable": False,
                                 "forward": staticmethod(lambda ctx, a, b: _int_only(ufunc, a, b, name))})

    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            input, other = other, input
        r = cls.apply(input, other)
        if out is not None:
            from .arith import _out

            return _out(r, out)
        return r

    fn.__name__ = name
    return fn


def _int_only(ufunc, a, b, name):
    for x in (a, b):  # operands arrive cast to the result dtype: one float means both are
        if hasattr(x, "dtype") and x.dtype.kind in "fc":
            raise not_implemented_for(f"{name}_cpu", D.from_numpy_dtype(x.dtype))
    return ufunc(a, b)


bitwise_and = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor)


def _shift_forward(ufunc, kernel):
    def forward(ctx, a, b):
        x = a if hasattr(a, "dtype") else b
        if x.dtype.kind in "fc":
            raise not_implemented_for(kernel, D.from_numpy_dtype(x.dtype))
        return ufunc(a, b)

    return staticmethod(forward)


_LShift = type("LShift", (Binary,), {"grad_fn": "", "differentiable": False,
                                     "forward": _shift_forward(np.left_shift, "lshift_cpu")})
_RShift = type("RShift", (Binary,), {"grad_fn": "", "differentiable": False,
                                     "forward": _shift_forward(np.right_shift, "rshift_cpu")})


def bitwise_left_shift(input, other, *, out=None):
    """Shift the bits of ``input`` left by ``other`` (integers only)."""
    if not isinstance(input, Tensor):
        from .creation import scalar_tensor_like

        input = scalar_tensor_like(input, other)
    return _LShift.apply(input, other)


def bitwise_right_shift(input, other, *, out=None):
    """Shift the bits of ``input`` right by ``other`` (arithmetic shift for signed integers)."""
    if not isinstance(input, Tensor):
        from .creation import scalar_tensor_like

        input = scalar_tensor_like(input, other)
    return _RShift.apply(input, other)


def bitwise_not(input, *, out=None):
    if input.dtype.is_floating_point or input.dtype.is_complex:
        raise not_implemented_for("bitwise_not_cpu", input.dtype)
    return Tensor._from(np.invert(input._data) if input._data.dtype != np.bool_ else ~input._data, input.dtype)


def _invert(self):
    if self.dtype._cat >= 2:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


def logical_not(input, *, out=None):
    return Tensor._from(np.logical_not(input._data))


def _isx(fn, name):
    def f(input):
        if input.dtype.is_complex and name in ("isposinf", "isneginf"):
            raise RuntimeError(f"{name} does not support complex inputs.")
        if input.dtype._cat < 2:
            return Tensor._from(np.zeros(input._data.shape, dtype=np.bool_) if name != "isfinite"
                                else np.ones(input._data.shape, dtype=np.bool_))
        return Tensor._from(np.asarray(fn(input._data)))

    f.__name__ = name
    f.__doc__ = f"Test each element ({name}); returns a bool tensor."
    return f


isnan = _isx(np.isnan, "isnan")
isinf = _isx(np.isinf, "isinf")
isfinite = _isx(np.isfinite, "isfinite")
isposinf = _isx(np.isposinf, "isposinf")
isneginf = _isx(np.isneginf, "isneginf")
isreal = _isx(np.isreal, "isreal")


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and elements."""
    if input._data.shape != other._data.shape:
        return False
    return bool(np.array_equal(np.asarray(input._data), np.asarray(other._data)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = input._data, other._data if isinstance(other, Tensor) else other
    if isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{D.dtype_name_cap(input.dtype)} did not match {D.dtype_name_cap(other.dtype)}")
    return Tensor._from(np.asarray(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _check_bool_or_int(t, op):
    return t


_METHODS = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "not_equal": ne, "less": lt, "less_equal": le,
    "greater": gt, "greater_equal": ge,
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor, "logical_not": logical_not,
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not,
    "__and__": bitwise_and, "__or__": bitwise_or, "__xor__": bitwise_xor, "__invert__": _invert,
    "__rand__": bitwise_and, "__ror__": bitwise_or, "__rxor__": bitwise_xor,
    "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
    "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
    "__rlshift__": lambda self, o: bitwise_left_shift(o, self),
    "__rrshift__": lambda self, o: bitwise_right_shift(o, self),
    "__ilshift__": lambda self, o: inplace(self, bitwise_left_shift, o),
    "__irshift__": lambda self, o: inplace(self, bitwise_right_shift, o),
    "__iand__": lambda self, o: inplace(self, bitwise_and, o),
    "__ior__": lambda self, o: inplace(self, bitwise_or, o),
    "__ixor__": lambda self, o: inplace(self, bitwise_xor, o),
    "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "isposinf": isposinf, "isneginf": isneginf,
    "isreal": isreal, "equal": equal, "isclose": isclose, "allclose": allclose,
    "eq_": lambda self, o: inplace(self, eq, o), "ne_": lambda self, o: inplace(self, ne, o),
    "lt_": lambda self, o: inplace(self, lt, o), "le_": lambda self, o: inplace(self, le, o),
    "gt_": lambda self, o: inplace(self, gt, o), "ge_": lambda self, o: inplace(self, ge, o),
    "logical_not_": lambda self: inplace(self, logical_not),
}
def _operator(fn, reflected=False):
    """An operator method: NotImplemented for a non-number operand (``t == "x"`` is then False, as in torch)."""

    def op(self, other):
        try:
            return fn(self, other)
        except D.NotANumber:
            if isinstance(other, np.ndarray) and other.ndim and not reflected:  # torch: t + array works, not array + t
                return fn(self, Tensor._from(other))
            return NotImplemented

    op.__name__ = fn.__name__
    return op


for _n, _f in _METHODS.items():
    if _n in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__", "__xor__", "__rand__",
              "__ror__", "__rxor__", "__lshift__", "__rshift__", "__rlshift__", "__rrshift__"):
        # torch: an array operand works with == != & | ^ but not with the orderings
        _f = _operator(_f, _n in ("__rand__", "__ror__", "__rxor__", "__rlshift__", "__rrshift__", "__lt__", "__le__",
                                  "__gt__", "__ge__"))
    setattr(Tensor, _n, _f)
del _n, _f
Tensor.__hash__ = object.__hash__  # defining __eq__ above would otherwise make tensors unhashable

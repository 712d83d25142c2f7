"""class Tensor: one backend array plus dtype and autograd metadata; operators delegate to ops.

A Tensor holds a NumPy (or CuPy) array in ``_data``; ``dtype`` is ember's dtype object and
the array's dtype follows it. Views are array views that share their base's version counter
(``_vc``, a one-element list), so an in-place write through any view is seen by autograd
on all of them. Most methods are attached by the ops modules (``ember/ops/*.py``) next to
the function of the same name.
"""

from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._device import CPU, device
from ._size import Size
from .autograd import function as _function
from .backend import ARRAY_TYPES, device_of, to_device

_ndarray = np.ndarray
_tuple_new = tuple.__new__  # Size(...) checks its items; an array's shape is ints already
_FROM_NP = D._FROM_NP


class Tensor:
    """A multi-dimensional array with autograd, as torch.Tensor."""

    __slots__ = ("_data", "dtype", "__dict__", "__weakref__")
    __array_priority__ = 1000  # numpy defers to Tensor's reflected operators
    # prints as <class 'ember.Tensor'> (torch: <class 'torch.Tensor'>); a metaclass could print torch's name under the
    # shim, but it slows isinstance(x, Tensor) for non-tensors and subclasses (~40 -> ~95 ns) and clashes with
    # Parameter's metaclass
    __module__ = "ember"

    # per-instance values that are rarely set live in __dict__; these class attributes are their defaults
    _requires_grad = False
    grad_fn = None
    _grad = None
    _vc = None  # version counter shared by all views of one storage: [version]
    _base = None
    _out_nr = 0
    _accum = None
    _retains_grad = False
    _grad_hooks = None
    _post_acc_hooks = None
    _is_param = False

    def __new__(cls, *args, **kwargs):
        # torch.Tensor(data) / torch.Tensor(*sizes): the legacy constructor, default dtype
        from ._legacy import legacy_new

        return legacy_new(cls, D.get_default_dtype(), args, kwargs, typed=False)

    @staticmethod
    def _from(arr, dtype=None):
        t = _new(Tensor)
        if type(arr) is not _ndarray and not isinstance(arr, ARRAY_TYPES):
            arr = np.asarray(arr)
        t._data = arr
        t.dtype = dtype if dtype is not None else _FROM_NP[arr.dtype]
        return t

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)

    def size(self, dim: int | None = None):
        """Return the shape, or the size of dimension ``dim``."""
        shape = self._data.shape
        if dim is None:
            return _tuple_new(Size, shape)
        if type(dim) is int and -len(shape) <= dim < len(shape):
            return shape[dim]
        return shape[_wrap_dim(dim, len(shape), "size")]

    @property
    def device(self) -> device:
        return CPU if type(self._data) is _ndarray else device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return type(self._data) is not _ndarray and self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return type(self._data) is _ndarray

    @property
    def layout(self):
        from ._layout import strided

        return strided

    is_sparse = False
    is_quantized = False
    is_meta = False
    is_nested = False
    is_mkldnn = False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.size * self.dtype.itemsize

    def stride(self, dim: int | None = None):
        """Strides in elements (torch's unit), not bytes."""
        a = self._data
        if a.size == 0:  # torch: an empty tensor has the strides of a contiguous one with sizes max(size, 1)
            st = _contiguous_strides(a.shape)
        else:
            item = a.itemsize
            st = tuple(s // item for s in a.strides)
            if 0 in st:
                st = _unsqueezed_strides(a.shape, st)
        return st if dim is None else st[_wrap_dim(dim, a.ndim, "stride")]

    def storage_offset(self) -> int:
        """Return the offset, in elements, of this tensor's first element in the storage it shares with its views."""
        root = self._storage_root()
        a = self._data
        if root is a or root.size == 0:
            return 0
        if type(a) is _ndarray:
            return (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize
        return (a.data.ptr - root.data.ptr) // a.itemsize

    def _storage_root(self):
        """The array at the start of this tensor's storage: the base's, or, for a detach()ed/.data view, the one
        recorded then (``_sroot``: its _base is None, yet torch keeps the view's storage offset)."""
        base = self._base
        if base is not None:
            return base.__dict__.get("_sroot", base._data)
        return self.__dict__.get("_sroot", self._data)

    def is_contiguous(self, memory_format=None) -> bool:
        return self._data.flags.c_contiguous or self._data.size <= 1

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    @property
    def _version(self) -> int:
        vc = self._vc
        return vc[0] if vc is not None else 0

    def _bump(self):
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    def _is_view(self) -> bool:
        return self._base is not None

    def data_ptr(self) -> int:
        if type(self._data) is _ndarray:
            return self._data.__array_interface__["data"][0]
        return self._data.data.ptr

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else d.index

    # ------------------------------------------------------------------ autograd attributes
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self.dtype._cat < 2 and self.grad_fn is None:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether autograd records ops on this leaf tensor; returns self."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and self.dtype._cat < 2:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")  # torch's text here
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad:
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
                "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of {type(value).__name__}")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.device != self.device:
                raise RuntimeError("assigned grad has data located on a different device")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    def retain_grad(self) -> None:
        """Keep ``.grad`` of this non-leaf tensor after backward (a no-op on leaves)."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        import weakref

        fn = self.grad_fn
        if fn._retained is None:
            fn._retained = {}
        fn._retained[self._out_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` whenever the gradient for this tensor is computed; it may return a new grad."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .autograd.function import _RemovableHandle

        if self.grad_fn is not None:
            fn = self.grad_fn
            if fn._hooks is None:
                fn._hooks = {}
            hooks = fn._hooks.setdefault(self._out_nr, [])
            hooks.append(hook)
            return _RemovableHandle(hooks, hook)
        if self._grad_hooks is None:
            self._grad_hooks = {}
        key = max(self._grad_hooks, default=-1) + 1  # not len(): a removed hook frees a smaller key
        self._grad_hooks[key] = hook
        return _DictHandle(self._grad_hooks, key)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        from .autograd.function import _RemovableHandle

        return _RemovableHandle(self._post_acc_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Compute the gradient of this tensor w.r.t. graph leaves and accumulate it into their ``.grad``."""
        from .autograd import backward as _backward

        _backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """Return a tensor sharing storage (and the version counter) with this one, outside the graph."""
        t = _new(Tensor)
        t._data = self._data
        t.dtype = self.dtype
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        t._vc = vc
        if self._base is not None or "_sroot" in self.__dict__:
            t._sroot = self._storage_root()
        return t

    def detach_(self) -> Tensor:
        """Detach this tensor from the graph in place, making it a leaf."""
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self.grad_fn = None
        self._requires_grad = False
        self._out_nr = 0
        return self

    @property
    def data(self) -> Tensor:
        """This tensor's values outside the graph; unlike detach(), writes to it are not seen by autograd."""
        t = _new(Tensor)
        t._data = self._data
        t.dtype = self.dtype
        if self._base is not None or "_sroot" in self.__dict__:
            t._sroot = self._storage_root()
        return t

    @data.setter
    def data(self, value: Tensor) -> None:
        # torch: rebinds storage, shape and dtype, keeping identity and autograd flags
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._base is not None and value._data is not self._data:
            self._base = None  # no longer a view of its old base's memory
        root = value._storage_root()
        self._data = value._data  # torch: the version counter stays this tensor's own (`p.data -= ...` is untracked)
        self.dtype = value.dtype
        if self._base is None:
            if root is value._data:
                self.__dict__.pop("_sroot", None)
            else:
                self._sroot = root

    # ------------------------------------------------------------------ Python protocols
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        a = self._data
        if a.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        if self._requires_grad:
            return iter(self.unbind(0))
        # nothing to record: the rows are plain views sharing storage and version counter (3x faster than unbind)
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        base = self._base if self._base is not None else self
        dtype = self.dtype
        rows = []
        for i in range(a.shape[0]):
            t = _new(Tensor)
            t._data = a[i, ...]  # a view even for a 1-d array (a[i] would be a NumPy scalar)
            t.dtype = dtype
            t._vc = vc
            t._base = base
            rows.append(t)
        return iter(rows)

    def __bool__(self) -> bool:
        n = self._data.size
        if n != 1:
            if n == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def item(self):
        """Return the value of a one-element tensor as a Python number."""
        a = self._data
        if a.size != 1:
            raise RuntimeError(f"a Tensor with {a.size} elements cannot be converted to Scalar")
        if type(a) is not _ndarray:
            a = a.get()
        return a.item()  # ndarray.item() takes any one-element array: no reshape needed

    def __float__(self) -> float:
        a = self._data
        if a.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float((a if type(a) is _ndarray else a.get()).item())

    def __int__(self) -> int:
        a = self._data
        if a.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int((a if type(a) is _ndarray else a.get()).item())

    def __complex__(self) -> complex:
        a = self._data
        if a.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex((a if type(a) is _ndarray else a.get()).item())

    def __index__(self) -> int:
        if self.dtype._cat != 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __contains__(self, element) -> bool:
        if isinstance(element, (Tensor, int, float, bool, complex)):
            return bool((self == element).any().item())
        raise RuntimeError(
            f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}."
        )

    __hash__ = object.__hash__

    def tolist(self):
        """Return the values as (nested) Python lists of Python numbers."""
        return self.numpy(force=True).tolist() if self._data.ndim else self.item()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """Return the NumPy array behind this tensor (shares memory)."""
        if not force:
            if self._requires_grad:
                raise RuntimeError(
                    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
                )
            if type(self._data) is not _ndarray:
                raise TypeError(
                    f"can't convert {self.device.type}:{self.device.index} device type tensor to numpy. Use "
                    "Tensor.cpu() to copy the tensor to host memory first."
                )
        if type(self._data) is not _ndarray:
            return to_device(self._data, CPU)
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()  # torch: np.asarray of a tensor that requires grad raises, as numpy() does
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # torch: a NumPy ufunc applied to a tensor gives a tensor; bool results become uint8
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return Tensor._from(array)

    def __reversed__(self):
        """Reverse along dimension 0 (a 0-d tensor is returned as is), as torch does."""
        return self if self._data.ndim == 0 else self.flip(0)

    def is_same_size(self, other: Tensor) -> bool:
        return self._data.shape == other._data.shape

    def __dlpack__(self, stream=None):
        return self._data.__dlpack__()

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._tensor_str import format_tensor

        return format_tensor(self._data if type(self._data) is _ndarray else to_device(self._data, CPU),
                             self.dtype, _suffixes(self), device_suffix=_device_suffix(self))

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)  # torch: "" gives str(self), any other spec raises TypeError

    def __reduce_ex__(self, proto):
        arr = self.numpy(force=True)
        return (_rebuild, (np.array(arr), self.dtype.name, self._requires_grad, str(self.device)))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment.  If you were attempting to deepcopy a module, this may be because of a torch.nn.utils."
                "weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
            )
        new = type(self).__new__(type(self)) if type(self) is not Tensor else _new(Tensor)
        new._data = self._data.copy()
        new.dtype = self.dtype
        if self._requires_grad:
            new._requires_grad = True
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        for k, v in self.__dict__.items():
            if k not in ("_requires_grad", "_grad", "_vc", "_base", "_accum", "grad_fn", "_out_nr", "_sroot"):
                import copy

                new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ conversions
    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """Without arguments, return the legacy type name (``torch.FloatTensor``); else convert."""
        if dtype is None:
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return prefix + self.dtype._legacy
        if isinstance(dtype, str):
            prefix, _, name = dtype.rpartition(".")
            if prefix not in ("torch", "torch.cuda"):
                raise ValueError(f"invalid type: '{dtype}'")
            for d in D.ALL_DTYPES:
                if d._legacy == name:
                    break
            else:
                raise ValueError(f"invalid type: '{dtype}'")
            if prefix == "torch.cuda":  # a CUDA type moves the tensor (an error without a GPU, never a silent CPU copy)
                return self.to(device("cuda"), d)
            dtype = d
        elif isinstance(dtype, type) and hasattr(dtype, "_dtype"):
            dtype = dtype._dtype
        return self.to(dtype)

    def to(self, *args, **kwargs) -> Tensor:
        """Convert to a dtype and/or device: ``to(dtype)``, ``to(device)``, ``to(tensor)``, ``to(device, dtype)``."""
        if len(args) == 1 and not kwargs:  # the common calls, parsed without building anything
            a = args[0]
            if a is self.dtype:
                return self
            if type(a) is D.dtype:
                return _convert(self, a, None, False)
            if type(self._data) is _ndarray and (a is CPU or (type(a) is str and a == "cpu") or (
                    type(a) is device and a.type == "cpu" and a.index is None)):
                return self
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments - got unexpected {list(kwargs)}")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, device, int)) and not isinstance(a, bool):
                dev = device(a)
            elif isinstance(a, bool):
                pass  # non_blocking / copy given positionally
            else:
                raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
        return _convert(self, dtype, device(dev) if dev is not None else None, copy)

    def cpu(self) -> Tensor:
        return self if type(self._data) is _ndarray else self.to(CPU)

    def cuda(self, device_=None, non_blocking: bool = False, **kwargs) -> Tensor:
        d = kwargs.pop("device", device_)
        if d is None:
            d = device("cuda", 0)
        elif isinstance(d, int):
            d = device("cuda", d)
        else:
            d = device(d)
        return self.to(d)

    def float(self) -> Tensor:
        return self if self.dtype is D.float32 else _convert(self, D.float32, None, False)

    def double(self) -> Tensor:
        return self if self.dtype is D.float64 else _convert(self, D.float64, None, False)

    def half(self) -> Tensor:
        return self if self.dtype is D.float16 else _convert(self, D.float16, None, False)

    def bfloat16(self) -> Tensor:
        return self if self.dtype is D.bfloat16 else _convert(self, D.bfloat16, None, False)

    def long(self) -> Tensor:
        return self if self.dtype is D.int64 else _convert(self, D.int64, None, False)

    def int(self) -> Tensor:
        return self if self.dtype is D.int32 else _convert(self, D.int32, None, False)

    def short(self) -> Tensor:
        return self if self.dtype is D.int16 else _convert(self, D.int16, None, False)

    def char(self) -> Tensor:
        return self if self.dtype is D.int8 else _convert(self, D.int8, None, False)

    def byte(self) -> Tensor:
        return self if self.dtype is D.uint8 else _convert(self, D.uint8, None, False)

    def bool(self) -> Tensor:
        return self if self.dtype is D.bool else _convert(self, D.bool, None, False)

    def cfloat(self) -> Tensor:
        return self if self.dtype is D.complex64 else _convert(self, D.complex64, None, False)

    def cdouble(self) -> Tensor:
        return self if self.dtype is D.complex128 else _convert(self, D.complex128, None, False)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def pin_memory(self, device=None) -> Tensor:
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False


class _DictHandle:
    def __init__(self, d, key):
        self._d, self._key = d, key

    def remove(self):
        self._d.pop(self._key, None)


_new = object.__new__


_to_impl = None


def _convert(t, dtype, dev, copy):
    """ops.creation._to (imported on first use: creation imports this module)."""
    global _to_impl
    if _to_impl is None:
        from .ops.creation import _to as _to_impl
    return _to_impl(t, dtype, dev, copy)


def _wrap(arr) -> Tensor:
    """Wrap a backend array (or a NumPy scalar an op returned) as a new Tensor; the dtype follows the array."""
    t = _new(Tensor)
    if type(arr) is not _ndarray:
        if not isinstance(arr, ARRAY_TYPES):
            arr = np.asarray(arr)
    t._data = arr
    t.dtype = _FROM_NP[arr.dtype]
    return t


def zeros_like_array_tensor(shape, dtype, like):
    from .backend import array_module

    return _wrap(array_module(like).zeros(shape, dtype=D.np_dtype(dtype)))


def _rebuild(arr, dtype_name, requires_grad, dev="cpu"):
    t = Tensor._from(arr, D._BY_NAME[dtype_name])
    if dev != "cpu":
        t = t.to(dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _wrap_dim(dim, ndim: int, fn: str) -> int:
    try:
        d = dim.__index__()
    except AttributeError:
        raise TypeError(f"{fn}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}") from None
    if ndim == 0:  # torch: size()/stride() of a 0-d tensor take no dim at all
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if d < -ndim or d >= ndim:
        from ._errors import dim_out_of_range

        raise dim_out_of_range(d, ndim)
    return d + ndim if d < 0 else d


def _contiguous_strides(shape):
    out, n = [], 1
    for size in reversed(shape):
        out.append(n)
        n *= max(size, 1)
    return tuple(reversed(out))


def _unsqueezed_strides(shape, st):
    # NumPy gives a new axis (x[None]) stride 0; torch's unsqueeze gives it size * stride of the next dimension
    out = list(st)
    for i in range(len(shape) - 1, -1, -1):
        if shape[i] == 1 and out[i] == 0:
            out[i] = shape[i + 1] * out[i + 1] if i + 1 < len(shape) else 1
    return tuple(out)


def _suffixes(t) -> list:
    out = []
    fn = t.grad_fn
    if fn is not None:
        out.append(f"grad_fn=<{type(fn).__name__}>")  # torch: the class name (name() of CopySlices differs)
    elif t._requires_grad:
        out.append("requires_grad=True")
    return out


def _device_suffix(t):
    if type(t._data) is _ndarray:
        return None
    return f"device='{t.device}'"


_function._bind(Tensor, _wrap)

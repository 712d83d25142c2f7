"""save / load in PyTorch's file format: a zip of one pickle plus one record per storage.

``ember.save`` writes what ``torch.load`` reads (the pickle names ``torch._utils._rebuild_tensor_v2``,
``torch.FloatStorage``, ...), and ``ember.load`` reads what ``torch.save`` writes. Loading is safe by
default (``weights_only=True``, as torch >= 2.6): only tensors, containers, numbers, strings and a
short list of torch types are rebuilt, never arbitrary code. Saving to a path is atomic: the file is
written beside the target and moved over it only when complete.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import secrets
import tempfile
import zipfile

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._size import Size
from ._tensor import Tensor

DEFAULT_PROTOCOL = 2
_ALIGN = 64  # torch aligns every storage record to 64 bytes (for mmap)

# storage class name in the pickle <-> dtype
_STORAGE_OF = {
    D.float32: "FloatStorage", D.float64: "DoubleStorage", D.float16: "HalfStorage", D.bfloat16: "BFloat16Storage",
    D.int64: "LongStorage", D.int32: "IntStorage", D.int16: "ShortStorage", D.int8: "CharStorage",
    D.uint8: "ByteStorage", D.bool: "BoolStorage", D.complex64: "ComplexFloatStorage",
    D.complex128: "ComplexDoubleStorage",
}
_DTYPE_OF_STORAGE = {v: k for k, v in _STORAGE_OF.items()}


class _Global:
    """A name the pickle refers to (``GLOBAL module name``) without importing it."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires a callable in a reduce tuple; this one is never called
        raise TypeError(f"{self.module}.{self.name} is a name in a pickle, not a function")


class _StorageRef:
    __slots__ = ("key", "dtype", "numel")

    def __init__(self, key: str, dtype, numel: int) -> None:
        self.key, self.dtype, self.numel = key, dtype, numel


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_ORDERED_DICT = _Global("collections", "OrderedDict")


class _Pickler(pickle._Pickler):
    """Pickles ember objects under torch's names, storages as persistent ids (torch's layout)."""

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: dict[int, tuple[_StorageRef, np.ndarray]] = {}

    def save(self, obj, save_persistent_id=True):
        if type(obj) is _Global:
            memo = self.memo.get(id(obj))
            if memo is not None:
                self.write(self.get(memo[0]))
                return
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
            self.memoize(obj)
            return
        if isinstance(obj, D.dtype):  # torch pickles a dtype as the global torch.<name>
            self.write(pickle.GLOBAL + f"torch\n{obj.name}\n".encode())
            return
        super().save(obj, save_persistent_id)

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return ("storage", _Global("torch", _STORAGE_OF[obj.dtype]), obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, _device):
            return _Global("torch", "device"), (str(obj),)
        if type(obj) is Size:
            return _Global("torch", "Size"), (tuple(obj),)
        return NotImplemented

    def _storage_for(self, arr: np.ndarray, dtype) -> tuple[_StorageRef, int, tuple]:
        """The storage holding ``arr`` (shared by all views of one base array) and arr's offset and strides."""
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        item = arr.itemsize
        usable = (root.flags.c_contiguous and root.dtype == arr.dtype and all(s >= 0 for s in arr.strides)
                  and all(s % item == 0 for s in arr.strides))
        if usable:
            start = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            usable = start % item == 0 and start >= 0
        if not usable:
            root = np.ascontiguousarray(arr)
            start = 0
        ref_and_arr = self.storages.get(id(root))
        if ref_and_arr is None:
            ref = _StorageRef(str(len(self.storages)), dtype, root.size)
            self.storages[id(root)] = (ref, root)
        else:
            ref = ref_and_arr[0]
        if not usable:
            strides = tuple(s // item for s in root.strides)
        else:
            strides = tuple(s // item for s in arr.strides)
        # torch: a size-1 or size-0 dimension may carry any stride; keep NumPy's
        return ref, start // item, strides

    def _reduce_tensor(self, t: Tensor):
        if t.is_sparse:
            raise NotImplementedError("ember.save: sparse tensors are not supported yet")
        arr = t._data
        if type(arr) is not np.ndarray:
            arr = t.cpu()._data
        ref, offset, strides = self._storage_for(arr, t.dtype)
        args = (ref, offset, tuple(arr.shape), strides, t.requires_grad and t.grad_fn is None,
                collections.OrderedDict())
        if type(t).__name__ == "Parameter":
            inner = _Reduced(_REBUILD_TENSOR, (ref, offset, tuple(arr.shape), strides, False,
                                               collections.OrderedDict()))
            return _REBUILD_PARAMETER, (inner, t.requires_grad, collections.OrderedDict())
        return _REBUILD_TENSOR, args


class _Reduced:
    """An object that pickles as ``func(*args)``."""

    __slots__ = ("func", "args")

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _write_zip(f, prefix: str, data_pkl: bytes, storages) -> None:
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        def record(name: str, payload: bytes, align: bool = False) -> None:
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            if align:
                here = zf.fp.tell() + 30 + len(info.filename.encode()) + 4
                pad = (-here) % _ALIGN
                info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            zf.writestr(info, payload)

        record("data.pkl", data_pkl)
        record(".format_version", b"1")
        record(".storage_alignment", str(_ALIGN).encode())
        record("byteorder", b"little")
        for ref, arr in storages:
            record(f"data/{ref.key}", np.ascontiguousarray(arr).tobytes(), align=True)
        record("version", b"3\n")
        record(".data/serialization_id", str(secrets.randbits(128)).zfill(40)[:40].encode())


def save(obj, f, pickle_module=pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, state_dicts, containers) to a path or file object in PyTorch's format."""
    buf = io.BytesIO()
    pickler = _Pickler(buf, pickle_protocol)
    pickler.dump(obj)
    storages = list(pickler.storages.values())
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        prefix = os.path.splitext(os.path.basename(path))[0] or "archive"
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".ember-save-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_zip(out, prefix, buf.getvalue(), storages)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)  # atomic: a crash never leaves a half-written file at `path`
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return
    _write_zip(f, "archive", buf.getvalue(), storages)


# ------------------------------------------------------------------------------------------- load
class _StorageType:
    """Stands in for ``torch.FloatStorage`` etc. while unpickling."""

    def __init__(self, dtype) -> None:
        self.dtype = dtype


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    arr = storage
    item = arr.itemsize
    size, stride = tuple(size), tuple(stride)
    if not size:
        view = arr[storage_offset:storage_offset + 1].reshape(()) if arr.size else np.zeros((), arr.dtype)
    elif 0 in size:
        view = np.zeros(size, dtype=arr.dtype)
    else:
        view = np.lib.stride_tricks.as_strided(arr[storage_offset:], shape=size,
                                               strides=tuple(s * item for s in stride))
    t = Tensor._from(view, D.from_numpy_dtype(arr.dtype) if arr.dtype != np.uint16 else D.bfloat16)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *extra):
    try:
        from .nn.parameter import Parameter
    except ImportError:  # pragma: no cover - nn not built yet
        return data.requires_grad_(requires_grad)
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    for k, v in (state or {}).items():
        setattr(p, k, v)
    return p


def _torch_device(spec):
    return _device(spec)


def _torch_size(t):
    return Size(t)


_SAFE_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "defaultdict"): collections.defaultdict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
    ("torch", "device"): _torch_device,
    ("torch", "Size"): _torch_size,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "slice"): slice,
    ("builtins", "complex"): complex,
    ("builtins", "tuple"): tuple,
    ("builtins", "list"): list,
    ("builtins", "dict"): dict,
}
for _name in _DTYPE_OF_STORAGE:
    _SAFE_GLOBALS[("torch", _name)] = _StorageType(_DTYPE_OF_STORAGE[_name])
for _d in D.ALL_DTYPES:
    _SAFE_GLOBALS[("torch", _d.name)] = _d
for _alias in ("float", "double", "half", "int", "long", "short", "cfloat", "cdouble"):
    _SAFE_GLOBALS[("torch", _alias)] = getattr(D, _alias)


def _weights_only_error(module: str, name: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(
        "Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
        f"`torch.load` from `False` to `True`. ... WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} "
        "was not an allowed global by default. Re-running `torch.load` with `weights_only` set to `False` will "
        "likely succeed, but it can result in arbitrary code execution. Do it only if you got the file from a "
        "trusted source."
    )


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, zf, prefix, weights_only, map_location):
        super().__init__(file)
        self._zf, self._prefix = zf, prefix
        self._weights_only = weights_only
        self._map_location = map_location
        self._storages: dict[str, np.ndarray] = {}

    def find_class(self, module, name):
        hit = _SAFE_GLOBALS.get((module, name))
        if hit is not None:
            return hit
        if self._weights_only:
            raise _weights_only_error(module, name)
        if module == "torch" or module.startswith("torch."):
            import importlib

            from .compat import _target

            target = _target(module)
            try:
                mod = importlib.import_module(target)
                return getattr(mod, name)
            except (ImportError, AttributeError):
                raise pickle.UnpicklingError(f"ember cannot rebuild {module}.{name}: ember has no such object") \
                    from None
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, stype, key, location, numel = pid[:5]
        arr = self._storages.get(key)
        if arr is None:
            dt = stype.dtype if isinstance(stype, _StorageType) else D.uint8
            raw = self._zf.read(f"{self._prefix}/data/{key}")
            npdt = np.dtype(np.uint16) if dt is D.bfloat16 and dt.np is None else D.np_dtype(dt)
            arr = np.frombuffer(raw, dtype=npdt).copy()  # own, writable memory
            if arr.size != numel and numel is not None and arr.size > numel:
                arr = arr[:numel]
            self._storages[key] = arr
        return arr


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap=None,
         **pickle_load_args):
    """Load an object saved by ``torch.save`` or ``ember.save`` (safely by default: ``weights_only=True``)."""
    if weights_only is None:
        weights_only = True
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _load_bytes(fh.read(), map_location, weights_only)
    return _load_bytes(f.read(), map_location, weights_only)


def _load_bytes(raw: bytes, map_location, weights_only):
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise RuntimeError(
            "ember.load reads PyTorch's zip format (torch.save since 1.6); this file is in the legacy format, which "
            "ember does not read. Re-save it with a recent torch.save."
        )
    zf = zipfile.ZipFile(io.BytesIO(raw))
    names = zf.namelist()
    pkl = next((n for n in names if n.endswith("/data.pkl") or n == "data.pkl"), None)
    if pkl is None:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    prefix = pkl[: -len("/data.pkl")] if "/" in pkl else ""
    up = _Unpickler(io.BytesIO(zf.read(pkl)), zf, prefix, weights_only, map_location)
    obj = up.load()
    return _apply_map_location(obj, map_location)


def _apply_map_location(obj, map_location):
    if map_location is None:
        return obj
    if callable(map_location) and not isinstance(map_location, (str, _device)):
        return obj  # torch calls it per storage with location 'cpu': identity for CPU files
    if isinstance(map_location, dict):
        target = map_location.get("cpu")
        if target is None:
            return obj
        map_location = target
    dev = _device(map_location)
    if dev.type == "cpu":
        return obj
    return _move(obj, dev)


def _move(obj, dev):
    if isinstance(obj, Tensor):
        return obj.to(dev)
    if isinstance(obj, collections.OrderedDict):
        out = collections.OrderedDict((k, _move(v, dev)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, dict):
        return {k: _move(v, dev) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_move(v, dev) for v in obj)
    return obj

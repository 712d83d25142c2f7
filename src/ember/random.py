"""Generators and random sampling with PyTorch's CPU streams (see docs/random.md).

``Generator`` wraps the NumPy reimplementation of torch's CPU generator in ``ember._rng``, so
``manual_seed(s)`` followed by ``rand``/``randn``/``randint``/``randperm``/``normal_``/... gives the
values PyTorch gives on the same CPU. CUDA tensors are drawn on the CPU stream and copied.
"""

from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._dims import shape_args
from ._tensor import Tensor
from .backend import to_device


class Generator:
    """A random number generator with torch's CPU stream, seeding and state layout."""

    def __init__(self, device="cpu") -> None:
        from ._rng import CPUGeneratorState

        self.device = _device(device)
        self._state = CPUGeneratorState()

    def manual_seed(self, seed: int) -> Generator:
        self._state.manual_seed(_seed_int(seed))
        return self

    def seed(self) -> int:
        return self._state.seed()

    def initial_seed(self) -> int:
        return self._state.initial_seed()

    def get_state(self) -> Tensor:
        return Tensor._from(self._state.get_state().copy(), D.uint8)

    def set_state(self, new_state: Tensor) -> Generator:
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not D.uint8:
            raise RuntimeError(f"expected a torch.ByteTensor, but got {new_state.type()}")
        self._state.set_state(new_state.numpy(force=True))
        return self

    def __reduce__(self):
        raise TypeError("cannot pickle 'torch._C.Generator' object")


def _seed_int(seed) -> int:
    if isinstance(seed, Tensor):
        seed = seed.item()
    if isinstance(seed, float):
        raise TypeError("manual_seed expected a long, but got float")
    return int(seed)


default_generator = Generator()


def _gen(generator) -> Generator:
    return default_generator if generator is None else generator


def manual_seed(seed) -> Generator:
    """Seed the default generator (CUDA generators too, which ember draws from the CPU stream)."""
    default_generator.manual_seed(seed)
    return default_generator


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def _float_out(dtype):
    d = D._default[0] if dtype is None else dtype
    if not d.is_floating_point:
        raise RuntimeError(f'"check_uniform_bounds" not implemented for \'{D.dtype_name_cap(d)}\'')
    return d


def _place(arr, dtype, device, requires_grad):
    if device is not None and _device(device).type != "cpu":
        arr = to_device(arr, _device(device))
    t = Tensor._from(arr, dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _size(size, kw):
    if "size" in kw and kw["size"] is not None:
        return shape_args((kw.pop("size"),))
    kw.pop("size", None)
    return shape_args(size)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kw) -> Tensor:
    """Uniform samples in [0, 1) with torch's stream."""
    shape = _size(size, kw)
    d = _float_out(dtype)
    arr = _gen(generator)._state.uniform(shape, D.np_dtype(d))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kw) -> Tensor:
    """Standard normal samples with torch's stream."""
    shape = _size(size, kw)
    d = _float_out(dtype)
    arr = _gen(generator)._state.normal(shape, D.np_dtype(d))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False) -> Tensor:
    """Integers in [low, high) with torch's stream (int64 unless ``dtype`` says otherwise)."""
    if size is None:  # randint(high, size)
        if isinstance(high, (tuple, list)) or type(high).__name__ == "Size":
            low, high, size = 0, low, high
        else:
            raise TypeError("randint() missing 1 required positional arguments: \"size\"")
    if high is None:
        low, high = 0, low
    d = D.int64 if dtype is None else dtype
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = _gen(generator)._state.random_int(shape_args((size,)), D.np_dtype(d), int(low), int(high))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1 with torch's stream."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    d = D.int64 if dtype is None else dtype
    arr = _gen(generator)._state.randperm(int(n), D.np_dtype(d))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    """Normal samples: ``normal(mean, std, size)`` with numbers, or element-wise with tensor mean and/or std."""
    g = _gen(generator)._state
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        if isinstance(std, Tensor) and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        m = mean._data if isinstance(mean, Tensor) else float(mean)
        s = std._data if isinstance(std, Tensor) else float(std)
        arr = g.normal_tensor(m, s, ref.dtype.np)
        return _maybe_out(_place(arr, ref.dtype, None, requires_grad), out)
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments - got (float, float), but expected "
                        "one of: (Tensor mean, Tensor std) or (float mean, float std, tuple of ints size)")
    d = _float_out(dtype)
    arr = g.normal(shape_args((size,)), D.np_dtype(d), float(mean), float(std))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """Draw 0/1 with the probabilities in ``input`` (or a fixed ``p``)."""
    g = _gen(generator)._state
    if p is not None:
        arr = g.bernoulli_scalar(input.shape, input.dtype.np, float(p))
    else:
        arr = g.bernoulli_tensor(input._data, input.dtype.np)
    return _maybe_out(Tensor._from(np.asarray(arr, dtype=input.dtype.np), input.dtype), out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Sample category indices from rows of (unnormalised) probabilities."""
    arr = _gen(generator)._state.multinomial(input._data, int(num_samples), bool(replacement))
    return _maybe_out(Tensor._from(np.asarray(arr, dtype=np.int64)), out)


def poisson(input, generator=None) -> Tensor:
    arr = _gen(generator)._state.poisson(input._data, input.dtype.np)
    return Tensor._from(arr, input.dtype)


def _maybe_out(t, out):
    if out is None:
        return t
    from .ops.arith import _out

    return _out(t, out)


# ------------------------------------------------------------------------------------------- in-place samplers
def _fill(self, arr):
    from .ops._inplace import check_leaf

    check_leaf(self)
    if type(self._data) is not np.ndarray:
        arr = to_device(arr, self.device)
    self._data[...] = arr
    self._bump()
    return self


def _fdt(self):
    return self.dtype.np


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    return _fill(self, _gen(generator)._state.uniform(self.shape, _fdt(self), float(a), float(b)))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    return _fill(self, _gen(generator)._state.normal(self.shape, _fdt(self), float(mean), float(std),
                                                     contiguous=self.is_contiguous()))


def _random_(self, from_=0, to=None, *, generator=None):
    g = _gen(generator)._state
    if to is None and from_ == 0:
        return _fill(self, g.random_(self.shape, _fdt(self)))
    if to is None:
        from_, to = 0, from_
    return _fill(self, g.random_int(self.shape, _fdt(self), int(from_), int(to)))


def _exponential_(self, lambd=1.0, *, generator=None):
    return _fill(self, _gen(generator)._state.exponential(self.shape, _fdt(self), float(lambd)))


def _log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    return _fill(self, _gen(generator)._state.log_normal(self.shape, _fdt(self), float(mean), float(std)))


def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return _fill(self, _gen(generator)._state.cauchy(self.shape, _fdt(self), float(median), float(sigma)))


def _geometric_(self, p, *, generator=None):
    return _fill(self, _gen(generator)._state.geometric(self.shape, _fdt(self), float(p)))


def _bernoulli_(self, p=0.5, *, generator=None):
    g = _gen(generator)._state
    if isinstance(p, Tensor):
        arr = g.bernoulli_tensor(np.broadcast_to(p._data, self.shape), _fdt(self))
    else:
        arr = g.bernoulli_scalar(self.shape, _fdt(self), float(p))
    return _fill(self, arr)


Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.random_ = _random_
Tensor.exponential_ = _exponential_
Tensor.log_normal_ = _log_normal_
Tensor.cauchy_ = _cauchy_
Tensor.geometric_ = _geometric_
Tensor.bernoulli_ = _bernoulli_
Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator)
Tensor.multinomial = multinomial

"""Generators and random sampling with PyTorch's CPU streams (see docs/random.md).

``Generator`` wraps the NumPy reimplementation of torch's CPU generator in ``ember._rng``, so
``manual_seed(s)`` followed by ``rand``/``randn``/``randint``/``randperm``/``normal_``/... gives the
values PyTorch gives on the same CPU. CUDA tensors are drawn on the CPU stream and copied.
This module is also ``torch.random``: ``manual_seed``, ``seed``, ``initial_seed``, ``get_rng_state``,
``set_rng_state``, ``fork_rng`` and ``default_generator``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator as _Iter

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._dims import shape_args
from ._tensor import Tensor
from .autograd.function import Op
from .backend import to_device

__all__ = [
    "Generator",
    "bernoulli",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "multinomial",
    "normal",
    "poisson",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "seed",
    "set_rng_state",
]


class Generator:
    """A random number generator with torch's CPU stream, seeding and 5056-byte state layout.

    >>> ember.Generator().manual_seed(0).initial_seed()
    0
    """

    def __init__(self, device="cpu") -> None:
        from ._rng import CPUGeneratorState

        self.device = _device(device)
        self._state = CPUGeneratorState()

    def manual_seed(self, seed) -> Generator:
        """Seed the generator (negative seeds wrap modulo 2**64) and return it."""
        if isinstance(seed, Tensor):
            seed = seed.item()
        if isinstance(seed, float):
            raise RuntimeError("manual_seed expected a long, but got float")
        self._state.manual_seed(int(seed))
        return self

    def seed(self) -> int:
        """Re-seed from the OS's entropy and return the new seed."""
        return self._state.seed()

    def initial_seed(self) -> int:
        """Return the seed last set."""
        return self._state.initial_seed()

    def get_state(self) -> Tensor:
        """Return the state as a uint8 tensor in torch's layout (a state saved by torch can be set here)."""
        return Tensor._from(self._state.get_state().copy(), D.uint8)

    def set_state(self, new_state: Tensor) -> Generator:
        """Load a state from ``get_state`` (ember's or torch's bytes)."""
        _set_state(self, new_state)
        return self

    def clone_state(self) -> Generator:
        """Return a new generator in the same state (drawing from it leaves this one untouched)."""
        g = Generator(self.device)
        g._state.set_state(self._state.get_state())
        return g

    def graphsafe_get_state(self):
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state):
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")

    def get_offset(self) -> int:
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset: int) -> Generator:
        raise RuntimeError("CPU Generator does not use offset")

    def __reduce__(self):
        # torch: a pickled (or deep-copied) generator carries its seed and full state
        return _rebuild_generator, (str(self.device), bytes(self._state.get_state()))


def _rebuild_generator(device: str, state: bytes) -> Generator:
    g = Generator(device)
    g._state.set_state(np.frombuffer(state, dtype=np.uint8))
    return g


def _set_state(gen: Generator, new_state) -> None:
    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
    if new_state.dtype is not D.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    gen._state.set_state(new_state.numpy(force=True))


default_generator = Generator()


def _gen(generator) -> Generator:
    return default_generator if generator is None else generator


def manual_seed(seed) -> Generator:
    """Seed the default generator and return it (CUDA generators too: ember draws them from the CPU stream)."""
    if isinstance(seed, Tensor):
        seed = seed.item()
    default_generator._state.manual_seed(int(seed))
    return default_generator


def seed() -> int:
    """Seed the default generator from the OS's entropy and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """Return the default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """Return the default generator's state as a uint8 tensor (torch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Set the default generator's state from ``get_rng_state()`` (ember's or torch's)."""
    _set_state(default_generator, new_state)


@contextlib.contextmanager
def fork_rng(
    devices=None,
    enabled: bool = True,
    _caller: str = "fork_rng",
    _devices_kw: str = "devices",
    device_type: str = "cuda",
) -> _Iter[None, None, None]:
    """Restore the default generator's state on exit, whatever was drawn inside the block."""
    if not enabled:
        yield
        return
    state = default_generator._state.get_state().copy()
    try:
        yield
    finally:
        default_generator._state.set_state(state)


# ------------------------------------------------------------------------------------------- helpers
_KERNEL = {
    "uniform": "check_uniform_bounds",
    "normal": "normal_kernel_cpu",
    "cauchy": "cauchy_cpu",
    "log_normal": "log_normal_cpu",
}


def _float_dtype(d, kind: str):
    """Check that ``d`` is a floating dtype for a ``kind`` draw, raising torch's error otherwise."""
    if d.is_floating_point and d.np is not None:
        return d
    if kind == "exponential":
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {D.dtype_name_cap(d)}"
        )
    raise NotImplementedError(f"\"{_KERNEL[kind]}\" not implemented for '{D.dtype_name_cap(d)}'")


def _place(arr, dtype, device, requires_grad):
    if device is not None and _device(device).type != "cpu":
        arr = to_device(arr, _device(device))
    t = Tensor._from(arr, dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _shape(fn: str, size, kw_size) -> tuple:
    if kw_size is not None:
        if size:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        size = (kw_size,)
    if not size:
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got (), but expected one of:\n"
            " * (tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype "
            "= None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
            "bool requires_grad = False)"
        )
    return shape_args(size)


def _maybe_out(t, out):
    if out is None:
        return t
    from .ops.arith import _out

    return _out(t, out)


# ------------------------------------------------------------------------------------------- factories
def rand(
    *size,
    size_=None,
    generator: Generator | None = None,
    out: Tensor | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    **kw,
) -> Tensor:
    """Return uniform samples in [0, 1) with torch's stream (``size`` positional or as ``size=``)."""
    return _sample("rand", "uniform", size, kw.pop("size", size_), generator, out, dtype, device, requires_grad)


def randn(
    *size,
    size_=None,
    generator: Generator | None = None,
    out: Tensor | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    **kw,
) -> Tensor:
    """Return standard normal samples with torch's stream (``size`` positional or as ``size=``)."""
    return _sample("randn", "normal", size, kw.pop("size", size_), generator, out, dtype, device, requires_grad)


def _sample(fn: str, kind: str, size, kw_size, generator, out, dtype, device, requires_grad) -> Tensor:
    """Draw ``fn``'s standard ``kind`` samples (the generator's method of that name) in the default float dtype."""
    shape = _shape(fn, size, kw_size)
    d = _float_dtype(D._default[0] if dtype is None else dtype, kind)
    arr = getattr(_gen(generator)._state, kind)(shape, d.np)
    return _maybe_out(_place(arr, d, device, requires_grad), out)


_RANDINT_SIGS = (
    " * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype "
    "dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n * (int low, int high, tuple of ints size, *, torch.Generator "
    "generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device "
    "device = None, bool pin_memory = False, bool requires_grad = False)\n"
)


def _is_size(x) -> bool:
    return isinstance(x, (tuple, list)) or type(x).__name__ == "Size"


def randint(
    *args,
    size=None,
    low=None,
    high=None,
    generator: Generator | None = None,
    out: Tensor | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Return integers in [low, high) with torch's stream: ``randint(high, size)`` or ``randint(low, high, size)``.

    The result is int64 unless ``dtype`` says otherwise.
    """
    args = list(args)
    if size is None and args and _is_size(args[-1]):
        size = args.pop()
    if len(args) == 2 and low is None and high is None:
        low, high = args
    elif len(args) == 1 and high is None:
        high = args[0]
    elif len(args) == 1 and low is None:
        low = args[0]
    elif args:
        raise TypeError("randint() received an invalid combination of arguments")
    if size is None or high is None:
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(
            f"randint() received an invalid combination of arguments - got ({got}), but expected one "
            f"of:\n{_RANDINT_SIGS}"
        )
    low = 0 if low is None else low
    low, high = int(low), int(high)
    d = D.int64 if dtype is None else dtype
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = _gen(generator)._state.random_int(shape_args((size,)), d.np, low, high)
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def randperm(
    n: int,
    *,
    generator: Generator | None = None,
    out: Tensor | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Return a random permutation of ``0 .. n-1`` with torch's stream (int64 unless ``dtype`` says otherwise)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = D.int64 if dtype is None else dtype
    arr = _gen(generator)._state.randperm(n, d.np)
    return _maybe_out(_place(arr, d, device, requires_grad), out)


def rand_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    """Return ``rand`` samples of ``input``'s shape, dtype and device."""
    return rand(size_=tuple(input.shape), **_like(input, generator, dtype, device, requires_grad))


def randn_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    """Return ``randn`` samples of ``input``'s shape, dtype and device."""
    return randn(size_=tuple(input.shape), **_like(input, generator, dtype, device, requires_grad))


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    generator: Generator | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    """Return ``randint`` samples of ``input``'s shape, dtype and device; ``randint_like(x, high)`` too."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), **_like(input, generator, dtype, device, requires_grad))


def _like(input: Tensor, generator, dtype, device, requires_grad) -> dict:
    """The keyword arguments a ``*_like`` factory passes on: ``input``'s dtype and device unless given."""
    return {
        "generator": generator,
        "dtype": dtype or input.dtype,
        "device": device or input.device,
        "requires_grad": requires_grad,
    }


# ------------------------------------------------------------------------------------------- normal
class _Normal(Op):
    """out = a normal sample drawn by the caller; torch's derivative is zero for mean and std."""

    grad_fn = "NormalBackward3"

    @staticmethod
    def forward(ctx, mean, std, sample):
        return sample

    @staticmethod
    def backward(ctx, grad):
        mean, std = ctx.inputs[:2]
        gm = grad.new_zeros(mean.shape) if ctx.needs_input_grad[0] else None
        gs = grad.new_zeros(std.shape) if ctx.needs_input_grad[1] else None
        return gm, gs, None


class _NormalMean(_Normal):
    grad_fn = "NormalBackward1"


class _NormalStd(_Normal):
    grad_fn = "NormalBackward2"


def normal(
    mean=0.0,
    std=1.0,
    size=None,
    *,
    generator: Generator | None = None,
    out: Tensor | None = None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Return normal samples: ``normal(mean, std, size)`` for numbers, element-wise for tensor mean and/or std.

    torch: tensor overloads draw standard normals into the broadcast shape and then scale and shift them, so they
    round twice, unlike ``normal_(mean, std)``; the result takes ``mean``'s dtype when it is a tensor.
    """
    g = _gen(generator)._state
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if mt or st:
        if size is not None:
            raise TypeError(
                "normal() received an invalid combination of arguments - got (Tensor, Tensor, tuple), "
                "but expected one of: (Tensor mean, Tensor std) or (float mean, float std, tuple of "
                "ints size)"
            )
        ref = mean if mt else std
        d = _float_dtype(ref.dtype, "normal")
        m = mean._data if mt else float(mean)
        s = std._data if st else float(std)
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        sample = Tensor._from(g.normal_tensor(m, s, d.np).reshape(shape), d)
        needs = (mt and mean._requires_grad) or (st and std._requires_grad)
        if needs:
            from .autograd import grad_mode

            if grad_mode.is_grad_enabled():
                op = _Normal if mt and st else (_NormalMean if mt else _NormalStd)
                mean_t = mean if mt else Tensor._from(np.zeros((), d.np), d)
                std_t = std if st else Tensor._from(np.zeros((), d.np), d)
                sample = op.apply(mean_t, std_t, sample)
        return _maybe_out(sample, out)
    if size is None:
        raise TypeError(
            "normal() received an invalid combination of arguments - got (float, float), but expected "
            "one of:\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = "
            "None)\n * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = "
            "None)\n * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
            " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor "
            "out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = "
            "None, bool pin_memory = False, bool requires_grad = False)\n"
        )
    d = _float_dtype(D._default[0] if dtype is None else dtype, "normal")
    arr = g.normal(shape_args((size,)), d.np, float(mean), float(std))
    return _maybe_out(_place(arr, d, device, requires_grad), out)


# ------------------------------------------------------------------------------------------- discrete
def bernoulli(
    input: Tensor, p: float | None = None, *, generator: Generator | None = None, out: Tensor | None = None
) -> Tensor:
    """Return 0/1 draws with the probabilities in ``input`` (or a fixed ``p``), in ``input``'s dtype."""
    g = _gen(generator)._state
    if p is not None:
        arr = g.bernoulli_scalar(input.shape, input.dtype.np, float(p))
    else:
        if not input.dtype.is_floating_point:
            name = D.dtype_name_cap(input.dtype)
            raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{name}'")
        arr = g.bernoulli_tensor(input._data, input.dtype.np)
    return _maybe_out(Tensor._from(np.asarray(arr, dtype=input.dtype.np), input.dtype), out)


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Return category indices drawn from rows of (unnormalised) probabilities, int64."""
    arr = _gen(generator)._state.multinomial(input._data, int(num_samples), bool(replacement))
    return _maybe_out(Tensor._from(np.asarray(arr, dtype=np.int64), D.int64), out)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Return one Poisson count per rate in ``input``, in ``input``'s dtype."""
    arr = _gen(generator)._state.poisson(input._data, input.dtype.np)
    return Tensor._from(arr, input.dtype)


# ------------------------------------------------------------------------------------------- in-place samplers
def _memory_order(self: Tensor):
    """Return (a view of ``self``'s array with dims in memory order, the permutation) for serial fills.

    torch: its serial kernels walk a tensor in memory order (strides sorted), so a transposed tensor receives the
    stream as its storage does; a contiguous tensor is already in that order.
    """
    a = self._data
    if a.ndim < 2 or a.flags.c_contiguous:
        return a, None
    strides = [abs(s) if n > 1 else 0 for s, n in zip(a.strides, a.shape, strict=True)]
    perm = sorted(range(a.ndim), key=lambda i: -strides[i])  # stable: ties keep the logical order
    if perm == list(range(a.ndim)):
        return a, None
    return a.transpose(perm), perm


def _fill(self: Tensor, draw, *extra):
    """Fill ``self`` in memory order with ``draw(shape, *extra_views)``; ``extra`` arrays are permuted alike."""
    from .ops._inplace import check_leaf

    check_leaf(self)
    target, perm = _memory_order(self)
    if perm is not None:
        extra = tuple(e.transpose(perm) for e in extra)
    arr = draw(target.shape, *extra)
    if type(target) is not np.ndarray:
        arr = to_device(arr, self.device)
    target[...] = arr
    self._bump()
    return self


def _fill_float(self: Tensor, kind: str, generator, *params, **kw) -> Tensor:
    """Fill a floating ``self`` with the generator's ``kind`` draws of parameters ``params`` (as Python floats)."""
    dt = _float_dtype(self.dtype, kind).np
    draw = getattr(_gen(generator)._state, kind)
    return _fill(self, lambda shape: draw(shape, dt, *map(float, params), **kw))


def _uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: Generator | None = None, **kw) -> Tensor:
    """Fill with uniform samples in [from, to) (torch's stream)."""
    from_ = kw.pop("from", from_)
    return _fill_float(self, "uniform", generator, from_, to)


def _normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with normal samples; torch's vector path for contiguous tensors of 16+ elements, else its scalar path."""
    return _fill_float(self, "normal", generator, mean, std, contiguous=self._data.flags.c_contiguous)


def _random_(self: Tensor, *args, generator: Generator | None = None, **kw) -> Tensor:
    """Fill with integers: ``random_()`` over the dtype's range, ``random_(to)``, ``random_(from, to)``."""
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 arguments ({len(args)} given)")
    if len(args) == 1:  # torch: one positional argument is ``to``
        lo, hi = kw.pop("from", 0), args[0]
    else:
        lo, hi = args if args else (kw.pop("from", 0), kw.pop("to", None))
    g = _gen(generator)._state
    dt = self.dtype.np
    if hi is None and lo == 0:
        return _fill(self, lambda shape: g.random_(shape, dt))
    if hi is None:
        raise TypeError(
            "random_() received an invalid combination of arguments - got (from=int, ), but expected one of:"
        )
    lo, hi = int(lo), int(hi)
    return _fill(self, lambda shape: g.random_int(shape, dt, lo, hi))


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``."""
    return _fill_float(self, "exponential", generator, lambd)


def _log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with ``exp`` of normal samples."""
    return _fill_float(self, "log_normal", generator, mean, std)


def _cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with Cauchy samples."""
    return _fill_float(self, "cauchy", generator, median, sigma)


def _geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with geometric samples (number of trials to the first success, from 1)."""
    g = _gen(generator)._state
    dt = self.dtype.np
    return _fill(self, lambda shape: g.geometric(shape, dt, float(p)))


def _bernoulli_(self: Tensor, p=0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill with 0/1 draws of probability ``p`` (a float or a tensor broadcast to ``self``)."""
    g = _gen(generator)._state
    dt = self.dtype.np
    if isinstance(p, Tensor):
        pb = np.broadcast_to(p._data, self.shape)
        return _fill(self, lambda shape, pv: g.bernoulli_tensor(np.ascontiguousarray(pv), dt), pb)
    return _fill(self, lambda shape: g.bernoulli_scalar(shape, dt, float(p)))


def _bernoulli(self: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    return bernoulli(self, p, generator=generator)


def _multinomial(
    self: Tensor, num_samples: int, replacement: bool = False, *, generator: Generator | None = None
) -> Tensor:
    return multinomial(self, num_samples, replacement, generator=generator)


Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.random_ = _random_
Tensor.exponential_ = _exponential_
Tensor.log_normal_ = _log_normal_
Tensor.cauchy_ = _cauchy_
Tensor.geometric_ = _geometric_
Tensor.bernoulli_ = _bernoulli_
Tensor.bernoulli = _bernoulli
Tensor.multinomial = _multinomial

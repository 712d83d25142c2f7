"""Optimizer: the base class of every optimizer, with torch's parameter groups, state and state_dict layout.

Updates work on the parameters' arrays directly (``p._data``) with a few in-place NumPy calls per parameter, in
the order torch's single-tensor (``foreach=False``) implementation uses, so results agree to float32 rounding.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad as _NoGrad  # noqa: F401, N812 - re-exported for the optimizers
from ..autograd.grad_mode import state as _grad_state

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]


class _RequiredParameter:
    """Singleton for a parameter a group must give (torch.optim.optimizer.required)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()


class RemovableHandle:
    """A handle that removes a hook from its dict (torch.utils.hooks.RemovableHandle)."""

    _next_id = 0

    def __init__(self, hooks_dict: dict) -> None:
        self.hooks_dict = hooks_dict
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Register a pre hook ``hook(optimizer, args, kwargs)`` run before every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Register a post hook ``hook(optimizer, args, kwargs)`` run after every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _typename(obj) -> str:
    t = type(obj)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _to_scalar(x):
    """A Python number from a number or a one-element tensor (torch accepts Tensor lr and betas)."""
    return x.item() if isinstance(x, Tensor) else x


def _hooked_step(step):
    """Wrap a subclass's ``step`` so the global and per-instance step hooks run around it, as torch does."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got {result}."
                    )
        out = step(self, *args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _closure_loss(closure):
    """Call ``closure`` with autograd on and return its result."""
    if closure is None:
        return None
    prev = _grad_state.enabled
    _grad_state.enabled = True
    try:
        return closure()
    finally:
        _grad_state.enabled = prev


def _foreign_to_tensor(value):
    """An ember Tensor from a tensor of another library with ``.numpy()`` (a torch state_dict), else ``value``."""
    if isinstance(value, Tensor) or not (hasattr(value, "detach") and hasattr(value, "numpy")):
        return value
    arr = np.array(value.detach().cpu().numpy())
    return Tensor._from(arr)


class Optimizer:
    """Base class for all optimizers: holds parameter groups and per-parameter state.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter groups) whose keys
    override ``defaults`` for that group.

    >>> ember.optim.SGD([ember.zeros(2, requires_grad=True)], lr=0.1)
    SGD (
    Parameter Group 0
        dampening: 0
        differentiable: False
        foreach: None
        fused: None
        lr: 0.1
        maximize: False
        momentum: 0
        nesterov: False
        weight_decay: 0
    )
    """

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + _tensor_typename(params)
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in (
            "_optimizer_step_pre_hooks",
            "_optimizer_step_post_hooks",
            "_optimizer_state_dict_pre_hooks",
            "_optimizer_state_dict_post_hooks",
            "_optimizer_load_state_dict_pre_hooks",
            "_optimizer_load_state_dict_post_hooks",
        ):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        # torch: each optimizer's __setstate__ fills options added in later versions into loaded groups
        for group in self.param_groups:
            for key in self._setstate_defaults:
                if key in self.defaults:
                    group.setdefault(key, self.defaults[key])
        self._setstate_fix_steps()

    # options an older state_dict may lack; each optimizer lists its own
    _setstate_defaults: tuple = ("maximize", "foreach", "differentiable", "capturable", "fused")
    # the per-parameter state key holding a step count kept as a tensor (None: no step, or kept as an int)
    _step_key: str | None = "step"

    def _setstate_fix_steps(self) -> None:
        # torch: a Python-number step in a loaded state becomes a 0-d tensor of the scalar dtype
        if self._step_key is None:
            return
        for st in self.state.values():
            if isinstance(st, dict) and self._step_key in st and not isinstance(st[self._step_key], Tensor):
                st[self._step_key] = _step_tensor(float(st[self._step_key]))

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\n"
            s += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        s += ")"
        return s

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs)`` to run before ``step``; it may return new (args, kwargs)."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs)`` to run after ``step``."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _register(self, hooks: OrderedDict, hook: Callable, prepend: bool) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run before ``state_dict``."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict)`` to run after ``state_dict``; it may return a new dict."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict)`` to run before ``load_state_dict``; it may return a new dict."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run after ``load_state_dict``."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state_dict
    def state_dict(self) -> dict[str, Any]:
        """Return the state as ``{'state': {id: {...}}, 'param_groups': [...]}`` with integer parameter ids.

        As in torch, the state's tensors are the optimizer's own (not copies).
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings: dict[int, int] = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                if id(p) not in param_mappings:
                    param_mappings[id(p)] = start_index
                    start_index += 1
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _cast_state_value(self, param: Tensor, value, fused_or_capturable: bool, key=None):
        if isinstance(value, Tensor) or (hasattr(value, "detach") and hasattr(value, "numpy")):
            value = _foreign_to_tensor(value)
            if key == "step":
                return value.to(D.float32) if fused_or_capturable else value
            if param.is_floating_point():
                return value.to(dtype=param.dtype, device=param.device)
            return value.to(device=param.device)
        if isinstance(value, dict):
            return {k: self._cast_state_value(param, v, fused_or_capturable, key=k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._cast_state_value(param, v, fused_or_capturable) for v in value)
        return value

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state from :meth:`state_dict` (ember's or torch's); groups are matched by order and size.

        Tensors of another library (a torch state_dict) are converted to ember tensors. A mismatched state raises
        torch's ValueError and leaves the optimizer unchanged.
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups, strict=True)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
                strict=True,
            )
        )
        fused_or_capturable = {}
        for g in state_dict["param_groups"]:
            flag = bool(g.get("fused", False) or g.get("capturable", False))
            for pid in g["params"]:
                fused_or_capturable[pid] = flag
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._cast_state_value(param, v, fused_or_capturable.get(k, False))
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups, strict=True)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # ------------------------------------------------------------------ grads and groups
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors: to None (default) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        if g.grad_fn is not None:
                            g.detach_()
                        else:
                            g._requires_grad = False
                        g._data[...] = 0
                        g._bump()

    def step(self, closure: Callable[[], float] | None = None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group (a dict with ``params`` and per-group options) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in "
                "sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause an "
                "error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {txt} to the optimizer"
                )
        if not seen.isdisjoint(id(p) for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _tensor_typename(t: Tensor) -> str:
    return "torch." + t.dtype._legacy if hasattr(t.dtype, "_legacy") else "torch.Tensor"


def _step_tensor(value: float = 0.0) -> Tensor:
    """The 0-d step counter torch keeps for Adam-family optimizers: float32 (float64 when that is the default)."""
    dt = D.float64 if D.get_default_dtype() is D.float64 else D.float32
    return Tensor._from(np.array(value, dtype=D.np_dtype(dt)), dt)


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._from(np.zeros_like(p._data), p.dtype)


def _full_like(p: Tensor, value: float) -> Tensor:
    return Tensor._from(np.full_like(p._data, value), p.dtype)


def _real(a):
    """A real view of a complex array (torch.view_as_real: the optimizers treat re and im as separate numbers)."""
    if a.dtype.kind == "c":
        return a.view(a.real.dtype)
    return a


def _grad_array(p: Tensor, maximize: bool):
    """The gradient's array, negated (a new array) under ``maximize``; raises for sparse gradients."""
    g = p._grad._data
    return -g if maximize else g


def _check_fused_foreach(fused, foreach, differentiable) -> None:
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_betas(betas) -> None:
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _check_nonneg(name: str, value) -> None:
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value}")


_HPARAM_LABEL = {"eps": "epsilon"}  # torch: "Invalid epsilon value", the other names as spelt
_HPARAM_MAX = {"rho": 1.0}


def _check_hparams(**values) -> None:
    """Raise torch's ValueError for the first invalid hyper-parameter, checked in the order given.

    ``lr`` and ``betas`` get their own checks; every other value must be non-negative (``rho`` also at most 1).
    """
    for name, value in values.items():
        if name == "lr":
            _check_lr(value)
        elif name == "betas":
            _check_betas(value)
        elif name in _HPARAM_MAX:
            if not 0.0 <= value <= _HPARAM_MAX[name]:
                raise ValueError(f"Invalid {name} value: {value}")
        else:
            _check_nonneg(_HPARAM_LABEL.get(name, name), value)


def _params_with_grad(opt, group: dict, sparse_error: str):
    """Yield ``(param, state)`` for each parameter of ``group`` that has a gradient; torch's error if it is sparse."""
    state = opt.state
    for p in group["params"]:
        if p._grad is None:
            continue
        if p._grad.is_sparse:
            raise RuntimeError(sparse_error)
        yield p, state[p]


def _init_state(st: dict, p: Tensor, *zeros: str, **values: float) -> None:
    """Fill a fresh state in torch's key order: ``step``, then 0-d ``values``, then zero buffers shaped like ``p``."""
    st["step"] = _step_tensor()
    for name, value in values.items():
        st[name] = _step_tensor(value)
    for name in zeros:
        st[name] = _zeros_like(p)


def _step_arrays(p: Tensor, st: dict, *names: str | None) -> tuple:
    """The real arrays a kernel updates: the parameter, its gradient, then the named state buffers (None stays None)."""
    return (_real(p._data), _real(p._grad._data), *(None if n is None else _real(st[n]._data) for n in names))


def _grad_with_decay(fma, param, grad, wd, maximize: bool, decoupled_lr=None):
    """Return the gradient to use: negated under ``maximize``, plus ``wd * param`` (L2 weight decay).

    With ``decoupled_lr`` (AdamW-style decoupled decay) ``param`` itself shrinks by ``lr * wd`` instead.
    """
    if maximize:
        grad = -grad
    if wd != 0:
        if decoupled_lr is not None:
            param *= 1 - decoupled_lr * wd
        else:
            grad = fma(wd, param, grad)  # torch: grad.add(param, alpha=weight_decay)
    return grad


_f32 = np.dtype(np.float32)


def _fma_exact(a, b, c, out=None):
    """Return ``a * b + c`` rounded once, as torch's vectorised CPU kernels compute it (a fused multiply-add).

    # torch: add(alpha=), lerp, addcmul compile to FMA instructions; for float32 the product of two float32
    numbers is exact in float64, so one float64 multiply-add then one rounding to float32 reproduces it.
    ``a`` is a Python number (cast to float32 first, as torch casts scalars) or an array; ``b`` an array.
    """
    if b.dtype == _f32:
        if not isinstance(a, np.ndarray):
            a = float(np.float32(a))
        t = b.astype(np.float64)
        t *= a
        t += c
        if out is None:
            return t.astype(_f32)
        out[...] = t
        return out
    t = b * a
    t += c
    if out is None:
        return t
    out[...] = t
    return out


def _fma_fast(a, b, c, out=None):
    """Return ``a * b + c`` with the product rounded first (at most one float32 ulp from torch's fused result)."""
    t = b * a
    if out is None:
        t += c
        return t
    np.add(t, c, out=out)
    return out


_fma = _fma_exact


def _lerp_(fma, a, end, weight: float):
    """``a.lerp_(end, weight)`` with torch's formula: ``a + w * (end - a)`` for ``|w| < 0.5``, else from ``end``."""
    w = np.float32(weight) if a.dtype == _f32 else weight
    diff = end - a
    if abs(w) < 0.5:
        return fma(w, diff, a, out=a)
    return fma(w - 1, diff, end, out=a)


_CHUNK = 1 << 15  # elements per block: a block's temporaries stay in cache (benchmarks/bench_optim.py)
# Tensors up to this size get torch's fused multiply-adds exactly (bit-equal updates); larger ones round the
# product first, at most one float32 ulp per operation, for speed: the exact emulation goes through float64 and
# doubles the cost of a step (bench_optim: Adam on 1M parameters).
_EXACT_MAX = 1 << 16


def _blocked(kernel, arrays, *args) -> None:
    """Run ``kernel(fma, *arrays, *args)`` block by block over large contiguous arrays (None entries pass through).

    Every kernel is element-wise, so blocks give the same numbers; the chain of in-place NumPy calls then reads
    each array from memory once instead of once per call. ``fma`` is the multiply-add the kernel uses.
    """
    first = arrays[0]
    n = first.size
    fma = _fma_exact if n <= _EXACT_MAX else _fma_fast
    if (
        n <= _CHUNK
        or type(first) is not np.ndarray
        or not all(a is None or (a.flags.c_contiguous and a.size == n) for a in arrays)
    ):
        kernel(fma, *arrays, *args)
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    for s in range(0, n, _CHUNK):
        e = s + _CHUNK
        kernel(fma, *[None if f is None else f[s:e] for f in flat], *args)

"""scatter / gather / replicate / parallel_apply: torch.nn.parallel's helpers on ember's one-device world."""

from __future__ import annotations

import copy
from typing import Any

from ..._device import device as _device
from ..._tensor import Tensor

__all__ = ["scatter", "gather", "replicate", "parallel_apply", "scatter_kwargs"]


def _dev(d):
    if isinstance(d, int) and not isinstance(d, bool):
        return _device("cuda", d)
    return _device(d)


def scatter(inputs: Any, target_gpus, dim: int = 0):
    """Split tensors into ``len(target_gpus)`` chunks along ``dim`` (as torch.chunk), one per device, recursively."""
    devices = [_dev(d) for d in target_gpus]

    def scatter_map(obj):
        if isinstance(obj, Tensor):
            return tuple(c.to(d) for c, d in zip(obj.chunk(len(devices), dim), devices, strict=False))
        if isinstance(obj, tuple) and obj:
            return list(zip(*map(scatter_map, obj), strict=False))
        if isinstance(obj, list) and obj:
            return [list(i) for i in zip(*map(scatter_map, obj), strict=False)]
        if isinstance(obj, dict) and obj:
            return [type(obj)(i) for i in zip(*map(scatter_map, obj.items()), strict=False)]
        return [obj for _ in devices]

    return scatter_map(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim: int = 0):
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered_inputs) < len(scattered_kwargs):
        scattered_inputs.extend(() for _ in range(len(scattered_kwargs) - len(scattered_inputs)))
    elif len(scattered_kwargs) < len(scattered_inputs):
        scattered_kwargs.extend({} for _ in range(len(scattered_inputs) - len(scattered_kwargs)))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def gather(outputs, target_device, dim: int = 0):
    """Concatenate the per-device outputs along ``dim`` on ``target_device`` (recursively for tuples/dicts)."""
    from ...ops.shape import cat

    dev = _device("cpu") if target_device == -1 else _dev(target_device)

    def gather_map(outs):
        out = outs[0]
        if isinstance(out, Tensor):
            return cat([o.to(dev) for o in outs], dim)
        if out is None:
            return None
        if isinstance(out, dict):
            return type(out)((k, gather_map([d[k] for d in outs])) for k in out)
        return type(out)(map(gather_map, zip(*outs, strict=False)))

    return gather_map(outputs)


def replicate(network, devices, detach: bool = False):
    """Copies of ``network`` on each device (deep copies; ember has one real device)."""
    return [copy.deepcopy(network).to(_dev(d)) for d in devices]


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    """Call each module on its inputs, one after the other."""
    kwargs_tup = kwargs_tup or tuple({} for _ in modules)
    outs = []
    for m, inp, kw in zip(modules, inputs, kwargs_tup, strict=False):
        if not isinstance(inp, (list, tuple)):
            inp = (inp,)
        outs.append(m(*inp, **kw))
    return outs

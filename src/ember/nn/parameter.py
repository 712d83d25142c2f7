"""nn.parameter: Parameter, Buffer, UninitializedParameter, UninitializedBuffer."""

from __future__ import annotations

from .._tensor import Tensor, _new

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]


def _empty_float():
    import ember

    return ember.empty(0)


class _ParameterMeta(type):
    """Print the class as torch's (``torch.nn.parameter.Parameter``) while the torch shim is active."""

    def __repr__(cls) -> str:
        import sys

        mod = cls.__module__
        if mod.startswith("ember.") and sys.modules.get("torch") is sys.modules.get("ember"):
            mod = "torch." + mod[len("ember."):]
        return f"<class '{mod}.{cls.__qualname__}'>"


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A Tensor that a Module registers as a parameter when assigned as its attribute; shares ``data``'s memory.

    >>> nn.Parameter(ember.tensor([1.0, 2.0]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    _is_param = True

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = _empty_float()
        p = _new(cls)
        p._data = data._data
        p.dtype = data.dtype
        vc = data._vc
        if vc is None:
            vc = data._vc = [0]
        p._vc = vc  # torch: the parameter aliases data's storage
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (Tensor.detach(self), self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)(Tensor.detach(self).clone(), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.__dict__.get("_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """Mark a tensor as a buffer: a Module registers it with ``register_buffer`` when it is assigned."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            data = _empty_float()
        t = data.detach().requires_grad_(data.requires_grad)
        t.__dict__["persistent"] = persistent
        t.__dict__["_is_buffer"] = True
        return t


class UninitializedParameter(Parameter):
    """A parameter of a ``Lazy*`` module whose shape is set by the first forward call."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        import ember

        return Parameter.__new__(cls, ember.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the parameter its shape (uninitialised memory) and make it a plain Parameter."""
        import ember

        t = ember.empty(shape, device=device or self.device, dtype=dtype or self.dtype)
        self._data = t._data
        self.dtype = t.dtype
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedBuffer(Tensor):
    """A buffer of a ``Lazy*`` module whose shape is set by the first forward call."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        import ember

        data = ember.empty(0, device=device, dtype=dtype)
        t = _new(cls)
        t._data = data._data
        t.dtype = data.dtype
        return t

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        pass

    materialize = UninitializedParameter.materialize
    shape = UninitializedParameter.shape

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__


def is_lazy(param) -> bool:
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))

"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode; thread-local as in torch.

Each is a context manager and a decorator (with or without parentheses for no_grad, enable_grad
and inference_mode); a decorated generator function runs each step of the generator in the mode.
"""

from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Return whether ops record a graph for autograd in this thread."""
    return state.enabled


def is_inference_mode_enabled() -> bool:
    """Return whether inference mode is on in this thread."""
    return state.inference


class _Mode:
    """Base of the grad-mode context managers; each also works as a decorator."""

    def __new__(cls, *args, **kwargs):
        # torch: @no_grad / @enable_grad / @inference_mode without parentheses decorate the function directly
        if cls is not set_grad_enabled and len(args) == 1 and not kwargs and callable(args[0]):
            if not isinstance(args[0], bool):
                return cls()(args[0])
        return super().__new__(cls)

    def __call__(self, fn):
        if isinstance(fn, type):
            raise TypeError("grad mode decorators apply to functions, not classes")
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def _wrap_generator(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            gen = fn(*args, **kwargs)
            try:
                with self.clone():
                    item = gen.send(None)
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as e:  # noqa: B036 - forwarded into the generator as torch does
                        with self.clone():
                            item = gen.throw(e)
                    else:
                        with self.clone():
                            item = gen.send(sent)
            except StopIteration as e:
                return e.value

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_Mode):
    """Disable gradient recording inside the block (``with ember.no_grad(): w -= lr * w.grad``).

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.no_grad():
    ...     (x * 2).requires_grad
    False
    """

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev


class enable_grad(_Mode):
    """Enable gradient recording inside the block, even within no_grad."""

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev


class set_grad_enabled(_Mode):
    """Set gradient recording on or off; takes effect at once, and as a context manager restores it."""

    def __init__(self, mode: bool) -> None:
        self.prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __call__(self, fn):
        state.enabled = self.prev  # torch: used as a decorator it changes nothing until the function runs
        return super().__call__(fn)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_Mode):
    """Like no_grad (ember keeps no separate inference tensors); ``inference_mode(False)`` changes nothing."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self.prev = (state.enabled, state.inference)
        if self.mode:
            state.enabled, state.inference = False, True

    def __exit__(self, *exc) -> None:
        state.enabled, state.inference = self.prev

    def clone(self):
        return inference_mode(self.mode)

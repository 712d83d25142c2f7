"""The default device for factory functions (``torch.set_default_device``, ``with torch.device(...)``)."""

from __future__ import annotations

_stack: list = []


def push(dev) -> None:
    _stack.append(dev)


def pop() -> None:
    _stack.pop()


def current():
    return _stack[-1] if _stack else None

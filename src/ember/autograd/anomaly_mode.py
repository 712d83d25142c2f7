"""Anomaly detection: remember where each graph node was made, and check backward for NaN.

With anomaly mode on, every recorded node keeps the stack of the forward call that made it;
when its backward fails, that stack is printed as a warning first (as torch does), and a
backward that returns NaN raises ``RuntimeError: Function 'XBackward0' returned nan values in
its 0th output.``
"""

from __future__ import annotations

import functools
import threading
import traceback
import warnings


class _State(threading.local):
    enabled = False
    check_nan = True

    def record(self, node) -> None:
        node._trace = "".join(traceback.format_stack()[:-3])


state = _State()


def is_anomaly_enabled() -> bool:
    """Return whether anomaly detection is on in this thread."""
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Return whether anomaly detection checks backward results for NaN."""
    return state.check_nan


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside its block.

    >>> with ember.autograd.detect_anomaly():
    ...     pass
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = state.enabled
        self.check_nan = check_nan
        self.prev_check_nan = state.check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled "
            "for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *args) -> None:
        state.enabled, state.check_nan = self.prev, self.prev_check_nan

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off: at once, and restored on exit when used as a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = state.enabled, state.check_nan
        state.enabled, state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args) -> None:
        state.enabled, state.check_nan = self.prev, self.prev_check_nan


def report(node) -> None:
    """Warn with the forward stack of ``node``, whose backward just failed."""
    trace = node.__dict__.get("_trace")
    if trace is None:
        msg = (
            f"Error detected in {node.name()}. No forward pass information available. Enable detect anomaly "
            "during forward pass for more information."
        )
    else:
        msg = f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{trace}"
    warnings.warn(msg, UserWarning, stacklevel=3)


def check_nan(node, grads) -> None:
    """Raise torch's error when a backward result of ``node`` holds NaN."""
    for i, g in enumerate(grads):
        if g is not None and hasattr(g, "_data") and g.dtype._cat >= 2 and g._data.size:
            if bool((g._data != g._data).any()):
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")

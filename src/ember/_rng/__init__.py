"""torch-compatible CPU random streams in pure NumPy: :class:`CPUGeneratorState` reproduces torch 2.13's bits."""

from .engine import DEFAULT_SEED, STATE_SIZE, CPUGeneratorState

__all__ = ["CPUGeneratorState", "DEFAULT_SEED", "STATE_SIZE"]

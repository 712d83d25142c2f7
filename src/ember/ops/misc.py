"""More element-wise, shape and index ops of the op library (issue 6)."""

__all__: list = []

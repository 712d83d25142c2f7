"""Functional conv, pooling, padding and interpolation (torch.nn.functional)."""

__all__: list = []

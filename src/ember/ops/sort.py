"""Sorting and selection ops (sort argsort topk kthvalue unique ...)."""

__all__: list = []

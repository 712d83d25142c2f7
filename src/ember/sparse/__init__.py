"""ember.sparse (torch.sparse): COO tensors.

Only ``sparse_coo_tensor`` joins the torch namespace (ember/__init__.py star-imports this module);
``torch.sparse.mm`` and ``torch.sparse.sum`` are reached as attributes of this module.
"""

from .coo import SparseTensor, addmm, mm, softmax, sparse_coo_tensor, sum, to_sparse  # noqa: F401

__all__ = ["sparse_coo_tensor"]

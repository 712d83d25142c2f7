"""Sparse COO tensors: ``sparse_coo_tensor``, ``Tensor.to_sparse``, and the few ops torch offers on them.

A sparse tensor is a ``Tensor`` subclass holding an int64 index array (sparse_dim x nnz) and a values
Tensor (nnz, *dense_dims), which keeps its autograd history: ``to_dense``, ``sparse.mm`` and ``sparse.sum``
are written with ember ops on the values, so gradients reach the values and the dense operand.
``_data`` holds the dense equivalent (learners' sparse tensors are small), so that dense ops given a
sparse tensor (``dense + sparse``) see its values.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._layout import sparse_coo
from .._size import Size
from .._tensor import Tensor
from .._tensor_str import format_sparse_coo


class SparseTensor(Tensor):
    """A sparse COO tensor (``layout == torch.sparse_coo``)."""

    is_sparse = True

    _leaf = False  # created with requires_grad=True: prints requires_grad=True rather than a grad_fn
    _fn = "SparseCooTensorWithDimsAndTensorsBackward0"  # the node torch prints for how this tensor was made

    @staticmethod
    def _make(indices: np.ndarray, values: Tensor, size: tuple, coalesced: bool = False, fn: str | None = None
              ) -> SparseTensor:
        t = object.__new__(SparseTensor)
        if fn is not None:
            t._fn = fn
        t._ind = indices
        t._vals = values
        t._size = tuple(int(s) for s in size)
        t._coalesced = coalesced
        t.dtype = values.dtype
        t._data = _densify(indices, values._data, t._size)
        return t

    # ------------------------------------------------------------------ metadata
    @property
    def layout(self):
        return sparse_coo

    @property
    def shape(self) -> Size:
        return Size(self._size)

    def size(self, dim: int | None = None):
        return Size(self._size) if dim is None else self._size[dim]

    @property
    def requires_grad(self) -> bool:
        return self._vals.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._vals.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> SparseTensor:
        self._vals.requires_grad_(requires_grad)
        return self

    @property
    def grad(self):
        g = self._vals.grad
        return None if g is None else SparseTensor._make(self._ind, g, self._size, self._coalesced)

    @property
    def grad_fn(self):
        return self._vals.grad_fn

    @grad_fn.setter
    def grad_fn(self, value):  # Tensor's class default is written by nothing for sparse tensors
        pass

    @property
    def _requires_grad(self):
        return False  # dense ops reading _data do not see the values' history

    def sparse_dim(self) -> int:
        return self._ind.shape[0]

    def dense_dim(self) -> int:
        return self._vals.ndim - 1

    def _nnz(self) -> int:
        return self._ind.shape[1]

    def is_coalesced(self) -> bool:
        return self._coalesced

    def indices(self) -> Tensor:
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return Tensor._from(self._ind)

    def values(self) -> Tensor:
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._vals

    def _indices(self) -> Tensor:
        return Tensor._from(self._ind)

    def _values(self) -> Tensor:
        return self._vals

    def __repr__(self, *, tensor_contents=None) -> str:
        suffixes = []
        if self._leaf:
            suffixes = ["requires_grad=True"]
        elif self._vals.requires_grad:
            suffixes = [f"grad_fn=<{self._fn}>"]
        return format_sparse_coo(self._ind, self._vals._data, self.dtype, self._size, suffixes)

    __str__ = __repr__

    # ------------------------------------------------------------------ conversions
    def coalesce(self) -> SparseTensor:
        """Sort the indices and sum the values of duplicates."""
        if self._coalesced:
            return self
        lin = _linear(self._ind, self._size)
        uniq, inv = np.unique(lin, return_inverse=True)
        inv = inv.reshape(-1)
        nnz = uniq.shape[0]
        vals = self._vals
        summed = vals.new_zeros((nnz,) + tuple(vals.shape[1:])).index_add(0, Tensor._from(inv.astype(np.int64)), vals)
        ind = np.stack(np.unravel_index(uniq, self._size[: self.sparse_dim()])).astype(np.int64) if nnz else \
            np.zeros((self.sparse_dim(), 0), dtype=np.int64)
        return SparseTensor._make(ind.reshape(self.sparse_dim(), nnz), summed, self._size, True, "CoalesceBackward0")

    def to_dense(self, dtype=None, *, masked_grad=None) -> Tensor:
        """The dense tensor (duplicates summed); differentiable with respect to the values."""
        vals = self._vals if dtype is None else self._vals.to(dtype)
        out = vals.new_zeros(self._size)
        if self._nnz() == 0:
            return out
        idx = tuple(Tensor._from(self._ind[k]) for k in range(self.sparse_dim()))
        return out.index_put(idx, vals, accumulate=True)

    def to_sparse(self, *args, **kwargs) -> SparseTensor:
        return self

    def to(self, *args, **kwargs) -> SparseTensor:
        return SparseTensor._make(self._ind, self._vals.to(*args, **kwargs), self._size, self._coalesced)

    def double(self) -> SparseTensor:
        return self.to(D.float64)

    def float(self) -> SparseTensor:
        return self.to(D.float32)

    def clone(self, *, memory_format=None) -> SparseTensor:
        return SparseTensor._make(self._ind.copy(), self._vals.clone(), self._size, self._coalesced)

    def detach(self) -> SparseTensor:
        return SparseTensor._make(self._ind, self._vals.detach(), self._size, self._coalesced)

    def t(self) -> SparseTensor:
        if len(self._size) != 2 or self.sparse_dim() != 2:
            raise RuntimeError("t() expects a tensor with <= 2 sparse and 0 dense dimensions")
        return SparseTensor._make(self._ind[::-1].copy(), self._vals, self._size[::-1], False, "TBackward0")

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other):
        return add(self, other)

    def __sub__(self, other):
        return add(self, other, alpha=-1)

    def __mul__(self, other):
        if isinstance(other, SparseTensor):
            a, b = self.coalesce(), other.coalesce()
            return (a.to_dense() * b.to_dense()).to_sparse()
        if isinstance(other, Tensor) and other.ndim:
            raise RuntimeError("mul(sparse, dense) with a non-scalar dense tensor is not supported by ember")
        return SparseTensor._make(self._ind, self._vals * other, self._size, self._coalesced, "MulBackward0")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return SparseTensor._make(self._ind, self._vals / other, self._size, self._coalesced, "DivBackward0")

    def __neg__(self):
        return SparseTensor._make(self._ind, -self._vals, self._size, self._coalesced, "NegBackward0")

    def __matmul__(self, other):
        return mm(self, other)

    def mm(self, other):
        return mm(self, other)

    def matmul(self, other):
        return mm(self, other)

    def sum(self, dim=None, keepdim=False, dtype=None):
        return sum(self, dim) if dim is not None else self._vals.sum(dtype=dtype)


def _linear(ind: np.ndarray, size: tuple) -> np.ndarray:
    sd = ind.shape[0]
    if ind.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.ravel_multi_index(tuple(ind), size[:sd]).astype(np.int64)


def _densify(ind, vals, size):
    out = np.zeros(size, dtype=vals.dtype)
    if ind.shape[1]:
        np.add.at(out, tuple(ind), vals)
    return out


# ------------------------------------------------------------------------------------------- construction
def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad: bool = False, check_invariants=None, is_coalesced=None) -> SparseTensor:
    """A sparse COO tensor with ``values[k]`` at column ``indices[:, k]``; ``size`` defaults to the smallest fit.

    >>> ember.sparse_coo_tensor(ember.tensor([[0, 1], [1, 0]]), ember.tensor([3.0, 4.0]), (2, 2)).to_dense()
    tensor([[0., 3.],
            [4., 0.]])
    """
    from ..ops.creation import tensor

    ind_t = indices if isinstance(indices, Tensor) else tensor(indices)
    val_t = values if isinstance(values, Tensor) else tensor(values)
    if dtype is not None:
        val_t = val_t.to(dtype)
    ind = np.asarray(ind_t._data)
    if ind.dtype.kind not in "iu":
        raise RuntimeError("indices must be an int64 tensor")
    ind = ind.astype(np.int64)
    if ind.ndim != 2:
        if ind.ndim == 1 and ind.size == 0:
            ind = ind.reshape(1, 0)
        else:
            raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(ind.shape)}")
    if val_t.ndim == 0:
        raise RuntimeError("values must be at least 1-dimensional")
    if ind.shape[1] != val_t.shape[0]:
        raise RuntimeError(
            f"indices and values must have same nnz, but got nnz from indices: {ind.shape[1]}, nnz from values: "
            f"{val_t.shape[0]}"
        )
    sd = ind.shape[0]
    if size is None:
        mx = ind.max(axis=1) + 1 if ind.shape[1] else np.zeros(sd, dtype=np.int64)
        size = tuple(int(m) for m in mx) + tuple(val_t.shape[1:])
    else:
        size = tuple(int(s) for s in size)
        if len(size) != sd + val_t.ndim - 1:
            raise RuntimeError(
                f"number of dimensions must be sparse_dim ({sd}) + dense_dim ({val_t.ndim - 1}), but got {len(size)}"
            )
        if ind.shape[1]:
            mx = ind.max(axis=1)
            for k in range(sd):
                if mx[k] >= size[k]:
                    raise RuntimeError(
                        f"size is inconsistent with indices: for dim {k}, size is {size[k]} but found index {mx[k]}"
                    )
            if ind.min() < 0:
                raise RuntimeError(f"found negative index {int(ind.min())} for dim {int(ind.min(axis=1).argmin())}")
    if requires_grad:
        val_t = val_t.detach().requires_grad_(True) if val_t.grad_fn is None and not val_t.requires_grad else val_t
    coalesced = bool(is_coalesced) if is_coalesced is not None else ind.shape[1] <= 1
    t = SparseTensor._make(ind, val_t, size, coalesced)
    t._leaf = bool(requires_grad)
    return t


def to_sparse(self: Tensor, sparse_dim: int | None = None, *, layout=None, blocksize=None, dense_dim=None):
    """The sparse COO form of a dense tensor (its nonzero entries, coalesced)."""
    if isinstance(self, SparseTensor):
        return self
    if layout is not None and layout is not sparse_coo:
        raise NotImplementedError(f"ember: to_sparse(layout={layout}) is not supported; only torch.sparse_coo")
    x = self._data
    sd = x.ndim if sparse_dim is None else sparse_dim
    if sd == x.ndim:
        nz = np.nonzero(x)
        ind = np.stack(nz).astype(np.int64) if x.ndim else np.zeros((0, 1 if x != 0 else 0), np.int64)
        if x.ndim == 0:
            return SparseTensor._make(ind, self.reshape(1)[: ind.shape[1]], (), True)
        vals = self[tuple(Tensor._from(a) for a in nz)]
    else:
        flat = x.reshape(x.shape[:sd] + (-1,))
        keep = np.nonzero(np.any(flat != 0, axis=-1))
        ind = np.stack(keep).astype(np.int64)
        vals = self[tuple(Tensor._from(a) for a in keep)]
    return SparseTensor._make(ind.reshape(sd, -1), vals, tuple(x.shape), True, "ToSparseBackward0")


# ------------------------------------------------------------------------------------------- ops
def add(input, other, *, alpha=1):
    """sparse + sparse (indices concatenated, not coalesced, as torch); sparse + dense is torch's error."""
    if not isinstance(other, SparseTensor):
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    if input._size != other._size:
        raise RuntimeError(
            f"add: expected 'self' and 'other' to have same size, but self has size {list(input._size)} while "
            f"other has size {list(other._size)} (FYI: op2-sparse addition does not currently support broadcasting)"
        )
    from ..ops.shape import cat

    ind = np.concatenate([input._ind, other._ind], axis=1)
    ov = other._vals if alpha == 1 else other._vals * alpha
    dt = D._PROMOTE[(input.dtype, ov.dtype)]
    vals = cat([input._vals.to(dt), ov.to(dt)], 0)
    order = np.argsort(_linear(ind, input._size), kind="stable")
    return SparseTensor._make(ind[:, order], vals[Tensor._from(order.astype(np.int64))], input._size, False,
                              "AddBackward0")


def mm(mat1, mat2: Tensor) -> Tensor:
    """sparse @ dense -> dense (gradients to the sparse values and the dense matrix); sparse @ sparse -> sparse."""
    if not isinstance(mat1, SparseTensor):
        return mat1.mm(mat2.to_dense() if isinstance(mat2, SparseTensor) else mat2)
    if isinstance(mat2, SparseTensor):
        return mm(mat1, mat2.to_dense()).to_sparse()
    if len(mat1._size) != 2 or mat2.ndim != 2:
        raise RuntimeError("mm: expected 2D matrices")
    if mat1._size[1] != mat2.shape[0]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {mat1._size[1]}, got {mat2.shape[0]}")
    rows = Tensor._from(mat1._ind[0])
    cols = Tensor._from(mat1._ind[1])
    contrib = mat1._vals.unsqueeze(1) * mat2.index_select(0, cols)
    out = contrib.new_zeros((mat1._size[0], mat2.shape[1]))
    return out.index_add(0, rows, contrib)


def sum(input, dim=None, dtype=None) -> Tensor:
    """Sum of a sparse tensor: all of it (a dense 0-d tensor), or over ``dim`` (sparse unless nothing is left)."""
    if not isinstance(input, SparseTensor):
        return input.sum(dim, dtype=dtype) if dim is not None else input.sum(dtype=dtype)
    if dim is None:
        return input._vals.sum(dtype=dtype)
    dense = input.to_dense().sum(dim, dtype=dtype)
    return dense.to_sparse() if dense.ndim else dense


def addmm(input: Tensor, mat1, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    return input * beta + mm(mat1, mat2) * alpha


def softmax(input, dim, *, dtype=None):
    raise NotImplementedError("ember: torch.sparse.softmax is not implemented (issue 6)")


Tensor.to_sparse = to_sparse
Tensor.to_sparse_coo = to_sparse
Tensor.to_dense = lambda self, dtype=None, *, masked_grad=None: self if dtype is None else self.to(dtype)
Tensor.is_coalesced = lambda self: (_ for _ in ()).throw(
    RuntimeError("is_coalesced expected sparse coordinate tensor layout but got Strided"))

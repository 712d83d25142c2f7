"""Shape ops: view reshape transpose permute expand squeeze unsqueeze flatten narrow select unbind split cat stack.

View ops return array views: the result shares memory and the version counter with its input.
"""

from __future__ import annotations

import builtins

from .._dims import shape_args, varargs, wrap_dim, wrap_dims
from .._errors import shape_invalid
from .._tensor import Tensor, _wrap
from ..autograd.function import Op, _share_storage
from ..backend import array_module


def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    if neg:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or numel % known:
            raise shape_invalid(shape, numel)
        shape[neg[0]] = numel // known
    n = 1
    for s in shape:
        n *= s
    if n != numel:
        raise shape_invalid(shape, numel)
    return tuple(shape)


class View(Op):
    """out = x viewed with a new shape (no copy)."""

    grad_fn = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        out = x.view()
        try:
            out.shape = shape  # raises instead of copying when the strides do not allow a view
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class Reshape(Op):
    """out = x with a new shape: a view when the strides allow one, else a copy."""

    grad_fn = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class ReshapeCopy(Reshape):
    grad_fn = "UnsafeViewBackward0"


def view_dtype(self, dtype):
    """Reinterpret the bytes as ``dtype`` (the last dimension scales by the ratio of element sizes)."""
    from .. import _dtype as D

    x = self._data
    if dtype.itemsize != self.dtype.itemsize and x.ndim and x.strides[-1] != x.itemsize and x.shape[-1] != 1:
        raise RuntimeError(
            f"self.stride(-1) must be 1 to view {D.dtype_name_cap(self.dtype)} as {D.dtype_name_cap(dtype)} "
            f"(different element sizes), but got {x.strides[-1] // x.itemsize}"
        )
    from ..autograd.function import _share_storage

    t = Tensor._from(x.view(D.np_dtype(dtype)), dtype)
    _share_storage(t, self)
    return t


def view(self, *shape, size=None):
    """Return a view with ``shape`` (one -1 inferred); errors when the memory layout does not allow it."""
    if size is None and not self._requires_grad:  # fast path: all-int sizes of a C-contiguous input, no autograd
        if len(shape) == 1 and type(shape[0]) is tuple:
            shape = shape[0]
        x = self._data
        n = 1
        for s in shape:
            if type(s) is not int or s < 0:
                break
            n *= s
        else:
            if n == x.size and x.flags.c_contiguous:
                t = _wrap(x.reshape(shape))  # a C-contiguous array always reshapes to a view
                _share_storage(t, self)
                return t
    shape = varargs(shape, size, "size", "view")
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)) and hasattr(shape[0], "np"):
        return self.view_dtype(shape[0])
    shape = _infer_shape(shape_args(shape), self._data.size)
    return View.apply(self, shape=shape)


def reshape(input, *shape_, shape=None):
    """Return ``input`` with ``shape``: a view when possible (as torch), else a copy."""
    shape = varargs(shape_, shape, "shape", "reshape")
    shape = _infer_shape(shape_args(shape), input._data.size)
    x = input._data
    if x.shape == shape:
        return View.apply(input, shape=shape)
    try:
        v = x.view()
        v.shape = shape
        return View.apply(input, shape=shape)
    except AttributeError:
        return ReshapeCopy.apply(input, shape=shape)


class Transpose(Op):
    grad_fn = "TransposeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return x.swapaxes(d0, d1) if x.ndim else x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.d0, ctx.d1)


class T(Transpose):
    grad_fn = "TBackward0"


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view)."""
    n = input.ndim
    return Transpose.apply(input, d0=wrap_dim(dim0, n), d1=wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return T.apply(input, d0=0, d1=0)
    return T.apply(input, d0=0, d1=1)


class Permute(Op):
    grad_fn = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        return grad.permute(*inv)


def permute(input, *dims_, dims=None):
    """Reorder the dimensions (a view)."""
    dims = varargs(dims_, dims, "dims", "permute")
    dims = shape_args(dims)
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}"
        )
    w = tuple(wrap_dim(d, n) for d in dims)
    if len(set(w)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=w)


class Expand(Op):
    grad_fn = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        from ..autograd.engine import sum_to_shape

        return sum_to_shape(grad, ctx.in_shape)


def expand(self, *sizes, size=None):
    """Broadcast to ``sizes`` without copying (-1 keeps a dimension)."""
    sizes = varargs(sizes, size, "size", "expand")
    sizes = shape_args(sizes)
    x = self._data
    if len(sizes) < x.ndim:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, x.shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided (" + str(len(sizes)) + ") must be greater or equal to the number of "
            "dimensions in the tensor (" + str(x.ndim) + ")"
        )
    lead = len(sizes) - x.ndim
    shape = []
    for i in range(len(sizes) - 1, -1, -1):  # torch checks from the last dimension
        s = sizes[i]
        if s == -1:
            if i < lead:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            s = x.shape[i - lead]
        elif i >= lead and x.shape[i - lead] != s and x.shape[i - lead] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({x.shape[i - lead]}) at "
                f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, x.shape))}]"
            )
        shape.append(s)
    shape = tuple(shape[::-1])
    if shape == x.shape:
        return View.apply(self, shape=shape) if self._requires_grad else _alias(self)
    return Expand.apply(self, shape=shape)


def _alias(t):
    from ..autograd.function import _share_storage

    r = Tensor._from(t._data.view(), t.dtype)
    _share_storage(r, t)
    return r


def broadcast_to(input, size):
    return expand(input, *shape_args((size,)))


class Squeeze(Op):
    grad_fn = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return x.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims)) if dims else x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class SqueezeDim(Squeeze):
    grad_fn = "SqueezeBackward1"


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all, or those in ``dim``)."""
    shape = input._data.shape
    if dim is None:
        return Squeeze.apply(input, dims=tuple(i for i, s in enumerate(shape) if s == 1))
    dims = wrap_dims(dim, input.ndim)
    cls = SqueezeDims if isinstance(dim, (tuple, list)) else SqueezeDim
    return cls.apply(input, dims=tuple(d for d in dims if shape[d] == 1))


class SqueezeDims(Squeeze):
    grad_fn = "SqueezeBackward2"


class Unsqueeze(Op):
    grad_fn = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return array_module(x).expand_dims(x, dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim``."""
    return Unsqueeze.apply(input, dim=wrap_dim(dim, input.ndim + 1))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one (a view when possible)."""
    n = input.ndim
    if n == 0:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input._data.shape
    m = 1
    for d in shape[s:e + 1]:
        m *= d
    return reshape(input, shape[:s] + (m,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (one may be -1)."""
    d = wrap_dim(dim, input.ndim)
    shape = input._data.shape
    sizes = tuple(sizes)
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
    n = 1
    for s in sizes:
        n *= s
    if (-1 not in sizes and n != shape[d]) or (-1 in sizes and (n == 0 or shape[d] % -n)):
        raise RuntimeError(f"unflatten: Provided sizes [{', '.join(map(str, sizes))}] don't multiply up to the size "
                           f"of dim {dim} ({shape[d]}) in the input tensor")
    if -1 in sizes:
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


class Slice(Op):
    """out = x[index] for a basic index (ints, slices, None, Ellipsis): a view."""

    grad_fn = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape = x.shape
        ctx.index = index
        if type(index) is int:
            return x[index, ...]  # the Ellipsis makes NumPy return a (0-d) view, never a scalar
        out = x[index]
        if type(out) is not type(x):  # all-int index: NumPy gives a scalar, torch a 0-d view
            out = x[(*index, Ellipsis) if type(index) is tuple else (index, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, grad):
        from .index import IndexBackward

        return IndexBackward.apply(grad, shape=ctx.in_shape, index=ctx.index, accumulate=False)


class Select(Slice):
    grad_fn = "SelectBackward0"


class AliasView(Slice):
    grad_fn = "AliasBackward0"


class SliceUnsqueeze(Slice):  # x[None]
    grad_fn = "UnsqueezeBackward0"


class SplitSlice(Slice):
    grad_fn = "SplitBackward0"


class SplitWithSizesSlice(Slice):
    grad_fn = "SplitWithSizesBackward0"


class UnbindSelect(Select):
    grad_fn = "UnbindBackward0"


def narrow(input, dim, start, length):
    """Return the slice ``start:start+length`` of dimension ``dim`` (a view)."""
    d = wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start < 0:
        start += size
    if start < 0 or start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    idx = (slice(None),) * d + (slice(start, start + length),)
    return Slice.apply(input, index=idx)


def select(input, dim, index):
    """Return ``input`` indexed at ``index`` along ``dim``, removing that dimension (a view)."""
    d = wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    i = int(index)
    if i < -size or i >= size:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(input.shape)} at dimension {d}")
    return Select.apply(input, index=(slice(None),) * d + (i,))


class Unbind(Op):
    grad_fn = "UnbindBackward0"

    @classmethod
    def apply(cls, input, dim):
        n = input._data.shape[dim]
        outs = []
        for i in range(n):
            outs.append(UnbindSelect.apply(input, index=(slice(None),) * dim + (i,)))
        return tuple(outs)


def unbind(input, dim=0):
    """Split into a tuple of tensors along ``dim``, removing it (each a view)."""
    return Unbind.apply(input, wrap_dim(dim, input.ndim))


def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of ``split_size`` (the last may be smaller) or of the listed sizes (views)."""
    d = wrap_dim(dim, tensor.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        sizes = [builtins.min(step, size - i) for i in range(0, size, step)] if step else [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{d}), but got split_sizes={sizes}"
            )
    out, start = [], 0
    node = SplitSlice if isinstance(split_size_or_sections, int) else SplitWithSizesSlice
    for s in sizes:
        out.append(node.apply(tensor, index=(slice(None),) * d + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` nearly equal pieces along ``dim`` (fewer when the size is small)."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    step = -(-size // chunks) if size else 0
    if step == 0:
        return tuple(narrow(input, d, 0, 0) for _ in range(chunks)) if size == 0 else (input,)
    return split(input, step, d)


def tensor_split(input, indices_or_sections, dim=0):
    d = wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
        bounds, s = [], 0
        for k in sizes:
            bounds.append((s, k))
            s += k
    else:
        idx = [int(i) for i in indices_or_sections]
        edges = [0] + idx + [size]
        bounds = [(builtins.min(a, size), builtins.max(0, builtins.min(b, size) - builtins.min(a, size)))
                  for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return tuple(narrow(input, d, a, k) for a, k in bounds)


class Cat(Op):
    grad_fn = "CatBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.sizes = [a.shape[dim] if a.ndim else 0 for a in arrays]
        ctx.dim = dim
        keep = [a for a in arrays if not (a.ndim == 1 and a.shape[0] == 0)]  # torch: legacy empty 1-d is skipped
        if not keep:
            return arrays[0].copy()
        return array_module(keep[0]).concatenate(keep, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start = [], 0
        for s in ctx.sizes:
            # torch: an empty input (even a skipped legacy 1-d one) gets an empty gradient of its own shape
            out.append(grad.narrow(ctx.dim, start, s) if s else grad.flatten().narrow(0, 0, 0))
            start += s
        return tuple(out)


def cat(tensors, dim=0, *, out=None, axis=None):
    """Concatenate along an existing dimension (dtypes promote as in torch)."""
    if axis is not None:
        dim = axis
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {tensors.index(t)} in argument 0, but got {type(t).__name__}")
    ref = next((t for t in tensors if not (t.ndim == 1 and t._data.shape[0] == 0)), tensors[0])
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    from .. import _dtype as D

    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D._PROMOTE[(dt, t.dtype)]
    for i, t in enumerate(tensors):
        if t.ndim == 1 and t._data.shape[0] == 0:
            continue
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref._data.shape[k]} but "
                    f"got size {t._data.shape[k]} for tensor number {i} in the list."
                )
    tensors = [t if t.dtype is dt else t.to(dt) for t in tensors]
    r = Cat.apply(*tensors, dim=d)
    if out is not None:
        from .arith import _out

        return _out(r, out)
    return r


concat = concatenate = cat


class Stack(Cat):
    grad_fn = "StackBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        ctx.sizes = len(arrays)
        return array_module(arrays[0]).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return tuple(grad.select(ctx.dim, i) for i in range(ctx.sizes))


def stack(tensors, dim=0, *, out=None, axis=None):
    """Join tensors of equal shape along a new dimension."""
    if axis is not None:
        dim = axis
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got [{', '.join(map(str, shape))}] at entry 0 and "
                f"[{', '.join(map(str, t._data.shape))}] at entry {i}"
            )
    from .. import _dtype as D

    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D._PROMOTE[(dt, t.dtype)]
    tensors = [t if t.dtype is dt else t.to(dt) for t in tensors]
    r = Stack.apply(*tensors, dim=wrap_dim(dim, len(shape) + 1))
    if out is not None:
        from .arith import _out

        return _out(r, out)
    return r


def hstack(tensors):
    tensors = [t if t.ndim else t.reshape(1) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t.ndim >= 2 else t.reshape(1, -1) for t in tensors], 0)


row_stack = vstack


def dstack(tensors):
    out = []
    for t in tensors:
        if t.ndim == 0:
            t = t.reshape(1, 1, 1)
        elif t.ndim == 1:
            t = t.reshape(1, -1, 1)
        elif t.ndim == 2:
            t = t.unsqueeze(2)
        out.append(t)
    return cat(out, 2)


def column_stack(tensors):
    return hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors])


def _keep_layout(x) -> str:
    # torch's preserve_format: a permuted input's stride order carries over to a copy; an expanded one (zero strides)
    # gives a contiguous copy
    return "K" if x.ndim >= 2 and 0 not in x.strides else "C"


class Clone(Op):
    grad_fn = "CloneBackward0"

    @staticmethod
    def forward(ctx, x, order="K"):
        return x.copy(order=_keep_layout(x) if order == "K" else order)

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input, *, memory_format=None):
    """Return a copy with its own memory (differentiable)."""
    return Clone.apply(input)


def contiguous(self, memory_format=None):
    """Return self if C-contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self, order="C")


class Flip(Op):
    grad_fn = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return array_module(x).flip(x, axis=dims).copy(order=_keep_layout(x))

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims)


def flip(input, *dims_, dims=None):
    dims = varargs(dims_, dims, "dims", "flip")
    dims = shape_args(dims)
    return Flip.apply(input, dims=wrap_dims(list(dims), input.ndim))


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


class Repeat(Op):
    grad_fn = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, reps):
        ctx.in_shape = x.shape
        ctx.reps = reps
        lead = len(reps) - x.ndim
        return array_module(x).tile(x.reshape((1,) * lead + x.shape), reps)

    @staticmethod
    def backward(ctx, grad):
        shape = (1,) * (len(ctx.reps) - len(ctx.in_shape)) + tuple(ctx.in_shape)
        inter = []
        for r, s in zip(ctx.reps, shape, strict=True):
            inter.extend([r, s])
        g = grad.reshape(inter).sum(dim=tuple(range(0, len(inter), 2)))
        return g.reshape(ctx.in_shape)


def repeat(self, *sizes, repeats=None):
    """Tile the tensor ``sizes`` times along each dimension (copies)."""
    sizes = varargs(sizes, repeats, "repeats", "repeat")
    reps = shape_args(sizes)
    if len(reps) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    return Repeat.apply(self, reps=reps)


def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, *dims)


def movedim(input, source, destination):
    n = input.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the same "
                           f"number of dims as destination ({dst} dims)")
    src = [wrap_dim(s, n) for s in src]
    dst = [wrap_dim(s, n) for s in dst]
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return permute(input, *order)


moveaxis = movedim


def view_as(self, other):
    return view(self, *other.shape)


def reshape_as(self, other):
    return reshape(self, *other.shape)


def expand_as(self, other):
    return expand(self, *other.shape)


def ravel(input):
    return reshape(input, -1)


def atleast_1d(*tensors):
    r = [t.reshape(1) if t.ndim == 0 else t for t in (tensors[0] if len(tensors) == 1 and
                                                       isinstance(tensors[0], (list, tuple)) else tensors)]
    return r[0] if len(r) == 1 else tuple(r)


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _T(self):
    # torch: x.T is permute(reversed dims) for every rank (PermuteBackward0), a view even where it changes nothing
    return Permute.apply(self, dims=tuple(range(self.ndim - 1, -1, -1)))


_METHODS = {
    "view": view, "view_dtype": view_dtype, "reshape": reshape, "transpose": transpose, "swapaxes": transpose,
    "swapdims": transpose, "adjoint": lambda self: self.mH,
    "t": t, "permute": permute, "expand": expand, "expand_as": expand_as, "broadcast_to": broadcast_to,
    "squeeze": squeeze, "unsqueeze": unsqueeze, "flatten": flatten, "unflatten": unflatten, "narrow": narrow,
    "select": select, "unbind": unbind, "split": split, "chunk": chunk, "tensor_split": tensor_split,
    "clone": clone, "contiguous": contiguous, "flip": flip, "fliplr": fliplr, "flipud": flipud, "repeat": repeat,
    "tile": tile, "movedim": movedim, "moveaxis": movedim, "view_as": view_as, "reshape_as": reshape_as,
    "ravel": ravel,
    "squeeze_": lambda self, dim=None: _reshape_inplace(self, squeeze(self, dim)),
    "unsqueeze_": lambda self, dim: _reshape_inplace(self, unsqueeze(self, dim)),
    "t_": lambda self: _reshape_inplace(self, t(self)),
    "transpose_": lambda self, a, b: _reshape_inplace(self, transpose(self, a, b)),
}
for _n, _f in _METHODS.items():
    setattr(Tensor, _n, _f)
del _n, _f
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(lambda self: _T(self).conj())
Tensor.mH = property(lambda self: _mT(self).conj())


def _reshape_inplace(self, r):
    self._data = r._data
    return self



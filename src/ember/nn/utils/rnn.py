"""nn.utils.rnn: PackedSequence, pack/pad helpers for variable-length batches (built from ember ops, differentiable)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence

import numpy as np

import ember
from ember._tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]

_PackedSequenceBase = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """Return the inverse of an index permutation (None stays None)."""
    if permutation is None:
        return None
    perm = np.asarray(permutation.tolist(), dtype=np.int64)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(perm.size, dtype=np.int64)
    return ember.tensor(inv, dtype=ember.int64)


class PackedSequence(_PackedSequenceBase):
    """Hold a packed batch of variable-length sequences: time-major ``data`` and per-step ``batch_sizes``."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        # torch: PackedSequence(data_and_batch_sizes_tuple) form
        if not isinstance(data, (list, tuple)) or len(data) != 2:
            raise TypeError("PackedSequence: expected (data, batch_sizes) when batch_sizes is not given")
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        """Move/cast ``data`` like Tensor.to; batch_sizes stays on the CPU; the indices follow data's device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        sorted_indices = None if self.sorted_indices is None else self.sorted_indices.to(device=data.device)
        unsorted_indices = None if self.unsorted_indices is None else self.unsorted_indices.to(device=data.device)
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    def cpu(self, *args, **kwargs) -> PackedSequence:
        return self.to(*args, device="cpu", **kwargs)

    def cuda(self, *args, **kwargs) -> PackedSequence:
        return self.to(*args, device="cuda", **kwargs)

    def double(self) -> PackedSequence:
        return self.to(dtype=ember.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=ember.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=ember.float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=ember.int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=ember.int32)

    def short(self) -> PackedSequence:
        return self.to(dtype=ember.int16)

    def char(self) -> PackedSequence:
        return self.to(dtype=ember.int8)

    def byte(self) -> PackedSequence:
        return self.to(dtype=ember.uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _lengths_array(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return np.asarray(lengths.tolist()).astype(np.int64).reshape(-1)
    return np.asarray(lengths).astype(np.int64).reshape(-1)


def pack_padded_sequence(
    input: Tensor, lengths: Tensor | list[int], batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded (T, B, *) batch (or (B, T, *) with ``batch_first``) of sequences of the given lengths."""
    lens = _lengths_array(lengths)
    sorted_indices = None
    if enforce_sorted:
        if lens.size > 1 and np.any(lens[:-1] < lens[1:]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability."
            )
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = ember.tensor(order, dtype=ember.int64)
    if batch_first:
        input = input.transpose(0, 1)
    T, B = input.shape[0], input.shape[1]
    if lens.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} (batch_size={B})")
    if np.any(lens <= 0):
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
        )
    if lens.size and lens.max() > T:
        raise RuntimeError(f"Expected all lengths to be at most the padded length {T}, but got {int(lens.max())}")
    if sorted_indices is not None:
        input = input.index_select(1, sorted_indices)
    steps = np.arange(int(lens[0]) if lens.size else 0)
    batch_sizes = (lens[None, :] > steps[:, None]).sum(axis=1).astype(np.int64)
    # time-major order of the kept (t, b) positions as rows of the (T*B, *) view
    keep = np.arange(B)[None, :] < batch_sizes[:, None]
    rows = (steps[:, None] * B + np.arange(B)[None, :])[keep]
    flat = input.reshape(T * B, *input.shape[2:])
    data = flat.index_select(0, ember.tensor(rows, dtype=ember.int64))
    return PackedSequence(data, ember.tensor(batch_sizes, dtype=ember.int64), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple:
    """Unpack a PackedSequence into a padded (T, B, *) tensor and the lengths (in the caller's batch order)."""
    data = sequence.data
    sizes = np.asarray(sequence.batch_sizes.tolist(), dtype=np.int64)
    T, B = int(sizes.size), int(sizes[0]) if sizes.size else 0
    if total_length is not None:
        if total_length < T:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {T}"
            )
        T_out = int(total_length)
    else:
        T_out = T
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    cols = np.arange(B)
    step_sizes = np.concatenate([sizes, np.zeros(T_out - T, dtype=np.int64)])
    step_offsets = np.concatenate([offsets, np.zeros(T_out - T, dtype=np.int64)])
    # padded positions read one extra row filled with padding_value
    rows = np.where(cols[None, :] < step_sizes[:, None], step_offsets[:, None] + cols[None, :], data.shape[0])
    pad_row = ember.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    src = ember.cat([data, pad_row])
    out = src.index_select(0, ember.tensor(rows.reshape(-1), dtype=ember.int64)).reshape(T_out, B, *data.shape[1:])
    lengths = (sizes[None, :] > cols[:, None]).sum(axis=1).astype(np.int64)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        out = out.index_select(1, unsorted)
        lengths = lengths[np.asarray(unsorted.tolist(), dtype=np.int64)]
    if batch_first:
        out = out.transpose(0, 1)
    return out, ember.tensor(lengths, dtype=ember.int64)


def pad_sequence(
    sequences: Tensor | Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack variable-length (L_i, *) tensors into one (T, B, *) tensor (``batch_first``: (B, T, *)), padding them."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    for s in sequences:
        if s.ndim == 0:
            raise RuntimeError("pad_sequence: expected each sequence to have at least one dimension, got a 0-d tensor")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences[1:]:
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(
                f"The size of tensor a ({trailing[-1] if trailing else 0}) must match the size of tensor b "
                f"({s.shape[-1]}) at non-singleton dimension {len(trailing)}"
            )
    T = max(s.shape[0] for s in sequences)
    dtype = sequences[0].dtype
    padded = []
    for s in sequences:
        n = T - s.shape[0]
        if n:
            fill = ember.full((n, *trailing), padding_value, dtype=s.dtype, device=s.device)
            s = ember.cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s if s.dtype == dtype else s.to(dtype))
    return ember.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """Split a padded (T, B, *) batch back into its B sequences of the given lengths."""
    if not batch_first:
        padded_sequences.transpose_(0, 1)  # torch: transposes the caller's tensor in place
    lens = _lengths_array(lengths)
    return [seq[: int(n)] for seq, n in zip(padded_sequences, lens, strict=False)]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length (L_i, *) tensors (longest first unless ``enforce_sorted=False``)."""
    lengths = ember.tensor([s.shape[0] for s in sequences], dtype=ember.int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Turn a PackedSequence back into the list of its sequences (in the caller's order)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

"""Samplers: the order in which a DataLoader visits a map-style dataset (torch's draws, so orders match)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ... import _dtype as D

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]


class Sampler:
    """Base class: an iterable of indices (or of index lists, for batch samplers)."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self):
        raise NotImplementedError


def _fresh_generator():
    # torch: a sampler without a generator seeds a new one from one draw of the default generator
    from ...ops.creation import empty
    from ...random import Generator

    seed = int(empty((), dtype=D.int64).random_().item())
    g = Generator()
    g.manual_seed(seed)
    return g


class SequentialSampler(Sampler):
    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def _chunks(self):
        # the indices as a few sequences (BatchSampler slices them instead of appending one int at a time)
        yield range(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in random order (a permutation, or with ``replacement`` ``num_samples`` draws)."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None, generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        for chunk in self._chunks():
            yield from chunk

    def _chunks(self):
        # the indices as lists, drawn lazily in __iter__'s order (so a shared generator sees the same draws)
        from ...random import randint, randperm

        n = len(self.data_source)
        generator = self.generator if self.generator is not None else _fresh_generator()
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield randint(high=n, size=(32,), dtype=D.int64, generator=generator).tolist()
            yield randint(high=n, size=(self.num_samples % 32,), dtype=D.int64, generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield randperm(n, generator=generator).tolist()
            if self.num_samples % n or self.generator is not None:
                # torch draws one more permutation even for zero leftover indices; a private generator is never
                # seen again, so that draw only matters (for later draws) when the user passed the generator
                yield randperm(n, generator=generator).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        from ...random import randperm

        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        from ...ops.creation import as_tensor

        w = as_tensor(weights, dtype=D.float64)
        if w.ndim != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights, self.num_samples, self.replacement, self.generator = w, num_samples, replacement, generator

    def __iter__(self) -> Iterator[int]:
        from ...random import multinomial

        return iter(multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator).tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = getattr(type(self.sampler), "__iter__", None)
        if it is RandomSampler.__iter__ or it is SequentialSampler.__iter__:
            yield from self._sliced(self.sampler._chunks())
            return
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def _sliced(self, chunks):
        # slices of each chunk; a batch that spans two chunks is joined; every yield happens at the point the
        # one-int-at-a-time loop would make it, so the sampler's draws stay interleaved with the user's as before
        size, batch = self.batch_size, []
        for chunk in chunks:
            i, n = 0, len(chunk)
            if batch:
                i = size - len(batch)
                batch.extend(chunk[:i])
                if len(batch) < size:
                    continue
                yield batch
            while i + size <= n:
                yield list(chunk[i:i + size])
                i += size
            batch = list(chunk[i:])
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size

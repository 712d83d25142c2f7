"""DataLoader: batches from a dataset, in the main process or in real worker processes that prefetch.

With ``shuffle=True`` and a seeded generator the order equals torch's: the same draws (a base
seed for the iterator, then the sampler's seed and ``randperm``) from the same stream.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from .worker import ExceptionWrapper, IterableDatasetStop, worker_loop

__all__ = ["DataLoader"]


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over ``dataset`` in batches (torch.utils.data.DataLoader's arguments and behaviour)."""

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn=None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (False, None):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterator = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._is_iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        return _MultiProcessIter(self)

    def __setattr__(self, name, value):
        if getattr(self, "_DataLoader__initialized", False) and name in (
                "batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"):
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)

    def check_worker_number_rationality(self):
        pass


def _finish_init(init):
    def wrapped(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if type(self) is DataLoader:
            object.__setattr__(self, "_DataLoader__initialized", True)

    return wrapped


DataLoader.__init__ = _finish_init(DataLoader.__init__)


class _Fetcher:
    """Turns a batch of indices into a collated batch (one fancy index for a TensorDataset)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last, is_iterable, batch_size):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn
        self.drop_last, self.is_iterable, self.batch_size = drop_last, is_iterable, batch_size
        self._it = None
        self._fast = (isinstance(dataset, TensorDataset) and auto_collation and collate_fn is default_collate
                      and type(dataset).__getitem__ is TensorDataset.__getitem__)

    def fetch(self, indices):
        if self.is_iterable:
            if self._it is None:
                self._it = iter(self.dataset)
            if self.auto_collation:
                data = []
                for _ in indices:
                    try:
                        data.append(next(self._it))
                    except StopIteration:
                        break
                if not data or (self.drop_last and len(data) < len(indices)):
                    raise StopIteration
                return self.collate_fn(data)
            return self.collate_fn(next(self._it))
        if self._fast:
            # speed: one gather per tensor instead of one index per sample, then a stack (same values)
            idx = np.array(indices, dtype=np.int64)
            ts = self.dataset.tensors
            n = ts[0].shape[0] if ts else 0
            if idx.ndim == 1 and (not idx.size or (idx.min() >= -n and idx.max() < n)):
                # in range: NumPy's gather itself (what t[idx] does for a tensor without grad), no indexing front end
                return [t[Tensor._from(idx)] if t._requires_grad or type(t._data) is not np.ndarray
                        else Tensor._from(t._data[idx], t.dtype) for t in ts]
            from ...ops.creation import tensor

            idx = tensor(indices, dtype=D.int64)
            return [t[idx] for t in ts]
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            data = getitems(indices) if getitems is not None else [self.dataset[i] for i in indices]
            return self.collate_fn(data)
        return self.collate_fn(self.dataset[indices])


def _make_fetcher(loader):
    return _Fetcher(loader.dataset, loader._auto_collation, loader.collate_fn, loader.drop_last, loader._is_iterable,
                    loader.batch_size)


class _BaseIter:
    def __init__(self, loader):
        self._loader = loader
        self._index_sampler = loader._index_sampler
        self._sampler_iter = iter(self._index_sampler)
        # torch: every iterator draws a base seed from the loader's generator (or the default one)
        from ...ops.creation import empty

        self._base_seed = int(empty((), dtype=D.int64).random_(generator=loader.generator).item())
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _next_index(self):
        return next(self._sampler_iter)

    def __len__(self):
        return len(self._loader)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = _make_fetcher(loader)

    def __next__(self):
        index = self._next_index()
        data = self._fetcher.fetch(index)
        self._num_yielded += 1
        return data


class _MultiProcessIter(_BaseIter):
    """Workers fetch batches in parallel; results are yielded in sampler order."""

    def __init__(self, loader):
        super().__init__(loader)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._ctx = ctx
        self._result_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues = []
        self._workers = []
        for i in range(self._num_workers):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            w = ctx.Process(
                target=worker_loop,
                args=(_FetcherFactory(loader), loader.dataset, iq, self._result_queue, self._done_event,
                      self._base_seed + i, loader.worker_init_fn, i, self._num_workers),
                daemon=True,
            )
            w.start()
            self._index_queues.append(iq)
            self._workers.append(w)
        self._shutdown = False
        self._start_epoch()

    def _start_epoch(self):
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}  # task id -> (worker id,) while pending, (worker id, data) once received
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        for _ in range(self._prefetch * self._num_workers):
            self._try_put_index()

    def _reset(self, loader):
        self._sampler_iter = iter(self._index_sampler)
        from ...ops.creation import empty

        self._base_seed = int(empty((), dtype=D.int64).random_(generator=loader.generator).item())
        self._num_yielded = 0
        # drain stale results of the previous epoch
        while self._tasks_outstanding > 0:
            self._get_data()
            self._tasks_outstanding -= 1
        self._start_epoch()

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            wid = next(self._worker_cycle)
            if self._workers_status[wid]:
                break
        else:
            return
        self._index_queues[wid].put((self._send_idx, index))
        self._task_info[self._send_idx] = (wid,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """Receive one result, watching for dead workers and the timeout."""
        waited = 0.0
        step = 1.0 if not self._timeout else min(1.0, self._timeout)
        while True:
            try:
                return self._result_queue.get(timeout=step)
            except queue.Empty:
                waited += step
                if self._timeout and waited >= self._timeout:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                dead = [w for w in self._workers if not w.is_alive()]
                if dead:
                    pids = ", ".join(str(w.pid) for w in dead)
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from None

    def __next__(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._workers_status[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]  # its worker is exhausted (iterable dataset)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process(data)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, IterableDatasetStop):
                # this task and any later one of the exhausted worker are skipped by the loop above
                self._workers_status[data.worker_id] = False
                if not self._persistent:
                    self._index_queues[data.worker_id].put(None)
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
                continue
            del self._task_info[idx]
            self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._try_put_index()
        self._num_yielded += 1
        if isinstance(data, ExceptionWrapper):
            self._shutdown_workers()
            data.reraise()
        return data

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        self._done_event.set()
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=5.0)
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues:
            q.close()
        self._result_queue.cancel_join_thread()
        self._result_queue.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass


class _FetcherFactory:
    """Builds the fetcher inside the worker (picklable for spawn contexts)."""

    def __init__(self, loader):
        self.args = (loader._auto_collation, loader.collate_fn, loader.drop_last, loader._is_iterable,
                     loader.batch_size)

    def __call__(self, dataset):
        return _Fetcher(dataset, *self.args)



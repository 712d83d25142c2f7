"""The worker-process side of DataLoader: fetch batches for the indices the main process sends."""

from __future__ import annotations

import queue
import random
import sys
import traceback
from dataclasses import dataclass

__all__ = ["get_worker_info", "WorkerInfo"]


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: id, num_workers, seed, dataset (its copy)."""

    id: int
    num_workers: int
    seed: int
    dataset: object

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, dataset={self.dataset!r})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker process, this worker's WorkerInfo; None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception from a worker, with its traceback text, re-raised in the main process as torch does."""

    def __init__(self, exc_info, where: str) -> None:
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except TypeError:
            raise RuntimeError(msg) from None
        raise exc


class KeyErrorMessage(str):
    def __repr__(self):
        return self


class IterableDatasetStop:
    """Sent by a worker whose iterable dataset is exhausted."""

    def __init__(self, worker_id: int) -> None:
        self.worker_id = worker_id


def worker_loop(fetcher_factory, dataset, index_queue, result_queue, done_event, seed, init_fn, worker_id,
                num_workers):
    """Run in a worker process until it receives None: fetch each (task id, indices) and send back the batch."""
    global _worker_info
    try:
        random.seed(seed)
        import ember

        ember.manual_seed(seed)
        try:
            import numpy as np

            np.random.seed(seed % (2**32))
        except ImportError:  # pragma: no cover
            pass
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = fetcher_factory(dataset)
        except Exception:
            init_error = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            fetcher = None
        exhausted = False
        while True:
            try:
                task = index_queue.get(timeout=5.0)
            except queue.Empty:
                if done_event.is_set():
                    break
                continue
            if task is None:
                break
            if done_event.is_set() or exhausted:
                continue
            idx, indices = task
            if init_error is not None:
                result_queue.put((idx, init_error))
                init_error = None
                continue
            try:
                data = fetcher.fetch(indices)
            except StopIteration:
                exhausted = True
                data = IterableDatasetStop(worker_id)
            except Exception:
                data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            result_queue.put((idx, data))
            del data
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        result_queue.cancel_join_thread()
        result_queue.close()

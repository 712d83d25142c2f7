"""ember.utils.data against torch.utils.data: batches, orders, collation, workers, errors."""

from __future__ import annotations

import collections
import os
import time

import numpy as np
import pytest

import ember
from ember.utils import data as edata

torch = pytest.importorskip("torch")
tdata = torch.utils.data


def _lists(batch):
    if isinstance(batch, (list, tuple)):
        return [_lists(b) for b in batch]
    if isinstance(batch, dict):
        return {k: _lists(v) for k, v in batch.items()}
    if hasattr(batch, "tolist"):
        return (str(batch.dtype).replace("torch.", ""), batch.tolist())
    return batch


def _both(make):
    """Run make(lib, data_module) for torch and ember after the same seed; return both results."""
    out = []
    for lib, mod in ((torch, tdata), (ember, edata)):
        lib.manual_seed(1234)
        out.append(make(lib, mod))
    return out


LOADER_CASES = {
    "sequential": dict(batch_size=3),
    "shuffle": dict(batch_size=4, shuffle=True),
    "drop_last": dict(batch_size=4, shuffle=True, drop_last=True),
    "batch_none": dict(batch_size=None),
    "bs1": dict(batch_size=1, shuffle=True),
    "bigger_than_data": dict(batch_size=50),
}


@pytest.mark.parametrize("name", LOADER_CASES)
def test_tensor_dataset_batches_and_order_equal_torch(name):
    def make(lib, mod):
        X = lib.arange(22.0).reshape(11, 2)
        y = lib.arange(11)
        dl = mod.DataLoader(mod.TensorDataset(X, y), **LOADER_CASES[name])
        return len(dl), [_lists(b) for b in dl], [_lists(b) for b in dl]

    t, e = _both(make)
    assert e == t


SAMPLERS = {
    "random": lambda lib, mod, ds, g: mod.RandomSampler(ds, generator=g),
    "random_replacement": lambda lib, mod, ds, g: mod.RandomSampler(ds, replacement=True, num_samples=40, generator=g),
    "random_num_samples": lambda lib, mod, ds, g: mod.RandomSampler(ds, num_samples=25, generator=g),
    "random_default_gen": lambda lib, mod, ds, g: mod.RandomSampler(ds),
    "subset_random": lambda lib, mod, ds, g: mod.SubsetRandomSampler([1, 5, 7, 9], generator=g),
    "weighted": lambda lib, mod, ds, g: mod.WeightedRandomSampler([0.1, 0.5, 2.0, 1.0], 12, generator=g),
    "weighted_no_repl": lambda lib, mod, ds, g: mod.WeightedRandomSampler([0.1, 0.5, 2.0, 1.0, 3.0], 4,
                                                                          replacement=False, generator=g),
    "sequential": lambda lib, mod, ds, g: mod.SequentialSampler(ds),
    "batch": lambda lib, mod, ds, g: mod.BatchSampler(mod.RandomSampler(ds, generator=g), 3, drop_last=False),
    "batch_drop": lambda lib, mod, ds, g: mod.BatchSampler(range(10), 3, drop_last=True),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_sampler_orders_equal_torch(name):
    def make(lib, mod):
        g = lib.Generator()
        g.manual_seed(7)
        s = SAMPLERS[name](lib, mod, list(range(10)), g)
        return len(s), list(s), list(s)

    t, e = _both(make)
    assert e == t


def test_distributed_sampler_partitions_equal_torch():
    from torch.utils.data.distributed import DistributedSampler as TDS

    from ember.utils.data.distributed import DistributedSampler as EDS

    for n in (10, 11, 3):
        for reps in (1, 3, 4):
            for shuffle in (True, False):
                for drop_last in (True, False):
                    for epoch in (0, 2):
                        got, want = [], []
                        for r in range(reps):
                            ts = TDS(list(range(n)), num_replicas=reps, rank=r, shuffle=shuffle, seed=3,
                                     drop_last=drop_last)
                            es = EDS(list(range(n)), num_replicas=reps, rank=r, shuffle=shuffle, seed=3,
                                     drop_last=drop_last)
                            ts.set_epoch(epoch)
                            es.set_epoch(epoch)
                            want.append((len(ts), list(ts)))
                            got.append((len(es), list(es)))
                        assert got == want, (n, reps, shuffle, drop_last, epoch)


def test_random_split_equal_torch():
    def make(lib, mod):
        g = lib.Generator().manual_seed(42)
        parts = mod.random_split(list(range(10)), [3, 7], generator=g)
        frac = mod.random_split(list(range(11)), [0.5, 0.3, 0.2])
        return [list(p) for p in parts], [list(p) for p in frac]

    t, e = _both(make)
    assert e == t


Point = collections.namedtuple("Point", "x y")


class _Mixed:
    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"a": self.lib.tensor([i, i + 1.0]), "b": np.array([i], dtype=np.int32), "n": i, "f": i / 2,
                "s": f"s{i}", "p": Point(i, float(i)), "l": [i, i * 2], "np": np.float32(i)}


def test_default_collate_of_mixed_samples_equals_torch():
    def make(lib, mod):
        ds = type("DS", (_Mixed, mod.Dataset), {})(lib)
        return [_lists(b) for b in mod.DataLoader(ds, batch_size=2)]

    t, e = _both(make)
    assert e == t


def test_default_convert_without_batching_equals_torch():
    def make(lib, mod):
        return _lists(mod.default_convert({"a": np.arange(3), "b": [np.float64(1.5)], "c": "x"}))

    t, e = _both(make)
    assert e == t


def test_ragged_batch_errors_as_torch():
    for mod in (tdata, edata):
        with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
            mod.default_collate([[1, 2], [3]])


BAD = [
    (dict(batch_size=0), ValueError, "batch_size should be a positive integer value"),
    (dict(shuffle=True, sampler=[0, 1]), ValueError, "sampler option is mutually exclusive with shuffle"),
    (dict(batch_size=2, batch_sampler=[[0]]), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
    (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
    (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified in multiprocessing"),
    (dict(persistent_workers=True), ValueError, "persistent_workers option needs num_workers > 0"),
    (dict(batch_size=None, drop_last=True), ValueError, "batch_size=None option disables auto-batching"),
]


@pytest.mark.parametrize("kwargs, exc, msg", BAD, ids=[str(b[0]) for b in BAD])
def test_bad_arguments_raise_torchs_error(kwargs, exc, msg):
    for mod in (tdata, edata):
        with pytest.raises(exc, match=msg):
            mod.DataLoader(list(range(10)), **kwargs)


def test_random_split_lengths_that_do_not_add_up():
    for mod in (tdata, edata):
        with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset"):
            mod.random_split(list(range(10)), [3, 3])


class _Raising(edata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise IndexError("no sample 5 here")
        return ember.tensor([float(i)])


def test_index_error_in_getitem_surfaces_in_main_process():
    with pytest.raises(IndexError, match="no sample 5 here"):
        list(edata.DataLoader(_Raising(), batch_size=2))


def test_worker_exception_is_reraised_with_its_traceback():
    with pytest.raises(IndexError) as info:
        list(edata.DataLoader(_Raising(), batch_size=2, num_workers=2))
    text = str(info.value)
    assert text.startswith("Caught IndexError in DataLoader worker process")
    assert "Traceback (most recent call last)" in text and "no sample 5 here" in text


def _children():
    import multiprocessing

    return multiprocessing.active_children()


def test_workers_give_every_index_once_in_order_and_shut_down():
    ds = edata.TensorDataset(ember.arange(100))
    dl = edata.DataLoader(ds, batch_size=7, num_workers=2)
    seen = [x for (b,) in dl for x in b.tolist()]
    assert seen == list(range(100))
    time.sleep(0.2)
    assert _children() == []


def test_breaking_out_early_releases_the_workers():
    dl = edata.DataLoader(edata.TensorDataset(ember.arange(1000)), batch_size=5, num_workers=2)
    it = iter(dl)
    next(it)
    del it
    deadline = time.time() + 10
    while _children() and time.time() < deadline:
        time.sleep(0.1)
    assert _children() == []


def test_shuffled_worker_batches_equal_torch():
    def make(lib, mod):
        dl = mod.DataLoader(mod.TensorDataset(lib.arange(30)), batch_size=4, shuffle=True, num_workers=2)
        return [_lists(b) for b in dl]

    t, e = _both(make)
    assert e == t


class _Seeds(edata.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = edata.get_worker_info()
        return ember.tensor([info.id, info.num_workers, ember.initial_seed() - info.seed])


def test_worker_info_and_per_worker_seeds():
    assert edata.get_worker_info() is None
    rows = [r.tolist() for b in edata.DataLoader(_Seeds(), batch_size=1, num_workers=2) for r in b]
    assert sorted(r[0] for r in rows) == [0, 0, 1, 1]
    assert all(r[1] == 2 and r[2] == 0 for r in rows)  # torch: each worker is seeded with base_seed + worker id


class _Shards(edata.IterableDataset):
    def __iter__(self):
        info = edata.get_worker_info()
        wid, n = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(wid, 10, n))


def test_iterable_dataset_sharded_across_workers():
    got = sorted(x for b in edata.DataLoader(_Shards(), batch_size=3, num_workers=2) for x in b.tolist())
    assert got == list(range(10))
    assert [b.tolist() for b in edata.DataLoader(_Shards(), batch_size=4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_persistent_workers_reuse_processes_across_epochs():
    dl = edata.DataLoader(edata.TensorDataset(ember.arange(12)), batch_size=5, num_workers=2, persistent_workers=True)
    first = [b.tolist() for (b,) in dl]
    pids = sorted(p.pid for p in _children())
    second = [b.tolist() for (b,) in dl]
    assert first == second == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert sorted(p.pid for p in _children()) == pids
    dl._iterator._shutdown_workers()


def test_worker_init_fn_runs_in_each_worker(tmp_path):
    def init(wid):
        (tmp_path / f"w{wid}-{os.getpid()}").write_text("x")

    list(edata.DataLoader(edata.TensorDataset(ember.arange(8)), batch_size=2, num_workers=2, worker_init_fn=init))
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["w0", "w1"]

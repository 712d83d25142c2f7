"""ember.save / ember.load against torch.save / torch.load: both directions, sharing, safety, atomicity."""

from __future__ import annotations

import collections
import io
import pickle

import numpy as np
import pytest

import ember
from ember import serialization

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64"]


def _np(shape, name, seed=0):
    rng = np.random.default_rng(seed)
    if name == "bool":
        return rng.random(shape) > 0.5
    return (rng.standard_normal(shape) * 5).astype(name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4)])
def test_ember_save_is_read_by_torch_load(tmp_path, dtype, shape):
    a = _np(shape, dtype)
    ember.save({"t": ember.tensor(a)}, tmp_path / "x.pt")
    got = torch.load(tmp_path / "x.pt")["t"]
    assert str(got.dtype) == f"torch.{dtype}"
    assert tuple(got.shape) == shape
    np.testing.assert_array_equal(got.numpy(), a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_save_is_read_by_ember_load(tmp_path, dtype):
    a = _np((3, 4), dtype)
    torch.save({"t": torch.from_numpy(a.copy()), "v": torch.from_numpy(a.copy())[:, 1]}, tmp_path / "y.pt")
    got = ember.load(tmp_path / "y.pt")
    assert got["t"].dtype is getattr(ember, dtype)
    np.testing.assert_array_equal(got["t"].numpy(), a)
    np.testing.assert_array_equal(got["v"].numpy(), a[:, 1])


def test_views_of_one_storage_stay_shared_after_load(tmp_path):
    base = torch.arange(12.0).reshape(3, 4)
    torch.save({"a": base, "b": base[1:, ::2]}, tmp_path / "v.pt")
    got = ember.load(tmp_path / "v.pt")
    got["a"][1, 0] = 100.0
    assert got["b"][0, 0].item() == 100.0  # torch: the view was saved as a view of the same storage
    np.testing.assert_array_equal(got["b"].numpy(), np.array([[100.0, 6.0], [8.0, 10.0]]))


def test_ember_views_round_trip_through_torch(tmp_path):
    base = ember.arange(12.0).reshape(3, 4)
    ember.save([base, base.t(), base[:, 1]], tmp_path / "w.pt")
    a, at, col = torch.load(tmp_path / "w.pt")
    assert at.stride() == (1, 4)
    a[0, 1] = -1.0
    assert col[0].item() == -1.0 and at[1, 0].item() == -1.0


def test_state_dict_with_metadata_round_trips(tmp_path):
    sd = torch.nn.Linear(3, 2).state_dict()
    torch.save(sd, tmp_path / "sd.pt")
    got = ember.load(tmp_path / "sd.pt")
    assert isinstance(got, collections.OrderedDict)
    assert list(got) == ["weight", "bias"]
    assert got._metadata == sd._metadata
    ember.save(got, tmp_path / "sd2.pt")
    back = torch.load(tmp_path / "sd2.pt")
    assert back._metadata == sd._metadata
    for k in sd:
        assert torch.equal(back[k], sd[k])


def test_parameters_dtypes_devices_and_sizes_round_trip(tmp_path):
    obj = {"p": torch.nn.Parameter(torch.ones(2)), "d": torch.float16, "dev": torch.device("cpu"),
           "s": torch.Size([2, 3]), "n": [1, 2.5, "x", None, (True,)]}
    torch.save(obj, tmp_path / "o.pt")
    got = ember.load(tmp_path / "o.pt")
    assert got["p"].requires_grad and type(got["p"]).__name__ == "Parameter"
    assert got["d"] is ember.float16 and got["dev"] == ember.device("cpu")
    assert got["s"] == ember.Size([2, 3]) and repr(got["s"]) == "torch.Size([2, 3])"
    assert got["n"] == [1, 2.5, "x", None, (True,)]
    ember.save(got, tmp_path / "o2.pt")
    back = torch.load(tmp_path / "o2.pt")
    assert isinstance(back["p"], torch.nn.Parameter) and back["d"] is torch.float16 and back["s"] == torch.Size([2, 3])


def test_file_objects_work_both_ways():
    buf = io.BytesIO()
    ember.save(ember.arange(3), buf)
    buf.seek(0)
    assert torch.load(buf).tolist() == [0, 1, 2]
    buf = io.BytesIO()
    torch.save(torch.arange(3), buf)
    buf.seek(0)
    assert ember.load(buf).tolist() == [0, 1, 2]


def test_load_is_safe_by_default(tmp_path):
    torch.save(torch.nn.Linear(2, 2), tmp_path / "m.pt")  # a whole module: needs arbitrary globals
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        ember.load(tmp_path / "m.pt")

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL (__builtin__|builtins).print"):
        ember.load(tmp_path / "evil.pt")


def test_a_crash_while_saving_leaves_the_old_file_in_place(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    ember.save({"w": ember.ones(3)}, path)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write_zip", boom)
    with pytest.raises(OSError, match="disk full"):
        ember.save({"w": ember.zeros(3)}, path)
    assert ember.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]  # no temporary file left behind


def test_legacy_format_gets_a_clear_error(tmp_path):
    torch.save(torch.ones(2), tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy format"):
        ember.load(tmp_path / "old.pt")

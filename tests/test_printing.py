"""repr/str of real tensors through Tensor.__repr__ (suffixes, dtypes, empty, summarised) vs torch.

tests/test_tensor_str.py checks the formatter on arrays; this file checks what a user sees from tensors made by ops.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _reset_torch_printoptions():
    yield
    torch.set_printoptions(profile="default")


# fmt: off
CASES = [
    ("0-d float",              lambda m: m.tensor(3.5)),
    ("0-d int",                lambda m: m.tensor(-4)),
    ("0-d bool",               lambda m: m.tensor(True)),
    ("float vector",           lambda m: m.tensor([1.0, 2.5, -3.25])),
    ("integral floats",        lambda m: m.tensor([1.0, 2.0, 3.0])),
    ("int matrix",             lambda m: m.arange(12).reshape(3, 4)),
    ("3-d",                    lambda m: m.arange(24.0).reshape(2, 3, 4)),
    ("scientific",             lambda m: m.tensor([1e-8, 1.0, 1e8])),
    ("nan inf",                lambda m: m.tensor([float("nan"), float("inf"), -float("inf"), 1.5])),
    ("float64 suffix",         lambda m: m.tensor([1.5, 2.0], dtype=m.float64)),
    ("float16 suffix",         lambda m: m.tensor([1.5, 2.0], dtype=m.float16)),
    ("int32 suffix",           lambda m: m.tensor([1, 2], dtype=m.int32)),
    ("uint8 suffix",           lambda m: m.tensor([1, 2], dtype=m.uint8)),
    ("int8 suffix",            lambda m: m.tensor([-1, 2], dtype=m.int8)),
    ("int16 suffix",           lambda m: m.tensor([1, 2], dtype=m.int16)),
    ("bool vector",            lambda m: m.tensor([True, False])),
    ("complex",                lambda m: m.tensor([1 + 2j, -0.5j])),
    ("complex128",             lambda m: m.tensor([1 + 2j], dtype=m.complex128)),
    ("empty",                  lambda m: m.tensor([])),
    ("empty 0x3",              lambda m: m.zeros(0, 3)),
    ("empty int64",            lambda m: m.zeros(2, 0, dtype=m.int64)),
    ("empty float64",          lambda m: m.zeros(0, dtype=m.float64)),
    ("requires_grad",          lambda m: m.ones(2, requires_grad=True)),
    ("requires_grad float64",  lambda m: m.ones(2, dtype=m.float64, requires_grad=True)),
    ("0-d requires_grad",      lambda m: m.tensor(2.0, requires_grad=True)),
    ("MulBackward0",           lambda m: m.ones(2, requires_grad=True) * 2),
    ("AddBackward0",           lambda m: m.ones(2, requires_grad=True) + 1),
    ("SumBackward0",           lambda m: (m.arange(3.0, requires_grad=True) * 2).sum()),
    ("MeanBackward0",          lambda m: m.arange(3.0, requires_grad=True).mean()),
    ("PowBackward0",           lambda m: m.arange(3.0, requires_grad=True) ** 2),
    ("ViewBackward0",          lambda m: m.arange(4.0, requires_grad=True).view(2, 2)),
    ("SelectBackward0",        lambda m: m.arange(4.0, requires_grad=True)[1]),
    ("SliceBackward0",         lambda m: m.arange(4.0, requires_grad=True)[1:]),
    ("TBackward0",             lambda m: m.ones(2, 3, requires_grad=True).t()),
    ("MmBackward0",            lambda m: m.ones(2, 3, requires_grad=True) @ m.ones(3, 2)),
    ("grad_fn float64",        lambda m: m.ones(2, dtype=m.float64, requires_grad=True) * 3),
    ("ToCopyBackward0",        lambda m: m.ones(2, requires_grad=True).double()),
    ("empty with grad",        lambda m: m.zeros(0, requires_grad=True)),
    ("detached",               lambda m: (m.ones(2, requires_grad=True) * 2).detach()),
    ("no_grad result",         lambda m: _no_grad(m, lambda: m.ones(2, requires_grad=True) * 2)),
    ("summarised 1-d",         lambda m: m.arange(2000.0)),
    ("summarised int",         lambda m: m.arange(5000)),
    ("summarised 2-d",         lambda m: m.arange(3000.0).reshape(60, 50)),
    ("summarised grad",        lambda m: m.arange(1500.0, requires_grad=True) * 1),
    ("wrapped line",           lambda m: m.arange(30.0) / 7),
    ("big values",             lambda m: m.tensor([123456.0, 1.0])),
    ("negative zero",          lambda m: m.tensor([-0.0, 1.0])),
    ("comparison",             lambda m: m.arange(4) > 1),
    ("int division",           lambda m: m.tensor([1, 2, 3]) / 2),
    ("transposed",             lambda m: m.arange(6.0).reshape(2, 3).t()),
    ("expanded",               lambda m: m.tensor([1.0, 2.0]).expand(3, 2)),
    ("from_numpy float64",     lambda m: m.from_numpy(np.array([0.1, 0.2]))),
]
# fmt: on


def _no_grad(m, fn):
    with m.no_grad():
        return fn()


@pytest.mark.parametrize("name, make", CASES, ids=[c[0] for c in CASES])
def test_repr_and_str_match_torch(name, make):
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t)
    assert str(e) == str(t)


@pytest.mark.parametrize("name, make", CASES[:12], ids=[c[0] for c in CASES[:12]])
def test_print_in_containers_matches_torch(name, make):
    e, t = make(ember), make(torch)
    assert repr([e, e]) == repr([t, t])
    assert repr((e,)) == repr((t,))
    assert f"value: {e}" == f"value: {t}"


@pytest.mark.parametrize(
    "kwargs",
    [dict(precision=2), dict(precision=8), dict(sci_mode=True), dict(sci_mode=False), dict(threshold=5),
     dict(edgeitems=1, threshold=5), dict(linewidth=40), dict(profile="short"), dict(profile="full")],
    ids=str,
)
def test_set_printoptions_changes_tensor_repr_like_torch(kwargs):
    torch.set_printoptions(**kwargs)
    ember.set_printoptions(**kwargs)
    for make in (lambda m: m.arange(20.0) / 3, lambda m: m.tensor([1e-5, 1.0, 250.0]),
                 lambda m: m.arange(12).reshape(3, 4), lambda m: m.ones(3, requires_grad=True) * 1.5):
        assert repr(make(ember)) == repr(make(torch))


def test_dtype_device_size_reprs():
    assert repr(ember.float32) == repr(torch.float32)
    assert repr(ember.zeros(2, 3).shape) == repr(torch.zeros(2, 3).shape)
    assert repr(ember.device("cpu")) == repr(torch.device("cpu"))
    assert str(ember.device("cpu")) == str(torch.device("cpu"))
    assert repr(ember.device("cuda", 1)) == repr(torch.device("cuda", 1))
    assert repr(ember.strided) == repr(torch.strided)


def test_grad_fn_object_repr_shape():
    e = (ember.ones(2, requires_grad=True) * 2).grad_fn
    t = (torch.ones(2, requires_grad=True) * 2).grad_fn
    assert e.name() == t.name()
    assert repr(e).split(" object at ")[0] == repr(t).split(" object at ")[0]


def test_grad_prints_like_torch():
    e = ember.tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    (e * e).sum().backward()
    (t * t).sum().backward()
    assert repr(e.grad) == repr(t.grad)
    assert repr(e) == repr(t)

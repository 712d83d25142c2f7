"""Bad input raises torch's exception type and the first sentence of torch's message (issue 4's Errors list)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def first_sentence(msg: str) -> str:
    line = str(msg).strip().split("\n")[0]
    return re.split(r"(?<=[.!])\s", line, maxsplit=1)[0]


# fmt: off
ERRORS = [
    # creation: ragged lists, unsupported data and dtypes
    ("ragged list",              lambda m: m.tensor([[1, 2], [3]])),
    ("ragged deeper",            lambda m: m.tensor([[[1.0], [2.0]], [[3.0]]])),
    ("number after list",        lambda m: m.tensor([[1, 2], 3])),
    ("list of strings",          lambda m: m.tensor(["a"])),
    ("object",                   lambda m: m.tensor(object())),
    ("dtype given as str",       lambda m: m.zeros(2, dtype="float32")),
    ("negative size",            lambda m: m.zeros(-1)),
    ("arange zero step",         lambda m: m.arange(0, 10, 0)),
    ("from_numpy of a list",     lambda m: m.from_numpy([1, 2])),
    # devices that do not exist
    ("device foo",               lambda m: m.device("foo")),
    ("device bad index",         lambda m: m.device("cuda:x")),
    ("device negative index",    lambda m: m.device("cpu:-1")),
    ("to device foo",            lambda m: m.zeros(2).to("foo")),
    ("device empty",             lambda m: m.device("")),
    ("device with space",        lambda m: m.device("cpu ")),
    ("device leading zero",      lambda m: m.device("cuda:01")),
    ("device two colons",        lambda m: m.device("cuda:0:1")),
    ("device capitalised",       lambda m: m.device("Cuda")),
    ("device index not int",     lambda m: m.device("cuda", "a")),
    ("device index twice",       lambda m: m.device("cuda:0", 1)),
    ("device None",              lambda m: m.device(None)),
    ("Size of floats",           lambda m: m.Size([2, 2.5])),
    ("broadcast_shapes",         lambda m: m.broadcast_shapes((2, 1), (3, 4))),
    ("broadcast_tensors",        lambda m: m.broadcast_tensors(m.zeros(2, 3), m.zeros(4))),
    ("legacy Tensor of float",   lambda m: m.Tensor(2.5)),
    # shapes
    ("matmul 2-d mismatch",      lambda m: m.zeros(2, 3) @ m.zeros(4, 5)),
    ("mm mismatch",              lambda m: m.zeros(2, 3).mm(m.zeros(2, 3))),
    ("matmul batched mismatch",  lambda m: m.zeros(2, 2, 3) @ m.zeros(2, 4, 5)),
    ("broadcast add",            lambda m: m.zeros(2, 3) + m.zeros(4)),
    ("broadcast mul",            lambda m: m.zeros(5, 1, 3) * m.zeros(2, 4)),
    ("broadcast compare",        lambda m: m.zeros(3) < m.zeros(2)),
    ("inplace broadcast",        lambda m: m.zeros(3).add_(m.zeros(2, 3))),
    ("copy_ mismatch",           lambda m: m.zeros(2).copy_(m.zeros(3))),
    ("invalid view",             lambda m: m.zeros(2, 3).view(4)),
    ("view two -1",              lambda m: m.zeros(2).view(-1, -1)),
    ("invalid reshape",          lambda m: m.zeros(2, 3).reshape(5)),
    ("expand mismatch",          lambda m: m.zeros(2, 3).expand(4, 3)),
    ("cat mismatch",             lambda m: m.cat([m.zeros(2, 3), m.zeros(2, 4)])),
    ("setitem shape",            lambda m: m.zeros(2, 3).__setitem__(0, m.zeros(4))),
    # indices and dims out of range
    ("index out of range",       lambda m: m.zeros(2, 3)[2]),
    ("negative index",           lambda m: m.zeros(2, 3)[-3]),
    ("second index",             lambda m: m.zeros(2, 3)[0, 5]),
    ("too many indices",         lambda m: m.zeros(2, 3)[:, :, 0]),
    ("index 0-d",                lambda m: m.tensor(1.0)[0]),
    ("tensor index",             lambda m: m.zeros(2, 3)[m.tensor([5])]),
    ("list index",               lambda m: m.zeros(2, 3)[[0, 2]]),
    ("mask shape",               lambda m: m.zeros(2, 3)[m.tensor([True])]),
    ("setitem out of range",     lambda m: m.zeros(2, 3).__setitem__(5, 1.0)),
    ("sum dim",                  lambda m: m.zeros(2, 3).sum(dim=2)),
    ("transpose dim",            lambda m: m.zeros(2, 3).transpose(0, 3)),
    ("squeeze dim",              lambda m: m.zeros(2, 3).squeeze(4)),
    ("unsqueeze dim",            lambda m: m.zeros(2, 3).unsqueeze(3)),
    ("flatten dim",              lambda m: m.zeros(2, 3).flatten(2)),
    ("size dim",                 lambda m: m.zeros(2, 3).size(-3)),
    ("size of 0-d",              lambda m: m.tensor(1.0).size(0)),
    ("stride of 0-d",            lambda m: m.tensor(1.0).stride(-1)),
    ("size float dim",           lambda m: m.zeros(2).size(1.0)),
    ("narrow past end",          lambda m: m.zeros(2, 3).narrow(1, 2, 3)),
    ("select out of range",      lambda m: m.zeros(2, 3).select(0, 2)),
    ("chunk zero",               lambda m: m.zeros(2, 3).chunk(0)),
    # dtypes an op does not take
    ("bitwise on float",         lambda m: m.zeros(2) & m.zeros(2)),
    ("xor float with int",       lambda m: m.zeros(2) ^ 1),
    ("invert float",             lambda m: ~m.zeros(2)),
    ("matmul int with float",    lambda m: m.tensor([1, 2]) @ m.tensor([1.0, 2.0])),
    ("mean of long",             lambda m: m.zeros(2).long().mean()),
    ("exp_ on long",             lambda m: m.zeros(2, dtype=m.int64).exp_()),
    ("add_ float into long",     lambda m: m.tensor([1, 2]).add_(1.5)),
    ("requires_grad on int",     lambda m: m.tensor([1, 2]).requires_grad_()),
    # scalars and autograd
    ("item of many",             lambda m: m.zeros(2, 3).item()),
    ("bool of many",             lambda m: bool(m.zeros(2))),
    ("backward no grad",         lambda m: m.zeros(2, 3).sum().backward()),
    ("backward non-scalar",      lambda m: (m.ones(2, requires_grad=True) * 2).backward()),
    ("inplace on leaf",          lambda m: m.ones(2, requires_grad=True).mul_(2)),
    ("add a string",             lambda m: m.ones(2) + "a"),
    ("add None",                 lambda m: m.ones(2) + None),
]
# fmt: on

# where ember's first sentence is not torch's yet: {case: why (file to fix)}
CREATION = "ops/creation.py: tensor()/zeros() argument checks"
KNOWN = {
    "list of strings": CREATION + ": torch raises ValueError too many dimensions 'str'",
    "object": CREATION + ": torch raises RuntimeError Could not infer dtype of object",
    "dtype given as str": CREATION + ": torch prefixes zeros(): argument 'dtype' must be torch.dtype",
    "matmul batched mismatch": "ops/linalg.py: torch's batched text is Expected size for first two dimensions ...",
    "matmul int with float": "ops/linalg.py: torch says dot : expected both vectors to have same dtype ...",
    "add a string": "ops/_binary.py: an unsupported operand must return NotImplemented so Python raises its TypeError",
    "add None": "ops/_binary.py: an unsupported operand must return NotImplemented so Python raises its TypeError",
}


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_matches_torch(name, fn):
    with pytest.raises(Exception) as te:
        fn(torch)
    try:
        fn(ember)
    except Exception as e:
        got = (type(e).__name__, first_sentence(e))
    else:
        got = ("no exception", "")
    want = (type(te.value).__name__, first_sentence(te.value))
    if got != want and name in KNOWN:
        pytest.xfail(KNOWN[name])  # a known gap that is fixed passes, so KNOWN cannot hide a fix
    assert got == want


def test_errors_are_subclasses_users_catch():
    with pytest.raises(IndexError):
        ember.zeros(2)[5]
    with pytest.raises(RuntimeError):
        ember.zeros(2, 3) @ ember.zeros(2, 3)


# ------------------------------------------------------------------ devices without a GPU
def test_cuda_tensor_without_gpu_raises_a_clear_error():
    if ember.cuda.is_available():
        pytest.skip("a GPU is present")
    for fn in (lambda: ember.zeros(2, device="cuda:0"), lambda: ember.tensor([1.0], device="cuda"),
               lambda: ember.ones(2).cuda(), lambda: ember.ones(2).to("cuda"),
               lambda: ember.zeros(2, device=ember.device("cuda:0"))):
        with pytest.raises((RuntimeError, AssertionError)) as ee:
            fn()
        assert "CUDA" in str(ee.value) or "cuda" in str(ee.value)


def test_device_of_an_int_without_accelerator_raises_like_torch():
    if ember.cuda.is_available() or torch.cuda.is_available():
        pytest.skip("an accelerator is present")
    with pytest.raises(RuntimeError) as te:
        torch.device(0)
    with pytest.raises(RuntimeError) as ee:
        ember.device(0)
    assert str(ee.value) == str(te.value)


def test_device_objects_match_torch():
    for spec in ["cpu", "cuda", "cuda:1", "meta", "cpu:0", "cuda:10", "mps", "xla", "hip:1"]:
        e, t = ember.device(spec), torch.device(spec)
        assert (repr(e), str(e), e.type, e.index) == (repr(t), str(t), t.type, t.index)
    assert ember.device("cuda", 0) == ember.device("cuda:0")
    assert ember.device("cpu") == "cpu"
    assert ember.zeros(1).device == torch.zeros(1).device.type


def test_nothing_returns_silently_wrong_for_numpy_object_arrays():
    with pytest.raises(TypeError):
        torch.from_numpy(np.array([1, "a"], dtype=object))
    with pytest.raises(TypeError):
        ember.from_numpy(np.array([1, "a"], dtype=object))


def test_varargs_functions_take_their_sequence_by_keyword_too():
    torch = pytest.importorskip("torch")
    for lib in (torch, ember):
        x = lib.arange(6.0)
        assert tuple(x.view(size=(2, 3)).shape) == (2, 3)
        assert tuple(lib.reshape(x, shape=(3, 2)).shape) == (3, 2)
        assert tuple(lib.permute(x.reshape(2, 3), dims=(1, 0)).shape) == (3, 2)
        assert lib.flip(x, dims=[0]).tolist() == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
        assert tuple(x.expand(size=(2, 6)).shape) == (2, 6)
        assert tuple(x.repeat(repeats=(2,)).shape) == (12,)
        assert tuple(lib.zeros(size=(2, 2)).shape) == (2, 2) and tuple(lib.ones(size=[3]).shape) == (3,)
        with pytest.raises(TypeError, match="zeros\\(\\) got multiple values for argument 'size'"):
            lib.zeros(2, size=(3,))

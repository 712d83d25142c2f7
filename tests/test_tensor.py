"""Tensor attributes, conversions and Python protocols, compared with torch live."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def both(fn):
    return fn(ember), fn(torch)


def same_dtype(e, t) -> bool:
    return repr(e) == repr(t)


def assert_same_tensor(e, t):
    assert type(e).__name__ == "Tensor" or isinstance(e, ember.Tensor)
    assert tuple(e.shape) == tuple(t.shape)
    assert same_dtype(e.dtype, t.dtype)
    np.testing.assert_array_equal(np.asarray(e.detach().numpy()), t.detach().numpy())


# values drawn once in NumPy, converted for each library
MAKERS = [
    ("0-d float", lambda m: m.tensor(2.5)),
    ("0-d int", lambda m: m.tensor(7)),
    ("1-d", lambda m: m.tensor([1.0, -2.0, 3.5])),
    ("2x3 int", lambda m: m.arange(6).reshape(2, 3)),
    ("2x3x4 float64", lambda m: m.arange(24, dtype=m.float64).reshape(2, 3, 4)),
    ("empty 0x3", lambda m: m.zeros(0, 3)),
    ("bool", lambda m: m.tensor([True, False])),
    ("transposed", lambda m: m.arange(6.0).reshape(2, 3).t()),
    ("sliced step", lambda m: m.arange(10.0)[::3]),
    ("unsqueezed", lambda m: m.arange(3.0).unsqueeze(0)),
    ("expanded", lambda m: m.arange(3.0).expand(2, 3)),
    ("complex", lambda m: m.tensor([1 + 2j, 3 - 1j])),
    ("uint8", lambda m: m.tensor([1, 255], dtype=m.uint8)),
    ("float16", lambda m: m.tensor([0.5, 1.5], dtype=m.float16)),
]
IDS = [m[0] for m in MAKERS]

ATTRS = [
    ("shape", lambda x: tuple(x.shape)),
    ("shape type name", lambda x: type(x.shape).__name__),
    ("repr shape", lambda x: repr(x.shape)),
    ("size()", lambda x: tuple(x.size())),
    ("size(-1)", lambda x: x.size(-1) if x.dim() else None),
    ("dim", lambda x: x.dim()),
    ("ndim", lambda x: x.ndim),
    ("ndimension", lambda x: x.ndimension()),
    ("numel", lambda x: x.numel()),
    ("nelement", lambda x: x.nelement()),
    ("dtype", lambda x: repr(x.dtype)),
    ("device", lambda x: repr(x.device)),
    ("str device", lambda x: str(x.device)),
    ("is_cuda", lambda x: x.is_cuda),
    ("is_cpu", lambda x: x.is_cpu),
    ("element_size", lambda x: x.element_size()),
    ("itemsize", lambda x: x.itemsize),
    ("nbytes", lambda x: x.nbytes),
    ("stride", lambda x: x.stride()),
    ("is_contiguous", lambda x: x.is_contiguous()),
    ("layout", lambda x: repr(x.layout)),
    ("is_sparse", lambda x: x.is_sparse),
    ("is_leaf", lambda x: x.is_leaf),
    ("requires_grad", lambda x: x.requires_grad),
    ("grad_fn", lambda x: x.grad_fn),
    ("type()", lambda x: x.type()),
    ("is_floating_point", lambda x: x.is_floating_point()),
    ("is_complex", lambda x: x.is_complex()),
    ("is_signed", lambda x: x.is_signed()),
    ("get_device", lambda x: x.get_device()),
    ("tolist", lambda x: x.tolist()),
    ("T shape", lambda x: tuple(x.T.shape) if x.dim() != 3 else None),
    ("mT shape", lambda x: tuple(x.mT.shape) if x.dim() >= 2 else None),
    ("contiguous stride", lambda x: x.contiguous().stride()),
    ("contiguous is_contiguous", lambda x: x.contiguous().is_contiguous()),
    ("clone stride", lambda x: x.clone().stride()),
    ("storage_offset", lambda x: x.storage_offset()),
]


@pytest.mark.parametrize("attr, get", ATTRS, ids=[a[0] for a in ATTRS])
@pytest.mark.parametrize("name, make", MAKERS, ids=IDS)
def test_attribute_matches_torch(name, make, attr, get):
    e, t = both(make)
    assert get(e) == get(t)


def test_size_is_a_tuple_subclass_like_torch_size():
    e, t = ember.zeros(2, 3).shape, torch.zeros(2, 3).shape
    assert isinstance(e, tuple)
    assert repr(e[1:]) == repr(t[1:])
    assert e.numel() == t.numel()
    assert repr(e + (4,)) == repr(t + (4,))
    assert e == (2, 3) and e == t


def test_size_out_of_range_dim_raises_index_error():
    with pytest.raises(IndexError) as te:
        torch.zeros(2, 3).size(2)
    with pytest.raises(IndexError) as ee:
        ember.zeros(2, 3).size(2)
    assert str(ee.value) == str(te.value)


def test_T_reverses_dims_and_mT_swaps_last_two():
    x = np.arange(24.0).reshape(2, 3, 4)
    e, t = ember.tensor(x), torch.tensor(x)
    assert_same_tensor(e.mT, t.mT)
    assert_same_tensor(e[0].T, t[0].T)
    assert_same_tensor(ember.tensor([1.0, 2.0]).T, torch.tensor([1.0, 2.0]).T)


# ------------------------------------------------------------------ item / tolist / numpy
@pytest.mark.parametrize(
    "make",
    [lambda m: m.tensor(2.5), lambda m: m.tensor([7]), lambda m: m.tensor([[True]]), lambda m: m.tensor(1 + 2j),
     lambda m: m.tensor(3, dtype=m.uint8), lambda m: m.tensor(0.1, dtype=m.float16)],
)
def test_item_gives_the_python_number_torch_gives(make):
    e, t = both(make)
    assert type(e.item()) is type(t.item())
    assert e.item() == t.item()


def test_tolist_gives_python_numbers():
    e, t = both(lambda m: m.tensor([[1, 2], [3, 4]], dtype=m.int32))
    assert e.tolist() == t.tolist()
    assert type(e.tolist()[0][0]) is int
    assert type(ember.tensor(1.5).tolist()) is float


def test_numpy_shares_memory_both_ways():
    e = ember.zeros(3)
    a = e.numpy()
    a[0] = 5.0
    assert e[0].item() == 5.0
    e[1] = 7.0
    assert a[1] == 7.0
    assert a.dtype == np.float32


def test_numpy_of_a_view_shares_memory():
    e = ember.arange(6.0).reshape(2, 3)
    v = e[:, 1]
    v.numpy()[:] = -1
    assert e.tolist() == [[0.0, -1.0, 2.0], [3.0, -1.0, 5.0]]


def test_from_numpy_shares_memory_and_keeps_dtype():
    a = np.arange(4, dtype=np.int16)
    e = ember.from_numpy(a)
    t = torch.from_numpy(a.copy())
    assert same_dtype(e.dtype, t.dtype)
    a[0] = 9
    assert e[0].item() == 9


def test_numpy_on_requires_grad_raises_like_torch():
    with pytest.raises(RuntimeError) as te:
        torch.ones(2, requires_grad=True).numpy()
    with pytest.raises(RuntimeError) as ee:
        ember.ones(2, requires_grad=True).numpy()
    assert str(ee.value) == str(te.value)


def test_array_protocol():
    e = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(e)
    assert a.dtype == np.float32 and a.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert np.asarray(e, dtype=np.float64).dtype == np.float64
    a[0, 0] = 10
    assert e[0, 0].item() == 10.0  # np.asarray shares memory, as with torch
    with pytest.raises(RuntimeError) as te:
        np.asarray(torch.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError) as ee:
        np.asarray(ember.ones(2, requires_grad=True))
    assert str(ee.value) == str(te.value)


# ------------------------------------------------------------------ clone / contiguous / to / type
def test_clone_copies():
    e = ember.arange(6.0).reshape(2, 3).t()
    c = e.clone()
    c[0, 0] = 100
    assert e[0, 0].item() == 0.0
    assert c.tolist() == [[100.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_contiguous_of_contiguous_is_self():
    e = ember.zeros(2, 3)
    assert e.contiguous() is e
    n = e.t()
    c = n.contiguous()
    assert c is not n and c.is_contiguous()


CONVERSIONS = [
    ("float", lambda x: x.float()),
    ("double", lambda x: x.double()),
    ("half", lambda x: x.half()),
    ("long", lambda x: x.long()),
    ("int", lambda x: x.int()),
    ("short", lambda x: x.short()),
    ("char", lambda x: x.char()),
    ("byte", lambda x: x.byte()),
    ("bool", lambda x: x.bool()),
    ("cpu", lambda x: x.cpu()),
    ("to dtype", lambda x: x.to(x.__class__ and __import__("ember").float64) if isinstance(x, ember.Tensor)
     else x.to(torch.float64)),
    ("to device str", lambda x: x.to("cpu")),
    ("type str", lambda x: x.type("torch.IntTensor")),
    ("type_as", lambda x: x.type_as(x.long())),
]


@pytest.mark.parametrize("conv, fn", CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
@pytest.mark.parametrize("src", ["float32", "int64", "bool"])
def test_conversion_matches_torch(src, conv, fn):
    data = [[0, 1.5, -2.7], [3.2, 0.0, 1.0]]
    e = fn(ember.tensor(data).to(getattr(ember, src)))
    t = fn(torch.tensor(data).to(getattr(torch, src)))
    assert_same_tensor(e, t)


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_to_same_dtype_returns_self_as_torch(dtype):
    e = ember.zeros(2, dtype=getattr(ember, dtype))
    t = torch.zeros(2, dtype=getattr(torch, dtype))
    assert (e.to(e.dtype) is e) == (t.to(t.dtype) is t)
    assert (e.to("cpu") is e) == (t.to("cpu") is t)
    assert (e.float() is e) == (t.float() is t)
    assert (e.to(e.dtype, copy=True) is e) == (t.to(t.dtype, copy=True) is t)


def test_to_tensor_takes_dtype_and_device():
    e = ember.zeros(2).to(ember.zeros(1, dtype=ember.float64))
    assert e.dtype is ember.float64 and e.device == ember.device("cpu")


def test_to_device_and_dtype_keywords():
    e = ember.zeros(2).to(device="cpu", dtype=ember.int32)
    assert e.dtype is ember.int32
    e = ember.zeros(2).to("cpu", ember.float16)
    assert e.dtype is ember.float16


def test_type_without_argument_names_the_legacy_class():
    for name in ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]:
        assert ember.zeros(1, dtype=getattr(ember, name)).type() == torch.zeros(1, dtype=getattr(torch, name)).type()


def test_conversion_keeps_autograd():
    x = ember.ones(2, requires_grad=True)
    y = x.double()
    t = torch.ones(2, requires_grad=True).double()
    assert repr(y) == repr(t)
    y.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.tolist() == [1.0, 1.0]


# ------------------------------------------------------------------ Python protocols
PROTOCOLS = [
    ("bool 0-d", lambda m: bool(m.tensor(0.0))),
    ("bool 1-elem", lambda m: bool(m.tensor([3]))),
    ("len", lambda m: len(m.zeros(4, 2))),
    ("iter", lambda m: [repr(r) for r in m.arange(6).reshape(3, 2)]),
    ("iter 1-d", lambda m: [r.item() for r in m.tensor([1.5, 2.5])]),
    ("index", lambda m: [10, 20, 30][m.tensor(1)]),
    ("index range", lambda m: list(range(m.tensor(3)))),
    ("int", lambda m: int(m.tensor(3.7))),
    ("int neg", lambda m: int(m.tensor([-3.7]))),
    ("float", lambda m: float(m.tensor(3))),
    ("complex", lambda m: complex(m.tensor(1 + 2j))),
    ("contains scalar", lambda m: 2 in m.tensor([1, 2, 3])),
    ("contains missing", lambda m: 5.0 in m.tensor([1.0, 2.0])),
    ("contains tensor", lambda m: m.tensor(2) in m.tensor([[1, 2], [3, 4]])),
    ("format .3f", lambda m: f"{m.tensor(3.14159):.3f}"),
    ("format .2e", lambda m: f"{m.tensor(31415.9):.2e}"),
    ("format int", lambda m: f"{m.tensor(42):5d}"),
    ("format empty spec 0-d", lambda m: f"{m.tensor(1.5)}"),
    ("format 1-d", lambda m: f"{m.tensor([1.0, 2.0])}"),
    ("str", lambda m: str(m.tensor([1.0, 2.5]))),
    ("hash is identity", lambda m: (lambda x: hash(x) == id(x) or hash(x) == hash(x))(m.zeros(1))),
    ("in dict", lambda m: (lambda x: {x: 1}[x])(m.zeros(2))),
    ("round 0-d", lambda m: round(m.tensor(2.567).item(), 2)),
    ("max of iter", lambda m: max(m.tensor([1, 5, 3])).item()),
    ("sorted", lambda m: [v.item() for v in sorted(m.tensor([3, 1, 2]))]),
    ("sum builtin", lambda m: sum(m.tensor([1.0, 2.0, 3.0])).item()),
    ("numpy scalar times", lambda m: repr(np.float32(2.0) * m.tensor([1.0, 2.0]))),
    ("reversed", lambda m: repr(reversed(m.tensor([1, 2, 3])))),
    ("reversed 2-d", lambda m: repr(reversed(m.arange(4).reshape(2, 2)))),
    ("numpy ufunc gives tensor", lambda m: repr(np.exp(m.tensor([1.0, 2.0])))),
    ("numpy ufunc bool gives uint8", lambda m: repr(np.greater(m.tensor([1.0, -2.0]), 0))),
    ("is_same_size", lambda m: (m.zeros(2, 3).is_same_size(m.ones(2, 3)), m.zeros(2).is_same_size(m.zeros(3)))),
]


@pytest.mark.parametrize("name, fn", PROTOCOLS, ids=[p[0] for p in PROTOCOLS])
def test_python_protocol_matches_torch(name, fn):
    assert fn(ember) == fn(torch)


PROTOCOL_ERRORS = [
    ("bool of many", lambda m: bool(m.tensor([1, 2]))),
    ("bool of empty", lambda m: bool(m.zeros(0))),
    ("len of 0-d", lambda m: len(m.tensor(1.0))),
    ("iter of 0-d", lambda m: iter(m.tensor(1.0))),
    ("int of many", lambda m: int(m.tensor([1, 2]))),
    ("float of many", lambda m: float(m.zeros(3))),
    ("index of float", lambda m: [1, 2][m.tensor(1.0)]),
    ("index of many", lambda m: [1, 2][m.tensor([0, 1])]),
    ("item of many", lambda m: m.zeros(2).item()),
    ("item of empty", lambda m: m.zeros(0).item()),
    ("format spec on 1-d", lambda m: f"{m.tensor([1.0, 2.0]):.3f}"),
    ("contains string", lambda m: "a" in m.zeros(2)),
]


@pytest.mark.parametrize("name, fn", PROTOCOL_ERRORS, ids=[p[0] for p in PROTOCOL_ERRORS])
def test_python_protocol_error_matches_torch(name, fn):
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ee:
        fn(ember)
    assert type(ee.value) is type(te.value)
    assert str(ee.value).split("\n")[0] == str(te.value).split("\n")[0]


# ------------------------------------------------------------------ requires_grad / detach / data
REQUIRES_GRAD_ERRORS = [
    ("method", lambda m: m.tensor([1, 2]).requires_grad_()),
    ("setter", lambda m: setattr(m.tensor([1, 2]), "requires_grad", True)),
    ("factory", lambda m: m.tensor([1, 2], requires_grad=True)),
]


@pytest.mark.parametrize("how, fn", REQUIRES_GRAD_ERRORS, ids=["method", "setter", "factory"])
def test_requires_grad_on_int_tensor_raises_like_torch(how, fn):
    with pytest.raises(RuntimeError) as te:
        fn(torch)
    with pytest.raises(RuntimeError) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value)


def test_detach_shares_memory_and_is_a_leaf():
    x = ember.ones(3, requires_grad=True)
    y = (x * 2).detach()
    assert y.is_leaf and not y.requires_grad
    d = x.detach()
    d[0] = 5.0
    assert x[0].item() == 5.0
    assert x.data.requires_grad is False


def test_data_setter_keeps_identity():
    x = ember.zeros(2)
    ident = id(x)
    x.data = ember.ones(3, dtype=ember.float64)
    assert id(x) == ident and x.tolist() == [1.0, 1.0, 1.0] and x.dtype is ember.float64


def test_deepcopy_and_pickle_roundtrip():
    import copy
    import pickle

    x = ember.arange(4.0, requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.tolist() == x.tolist() and y.requires_grad
    z = pickle.loads(pickle.dumps(ember.arange(3, dtype=ember.int16)))
    assert z.dtype is ember.int16 and z.tolist() == [0, 1, 2]


def test_legacy_tensor_constructors_match_torch():
    cases = [
        lambda m: m.Tensor([1, 2]),
        lambda m: m.Tensor(2, 3).shape,
        lambda m: m.FloatTensor([1, 2]),
        lambda m: m.LongTensor([1, 2]),
        lambda m: m.DoubleTensor(2).shape,
        lambda m: m.BoolTensor([1, 0]),
        lambda m: m.ByteTensor([1, 2]),
        lambda m: m.IntTensor([[1], [2]]),
        lambda m: m.Tensor(),
    ]
    for fn in cases:
        e, t = both(fn)
        if isinstance(t, torch.Tensor):
            assert repr(e) == repr(t)
        else:
            assert tuple(e) == tuple(t)
    assert isinstance(ember.zeros(1), ember.FloatTensor) and not isinstance(ember.zeros(1).long(), ember.FloatTensor)
    assert isinstance(ember.zeros(1).long(), ember.LongTensor)


# ------------------------------------------------------------------ torch.Size, torch.Tensor(...), namespace helpers
SIZE_CASES = [
    ("list", lambda m: m.Size([2, 3])),
    ("empty", lambda m: m.Size([])),
    ("slice", lambda m: m.Size([2, 3, 4])[1:]),
    ("reversed slice", lambda m: m.Size([2, 3])[::-1]),
    ("index", lambda m: m.Size([2, 3])[-1]),
    ("add", lambda m: m.Size([2]) + m.Size([3])),
    ("add tuple", lambda m: m.Size([2]) + (3,)),
    ("radd tuple", lambda m: (1,) + m.Size([4])),
    ("mul", lambda m: m.Size([2, 3]) * 2),
    ("rmul", lambda m: 2 * m.Size([2, 3])),
    ("numel", lambda m: m.Size([2, 3, 4]).numel()),
    ("numel empty", lambda m: m.Size([]).numel()),
    ("count", lambda m: m.Size([2, 3, 2]).count(2)),
    ("equal tuple", lambda m: m.Size([2, 3]) == (2, 3)),
    ("hash", lambda m: hash(m.Size([2, 3])) == hash((2, 3))),
    ("bools and numpy ints", lambda m: m.Size([True, np.int64(3)])),
    ("int tensors", lambda m: m.Size([m.tensor(2), m.tensor([3])])),
    ("negative", lambda m: m.Size([-1])),
    ("pickle", lambda m: __import__("pickle").loads(__import__("pickle").dumps(m.Size([2, 3])))),
    ("zeros of Size", lambda m: m.zeros(m.Size([2, 3])).shape),
    ("float item", lambda m: m.Size([2, 2.5])),
    ("float tensor item", lambda m: m.Size([m.tensor(2.0)])),
    ("None item", lambda m: m.Size([None])),
    ("int", lambda m: m.Size(2)),
]


@pytest.mark.parametrize("name, fn", SIZE_CASES, ids=[c[0] for c in SIZE_CASES])
def test_size_matches_torch(name, fn):
    assert outcome(lambda: fn(ember)) == outcome(lambda: fn(torch))


def outcome(fn):
    """repr of the result, or (exception type, message): what a user sees."""
    try:
        return repr(fn())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e).split("\n")[0]


LEGACY = [
    ("Tensor of float tensor", lambda m: m.Tensor(m.tensor([1.0, 2.0]))),
    ("Tensor of int tensor keeps dtype", lambda m: m.Tensor(m.tensor([1, 2]))),
    ("Tensor of a float", lambda m: m.Tensor(2.5)),
    ("Tensor of a bool", lambda m: m.Tensor(True)),
    ("Tensor of ints is sizes", lambda m: m.Tensor(2, 3).shape),
    ("Tensor of Size", lambda m: m.Tensor(m.Size([2, 3])).shape),
    ("Tensor of numpy", lambda m: m.Tensor(np.array([1, 2], dtype=np.int64))),
    ("Tensor of tensor with device", lambda m: m.Tensor(m.tensor([1, 2]), device="cpu")),
    ("FloatTensor of long tensor", lambda m: m.FloatTensor(m.tensor([1, 2]))),
    ("LongTensor of float tensor", lambda m: m.LongTensor(m.tensor([1.5]))),
    ("DoubleTensor of double tensor", lambda m: m.DoubleTensor(m.tensor([1.5], dtype=m.float64))),
    ("LongTensor of floats list", lambda m: m.LongTensor([1.7, -2.2])),
]


@pytest.mark.parametrize("name, fn", LEGACY, ids=[c[0] for c in LEGACY])
def test_legacy_constructor_matches_torch(name, fn):
    assert outcome(lambda: fn(ember)) == outcome(lambda: fn(torch))


def test_legacy_tensor_of_tensor_is_an_alias():
    x = ember.tensor([1.0, 2.0])
    y = ember.Tensor(x)
    y.add_(1)
    assert x.tolist() == [2.0, 3.0] and x._version == y._version == 1


BROADCAST_SHAPES = [
    ((2, 1), (3,)), ((2, 1), (3, 4)), ((2, 3), (4,)), ((5,), (2, 3), (4,)), ((3,), (2,), (2,)), ((1,), (-1,)), (),
    (2, (3, 1)), ((0,), (1,)), ((0,), (3,)), ((2, 1), (1, 3)), ((1, 4, 1), (3, 1, 1, 2)),
]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_broadcast_shapes_matches_torch(shapes):
    assert outcome(lambda: ember.broadcast_shapes(*shapes)) == outcome(lambda: torch.broadcast_shapes(*shapes))


@pytest.mark.parametrize("shapes", [((2, 1), (3,)), ((2, 3), (4,)), ((2, 3), (3, 3), (4,))], ids=str)
def test_broadcast_tensors_matches_torch(shapes):
    def run(m):
        return [tuple(t.shape) for t in m.broadcast_tensors(*[m.zeros(s) for s in shapes])]

    assert outcome(lambda: run(ember)) == outcome(lambda: run(torch))


def test_typename_and_is_tensor_match_torch():
    for e, t in [(ember.zeros(1), torch.zeros(1)), (ember.zeros(1).long(), torch.zeros(1).long()), (1, 1),
                 (len, len), (np.zeros(1), np.zeros(1)), ("a", "a")]:
        assert ember.typename(e) == torch.typename(t)
    assert ember.typename(ember.nn.Linear(1, 1)) == torch.typename(torch.nn.Linear(1, 1)).replace("torch.", "ember.")
    assert ember.is_tensor(ember.zeros(1)) and not ember.is_tensor(np.zeros(1))
    assert ember.numel(ember.zeros(2, 3)) == 6


@pytest.mark.parametrize("name", ["torch.foo", "foo", "FloatTensor", "numpy.FloatTensor", "torch.DoubleTensor",
                                  "torch.LongTensor", "torch.BoolTensor"])
def test_type_with_a_string_matches_torch(name):
    assert outcome(lambda: ember.zeros(2).type(name)) == outcome(lambda: torch.zeros(2).type(name))


def test_type_to_a_cuda_type_never_gives_a_cpu_tensor():
    if ember.cuda.is_available():
        assert ember.zeros(2).type("torch.cuda.FloatTensor").is_cuda
        return
    with pytest.raises((RuntimeError, AssertionError)):
        ember.zeros(2).type("torch.cuda.FloatTensor")


ITERATION = [
    ("rows of 2-d", lambda m: m.arange(6.0).reshape(3, 2)),
    ("elements of 1-d", lambda m: m.tensor([1, 2, 3])),
    ("view", lambda m: m.arange(12.0).reshape(3, 4)[:, 1:]),
    ("requires grad", lambda m: m.ones(2, 2, requires_grad=True)),
    ("empty rows", lambda m: m.zeros(0, 3)),
]


@pytest.mark.parametrize("name, make", ITERATION, ids=[c[0] for c in ITERATION])
def test_iteration_gives_views_like_torch(name, make):
    e, t = make(ember), make(torch)
    re, rt = list(e), list(t)
    assert [repr(r) for r in re] == [repr(r) for r in rt]
    assert [(r.stride(), r._is_view(), r.requires_grad) for r in re] == [
        (r.stride(), r._is_view(), r.requires_grad) for r in rt]
    if re and not e.requires_grad:
        re[-1].add_(1)
        rt[-1].add_(1)
        assert e.tolist() == t.tolist()
        assert (e._version, re[0]._version) == (t._version, rt[0]._version)

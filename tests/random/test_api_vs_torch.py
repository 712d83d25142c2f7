"""ember's public random API against live torch: after manual_seed, every call gives torch's values, dtype, shape."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SEEDS = [0, 1, 1234]


def _np(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def assert_same(e, t):
    if isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t, strict=True):
            assert_same(a, b)
        return
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(_np(e), _np(t))


# each case: lib -> result; the seed is set before the call
# fmt: off
CASES = {
    "rand":                 lambda L: L.rand(2, 3),
    "rand-size-kw":         lambda L: L.rand(size=(4,)),
    "rand-tuple":           lambda L: L.rand((3, 5)),
    "rand-0d":              lambda L: L.rand(()),
    "rand-large":           lambda L: L.rand(1000),
    "rand-float64":         lambda L: L.rand(7, dtype=L.float64),
    "rand-float16":         lambda L: L.rand(9, dtype=L.float16),
    "rand-requires-grad":   lambda L: L.rand(3, requires_grad=True),
    "randn-small":          lambda L: L.randn(3, 4),
    "randn-15":             lambda L: L.randn(15),
    "randn-16":             lambda L: L.randn(16),
    "randn-17":             lambda L: L.randn(17),
    "randn-large":          lambda L: L.randn(100, 37),
    "randn-float64":        lambda L: L.randn(5, dtype=L.float64),
    "randn-float64-large":  lambda L: L.randn(101, dtype=L.float64),
    "randn-size-kw":        lambda L: L.randn(size=(2, 2)),
    "randn-twice":          lambda L: (L.randn(3), L.randn(5), L.randn(20)),
    "normal-floats-size":   lambda L: L.normal(0, 1, size=(2, 3)),
    "normal-floats-pos":    lambda L: L.normal(2.0, 3.0, (40,)),
    "normal-tt":            lambda L: L.normal(mean=L.rand(5), std=L.rand(5)),
    "normal-tt-large":      lambda L: L.normal(L.arange(40.0), L.ones(40) * 0.5),
    "normal-tt-broadcast":  lambda L: L.normal(L.zeros(3, 1), L.ones(1, 4)),
    "normal-t-float":       lambda L: L.normal(L.arange(20.0), 2.0),
    "normal-float-t":       lambda L: L.normal(2.0, L.tensor([0.1, 1.0, 10.0])),
    "normal-float64-mean":  lambda L: L.normal(L.zeros(4, dtype=L.float64), 1.0),
    "normal-gen":           lambda L: L.normal(0.0, 1.0, (5,), generator=L.Generator().manual_seed(3)),
    "uniform_":             lambda L: L.empty(2, 2).uniform_(-1, 1),
    "uniform_-large":       lambda L: L.empty(50).uniform_(5, 6),
    "uniform_-float64":     lambda L: L.empty(6, dtype=L.float64).uniform_(-2, 3),
    "uniform_-transposed":  lambda L: L.empty(4, 3).t().uniform_(),
    "uniform_-sliced":      lambda L: L.zeros(10)[::2].uniform_(),
    "normal_":              lambda L: L.empty(3).normal_(mean=2, std=0.5),
    "normal_-large":        lambda L: L.empty(40).normal_(1.0, 2.0),
    "normal_-transposed":   lambda L: L.empty(8, 5).t().normal_(),
    "normal_-slice-step":   lambda L: L.zeros(64)[::2].normal_(),
    "normal_-float64":      lambda L: L.empty(33, dtype=L.float64).normal_(),
    "randint":              lambda L: L.randint(0, 10, (2, 5)),
    "randint-high-size":    lambda L: L.randint(10, (7,)),
    "randint-low-high":     lambda L: L.randint(3, 8, (6,)),
    "randint-kw":           lambda L: L.randint(low=-5, high=5, size=(4,)),
    "randint-high-kw":      lambda L: L.randint(high=5, size=(4,)),
    "randint-int32":        lambda L: L.randint(0, 100, (5,), dtype=L.int32),
    "randint-float":        lambda L: L.randint(0, 100, (5,), dtype=L.float32),
    "randint-big-range":    lambda L: L.randint(0, 2**40, (5,)),
    "random_":              lambda L: L.empty(5, dtype=L.int64).random_(),
    "random_-float":        lambda L: L.empty(5).random_(),
    "random_-to":           lambda L: L.empty(5, dtype=L.int64).random_(10),
    "random_-from-to":      lambda L: L.empty(5).random_(3, 9),
    "random_-uint8":        lambda L: L.empty(5, dtype=L.uint8).random_(),
    "randperm-small":       lambda L: L.randperm(10),
    "randperm-int32":       lambda L: L.randperm(5, dtype=L.int32),
    "randperm-large":       lambda L: L.randperm(3000),
    "randperm-0":           lambda L: L.randperm(0),
    "randperm-float":       lambda L: L.randperm(7, dtype=L.float32),
    "rand_like":            lambda L: L.rand_like(L.zeros(2, 2)),
    "rand_like-float64":    lambda L: L.rand_like(L.zeros(3, dtype=L.float64)),
    "randn_like":           lambda L: L.randn_like(L.zeros(3)),
    "randn_like-dtype":     lambda L: L.randn_like(L.zeros(20), dtype=L.float64),
    "randint_like":         lambda L: L.randint_like(L.zeros(4), 0, 100),
    "randint_like-high":    lambda L: L.randint_like(L.zeros(4, dtype=L.int32), 7),
    "exponential_":         lambda L: L.empty(6).exponential_(),
    "exponential_-rate":    lambda L: L.empty(6, dtype=L.float64).exponential_(2.5),
    "log_normal_":          lambda L: L.empty(7).log_normal_(),
    "log_normal_-args":     lambda L: L.empty(30).log_normal_(0.5, 0.25),
    "cauchy_":              lambda L: L.empty(6).cauchy_(),
    "cauchy_-args":         lambda L: L.empty(6, dtype=L.float64).cauchy_(1.0, 3.0),
    "geometric_":           lambda L: L.empty(8).geometric_(0.3),
    "geometric_-int":       lambda L: L.empty(8, dtype=L.int64).geometric_(0.7),
    "bernoulli-tensor":     lambda L: L.bernoulli(L.full((8,), 0.3)),
    "bernoulli-tensor-var": lambda L: L.bernoulli(L.rand(3, 4)),
    "bernoulli-float64":    lambda L: L.bernoulli(L.rand(10, dtype=L.float64)),
    "bernoulli-p":          lambda L: L.bernoulli(L.zeros(6), 0.4),
    "bernoulli-method":     lambda L: L.rand(5).bernoulli(),
    "bernoulli_-p":         lambda L: L.empty(10).bernoulli_(0.5),
    "bernoulli_-tensor":    lambda L: L.empty(2, 5).bernoulli_(L.full((5,), 0.25)),
    "multinomial-repl":     lambda L: L.multinomial(L.ones(6) / 6, 10, replacement=True),
    "multinomial-norepl":   lambda L: L.multinomial(L.tensor([1.0, 2.0, 3.0, 4.0]), 3),
    "multinomial-2d":       lambda L: L.multinomial(L.rand(3, 5), 4, True),
    "multinomial-2d-norepl": lambda L: L.multinomial(L.rand(3, 5), 5),
    "multinomial-method":   lambda L: L.tensor([0.1, 0.9]).multinomial(4, True),
    "poisson":              lambda L: L.poisson(L.tensor([0.5, 1.0, 3.0, 9.5])),
    "poisson-2d":           lambda L: L.poisson(L.rand(4, 4) * 5),
    "generator-rand":       lambda L: L.rand(3, generator=L.Generator().manual_seed(42)),
    "generator-seq":        lambda L: (lambda g: (L.rand(3, generator=g), L.randn(3, generator=g),
                                                  L.randperm(6, generator=g), L.randint(0, 9, (3,), generator=g)))(
                                           L.Generator().manual_seed(42)),
    "generator-fresh":      lambda L: L.rand(4, generator=L.Generator()),
    "generator-inplace":    lambda L: L.empty(5).normal_(generator=L.Generator().manual_seed(7)),
    "default-gen-unused":   lambda L: (L.rand(2, generator=L.Generator().manual_seed(1)), L.rand(2)),
    "out":                  lambda L: (lambda o: (L.rand(3, out=o), o))(L.empty(3)),
    "mixed-sequence":       lambda L: (L.rand(3), L.randn(3), L.randint(0, 5, (3,)), L.randperm(4), L.randn(20),
                                       L.empty(3).uniform_(), L.normal(0.0, 1.0, (3,))),
}
# fmt: on


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(CASES))
def test_seeded_call_matches_torch(name, seed):
    fn = CASES[name]
    torch.manual_seed(seed)
    expected = fn(torch)
    ember.manual_seed(seed)
    assert_same(fn(ember), expected)


def test_rand_requires_grad_flag():
    assert ember.rand(2, requires_grad=True).requires_grad


def test_normal_with_grad_inputs_records_torch_node_and_zero_grads():
    for make in (lambda L, m: L.normal(m, 1.0), lambda L, m: L.normal(m, L.ones(3)), lambda L, m: L.normal(1.0, m)):
        outs = []
        for L in (torch, ember):
            m = L.ones(3, requires_grad=True)
            out = make(L, m)
            out.sum().backward()
            outs.append((type(out.grad_fn).__name__, _np(m.grad)))
        assert outs[0][0] == outs[1][0]
        np.testing.assert_array_equal(outs[0][1], outs[1][1])


# ------------------------------------------------------------------------------------------- state
def test_torch_state_set_in_ember_continues_torch_stream():
    torch.manual_seed(5)
    torch.randn(3)  # leaves a cached normal in the state
    state = torch.get_rng_state()
    ember.set_rng_state(ember.tensor(state.numpy()))
    assert_same(ember.randn(5), torch.randn(5))
    assert_same(ember.rand(4), torch.rand(4))


def test_ember_state_set_in_torch_continues_ember_stream():
    ember.manual_seed(9)
    ember.randn(1)
    ember.rand(3)
    state = ember.get_rng_state()
    torch.set_rng_state(torch.from_numpy(state.numpy().copy()))
    assert_same(ember.randn(17), torch.randn(17))


def test_state_bytes_equal_torch_after_calls():
    for L in (torch, ember):
        L.manual_seed(3)
        L.randn(5)
        L.randperm(7)
    np.testing.assert_array_equal(ember.get_rng_state().numpy(), torch.get_rng_state().numpy())
    assert str(ember.get_rng_state().dtype) == "torch.uint8"


def test_generator_state_round_trip():
    g = ember.Generator().manual_seed(11)
    s = g.get_state()
    a = ember.rand(5, generator=g)
    assert g.set_state(s) is g
    np.testing.assert_array_equal(a.numpy(), ember.rand(5, generator=g).numpy())
    tg = torch.Generator().manual_seed(11)
    ember_g = ember.Generator().set_state(ember.tensor(tg.get_state().numpy()))
    assert_same(ember.randn(20, generator=ember_g), torch.randn(20, generator=tg))


def test_generator_methods_like_torch():
    for L in (torch, ember):
        g = L.Generator()
        assert g.manual_seed(123) is g
        assert g.initial_seed() == 123
        assert str(g.device) == "cpu"
        assert g.get_state().shape == (5056,)
        s = g.seed()
        assert g.initial_seed() == s
    assert ember.Generator().initial_seed() == torch.Generator().initial_seed()
    assert ember.manual_seed(4) is ember.default_generator
    assert ember.initial_seed() == 4
    ember.manual_seed(-1)
    torch.manual_seed(-1)
    assert ember.initial_seed() == torch.initial_seed()
    assert_same(ember.rand(3), torch.rand(3))


def test_generator_pickles_and_clones_with_its_state():
    import copy
    import pickle

    for L in (torch, ember):
        g = L.Generator().manual_seed(3)
        L.rand(5, generator=g)
        for other in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g), g.clone_state()):
            assert other.initial_seed() == 3
            np.testing.assert_array_equal(_np(L.rand(4, generator=other)), _np(L.rand(4, generator=g.clone_state())))
    tg, eg = torch.Generator().manual_seed(8), ember.Generator().manual_seed(8)
    assert_same(ember.rand(3, generator=pickle.loads(pickle.dumps(eg))), torch.rand(3, generator=tg))


@pytest.mark.parametrize("method", ["get_offset", "graphsafe_get_state"])
def test_generator_unsupported_methods_raise_like_torch(method):
    errors = []
    for L in (torch, ember):
        with pytest.raises(Exception) as info:
            getattr(L.Generator(), method)()
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


def test_random_submodule_functions():
    for L in (torch, ember):
        L.random.manual_seed(21)
        assert L.random.initial_seed() == 21
        a = L.rand(3)
        with L.random.fork_rng():
            L.rand(10)
        b = L.rand(3)
        L.random.set_rng_state(L.random.get_rng_state())
    ember.random.manual_seed(21)
    np.testing.assert_array_equal(ember.rand(3).numpy(), a.numpy())
    with ember.random.fork_rng():
        ember.rand(10)
    np.testing.assert_array_equal(ember.rand(3).numpy(), b.numpy())


def test_seed_gives_new_seed():
    s = ember.seed()
    assert ember.initial_seed() == s and 0 <= s < 2**64


# ------------------------------------------------------------------------------------------- errors
# fmt: off
ERRORS = {
    "randint-low-ge-high":   lambda L: L.randint(5, 5, (2,)),
    "randint-no-size":       lambda L: L.randint(10),
    "randperm-negative":     lambda L: L.randperm(-1),
    "rand-no-size":          lambda L: L.rand(),
    "rand-int":              lambda L: L.rand(2, dtype=L.int64),
    "randn-int":             lambda L: L.randn(2, dtype=L.int64),
    "uniform_-int":          lambda L: L.zeros(3, dtype=L.long).uniform_(),
    "uniform_-from-gt-to":   lambda L: L.zeros(3).uniform_(2, 1),
    "normal_-int":           lambda L: L.zeros(3, dtype=L.long).normal_(),
    "exponential_-int":      lambda L: L.zeros(3, dtype=L.long).exponential_(),
    "exponential_-rate":     lambda L: L.zeros(3).exponential_(-1.0),
    "normal-std-neg":        lambda L: L.normal(0.0, -1.0, (2,)),
    "normal-t-std-neg":      lambda L: L.normal(L.zeros(2), -1.0),
    "normal-tt-std-neg":     lambda L: L.normal(L.zeros(2), L.tensor([-1.0, 1.0])),
    "normal_-std-neg":       lambda L: L.zeros(2).normal_(0, -2),
    "bernoulli-p-tensor":    lambda L: L.bernoulli(L.tensor([1.5])),
    "bernoulli_-p":          lambda L: L.empty(3).bernoulli_(1.5),
    "geometric_-p":          lambda L: L.zeros(3).geometric_(1.5),
    "log_normal_-std":       lambda L: L.zeros(3).log_normal_(0.0, -1.0),
    "cauchy_-sigma":         lambda L: L.zeros(3).cauchy_(0.0, -1.0),
    "random_-zero":          lambda L: L.zeros(3).random_(0),
    "multinomial-zero-sum":  lambda L: L.multinomial(L.zeros(3), 2),
    "multinomial-too-many":  lambda L: L.multinomial(L.ones(3), 4),
    "multinomial-negative":  lambda L: L.multinomial(L.tensor([1.0, -1.0, 1.0]), 1),
    "multinomial-3d":        lambda L: L.multinomial(L.ones(2, 2, 2), 1),
    "poisson-negative":      lambda L: L.poisson(L.tensor([-1.0])),
    "set_rng_state-float":   lambda L: L.set_rng_state(L.zeros(5056)),
    "set_rng_state-int":     lambda L: L.set_rng_state(5),
    "set_rng_state-size":    lambda L: L.set_rng_state(L.zeros(10, dtype=L.uint8)),
    "gen-set_state-int":     lambda L: L.Generator().set_state(5),
    "gen-manual_seed-float": lambda L: L.Generator().manual_seed(1.5),
    "inplace-leaf":          lambda L: L.zeros(3, requires_grad=True).uniform_(),
}
# fmt: on


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_input_raises_torch_error(name):
    fn = ERRORS[name]
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ee:
        fn(ember)
    assert type(ee.value).__name__ == type(te.value).__name__
    first = str(te.value).split("\n")[0].split(" (")[0]
    assert str(ee.value).split("\n")[0].startswith(first[:60]), (str(ee.value), str(te.value))

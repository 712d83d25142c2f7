"""ember's NumPy random engine against live torch 2.13: same values, bit for bit, and the same generator state.

Every check runs one call on torch's global CPU generator and the same call on a CPUGeneratorState seeded alike,
then compares the raw arrays (dtype, shape, bits) and the 5056 state bytes. All calls of one seed share one
running stream, so the number and order of draws of every call is checked as well as its values.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from ember._rng import STATE_SIZE, CPUGeneratorState

torch = pytest.importorskip("torch")

SEEDS = [0, 42, 2**32 + 5, 0xDEADBEEFCAFEBABE]
SIZES = [1, 7, 15, 16, 17, 100, 1000, 10**5]
FLOATS = [np.float32, np.float64, np.float16]
TORCH_DTYPES = {
    np.dtype(np.float16): torch.float16,
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
    np.dtype(np.int8): torch.int8,
    np.dtype(np.uint8): torch.uint8,
    np.dtype(np.int16): torch.int16,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.bool_): torch.bool,
}


def tdt(dtype) -> torch.dtype:
    return TORCH_DTYPES[np.dtype(dtype)]


class Lockstep:
    """Runs torch's global generator and an engine side by side and checks they never drift apart."""

    def __init__(self, seed: int) -> None:
        torch.manual_seed(seed)
        self.gen = CPUGeneratorState(seed)
        self.calls = 0
        self.check_state("manual_seed")

    def check_state(self, what: str) -> None:
        expected = torch.get_rng_state().numpy()
        got = self.gen.get_state()
        assert got.dtype == np.uint8 and got.shape == (STATE_SIZE,)
        if not np.array_equal(got, expected):
            diff = np.nonzero(got != expected)[0]
            pytest.fail(f"state bytes differ after {what} at offsets {diff[:8].tolist()}")

    def same(self, what: str, torch_result, ember_result: np.ndarray) -> None:
        expected = torch_result.numpy() if isinstance(torch_result, torch.Tensor) else np.asarray(torch_result)
        assert isinstance(ember_result, np.ndarray), what
        assert ember_result.flags.c_contiguous, what
        assert (ember_result.dtype, ember_result.shape) == (expected.dtype, expected.shape), what
        if not np.array_equal(ember_result, expected, equal_nan=expected.dtype.kind == "f"):
            bad = np.nonzero(ember_result.ravel() != expected.ravel())[0]
            pytest.fail(f"{what}: {bad.size} of {expected.size} values differ, first at {bad[:5].tolist()}")
        self.calls += 1
        self.check_state(what)


@pytest.fixture(autouse=True)
def _restore_torch_rng():
    state = torch.get_rng_state()
    yield
    torch.set_rng_state(state)


# ---------------------------------------------------------------------------------------------- seeding and state


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1, 2**32 + 5, 2**63, 2**64 - 1, -1, -(2**63), 0xDEADBEEFCAFEBABE])
def test_manual_seed_gives_torch_state_bytes_and_initial_seed(seed):
    torch.manual_seed(seed)
    gen = CPUGeneratorState(12345).manual_seed(seed)
    assert np.array_equal(gen.get_state(), torch.get_rng_state().numpy())
    assert gen.initial_seed() == torch.initial_seed()


def test_fresh_generator_matches_torch_generator():
    assert np.array_equal(CPUGeneratorState().get_state(), torch.Generator().get_state().numpy())
    assert CPUGeneratorState().initial_seed() == torch.Generator().initial_seed() == 67280421310721


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1, 2**70])
def test_out_of_range_seed_raises_like_torch(seed):
    with pytest.raises(ValueError) as theirs:
        torch.Generator().manual_seed(seed)
    with pytest.raises(ValueError) as ours:
        CPUGeneratorState().manual_seed(seed)
    assert str(ours.value) == str(theirs.value)


def test_seed_reseeds_nondeterministically_and_clears_the_cached_normal():
    gen = CPUGeneratorState(0)
    gen.normal(1, np.float64)  # leaves a cached normal
    s = gen.seed()
    assert 0 <= s < 2**64 and gen.initial_seed() == s
    assert np.array_equal(gen.get_state(), CPUGeneratorState(s).get_state())
    assert gen.seed() != s


@pytest.mark.parametrize("seed", [0, 42])
def test_set_state_from_torch_then_draw_reproduces_torch(seed):
    torch.manual_seed(seed)
    torch.rand(1000)
    torch.randn(3, dtype=torch.float64)  # odd count on the scalar path: a normal is left in the cache
    gen = CPUGeneratorState()
    gen.set_state(torch.get_rng_state().numpy())
    assert np.array_equal(gen.get_state(), torch.get_rng_state().numpy())
    assert gen.initial_seed() == torch.initial_seed()
    ls = Lockstep.__new__(Lockstep)
    ls.gen, ls.calls = gen, 0
    ls.same("randn(5) using the restored cache", torch.randn(5), gen.normal(5, np.float32))
    ls.same("rand(700) across a twist", torch.rand(700, dtype=torch.float64), gen.uniform(700, np.float64))
    ls.same("randint", torch.randint(0, 10, (50,)), gen.random_int(50, np.int64, 0, 10))


def test_set_state_keeps_what_torch_keeps_and_drops_the_rest():
    torch.manual_seed(7)
    torch.rand(5)
    raw = torch.get_rng_state().numpy().copy()
    raw[24 + 3] = 0x55  # high half of a state word: truncated by torch
    raw[12] = 2  # `seeded` is stored as a bool
    raw[5016] = raw[5032] = raw[5044] = 1  # legacy fields and padding are not kept
    raw[5024:5032] = np.array([1.5], "<f8").view(np.uint8)
    raw[5040:5044] = np.array([3], "<i4").view(np.uint8)  # a valid cached double normal
    raw[5048:5052] = np.array([2.5], "<f4").view(np.uint8)
    raw[5052] = 9  # a valid cached float normal
    torch.set_rng_state(torch.from_numpy(raw.copy()))
    gen = CPUGeneratorState()
    gen.set_state(raw)
    assert np.array_equal(gen.get_state(), torch.get_rng_state().numpy())
    assert np.array_equal(gen.normal(3, np.float64), torch.randn(3, dtype=torch.float64).numpy())


@pytest.mark.parametrize("left, nxt", [(300, 7), (10, 600), (1, 300), (2, 0), (624, 1)])
def test_set_state_with_unusual_left_and_next_follows_torch(left, nxt):
    torch.manual_seed(3)
    torch.rand(10)
    raw = torch.get_rng_state().numpy().copy()
    raw[8:12] = np.array([left], "<i4").view(np.uint8)
    raw[16:24] = np.array([nxt], "<u8").view(np.uint8)
    torch.set_rng_state(torch.from_numpy(raw.copy()))
    gen = CPUGeneratorState()
    gen.set_state(raw)
    for n in (1, 400, 900):
        assert np.array_equal(gen.uniform(n, np.float32), torch.rand(n).numpy())
        assert np.array_equal(gen.get_state(), torch.get_rng_state().numpy())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda a: a[:10],
        lambda a: np.concatenate([a, a[:1]]),
        lambda a: _with(a, 12, "<i4", 0),
        lambda a: _with(a, 8, "<i4", 0),
        lambda a: _with(a, 8, "<i4", 625),
        lambda a: _with(a, 8, "<i4", -1),
        lambda a: _with(a, 16, "<u8", 625),
    ],
)
def test_bad_states_raise_like_torch(mutate):
    torch.manual_seed(0)
    bad = mutate(torch.get_rng_state().numpy().copy())
    with pytest.raises(RuntimeError) as theirs:
        torch.set_rng_state(torch.from_numpy(bad.copy()))
    with pytest.raises(RuntimeError) as ours:
        CPUGeneratorState().set_state(bad)
    assert str(ours.value) == str(theirs.value)


def test_state_of_wrong_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="ByteTensor"):
        CPUGeneratorState().set_state(np.zeros(STATE_SIZE, dtype=np.int16))


def _with(a: np.ndarray, offset: int, fmt: str, value: int) -> np.ndarray:
    a[offset : offset + np.dtype(fmt).itemsize] = np.array([value], fmt).view(np.uint8)
    return a


# ---------------------------------------------------------------------------------------------- continuous draws


@pytest.mark.parametrize("seed", SEEDS)
def test_continuous_distributions_on_one_stream(seed):
    ls, g = Lockstep(seed), None
    g = ls.gen
    for n in SIZES:
        for dt in FLOATS:
            t = tdt(dt)
            name = f"n={n} {np.dtype(dt).name}"
            ls.same(f"rand {name}", torch.rand(n, dtype=t), g.uniform(n, dt))
            ls.same(f"uniform_ {name}", torch.empty(n, dtype=t).uniform_(-2.5, 1e-3), g.uniform(n, dt, -2.5, 1e-3))
            ls.same(f"uniform_ {name}", torch.empty(n, dtype=t).uniform_(0.3, 7.1), g.uniform(n, dt, 0.3, 7.1))
            ls.same(f"randn {name}", torch.randn(n, dtype=t), g.normal(n, dt))
            ls.same(f"normal_ {name}", torch.empty(n, dtype=t).normal_(-3, 0.1), g.normal(n, dt, -3, 0.1))
            ls.same(f"exponential_ {name}", torch.empty(n, dtype=t).exponential_(1.7), g.exponential(n, dt, 1.7))
            ls.same(f"log_normal_ {name}", torch.empty(n, dtype=t).log_normal_(0.3, 0.8), g.log_normal(n, dt, 0.3, 0.8))
            ls.same(f"cauchy_ {name}", torch.empty(n, dtype=t).cauchy_(0.7, 2.3), g.cauchy(n, dt, 0.7, 2.3))
            ls.same(f"geometric_ {name}", torch.empty(n, dtype=t).geometric_(0.2), g.geometric(n, dt, 0.2))
            ls.same(f"bernoulli_(p) {name}", torch.empty(n, dtype=t).bernoulli_(0.3), g.bernoulli_scalar(n, dt, 0.3))
        if n <= 1000:
            ls.same(
                f"normal(m, s, size) n={n}", torch.normal(2.0, 3.0, size=(n, 2)), g.normal((n, 2), np.float32, 2.0, 3.0)
            )
            ls.same(
                f"uniform_ top n={n}", torch.empty(n).uniform_(1000.1, 1000.3), g.uniform(n, np.float32, 1000.1, 1000.3)
            )
    assert ls.calls > 250


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_scalar_normal_cache_is_shared_across_dtypes_and_kept_by_the_vector_path(seed):
    ls = Lockstep(seed)
    g = ls.gen
    for n, dt in [
        (3, np.float64),
        (5, np.float32),
        (40, np.float32),
        (1, np.float16),
        (32, np.float64),
        (2, np.float32),
    ]:
        ls.same(f"randn({n}) {np.dtype(dt).name}", torch.randn(n, dtype=tdt(dt)), g.normal(n, dt))
    ls.same("log_normal_ takes the cached normal", torch.empty(4).log_normal_(), g.log_normal(4, np.float32))


def test_non_contiguous_normal_takes_the_scalar_path_in_memory_order():
    ls = Lockstep(5)
    target = torch.empty(8, 6).t()  # 48 elements, not contiguous
    target.normal_(1.0, 2.0)
    vals = ls.gen.normal(48, np.float32, 1.0, 2.0, contiguous=False)
    ls.same("non-contiguous normal_", target.t().contiguous().reshape(-1), vals)


@pytest.mark.parametrize("dt", FLOATS)
def test_normal_with_tensor_mean_and_std(dt):
    ls = Lockstep(11)
    g, t = ls.gen, tdt(dt)
    for n in (1, 5, 16, 37, 1000):
        mean = torch.rand(n, dtype=t)
        ls.same("mean", mean, g.uniform(n, dt))
        std = torch.rand(n, dtype=t)
        ls.same("std", std, g.uniform(n, dt))
        m, s = mean.numpy(), std.numpy()
        ls.same(f"normal(T, T) n={n}", torch.normal(mean, std), g.normal_tensor(m, s, dt))
        ls.same(f"normal(T, f) n={n}", torch.normal(mean, 2.5), g.normal_tensor(m, 2.5, dt))
        ls.same(f"normal(f, T) n={n}", torch.normal(0.7, std), g.normal_tensor(0.7, s, dt))
    mean = torch.rand(1, 3, dtype=t)
    ls.same("mean", mean, g.uniform((1, 3), dt))
    std = torch.tensor([0.5, 1.0, 4.0], dtype=t)
    ls.same("broadcast normal(T, T)", torch.normal(mean, std), g.normal_tensor(mean.numpy(), std.numpy(), dt))


@pytest.mark.parametrize("p_dtype", FLOATS)
def test_bernoulli_with_tensor_probabilities(p_dtype):
    ls = Lockstep(13)
    g, t = ls.gen, tdt(p_dtype)
    for n in (1, 7, 16, 1000, 10**4):
        p = torch.rand(n, dtype=t)
        ls.same("p", p, g.uniform(n, p_dtype))
        ls.same(f"bernoulli(p) n={n}", torch.bernoulli(p), g.bernoulli_tensor(p.numpy()))
        for out in (np.float32, np.float64):
            ls.same(
                f"bernoulli_(p) into {np.dtype(out).name}",
                torch.empty(n, dtype=tdt(out)).bernoulli_(p),
                g.bernoulli_tensor(p.numpy(), out),
            )


# ---------------------------------------------------------------------------------------------- integers


RANGES = [(0, 2), (0, 10), (-3, 1007), (0, 2**28 - 1), (5, 5 + 2**28), (0, 2**41), (-7, 2**31 - 6)]
INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_, np.float64, np.float32, np.float16]


def _fits(dt, lo, hi) -> bool:
    dt = np.dtype(dt)
    if dt == np.bool_:
        return (lo, hi) == (0, 2)
    if dt.kind == "f":
        return hi <= 2 ** {2: 11, 4: 31, 8: 53}[dt.itemsize] + 7
    info = np.iinfo(dt)
    return info.min <= lo and hi - 1 <= info.max


@pytest.mark.parametrize("seed", SEEDS)
def test_integer_draws_on_one_stream(seed):
    ls = Lockstep(seed)
    g = ls.gen
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch warns about float ranges beyond 2**digits
        for n in (1, 7, 16, 17, 1000, 10**5):
            for dt in INT_DTYPES:
                t, name = tdt(dt), f"n={n} {np.dtype(dt).name}"
                for lo, hi in RANGES:
                    if _fits(dt, lo, hi):
                        ls.same(
                            f"randint({lo}, {hi}) {name}",
                            torch.randint(lo, hi, (n,), dtype=t),
                            g.random_int(n, dt, lo, hi),
                        )
                ls.same(f"random_() {name}", torch.empty(n, dtype=t).random_(), g.random_(n, dt))
                if dt != np.bool_:
                    ls.same(
                        f"random_(3, None) {name}",
                        torch.empty(n, dtype=t).random_(3, None),
                        g.random_int(n, dt, 3, None),
                    )
                if np.dtype(dt) in (np.int64, np.float32, np.float64):
                    ls.same(
                        f"random_(int64 min, None) {name}",
                        torch.empty(n, dtype=t).random_(-(2**63), None),
                        g.random_int(n, dt, -(2**63), None),
                    )
            for dt in (np.int64, np.int32, np.float32, np.float64):
                ls.same(f"randperm({n}) {np.dtype(dt).name}", torch.randperm(n, dtype=tdt(dt)), g.randperm(n, dt))
        ls.same("randint shaped", torch.randint(3, 8, (4, 5)), g.random_int((4, 5), np.int64, 3, 8))
        ls.same("randperm(0)", torch.randperm(0), g.randperm(0))
        ls.same(
            "randint float beyond 2**24",
            torch.randint(-(2**25) - 3, 2**26 + 1, (100,), dtype=torch.float32),
            g.random_int(100, np.float32, -(2**25) - 3, 2**26 + 1),
        )
        ls.same(
            "randint half beyond 2**11",
            torch.randint(0, 3000, (100,), dtype=torch.float16),
            g.random_int(100, np.float16, 0, 3000),
        )


@pytest.mark.parametrize(
    "call",
    [
        ("randint(5, 5)", lambda: torch.randint(5, 5, (3,)), lambda g: g.random_int(3, np.int64, 5, 5)),
        ("int8 to", lambda: torch.randint(0, 300, (3,), dtype=torch.int8), lambda g: g.random_int(3, np.int8, 0, 300)),
        (
            "uint8 from",
            lambda: torch.randint(-1, 3, (3,), dtype=torch.uint8),
            lambda g: g.random_int(3, np.uint8, -1, 3),
        ),
        ("uniform_ order", lambda: torch.empty(3).uniform_(2, 1), lambda g: g.uniform(3, np.float32, 2, 1)),
        (
            "uniform_ width",
            lambda: torch.empty(3).uniform_(-3e38, 3e38),
            lambda g: g.uniform(3, np.float32, -3e38, 3e38),
        ),
        ("normal_ std", lambda: torch.empty(3).normal_(0, -1), lambda g: g.normal(3, np.float32, 0, -1)),
        ("exponential_", lambda: torch.empty(3).exponential_(0), lambda g: g.exponential(3, np.float32, 0)),
        ("geometric_", lambda: torch.empty(3).geometric_(1), lambda g: g.geometric(3, np.float32, 1)),
        ("cauchy_", lambda: torch.empty(3).cauchy_(0, -1), lambda g: g.cauchy(3, np.float32, 0, -1)),
        ("log_normal_", lambda: torch.empty(3).log_normal_(0, -1), lambda g: g.log_normal(3, np.float32, 0, -1)),
        ("bernoulli_", lambda: torch.empty(3).bernoulli_(1.5), lambda g: g.bernoulli_scalar(3, np.float32, 1.5)),
        (
            "bernoulli",
            lambda: torch.bernoulli(torch.tensor([1.5])),
            lambda g: g.bernoulli_tensor(np.array([1.5], "f4")),
        ),
        ("randperm(-1)", lambda: torch.randperm(-1), lambda g: g.randperm(-1)),
        ("randperm half", lambda: torch.randperm(3000, dtype=torch.float16), lambda g: g.randperm(3000, np.float16)),
        ("poisson", lambda: torch.poisson(torch.tensor([-1.0])), lambda g: g.poisson(np.array([-1.0], "f4"))),
        (
            "multinomial zero",
            lambda: torch.multinomial(torch.zeros(2), 1),
            lambda g: g.multinomial(np.zeros(2, "f4"), 1),
        ),
        (
            "multinomial neg",
            lambda: torch.multinomial(torch.tensor([1.0, -1.0]), 1),
            lambda g: g.multinomial(np.array([1.0, -1.0], "f4"), 1),
        ),
        (
            "multinomial neg rep",
            lambda: torch.multinomial(torch.tensor([1.0, -1.0]), 2, True),
            lambda g: g.multinomial(np.array([1.0, -1.0], "f4"), 2, True),
        ),
        ("multinomial k", lambda: torch.multinomial(torch.ones(3), 4), lambda g: g.multinomial(np.ones(3, "f4"), 4)),
    ],
    ids=lambda c: c[0],
)
def test_argument_errors_match_torch(call):
    _, torch_call, ember_call = call
    with pytest.raises(RuntimeError) as theirs:
        torch_call()
    with pytest.raises(RuntimeError) as ours:
        ember_call(CPUGeneratorState(0))
    assert str(ours.value) == str(theirs.value).split("\n")[0]


# ---------------------------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dt", FLOATS)
def test_multinomial(seed, dt):
    ls = Lockstep(seed)
    g, t = ls.gen, tdt(dt)
    for rows, cats in [(1, 7), (3, 7), (4, 50)]:
        probs = torch.rand(rows, cats, dtype=t)
        ls.same("probs", probs, g.uniform((rows, cats), dt))
        p = probs.numpy()
        for k, replacement in [(1, False), (3, False), (cats, False), (1, True), (5, True), (200, True)]:
            what = f"multinomial {rows}x{cats} k={k} replacement={replacement}"
            ls.same(what, torch.multinomial(probs, k, replacement), g.multinomial(p, k, replacement))
            ls.same(what + " 1-D", torch.multinomial(probs[0], k, replacement), g.multinomial(p[0], k, replacement))


def test_multinomial_ties_come_out_in_torchs_order():
    """Zero probabilities tie in p / q; torch's top-k leaves them in libstdc++'s (unstable) order."""
    ls = Lockstep(17)
    g = ls.gen
    rng = np.random.default_rng(0)
    for n in (7, 16, 40, 300):
        for dt in (np.float32, np.float16):
            probs = rng.random((3, n)).astype(dt)
            probs[rng.random((3, n)) < 0.6] = 0
            probs[:, 0] = 1
            for k in sorted({1, 2, max(1, n // 64), n // 3, n}):
                what = f"multinomial with zeros n={n} k={k} {np.dtype(dt).name}"
                ls.same(what, torch.multinomial(torch.from_numpy(probs), k), g.multinomial(probs, k))


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_poisson(seed):
    ls = Lockstep(seed)
    g = ls.gen
    for n in (1, 7, 100, 10**4):
        for dt in FLOATS:
            rates = torch.rand(n, dtype=tdt(dt))
            ls.same("rates", rates, g.uniform(n, dt))
            rates = rates * 9.9  # small rates: products of uniforms
            ls.same(f"poisson small n={n} {np.dtype(dt).name}", torch.poisson(rates), g.poisson(rates.numpy()))
    for lam in (0.0, 10.0, 11.5, 30.0, 1e3, 1e5, 1e9):  # 10 and up: transformed rejection
        rates = torch.full((500,), lam, dtype=torch.float64)
        ls.same(f"poisson lam={lam}", torch.poisson(rates), g.poisson(rates.numpy()))
    mixed = torch.tensor([[0.5, 12.0, 3.0], [150.0, 0.0, 9.99]])
    ls.same("poisson mixed", torch.poisson(mixed), g.poisson(mixed.numpy()))


# ---------------------------------------------------------------------------------------------- other kernel builds


_SUBPROCESS = textwrap.dedent(
    """
    import sys, numpy as np, torch
    torch.manual_seed(int(sys.argv[1]))
    out = {"capability": np.array(torch.backends.cpu.get_cpu_capability())}
    cases = [(1000, torch.float32), (1000, torch.float64), (37, torch.float16), (7, torch.float64)]
    for i, (n, dt) in enumerate(cases):
        out[f"randn{i}"] = torch.randn(n, dtype=dt).numpy()
        out[f"normal{i}"] = torch.empty(n, dtype=dt).normal_(-3, 0.1).numpy()
        out[f"uniform{i}"] = torch.empty(n, dtype=dt).uniform_(0.3, 7.1).numpy()
        out[f"cauchy{i}"] = torch.empty(n, dtype=dt).cauchy_(0.7, 2.3).numpy()
    out["poisson"] = torch.poisson(torch.full((300,), 40.0)).numpy()
    out["state"] = torch.get_rng_state().numpy()
    np.savez(sys.argv[2], **out)
    """
)


@pytest.mark.parametrize("capability", ["default", "avx2"])
def test_other_kernel_builds_in_a_subprocess(capability, tmp_path):
    """torch picks its kernel build by CPU; ATEN_CPU_CAPABILITY lowers it (default: no fused multiply-add)."""
    path = tmp_path / "out.npz"
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
    subprocess.run([sys.executable, "-c", _SUBPROCESS, "42", str(path)], check=True, env=env, timeout=120)
    ref = np.load(path)
    if str(ref["capability"]).lower() != capability:
        pytest.skip(f"this CPU cannot run torch's {capability} kernels")
    g = CPUGeneratorState(42, capability=capability)
    for i, (n, dt) in enumerate([(1000, np.float32), (1000, np.float64), (37, np.float16), (7, np.float64)]):
        assert np.array_equal(g.normal(n, dt), ref[f"randn{i}"])
        assert np.array_equal(g.normal(n, dt, -3, 0.1), ref[f"normal{i}"])
        assert np.array_equal(g.uniform(n, dt, 0.3, 7.1), ref[f"uniform{i}"])
        assert np.array_equal(g.cauchy(n, dt, 0.7, 2.3), ref[f"cauchy{i}"])
    assert np.array_equal(g.poisson(np.full(300, 40.0, np.float32)), ref["poisson"])
    assert np.array_equal(g.get_state(), ref["state"])


def test_torch_generator_objects_are_independent_streams():
    tg = torch.Generator().manual_seed(42)
    g = CPUGeneratorState().manual_seed(42)
    torch.manual_seed(0)
    assert np.array_equal(torch.rand(3, generator=tg).numpy(), g.uniform(3, np.float32))
    assert np.array_equal(torch.randn(3, generator=tg).numpy(), g.normal(3, np.float32))
    assert np.array_equal(torch.randperm(6, generator=tg).numpy(), g.randperm(6))
    assert np.array_equal(tg.get_state().numpy(), g.get_state())

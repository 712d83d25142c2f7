"""ember.distributions against live torch.distributions: densities, moments, samples, gradients, errors."""
# ruff: noqa: E501  (the hand-aligned tables below)

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.distributions  # noqa: F401  (ember/__init__.py does not import it yet)

torch = pytest.importorskip("torch")


def T(L, x, dtype="float32", grad=False):
    t = L.tensor(np.asarray(x, dtype=dtype))
    return t.requires_grad_(True) if grad else t


def _np(t):
    return t.detach().numpy()


def close(e, t, rtol=2e-5, atol=1e-6):
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(_np(e), _np(t), rtol=rtol, atol=atol, equal_nan=True)


P = np.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])

# name -> (builder, value for log_prob/cdf)
# fmt: off
DISTS = {
    "Normal-scalar":      (lambda L: L.distributions.Normal(0.5, 2.0), lambda L: T(L, [-1.0, 0.0, 3.0])),
    "Normal-batch":       (lambda L: L.distributions.Normal(T(L, [0.0, 1.0, -2.0]), T(L, [1.0, 0.5, 3.0])),
                           lambda L: T(L, [[0.3, 1.0, -1.0], [2.0, 0.0, 0.0]])),
    "Normal-float64":     (lambda L: L.distributions.Normal(T(L, [0.0, 1.0], "float64"), T(L, [1.0, 2.0], "float64")),
                           lambda L: T(L, [0.1, 0.2], "float64")),
    "Uniform":            (lambda L: L.distributions.Uniform(T(L, [0.0, -1.0]), T(L, [1.0, 3.0])),
                           lambda L: T(L, [0.5, 2.9])),
    "Bernoulli-probs":    (lambda L: L.distributions.Bernoulli(T(L, [0.1, 0.5, 0.9])), lambda L: T(L, [1.0, 0.0, 1.0])),
    "Bernoulli-logits":   (lambda L: L.distributions.Bernoulli(logits=T(L, [-2.0, 0.0, 3.0])),
                           lambda L: T(L, [0.0, 1.0, 1.0])),
    "Categorical":        (lambda L: L.distributions.Categorical(T(L, P)), lambda L: T(L, [2, 0], "int64")),
    "Categorical-logits": (lambda L: L.distributions.Categorical(logits=T(L, np.log(P) + 1)),
                           lambda L: T(L, [1, 1], "int64")),
    "OneHotCategorical":  (lambda L: L.distributions.OneHotCategorical(T(L, P)),
                           lambda L: T(L, [[0, 0, 1], [1, 0, 0]])),
    "Multinomial":        (lambda L: L.distributions.Multinomial(10, T(L, P)), lambda L: T(L, [[1, 2, 7], [3, 3, 4]])),
    "Binomial":           (lambda L: L.distributions.Binomial(10, T(L, [0.2, 0.5, 0.8])), lambda L: T(L, [0.0, 5.0, 9.0])),
    "Beta":               (lambda L: L.distributions.Beta(T(L, [0.5, 2.0, 3.0]), T(L, [0.5, 1.0, 4.0])),
                           lambda L: T(L, [0.2, 0.5, 0.7])),
    "Gamma":              (lambda L: L.distributions.Gamma(T(L, [0.5, 2.0, 5.0]), T(L, [1.0, 2.0, 0.5])),
                           lambda L: T(L, [0.3, 1.0, 8.0])),
    "Dirichlet":          (lambda L: L.distributions.Dirichlet(T(L, [[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])),
                           lambda L: T(L, [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])),
    "Exponential":        (lambda L: L.distributions.Exponential(T(L, [0.5, 1.0, 3.0])), lambda L: T(L, [0.1, 1.0, 2.0])),
    "Poisson":            (lambda L: L.distributions.Poisson(T(L, [0.5, 2.0, 7.0])), lambda L: T(L, [0.0, 2.0, 10.0])),
    "Laplace":            (lambda L: L.distributions.Laplace(T(L, [0.0, 1.0]), T(L, [1.0, 0.5])),
                           lambda L: T(L, [-0.5, 1.7])),
    "LogNormal":          (lambda L: L.distributions.LogNormal(T(L, [0.0, 1.0]), T(L, [1.0, 0.5])),
                           lambda L: T(L, [0.5, 2.0])),
    "MVN-cov":            (lambda L: L.distributions.MultivariateNormal(T(L, [0.0, 1.0, -1.0]), T(L, COV)),
                           lambda L: T(L, [[0.5, 0.5, 0.5], [1.0, -1.0, 0.0]])),
    "MVN-tril":           (lambda L: L.distributions.MultivariateNormal(T(L, [0.0, 1.0, -1.0]),
                                                                        scale_tril=T(L, np.linalg.cholesky(COV))),
                           lambda L: T(L, [0.5, 0.5, 0.5])),
    "MVN-precision":      (lambda L: L.distributions.MultivariateNormal(T(L, [0.0, 1.0, -1.0]),
                                                                        precision_matrix=T(L, np.linalg.inv(COV))),
                           lambda L: T(L, [0.5, 0.5, 0.5])),
    "Independent-Normal": (lambda L: L.distributions.Independent(
                               L.distributions.Normal(T(L, [[0.0, 1.0], [2.0, 3.0]]), T(L, [[1.0, 2.0], [0.5, 1.0]])), 1),
                           lambda L: T(L, [[0.1, 0.2], [0.3, 0.4]])),
}
# fmt: on

PROPS = ["mean", "variance", "stddev", "mode", "batch_shape", "event_shape"]
METHODS = ["log_prob", "cdf", "icdf", "entropy"]
UNSUPPORTED = {  # (distribution, what) that torch itself does not provide
    ("Bernoulli-probs", "cdf"),
    ("Bernoulli-logits", "cdf"),
    ("Categorical", "cdf"),
    ("Categorical-logits", "cdf"),
    ("OneHotCategorical", "cdf"),
    ("Multinomial", "cdf"),
    ("Binomial", "cdf"),
    ("Beta", "cdf"),
    ("Dirichlet", "cdf"),
    ("Poisson", "cdf"),
    ("MVN-cov", "cdf"),
    ("MVN-tril", "cdf"),
    ("MVN-precision", "cdf"),
    ("Independent-Normal", "cdf"),
    ("Poisson", "entropy"),
}


def _call(dist, what, value):
    if what in PROPS:
        return getattr(dist, what)
    if what == "icdf":
        return dist.icdf(value.clamp(0.05, 0.95) if value.dtype.is_floating_point else value)
    if what == "entropy":
        return dist.entropy()
    return getattr(dist, what)(value)


@pytest.mark.parametrize("what", PROPS + METHODS)
@pytest.mark.parametrize("name", list(DISTS))
def test_matches_torch(name, what):
    build, value = DISTS[name]
    try:
        expected = _call(build(torch), what, value(torch))
    except (NotImplementedError, ValueError, AttributeError):
        pytest.skip(f"torch has no {what} for {name}")  # each library raises the same below
    got = _call(build(ember), what, value(ember))
    if what in ("batch_shape", "event_shape"):
        assert tuple(got) == tuple(expected)
        return
    close(got, expected, rtol=1e-4, atol=1e-5)


def test_torch_skips_are_known():
    for name, what in UNSUPPORTED:
        build, value = DISTS[name]
        with pytest.raises((NotImplementedError, ValueError, AttributeError)):
            _call(build(torch), what, value(torch))


# ------------------------------------------------------------------------------------------- sampling
BIT_IDENTICAL = [
    "Normal-scalar",
    "Normal-batch",
    "Normal-float64",
    "Uniform",
    "Bernoulli-probs",
    "Bernoulli-logits",
    "Categorical",
    "Categorical-logits",
    "OneHotCategorical",
    "Multinomial",
    "Exponential",
    "Poisson",
    "Laplace",
    "LogNormal",
    "MVN-cov",
    "MVN-tril",
    "Independent-Normal",
]


@pytest.mark.parametrize("shape", [(), (5,), (4, 3)])
@pytest.mark.parametrize("name", BIT_IDENTICAL)
def test_samples_are_torchs(name, shape):
    build = DISTS[name][0]
    torch.manual_seed(7)
    expected = build(torch).sample(shape)
    ember.manual_seed(7)
    got = build(ember).sample(shape)
    close(got, expected, rtol=1e-6, atol=1e-6)


def test_dice_throws_are_torchs():
    for seed in (0, 3):
        outs = []
        for L in (torch, ember):
            L.manual_seed(seed)
            m = L.distributions.multinomial.Multinomial
            fair = L.ones([6]) / 6
            outs.append([m(1, fair).sample(), m(10, fair).sample(), m(1000, fair).sample(), m(10, fair).sample((50,))])
        for e, t in zip(outs[1], outs[0], strict=True):
            close(e, t, rtol=0, atol=0)


@pytest.mark.parametrize("name", ["Normal-batch", "Uniform", "Exponential", "Laplace", "LogNormal", "MVN-cov"])
def test_rsample_values_and_grads_match_torch(name):
    results = []
    for L in (torch, ember):
        # leaf parameters that require grad
        if name == "Normal-batch":
            a, b = T(L, [0.0, 1.0, -2.0], grad=True), T(L, [1.0, 0.5, 3.0], grad=True)
            dist = L.distributions.Normal(a, b)
        elif name == "Uniform":
            a, b = T(L, [0.0, -1.0], grad=True), T(L, [1.0, 3.0], grad=True)
            dist = L.distributions.Uniform(a, b)
        elif name == "Exponential":
            a = T(L, [0.5, 1.0, 3.0], grad=True)
            b = None
            dist = L.distributions.Exponential(a)
        elif name == "Laplace":
            a, b = T(L, [0.0, 1.0], grad=True), T(L, [1.0, 0.5], grad=True)
            dist = L.distributions.Laplace(a, b)
        elif name == "LogNormal":
            a, b = T(L, [0.0, 1.0], grad=True), T(L, [1.0, 0.5], grad=True)
            dist = L.distributions.LogNormal(a, b)
        else:
            a, b = T(L, [0.0, 1.0, -1.0], grad=True), T(L, COV, grad=True)
            dist = L.distributions.MultivariateNormal(a, b)
        L.manual_seed(3)
        s = dist.rsample((4,))
        w = T(L, np.linspace(-1, 1, s.numel()).reshape(tuple(s.shape)))
        (s * w).sum().backward()
        results.append((s, a.grad, None if b is None else b.grad))
    (st, at, bt), (se, ae, be) = results
    close(se, st, rtol=1e-5)
    close(ae, at, rtol=1e-4, atol=1e-5)
    if bt is not None:
        close(be, bt, rtol=1e-4, atol=1e-5)


def test_log_prob_grads_match_torch():
    grads = []
    for L in (torch, ember):
        loc, scale = T(L, [0.0, 1.0], grad=True), T(L, [1.0, 2.0], grad=True)
        probs = T(L, [0.2, 0.3, 0.5], grad=True)
        lp = L.distributions.Normal(loc, scale).log_prob(T(L, [0.5, -0.5])).sum()
        lp = lp + L.distributions.Categorical(probs).log_prob(T(L, [0, 2], "int64")).sum()
        lp = lp + L.distributions.Bernoulli(probs).log_prob(T(L, [1.0, 0.0, 1.0])).sum()
        lp.backward()
        grads.append((loc.grad, scale.grad, probs.grad))
    for e, t in zip(grads[1], grads[0], strict=True):
        close(e, t, rtol=1e-5)


# ------------------------------------------------------------------------------------------- statistical
@pytest.mark.parametrize("name", ["Beta", "Gamma", "Dirichlet", "Binomial"])
def test_non_identical_samplers_have_right_moments(name):
    ember.manual_seed(0)
    dist = DISTS[name][0](ember)
    s = dist.sample((20000,)).double()
    mean, var = dist.mean.double(), dist.variance.double()
    se = (var / 20000).sqrt()
    assert bool(((s.mean(0) - mean).abs() < 5 * se + 1e-3).all())
    assert bool(((s.var(0) - var).abs() < 0.1 * var + 1e-3).all())
    assert bool(dist.support.check(s.float()).all())


def test_gamma_rsample_grad_is_implicit_reparameterisation():
    # d/dalpha E[x] = 1/rate for Gamma(alpha, rate): check the pathwise gradient's mean
    ember.manual_seed(1)
    alpha = ember.tensor([0.7, 2.0, 6.0], requires_grad=True)
    dist = ember.distributions.Gamma(alpha, ember.tensor([1.0, 2.0, 0.5]))
    dist.rsample((20000,)).mean(0).sum().backward()
    np.testing.assert_allclose(alpha.grad.numpy(), [1.0, 0.5, 2.0], rtol=0.05)


def test_seeded_gamma_samples_are_reproducible():
    draws = []
    for _ in range(2):
        ember.manual_seed(5)
        draws.append(ember.distributions.Gamma(ember.tensor([2.0]), ember.tensor([1.0])).sample((3,)).numpy())
    np.testing.assert_array_equal(draws[0], draws[1])


# ------------------------------------------------------------------------------------------- kl, expand, errors
# fmt: off
KL_PAIRS = {
    "Normal":      lambda L: (L.distributions.Normal(T(L, [0.0, 1.0]), T(L, [1.0, 2.0])),
                              L.distributions.Normal(T(L, [1.0, 0.0]), T(L, [0.5, 1.0]))),
    "Bernoulli":   lambda L: (L.distributions.Bernoulli(T(L, [0.2, 0.7])), L.distributions.Bernoulli(T(L, [0.5, 0.1]))),
    "Categorical": lambda L: (L.distributions.Categorical(T(L, P)), L.distributions.Categorical(T(L, P[::-1].copy()))),
    "OneHot":      lambda L: (L.distributions.OneHotCategorical(T(L, P)),
                              L.distributions.OneHotCategorical(T(L, P[::-1].copy()))),
    "Uniform":     lambda L: (L.distributions.Uniform(T(L, [0.0, 0.0]), T(L, [1.0, 1.0])),
                              L.distributions.Uniform(T(L, [-1.0, 0.5]), T(L, [2.0, 1.0]))),
    "Exponential": lambda L: (L.distributions.Exponential(T(L, [1.0, 2.0])), L.distributions.Exponential(T(L, [3.0, 0.5]))),
    "Gamma":       lambda L: (L.distributions.Gamma(T(L, [1.0, 2.0]), T(L, [1.0, 3.0])),
                              L.distributions.Gamma(T(L, [2.0, 0.5]), T(L, [0.5, 1.0]))),
    "Beta":        lambda L: (L.distributions.Beta(T(L, [1.0, 2.0]), T(L, [3.0, 1.0])),
                              L.distributions.Beta(T(L, [2.0, 0.5]), T(L, [0.5, 1.0]))),
    "Dirichlet":   lambda L: (L.distributions.Dirichlet(T(L, [1.0, 2.0, 3.0])),
                              L.distributions.Dirichlet(T(L, [2.0, 2.0, 0.5]))),
    "Poisson":     lambda L: (L.distributions.Poisson(T(L, [1.0, 4.0])), L.distributions.Poisson(T(L, [2.0, 3.0]))),
    "Laplace":     lambda L: (L.distributions.Laplace(T(L, [0.0, 1.0]), T(L, [1.0, 2.0])),
                              L.distributions.Laplace(T(L, [1.0, 0.0]), T(L, [0.5, 1.0]))),
    "LogNormal":   lambda L: (L.distributions.LogNormal(T(L, [0.0]), T(L, [1.0])),
                              L.distributions.LogNormal(T(L, [1.0]), T(L, [2.0]))),
    "Binomial":    lambda L: (L.distributions.Binomial(10, T(L, [0.2, 0.7])),
                              L.distributions.Binomial(10, T(L, [0.5, 0.1]))),
    "MVN":         lambda L: (L.distributions.MultivariateNormal(T(L, [0.0, 1.0, -1.0]), T(L, COV)),
                              L.distributions.MultivariateNormal(T(L, [1.0, 0.0, 0.0]), T(L, np.eye(3) * 2))),
    "Independent": lambda L: tuple(L.distributions.Independent(d, 1) for d in KL_PAIRS["Normal"](L)),
}
# fmt: on


@pytest.mark.parametrize("name", list(KL_PAIRS))
def test_kl_divergence_matches_torch(name):
    p, q = KL_PAIRS[name](torch)
    expected = torch.distributions.kl_divergence(p, q)
    p, q = KL_PAIRS[name](ember)
    close(ember.distributions.kl_divergence(p, q), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "pair",
    [
        lambda L: (L.distributions.Normal(0.0, 1.0), L.distributions.Poisson(1.0)),
        lambda L: (L.distributions.Categorical(L.ones(2)), L.distributions.Laplace(0.0, 1.0)),
    ],
)
def test_kl_without_rule_raises_like_torch(pair):
    messages = []
    for L in (torch, ember):
        with pytest.raises(NotImplementedError) as info:
            L.distributions.kl_divergence(*pair(L))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_register_kl_is_used():
    class MyNormal(ember.distributions.Normal):
        pass

    @ember.distributions.register_kl(MyNormal, MyNormal)
    def _kl(p, q):
        return ember.tensor(42.0)

    assert ember.distributions.kl_divergence(MyNormal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 42.0
    assert ember.distributions.kl_divergence(MyNormal(0.0, 1.0), ember.distributions.Normal(0.0, 1.0)).item() == 0


@pytest.mark.parametrize(
    "name",
    [
        "Normal-batch",
        "Bernoulli-probs",
        "Categorical",
        "Multinomial",
        "Gamma",
        "Beta",
        "Dirichlet",
        "MVN-cov",
        "Exponential",
        "Independent-Normal",
        "LogNormal",
    ],
)
def test_expand_like_torch(name):
    build = DISTS[name][0]
    dt, de = build(torch), build(ember)
    shape = (2,) + tuple(dt.batch_shape)
    et, ee = dt.expand(shape), de.expand(shape)
    assert tuple(ee.batch_shape) == tuple(et.batch_shape)
    assert tuple(ee.event_shape) == tuple(et.event_shape)
    close(ee.mean, et.mean, rtol=1e-5)


# fmt: off
ERRORS = {
    "Normal-neg-scale":     lambda L: L.distributions.Normal(0.0, -1.0),
    "Normal-tensor-scale":  lambda L: L.distributions.Normal(T(L, [0.0, 1.0]), T(L, [1.0, 0.0])),
    "Bernoulli-p":          lambda L: L.distributions.Bernoulli(T(L, [1.5])),
    "Bernoulli-both":       lambda L: L.distributions.Bernoulli(T(L, [0.5]), T(L, [0.0])),
    "Categorical-none":     lambda L: L.distributions.Categorical(),
    "Categorical-0d":       lambda L: L.distributions.Categorical(T(L, 1.0)),
    "Categorical-neg":      lambda L: L.distributions.Categorical(T(L, [-0.5, 1.5])),
    "Uniform-low-ge-high":  lambda L: L.distributions.Uniform(1.0, 0.0),
    "Exponential-rate":     lambda L: L.distributions.Exponential(T(L, [-1.0])),
    "Gamma-conc":           lambda L: L.distributions.Gamma(T(L, [0.0]), T(L, [1.0])),
    "Poisson-rate":         lambda L: L.distributions.Poisson(T(L, [-1.0])),
    "Dirichlet-0d":         lambda L: L.distributions.Dirichlet(T(L, 1.0)),
    "Multinomial-float-n":  lambda L: L.distributions.Multinomial(1.5, T(L, [0.5, 0.5])),
    "MVN-both":             lambda L: L.distributions.MultivariateNormal(T(L, [0.0]), T(L, [[1.0]]), T(L, [[1.0]])),
    "MVN-not-pd":           lambda L: L.distributions.MultivariateNormal(T(L, [0.0, 0.0]), T(L, [[1.0, 2.0], [2.0, 1.0]])),
    "Independent-ndims":    lambda L: L.distributions.Independent(L.distributions.Normal(T(L, [0.0]), T(L, [1.0])), 2),
    "log_prob-support":     lambda L: L.distributions.Exponential(T(L, [1.0])).log_prob(T(L, [-1.0])),
    "log_prob-not-tensor":  lambda L: L.distributions.Normal(0.0, 1.0).log_prob(0.5),
    "log_prob-event-shape": lambda L: L.distributions.Dirichlet(T(L, [1.0, 1.0])).log_prob(T(L, [0.2, 0.3, 0.5])),
    "log_prob-broadcast":   lambda L: L.distributions.Normal(T(L, [0.0, 1.0]), T(L, [1.0, 1.0])).log_prob(T(L, [0.0] * 3)),
    "Categorical-support":  lambda L: L.distributions.Categorical(T(L, [0.5, 0.5])).log_prob(T(L, [2], "int64")),
}
# fmt: on


@pytest.mark.parametrize("name", list(ERRORS))
def test_validation_errors_match_torch(name):
    fn = ERRORS[name]
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ee:
        fn(ember)
    assert type(ee.value) is type(te.value) or type(ee.value).__name__ == type(te.value).__name__
    assert str(ee.value) == str(te.value)


def test_validate_args_false_skips_checks():
    for L in (torch, ember):
        d = L.distributions.Normal(0.0, -1.0, validate_args=False)
        assert d.scale.item() == -1.0


def test_submodules_import_like_torch():
    import importlib

    for mod in (
        "multinomial",
        "normal",
        "categorical",
        "bernoulli",
        "uniform",
        "gamma",
        "beta",
        "dirichlet",
        "exponential",
        "poisson",
        "laplace",
        "log_normal",
        "multivariate_normal",
        "independent",
        "kl",
        "constraints",
        "distribution",
        "one_hot_categorical",
        "binomial",
        "utils",
    ):
        m = importlib.import_module(f"ember.distributions.{mod}")
        assert (
            importlib.import_module(f"torch.distributions.{mod}").__name__.split(".")[-1] == m.__name__.split(".")[-1]
        )


@pytest.mark.parametrize(
    "c, r",
    [
        ("real", "Real()"),
        ("positive", "GreaterThan(lower_bound=0.0)"),
        ("unit_interval", "Interval(lower_bound=0.0, upper_bound=1.0)"),
        ("simplex", "Simplex()"),
        ("real_vector", "IndependentConstraint(Real(), 1)"),
        ("nonnegative_integer", "IntegerGreaterThan(lower_bound=0)"),
        ("boolean", "Boolean()"),
        ("lower_cholesky", "LowerCholesky()"),
    ],
)
def test_constraint_reprs_match_torch(c, r):
    assert repr(getattr(torch.distributions.constraints, c)) == r
    assert repr(getattr(ember.distributions.constraints, c)) == r

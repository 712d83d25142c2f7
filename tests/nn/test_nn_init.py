"""nn.init against torch: with the same seed every initialiser fills the same values; gains and fans."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
einit = ember.nn.init
tinit = torch.nn.init

# fmt: off
INITS = [
    ("uniform_",          (3, 4),       dict(a=-0.5, b=2.0)),
    ("normal_",           (3, 4),       dict(mean=1.0, std=0.1)),
    ("normal_-large",     (20, 30),     dict(std=0.01)),
    ("trunc_normal_",     (5, 6),       dict(std=0.5)),
    ("trunc_normal_-narrow", (5, 6),    dict(mean=0.0, std=1.0, a=0.5, b=0.7)),
    ("trunc_normal_-tight", (40, 30),   dict(std=1.0, a=-0.3, b=1.0)),
    ("constant_",         (2, 3),       dict(val=0.25)),
    ("ones_",             (2, 3),       {}),
    ("zeros_",            (2, 3),       {}),
    ("eye_",              (3, 5),       {}),
    ("dirac_",            (4, 2, 3, 3), {}),
    ("dirac_-groups",     (4, 2, 3),    dict(groups=2)),
    ("xavier_uniform_",   (8, 4),       {}),
    ("xavier_uniform_-gain", (6, 3, 2, 2), dict(gain=2.0)),
    ("xavier_normal_",    (8, 4),       {}),
    ("kaiming_uniform_",  (8, 4),       dict(a=math.sqrt(5))),
    ("kaiming_uniform_-relu-out", (8, 4, 3), dict(mode="fan_out", nonlinearity="relu")),
    ("kaiming_normal_",   (8, 4),       {}),
    ("kaiming_normal_-relu", (16, 3, 3, 3), dict(mode="fan_out", nonlinearity="relu")),
    ("orthogonal_",       (4, 6),       {}),
    ("orthogonal_-tall",  (6, 3),       dict(gain=2.0)),
    ("sparse_",           (6, 4),       dict(sparsity=0.5)),
]
# fmt: on


@pytest.mark.parametrize("name, shape, kw", INITS, ids=[r[0] for r in INITS])
def test_seeded_init_equals_torch(name, shape, kw):
    fn = name.split("-")[0]
    torch.manual_seed(3)
    t = getattr(tinit, fn)(torch.empty(*shape), **kw)
    ember.manual_seed(3)
    e = getattr(einit, fn)(ember.empty(*shape), **kw)
    atol = 1e-6 if fn in ("orthogonal_", "trunc_normal_") else 0
    np.testing.assert_allclose(e.numpy(), t.numpy(), atol=atol, rtol=0)
    # the RNG stream advanced the same way
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_init_on_parameter_leaves_it_a_leaf():
    p = ember.nn.Parameter(ember.empty(3, 2))
    out = einit.kaiming_uniform_(p)
    assert out is p and p.is_leaf and p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize("args", [("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                                  ("leaky_relu", 0.2), ("selu",), ("conv2d",)])
def test_calculate_gain(args):
    assert einit.calculate_gain(*args) == tinit.calculate_gain(*args)


def test_fans_and_errors():
    for shape in [(3, 4), (5, 2, 3, 3), (2, 3, 4)]:
        assert einit._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
            tinit._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for lib, init in ((torch, tinit), (ember, einit)):
        with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
            init.xavier_uniform_(lib.empty(3))
        with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
            init.calculate_gain("foo")


def test_clip_grad_and_vector_utils():
    for norm_type in (2.0, 1.0, math.inf):
        got = []
        for lib, nn in ((torch, torch.nn), (ember, ember.nn)):
            lib.manual_seed(0)
            net = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
            net(lib.ones(5, 3) * 3).sum().backward()
            total = nn.utils.clip_grad_norm_(net.parameters(), 0.5, norm_type=norm_type)
            got.append((float(total), [p.grad.numpy().copy() for p in net.parameters()]))
        assert got[0][0] == pytest.approx(got[1][0], rel=1e-6)
        for a, b in zip(got[0][1], got[1][1], strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)
    net = ember.nn.Linear(3, 2)
    net(ember.ones(1, 3) * 10).sum().backward()
    ember.nn.utils.clip_grad_value_(net.parameters(), 0.5)
    assert float(net.weight.grad.abs().max()) == 0.5
    vec = ember.nn.utils.parameters_to_vector(net.parameters())
    assert vec.shape == (8,)
    ember.nn.utils.vector_to_parameters(ember.arange(8.0), net.parameters())
    assert net.bias.tolist() == [6.0, 7.0] and net.weight.tolist()[0] == [0.0, 1.0, 2.0]

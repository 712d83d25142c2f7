"""nn.Module and containers against torch: registration, iteration, reprs, state_dict, hooks, modes, conversion."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from nn_cases import copy_weights, run_both, to_e

import ember

torch = pytest.importorskip("torch")
enn = ember.nn
tnn = torch.nn


# ------------------------------------------------------------------------------------------- model builders
def mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))


def nested(nn):
    def block():
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())

    outer = nn.Sequential()
    for i in range(2):
        outer.add_module(f"block {i}", block())
    return nn.Sequential(outer, nn.Linear(4, 1))


def lenet(nn):
    if not hasattr(nn, "Conv2d"):
        pytest.skip("nn.Conv2d not available yet (conv layers are a separate piece of issue 8)")
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def bn_net(nn):
    return nn.Sequential(nn.Linear(6, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 4), nn.LayerNorm(4),
                         nn.GELU(), nn.Linear(4, 2))


def misc_layers(nn):
    return nn.Sequential(OrderedDict([
        ("emb", nn.Embedding(10, 4, padding_idx=0)), ("flat", nn.Flatten(1)),
        ("ml", nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Tanh()])),
        ("md", nn.ModuleDict({"b": nn.ReLU(), "a": nn.LeakyReLU(0.2, inplace=True)})),
        ("gn", nn.GroupNorm(2, 4)), ("bn2", nn.BatchNorm2d(3, affine=False)), ("id", nn.Identity()),
        ("drop", nn.Dropout2d(0.1)), ("sm", nn.Softmax(dim=1)), ("lsm", nn.LogSoftmax(dim=-1)),
        ("ht", nn.Hardtanh(-2.0, 2.0)), ("r6", nn.ReLU6(inplace=True)), ("elu", nn.ELU(0.5)),
        ("sp", nn.Softplus(beta=2.0)), ("th", nn.Threshold(0.1, 20.0)), ("pr", nn.PReLU(3)),
        ("glu", nn.GLU()), ("ce", nn.CrossEntropyLoss(label_smoothing=0.1)), ("mse", nn.MSELoss(reduction="sum")),
        ("ln", nn.LayerNorm((2, 3), elementwise_affine=False)), ("bil", nn.Bilinear(2, 3, 4)),
        ("inorm", nn.InstanceNorm2d(3)), ("lrn", nn.LocalResponseNorm(2)), ("unf", nn.Unflatten(1, (2, 2))),
        ("bag", nn.EmbeddingBag(5, 2, mode="sum")), ("gelu", nn.GELU("tanh")), ("selu", nn.SELU()),
    ]))


class Custom:
    """A d2l-style custom module, defined for both libraries."""

    @staticmethod
    def make(nn, lib):
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(20, 16)
                self.out = nn.Linear(16, 10)
                self.register_buffer("steps", lib.zeros(2))
                self.register_buffer("scratch", lib.ones(1), persistent=False)
                self.scale = nn.Parameter(lib.ones(3))

            def forward(self, x):
                return self.out(nn.functional.relu(self.hidden(x))) * self.scale.sum()

        return MLP()


BUILDERS = {"mlp": mlp, "nested": nested, "lenet": lenet, "bn_net": bn_net, "misc": misc_layers}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_repr_matches_torch(name):
    assert repr(BUILDERS[name](enn)) == repr(BUILDERS[name](tnn))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_state_dict_keys_shapes_and_metadata_match_torch(name):
    e, t = BUILDERS[name](enn), BUILDERS[name](tnn)
    esd, tsd = e.state_dict(), t.state_dict()
    assert list(esd) == list(tsd)
    assert [tuple(v.shape) for v in esd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert [str(v.dtype) for v in esd.values()] == [str(v.dtype) for v in tsd.values()]
    assert dict(esd._metadata) == dict(tsd._metadata)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]


def test_custom_module_registration_like_torch():
    e, t = Custom.make(enn, ember), Custom.make(tnn, torch)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())  # non-persistent buffer left out
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert list(e._parameters) == list(t._parameters)
    assert list(e._buffers) == list(t._buffers)
    assert list(e._modules) == list(t._modules)
    copy_weights(t, e)
    x = torch.randn(3, 20, requires_grad=True)
    run_both(t, e, [x])


@pytest.mark.parametrize("name", ["mlp", "nested", "lenet", "bn_net"])
def test_torch_state_dict_loads_into_ember_and_back(name):
    t = BUILDERS[name](tnn).eval()
    e = BUILDERS[name](enn).eval()
    r = e.load_state_dict({k: to_e(v) for k, v in t.state_dict().items()})
    assert repr(r) == "<All keys matched successfully>"
    shape = (2, 1, 28, 28) if name == "lenet" else ((2, 3, 4) if name == "mlp" else (3, 6 if name == "bn_net" else 4))
    x = torch.randn(*shape)
    np.testing.assert_allclose(e(to_e(x)).detach().numpy(), t(x).detach().numpy(), atol=1e-5, rtol=1e-4)
    # and back: a fresh torch model loaded from ember's state_dict gives the same outputs
    t2 = BUILDERS[name](tnn).eval()
    t2.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e.state_dict().items()})
    np.testing.assert_allclose(t2(x).detach().numpy(), t(x).detach().numpy(), atol=0, rtol=0)


def test_seeded_default_init_equals_torch():
    for build in (lambda nn: nn.Linear(4, 3), mlp, lenet, bn_net, lambda nn: nn.Embedding(7, 3),
                  lambda nn: nn.Bilinear(2, 3, 4)):
        torch.manual_seed(0)
        t = build(tnn)
        ember.manual_seed(0)
        e = build(enn)
        for (n1, p1), (n2, p2) in zip(e.state_dict().items(), t.state_dict().items(), strict=False):
            assert n1 == n2
            np.testing.assert_array_equal(p1.numpy(), p2.numpy(), err_msg=n1)


def test_parameter_repr_and_type():
    p = enn.Parameter(ember.tensor([1.0, 2.0]))
    assert repr(p) == repr(tnn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(enn.Parameter(ember.ones(2), requires_grad=False)) == repr(
        tnn.Parameter(torch.ones(2), requires_grad=False))
    assert isinstance(p, ember.Tensor) and p.requires_grad and p.is_leaf
    assert type(p * 2) is ember.Tensor
    assert type(p.data) is ember.Tensor
    q = copy.deepcopy(p)
    assert type(q) is enn.Parameter and q is not p and q.requires_grad
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is enn.Parameter and r.tolist() == [1.0, 2.0]


def test_load_state_dict_errors_match_torch_and_leave_module_unchanged():
    e, t = enn.Linear(4, 3), tnn.Linear(4, 3)
    before = e.weight.detach().numpy().copy()
    bad_t = {"weight": torch.ones(3, 5), "foo": torch.ones(1)}
    bad_e = {"weight": ember.ones(3, 5), "foo": ember.ones(1)}
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(bad_t)
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(bad_e)
    assert str(ee.value) == str(te.value)
    np.testing.assert_array_equal(e.weight.detach().numpy(), before)
    sd_t = t.state_dict()
    del sd_t["bias"]
    sd_e = {"weight": to_e(sd_t["weight"]), "extra": ember.ones(1)}
    sd_t["extra"] = torch.ones(1)
    assert repr(e.load_state_dict(sd_e, strict=False)) == repr(t.load_state_dict(sd_t, strict=False))
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        e.load_state_dict([1, 2])


@pytest.mark.parametrize("shape, dtype, bias", [
    ((4, 5), "float32", True), ((2, 4, 5), "float32", True), ((5,), "float32", True),
    ((2, 6), "float64", True), ((3, 2, 6), "float64", True), ((2, 6), "float64", False), ((2, 6), "int64", True),
])
def test_linear_shape_and_dtype_error_text(shape, dtype, bias):
    with pytest.raises(RuntimeError) as te:
        tnn.Linear(6, 3, bias=bias)(torch.ones(*shape, dtype=getattr(torch, dtype)))
    with pytest.raises(RuntimeError) as ee:
        enn.Linear(6, 3, bias=bias)(ember.ones(*shape, dtype=getattr(ember, dtype)))
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("stmt, exc", [
    ("m.register_parameter('a.b', None)", KeyError),
    ("m.register_parameter('', None)", KeyError),
    ("m.register_parameter('x', lib.ones(2))", TypeError),
    ("m.register_buffer('weight', lib.ones(2))", KeyError),
    ("m.register_buffer('b', 3)", TypeError),
    ("m.add_module('c', 3)", TypeError),
    ("m.add_module('weight', nn.ReLU())", KeyError),
    ("setattr(m, 'weight', lib.ones(3, 4))", TypeError),
    ("m.get_submodule('nope')", AttributeError),
    ("m.get_parameter('in_features')", AttributeError),
    ("m.nope", AttributeError),
    ("m.train('yes')", ValueError),
    ("m.to(lib.int64)", TypeError),
    ("nn.Sequential(nn.ReLU())[3]", IndexError),
    ("nn.Sequential(1)", TypeError),
    ("nn.Module().forward()", NotImplementedError),
])
def test_module_errors_match_torch(stmt, exc):
    msgs = []
    for lib, nn in ((torch, tnn), (ember, enn)):
        m = nn.Linear(4, 3)
        with pytest.raises(exc) as info:
            eval(stmt, {"m": m, "lib": lib, "nn": nn})
        msgs.append(str(info.value).replace("torch.", "").replace("ember.", ""))
    assert msgs[0] == msgs[1]


def test_sequential_operations_like_torch():
    def ops(nn):
        s = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3))
        out = [repr(s[0:2]), repr(s[-1]), len(s)]
        del s[1]
        out.append(repr(s))
        s.insert(1, nn.Tanh())
        s.extend([nn.ReLU()])
        s.append(nn.Sigmoid())
        out += [repr(s), len(s), repr(s + s), [type(m).__name__ for m in s]]
        s[0] = nn.Identity()
        out.append(repr(s))
        od = nn.Sequential(OrderedDict([("conv", nn.Linear(1, 1)), ("act", nn.ReLU())]))
        out += [repr(od), repr(od.conv), repr(od[1])]
        ml = nn.ModuleList([nn.ReLU()])
        ml.append(nn.Tanh())
        ml += [nn.ReLU(), nn.ReLU()]
        out += [repr(ml), repr(ml[1:]), len(ml)]
        md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
        md["c"] = nn.Linear(1, 2)
        out += [repr(md), list(md.keys()), "a" in md, len(md)]
        return out

    assert ops(enn) == ops(tnn)


def test_parameter_list_and_dict_like_torch():
    def ops(nn, lib):
        pl = nn.ParameterList([nn.Parameter(lib.ones(2)), lib.zeros(2, 3)])
        pl.append(lib.ones(1))
        pd = nn.ParameterDict({"a": nn.Parameter(lib.ones(2)), "b": lib.ones(3, 2)})
        pd["c"] = lib.zeros(1)
        return [repr(pl), len(pl), type(pl[1]).__name__, [n for n, _ in pl.named_parameters()], repr(pd),
                list(pd.keys()), [n for n, _ in pd.named_parameters()], list(pd.state_dict())]

    assert ops(enn, ember) == ops(tnn, torch)


def test_shared_parameters_counted_once():
    def ops(nn):
        shared = nn.Linear(8, 8)
        net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.Linear(8, 1))
        return (len(list(net.parameters())), [n for n, _ in net.named_parameters()], list(net.state_dict()),
                [n for n, _ in net.named_modules()], len(list(net.named_parameters(remove_duplicate=False))))

    assert ops(enn) == ops(tnn)


def test_train_eval_apply_zero_grad_requires_grad():
    e = mlp(enn)
    assert e.training and all(m.training for m in e.modules())
    assert e.eval() is e and not any(m.training for m in e.modules())
    e.train()
    seen = []
    e.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Flatten", "Linear", "ReLU", "Dropout", "Linear", "Sequential"]
    e(ember.ones(2, 3, 4)).sum().backward()
    assert all(p.grad is not None for p in e.parameters())
    e.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in e.parameters())
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())


def test_to_double_float_keeps_parameter_identity():
    e = bn_net(enn)
    w = e[0].weight
    e.double()
    assert e[0].weight is w and w.dtype is ember.float64 and type(w) is enn.Parameter
    assert e[1].running_mean.dtype is ember.float64
    assert e[1].num_batches_tracked.dtype is ember.int64
    e.to(ember.float32)
    assert w.dtype is ember.float32
    assert e.to("cpu") is e and e.cpu() is e
    out = e.float()(ember.ones(3, 6))
    assert out.dtype is ember.float32


def test_forward_hooks_and_pre_hooks():
    calls = []
    for lib, nn in ((torch, tnn), (ember, enn)):
        m = nn.Linear(2, 2)
        log = []
        h1 = m.register_forward_pre_hook(lambda mod, args, log=log: log.append(("pre", len(args))))
        h2 = m.register_forward_hook(lambda mod, args, out: out * 0)
        r = m(lib.ones(1, 2))
        log.append(float(r.sum().detach()))
        h1.remove()
        h2.remove()
        log.append(float((m(lib.zeros(1, 2)).sum() - m.bias.sum()).detach()))
        m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
        log.append(float((m(lib.ones(1, 2)).sum() - m.bias.sum()).detach()))
        calls.append(log)
    assert calls[0] == calls[1]


def test_full_backward_hook_sees_torch_grads():
    got = []
    for lib, nn in ((torch, tnn), (ember, enn)):
        m = nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
        seen = []
        m.register_full_backward_hook(lambda mod, gi, go, seen=seen: seen.append((gi[0].tolist(), go[0].tolist())))
        x = lib.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        m(x).sum().backward()
        got.append((seen, x.grad.tolist()))
    assert got[0] == got[1]


def test_custom_subclass_kwargs_and_mixin():
    class Mixin:
        def hello(self):
            return "hi"

    class M(enn.Module, Mixin):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.fc = enn.Linear(1, 1)

        def forward(self, x):
            return self.fc(x)

    m = M()
    assert m.hello() == "hi" and [n for n, _ in m.named_parameters()] == ["fc.weight", "fc.bias"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        M(foo=1)
    del m.fc
    assert list(m._modules) == [] and "fc" not in dir(m)
    m.fc = None
    assert m.fc is None


def test_get_submodule_and_parameter():
    e = nested(enn)
    assert e.get_submodule("0.block 1.2") is e[0][1][2]
    assert e.get_parameter("0.block 0.0.bias") is e[0][0][0].bias
    assert isinstance(e.get_submodule(""), enn.Sequential)


def test_data_parallel_runs_module_unchanged():
    net = mlp(enn).eval()
    dp = enn.DataParallel(net, device_ids=[ember.device("cpu")])
    x = ember.ones(2, 3, 4)
    np.testing.assert_array_equal(dp(x).detach().numpy(), net(x).detach().numpy())
    assert list(dp.state_dict())[0] == "module.1.weight"
    assert dp.module is net


def test_lazy_linear_becomes_linear():
    torch.manual_seed(0)
    t = tnn.LazyLinear(3)
    ember.manual_seed(0)
    e = enn.LazyLinear(3)
    assert repr(e) == repr(t)
    x = torch.randn(2, 5)
    torch.manual_seed(1)
    to = t(x)
    ember.manual_seed(1)
    eo = e(to_e(x))
    assert type(e) is enn.Linear and repr(e) == repr(t)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), atol=1e-6)


def test_lazy_batchnorm_and_assign_and_keep_vars():
    t, e = tnn.LazyBatchNorm2d(), enn.LazyBatchNorm2d()
    assert repr(e) == repr(t)
    x = torch.randn(4, 3, 2, 2)
    np.testing.assert_allclose(e(to_e(x)).detach().numpy(), t(x).detach().numpy(), atol=1e-5)
    assert type(e) is enn.BatchNorm2d and repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    lin = enn.Linear(2, 2)
    w = lin.weight
    new = {"weight": ember.ones(2, 2), "bias": ember.zeros(2)}
    lin.load_state_dict(new, assign=True)
    assert lin.weight is not w and type(lin.weight) is enn.Parameter and lin.weight.tolist() == [[1.0, 1.0]] * 2
    kv = lin.state_dict(keep_vars=True)
    assert kv["weight"] is lin.weight
    assert lin.state_dict()["weight"] is not lin.weight and not lin.state_dict()["weight"].requires_grad


def test_embedding_max_norm_renormalises_rows_like_torch():
    torch.manual_seed(0)
    t = tnn.Embedding(6, 3, max_norm=1.0)
    e = enn.Embedding(6, 3, max_norm=1.0)
    copy_weights(t, e)
    idx = [[0, 2], [2, 5]]
    np.testing.assert_allclose(e(ember.tensor(idx)).detach().numpy(), t(torch.tensor(idx)).detach().numpy(),
                               atol=1e-6)
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), atol=1e-6)


def test_forward_hooks_with_kwargs_and_always_call():
    m = enn.Linear(2, 2)
    seen = []
    m.register_forward_pre_hook(lambda mod, args, kwargs: seen.append(sorted(kwargs)), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: out + 1, with_kwargs=True)
    out = m(input=ember.zeros(1, 2))
    assert seen == [["input"]]
    np.testing.assert_allclose(out.detach().numpy(), (m.bias + 1).detach().numpy()[None])


def test_parallel_scatter_gather_on_cpu():
    x = ember.arange(10).reshape(5, 2)
    parts = enn.parallel.scatter(x, [ember.device("cpu"), ember.device("cpu")])
    assert [p.tolist() for p in parts] == [t.tolist() for t in torch.arange(10).reshape(5, 2).chunk(2)]
    pairs = enn.parallel.scatter((x, x[:, 0]), ["cpu", "cpu"])
    assert len(pairs) == 2 and pairs[1][1].tolist() == [6, 8]
    assert enn.parallel.gather(list(parts), "cpu").tolist() == x.tolist()
    net = enn.Linear(2, 1)
    reps = enn.parallel.replicate(net, ["cpu", "cpu"])
    outs = enn.parallel.parallel_apply(reps, [p.float() for p in parts])
    assert [tuple(o.shape) for o in outs] == [(3, 1), (2, 1)]


def test_extra_state_saved_and_loaded_like_torch():
    def make(nn):
        class WithExtra(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(1, 1)
                self.note = "x"

            def get_extra_state(self):
                return {"note": self.note}

            def set_extra_state(self, state):
                self.note = state["note"]

        return WithExtra()

    e, t = make(enn), make(tnn)
    assert list(e.state_dict()) == list(t.state_dict())
    sd = e.state_dict()
    sd["_extra_state"] = {"note": "loaded"}
    e2 = make(enn)
    assert repr(e2.load_state_dict(sd)) == "<All keys matched successfully>"
    assert e2.note == "loaded"
    del sd["_extra_state"]
    tsd = t.state_dict()
    del tsd["_extra_state"]
    assert repr(make(enn).load_state_dict(sd, strict=False)) == repr(make(tnn).load_state_dict(tsd, strict=False))


def test_lazy_instance_norm_and_skip_init():
    x = torch.randn(2, 3, 4, 4)
    t, e = tnn.LazyInstanceNorm2d(), enn.LazyInstanceNorm2d()
    assert repr(e) == repr(t)
    np.testing.assert_allclose(e(to_e(x)).detach().numpy(), t(x).detach().numpy(), atol=1e-5)
    assert type(e) is enn.InstanceNorm2d and repr(e) == repr(t)
    np.testing.assert_allclose(e.running_var.numpy(), t.running_var.numpy(), atol=1e-6)
    torch.manual_seed(0)
    ember.manual_seed(0)
    lin = enn.utils.skip_init(enn.Linear, 3, 2)
    assert tuple(lin.weight.shape) == (2, 3)
    assert ember.rand(2).tolist() == torch.rand(2).tolist()  # skip_init drew nothing


def test_functional_star_import_has_torchs_common_names():
    ns: dict = {}
    exec("from ember.nn.functional import *", ns)
    for name in ("relu", "softmax", "cross_entropy", "linear", "dropout", "conv2d", "max_pool2d", "pad", "one_hot"):
        assert name in ns, name

"""Custom autograd.Function against torch: ctx, saved tensors, dirty and non-differentiable outputs."""

from __future__ import annotations

import numpy as np
import pytest
from ag_compare import raises_like, run_both

import ember

torch = pytest.importorskip("torch")

X = np.array([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)
V = np.array([1.0, 2.0, 3.0], dtype=np.float32)

_CACHE = {}


def functions(m):
    """The same custom Functions defined on ember's or torch's autograd.Function (made once per library)."""
    if m in _CACHE:
        return _CACHE[m]
    F = m.autograd.Function

    class MyReLU(F):  # seed 003
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    class LegendrePolynomial3(F):  # seed 003
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    class Exp(F):  # saves its output
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class MulConst(F):  # a non-tensor argument, needs_input_grad
        @staticmethod
        def forward(ctx, x, k, w):
            ctx.k = k
            ctx.save_for_backward(x, w)
            ctx.seen = ctx.needs_input_grad
            return x * k * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            gx = g * ctx.k * w if ctx.needs_input_grad[0] else None
            gw = (g * ctx.k * x).sum(0) if ctx.needs_input_grad[2] else None
            return gx, None, gw

    class SortIdx(F):  # two outputs, one non-differentiable
        @staticmethod
        def forward(ctx, x):
            vals, idx = x.sort(-1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return vals, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            (idx,) = ctx.saved_tensors
            return m.zeros_like(g).scatter(-1, idx, g)

    class AddOneInplace(F):  # mark_dirty
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 1

    class Identity(F):  # returns its input as is
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class NoMaterialize(F):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return (g1 * 2 if g1 is not None else 0) + (g2 * 3 if g2 is not None else 0) + 0 * g1 if g1 is not None \
                else g2 * 3

    class TwoOut(F):  # materialized zeros for the unused output
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class Square(F):  # setup_context form
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class WrongCount(F):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    class Cube(F):  # a backward that is itself differentiable
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    _CACHE[m] = {k: v for k, v in locals().items() if isinstance(v, type)}
    return _CACHE[m]


def leaf(m, a=X):
    return m.tensor(a, requires_grad=True)


def _apply_and_grad(name, make_inputs, loss=lambda out: out.sum() if not isinstance(out, tuple) else out[0].sum()):
    def run(m):
        fn = functions(m)[name]
        inputs = make_inputs(m)
        out = fn.apply(*inputs)
        loss(out).backward()
        grads = [t.grad if hasattr(t, "grad") and getattr(t, "requires_grad", False) else None for t in inputs]
        return out, type(out[0] if isinstance(out, tuple) else out).__name__, grads

    return run


SCENARIOS = [
    ("MyReLU", _apply_and_grad("MyReLU", lambda m: [leaf(m)])),
    ("LegendrePolynomial3", _apply_and_grad("LegendrePolynomial3", lambda m: [leaf(m)])),
    ("saved output", _apply_and_grad("Exp", lambda m: [leaf(m)])),
    ("non-tensor argument", _apply_and_grad("MulConst", lambda m: [leaf(m), 3.0, leaf(m, V)])),
    ("needs_input_grad partial", _apply_and_grad("MulConst", lambda m: [m.tensor(X), 2.0, leaf(m, V)])),
    ("non-differentiable output", _apply_and_grad("SortIdx", lambda m: [leaf(m)])),
    ("mark_dirty", _apply_and_grad("AddOneInplace", lambda m: [leaf(m) * 1], loss=lambda o: (o * o).sum())),
    ("input returned as is", _apply_and_grad("Identity", lambda m: [leaf(m)])),
    ("materialized zeros", _apply_and_grad("TwoOut", lambda m: [leaf(m)])),
    ("set_materialize_grads(False)", _apply_and_grad("NoMaterialize", lambda m: [leaf(m)], loss=lambda o: o[1].sum())),
    ("setup_context", _apply_and_grad("Square", lambda m: [leaf(m)])),
    ("once_differentiable first order", _apply_and_grad("Once", lambda m: [leaf(m)])),
    ("no input requires grad", lambda m: (lambda o: (o.requires_grad, o.grad_fn is None))(
        functions(m)["Square"].apply(m.tensor(X)))),
    ("under no_grad", lambda m: [(o.requires_grad, o.grad_fn is None) for o in [
        _nograd(m, lambda: functions(m)["Cube"].apply(leaf(m)))]]),
    ("needs_input_grad seen in forward", lambda m: (lambda c: c)(
        _ctx_seen(m, functions(m)["MulConst"], [leaf(m), 1.0, m.tensor(V)]))),
    ("grad_fn class name", lambda m: type(functions(m)["Cube"].apply(leaf(m)).grad_fn).__name__),
    ("double backward through custom backward", lambda m: (lambda x: (lambda g: m.autograd.grad(g.sum(), x))(
        m.autograd.grad(functions(m)["Cube"].apply(x).sum(), x, create_graph=True)[0]))(leaf(m))),
    ("mark_dirty graph", lambda m: (lambda y: (functions(m)["AddOneInplace"].apply(y), type(y.grad_fn).__name__,
                                               y._version))(leaf(m) * 1)),
    ("saved_tensors after backward", lambda m: (lambda o: (o.sum().backward(), o.grad_fn.saved_tensors))(
        functions(m)["Exp"].apply(leaf(m)))),
]


def _nograd(m, f):
    with m.no_grad():
        return f()


def _ctx_seen(m, fn, inputs):
    out = fn.apply(*inputs)
    return out.grad_fn.seen, out.grad_fn.needs_input_grad


@pytest.mark.parametrize("name, fn", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_function_matches_torch(name, fn):
    run_both(fn)


ERRORS = [
    ("wrong number of grads", lambda m: functions(m)["WrongCount"].apply(leaf(m), leaf(m)).sum().backward()),
    ("once_differentiable twice", lambda m: (lambda x: (lambda g: g.sum().backward())(
        m.autograd.grad(functions(m)["Once"].apply(x).sum(), x, create_graph=True)[0]))(leaf(m))),
    ("mark_dirty on a leaf", lambda m: functions(m)["AddOneInplace"].apply(leaf(m))),
    ("saved tensor modified", lambda m: (lambda x: (lambda o: (x.add_(1), o.sum().backward()))(
        functions(m)["MyReLU"].apply(x)))(leaf(m) * 1)),
    ("backward twice", lambda m: (lambda o: (o.sum().backward(retain_graph=False), o.sum().backward()))(
        functions(m)["Exp"].apply(leaf(m)))),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_function_errors_match_torch(name, fn):
    raises_like(fn)


def test_seed_003_training_loop_matches_torch():
    def train(m):
        m.manual_seed(0)
        x = m.linspace(-np.pi, np.pi, 200)
        y = m.sin(x)
        a, b, c, d = (m.full((), v, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
        P3 = functions(m)["LegendrePolynomial3"].apply
        for _ in range(50):
            y_pred = a + b * P3(c + d * x)
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
            with m.no_grad():
                for p in (a, b, c, d):
                    p -= 5e-6 * p.grad
                    p.grad = None
        return loss.item(), a, b, c, d

    run_both(train, rtol=1e-4, atol=1e-5)


def test_saving_the_output_does_not_keep_it_alive():
    import weakref

    fn = functions(ember)["Exp"]
    x = ember.tensor(V, requires_grad=True)
    y = fn.apply(x)
    ref = weakref.ref(y)
    node = weakref.ref(y.grad_fn)
    del y
    assert ref() is None and node() is None


def _saves_an_int(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    return F.apply(leaf(m))


def test_save_for_backward_of_a_non_tensor_raises_like_torch():
    raises_like(_saves_an_int)


def test_variable_is_the_old_name_of_tensor():
    run_both(lambda m: (m.autograd.Variable(m.ones(2), requires_grad=True), isinstance(m.ones(2), m.autograd.Variable)))

"""Shape, index and structure ops of ops/misc.py against torch."""

from __future__ import annotations

import numpy as np
import pytest
from harness_ops import Error, Row, Sample, error_cases, forward_cases, grad_cases, make
from ops_check import errors, forward, gradgrads, grads, numeric_gradcheck

torch = pytest.importorskip("torch")

F = ("float32", "float64")
I64 = lambda a: np.array(a, dtype=np.int64)  # noqa: E731


def first(xs):
    return lambda lib, *a, **k: getattr(lib, xs)(*a, **k)[0]


ROWS = [
    Row("diagonal", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1), Sample(make((3, 4), d), -2),
                               Sample(make((2, 3, 4), d), 0, 0, 2, note="3d"), Sample(make((3, 4), d), 5, note="off")],
        dtypes=F + ("int64",), grad=True, gradgrad=True,
        errors=[Error(Sample(make((3, 4)), 0, 1, 1), RuntimeError), Error(Sample(make((3, 4)), 0, 0, 2), IndexError)]),
    Row("diag_embed", lambda d: [Sample(make((3,), d)), Sample(make((2, 3), d), 1),
                                 Sample(make((2, 3), d), -1, 0, 2, note="dims")], dtypes=F, grad=True, gradgrad=True),
    Row("diag", lambda d: [Sample(make((3,), d)), Sample(make((3,), d), 2), Sample(make((3, 4), d)),
                           Sample(make((3, 4), d), -1)], dtypes=F + ("int64",), grad=True, gradgrad=True),
    Row("diagflat", lambda d: [Sample(make((2, 2), d))], dtypes=F, grad=True, gradgrad=True),
    Row("trace", lambda d: [Sample(make((3, 4), d)), Sample(make((4, 4), d))], dtypes=F + ("int32",), grad=True,
        gradgrad=True,
        errors=[Error(Sample(make((3,))), RuntimeError)]),
    Row("tril", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 1), Sample(make((2, 3, 3), d), -1)],
        dtypes=F + ("int64",), grad=True, gradgrad=True, errors=[Error(Sample(make((3,))), RuntimeError)]),
    Row("triu", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), -1), Sample(make((2, 3, 3), d), 2)],
        dtypes=F + ("bool",), grad=True, gradgrad=True),
    Row("tril_indices", lambda d: [Sample(3, 4), Sample(4, 3, 1), Sample(3, 3, -1)]),
    Row("triu_indices", lambda d: [Sample(3, 4), Sample(4, 3, 1)]),
    Row("roll", lambda d: [Sample(make((3, 4), d), 1), Sample(make((3, 4), d), 2, 1), Sample(make((3, 4), d), -1, 0),
                           Sample(make((3, 4), d), (1, 2), (0, 1), note="two dims")], dtypes=F + ("int64",),
        grad=True, gradgrad=True, errors=[Error(Sample(make((3, 4)), (1, 2), 0), RuntimeError)]),
    Row("rot90", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 2), Sample(make((3, 4), d), -1),
                            Sample(make((2, 3, 4), d), 1, (1, 2)), Sample(make((3, 4), d), 3, (1, 0))],
        dtypes=F, grad=True, gradgrad=True, errors=[Error(Sample(make((3,))), RuntimeError)]),
    Row("repeat_interleave", lambda d: [Sample(make((2, 3), d), 2), Sample(make((2, 3), d), 2, 1),
                                        Sample(make((2, 3), d), I64([1, 2]), 0, note="tensor repeats"),
                                        Sample(make((), d), 3, note="0-d")], dtypes=F + ("int64",), grad=True,
        gradgrad=True),
    Row("repeat_interleave", lambda d: [Sample(I64([2, 0, 1]))], id="repeat_interleave counts"),
    Row("meshgrid", lambda d: [Sample(make((3,), d), make((2,), d), indexing="ij"),
                               Sample(make((3,), d), make((2,), d), indexing="xy"),
                               Sample(make((3,), d), make((2,), d), make((4,), d), indexing="xy", note="three")],
        dtypes=F, grad=True, gradgrad=True),
    Row("einsum", lambda d: [Sample("ij,jk->ik", make((2, 3), d), make((3, 4), d)),
                             Sample("ij->j", make((2, 3), d)), Sample("ii->i", make((3, 3), d), note="diag"),
                             Sample("ii", make((3, 3), d), note="trace"),
                             Sample("bij,bjk->bik", make((2, 2, 3), d), make((2, 3, 2), d)),
                             Sample("i,j", make((2,), d), make((3,), d), note="implicit outer"),
                             Sample("...ij,...jk", make((2, 2, 3), d), make((3, 2), d), note="ellipsis"),
                             Sample("ij,jk,kl->il", make((2, 3), d), make((3, 4), d), make((4, 2), d),
                                    note="three"),
                             Sample("ij,ij->", make((2, 3), d), make((2, 3), d), note="full")],
        dtypes=F, grad=True, gradgrad=True),
    Row("cartesian_prod", lambda d: [Sample(make((2,), d), make((3,), d)), Sample(make((3,), d), note="one")],
        dtypes=F + ("int64",), grad=True, gradgrad=True),
    Row("combinations", lambda d: [Sample(make((4,), d)), Sample(make((4,), d), 3),
                                   Sample(make((3,), d), with_replacement=True)], dtypes=F, grad=True, gradgrad=True),
    Row("kron", lambda d: [Sample(make((2, 3), d), make((2, 2), d)), Sample(make((2,), d), make((2, 3), d))],
        dtypes=F + ("int64",), grad=True, gradgrad=True),
    Row("cross", lambda d: [Sample(make((4, 3), d), make((4, 3), d), dim=1), Sample(make((3, 2), d), make((3, 2), d)),
                            Sample(make((2, 3), d), make((1, 3), d), dim=-1, note="broadcast")], dtypes=F, grad=True,
        gradgrad=True,
        errors=[Error(Sample(make((2, 3)), make((3,)), dim=-1), RuntimeError)]),
    Row("linalg.cross", lambda d: [Sample(make((4, 3), d), make((4, 3), d))], dtypes=F, grad=True, gradgrad=True,
        errors=[Error(Sample(make((2,)), make((2,))), RuntimeError)]),
    Row("index_copy", lambda d: [Sample(make((4, 3), d), 0, I64([2, 0]), make((2, 3), d)),
                                 Sample(make((4, 3), d), 1, I64([1]), make((4, 1), d))], dtypes=F, grad=True,
        gradgrad=True),
    Row("index_fill", lambda d: [Sample(make((4, 3), d), 0, I64([2, 0]), -1.0),
                                 Sample(make((4, 3), d), 1, I64([1]), 5)], dtypes=F + ("int64",), grad=True,
        gradgrad=True),
    Row("masked_scatter", lambda d: [Sample(make((3, 4), d), make((3, 4), "bool"), make((12,), d)),
                                     Sample(make((3, 4), d), make((4,), "bool"), make((3, 4), d), note="broadcast")],
        dtypes=F, grad=True, gradgrad=True),
    Row("scatter_reduce", lambda d: [
        Sample(make((3, 4), d), 0, I64([[0, 1, 0, 2], [2, 2, 1, 0]]), make((2, 4), d), red, include_self=inc,
               note=f"{red} {inc}")
        for red in ("sum", "mean", "amax", "amin", "prod") for inc in (True, False)],
        dtypes=F, grad=True, gradgrad=True,
        errors=[Error(Sample(make((3,)), 0, I64([0]), make((1,)), "average"), RuntimeError)]),
    Row("scatter_reduce", lambda d: [
        Sample(make((3, 4), d), 0, I64([[0, 1, 0, 2], [2, 2, 1, 0]]), make((2, 4), d), red, include_self=inc,
               note=f"{red} {inc}")
        for red in ("sum", "mean", "amax", "prod") for inc in (True, False)], dtypes=("int32", "int64"),
        id="scatter_reduce int"),
    Row("dist", lambda d: [Sample(make((3,), d), make((3,), d), p) for p in (1, 2, 3, float("inf"), 0)]
        + [Sample(make((2, 3), d), make((3,), d), note="broadcast")], dtypes=F, grad=True, gradgrad=True,
        grad_samples=lambda d: [Sample(make((3,), d), make((3,), d), p) for p in (1, 2, 3, float("inf"))]),
    Row("cdist", lambda d: [Sample(make((3, 4), d), make((2, 4), d)),
                            Sample(make((2, 3, 4), d), make((2, 2, 4), d), 1.0),
                            Sample(make((3, 4), d), make((2, 4), d), float("inf"))],
        dtypes=F, grad=True,  # no gradgrad: torch has no double backward for cdist
        errors=[Error(Sample(make((3, 4)), make((2, 5))), RuntimeError)]),
    Row("cov", lambda d: [Sample(make((3, 5), d)), Sample(make((5,), d)), Sample(make((3, 5), d), correction=0),
                          Sample(make((2, 5), d), fweights=I64([1, 2, 1, 3, 1]),
                                 aweights=make((5,), d, low=0.1, high=1), note="weights")], dtypes=F, grad=True,
        gradgrad=True),
    Row("corrcoef", lambda d: [Sample(make((3, 5), d))], dtypes=F, grad=True, gradgrad=True),
    Row("diff", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), 2, 0),
                           Sample(make((3, 4), d), 1, -1, make((3, 1), d), make((3, 2), d), note="prepend append")],
        dtypes=F + ("int64", "bool"), grad=True, gradgrad=True),
    Row("block_diag", lambda d: [Sample(make((2, 2), d), make((1, 3), d), make((), d), make((2,), d))],
        dtypes=F, grad=True, gradgrad=True),
    Row("trapezoid", lambda d: [Sample(make((3, 4), d)), Sample(make((3, 4), d), dx=0.5),
                                Sample(make((3, 4), d), make((4,), d), note="x")], dtypes=F, grad=True, gradgrad=True),
    Row("vander", lambda d: [Sample(make((3,), d)), Sample(make((3,), d), 4, True)], dtypes=F + ("int64",)),
    Row("addmv", lambda d: [Sample(make((3,), d), make((3, 4), d), make((4,), d), beta=0.5, alpha=2)], dtypes=F,
        grad=True, gradgrad=True),
    Row("addr", lambda d: [Sample(make((3, 4), d), make((3,), d), make((4,), d))], dtypes=F, grad=True, gradgrad=True),
    Row("baddbmm", lambda d: [Sample(make((2, 3, 4), d), make((2, 3, 5), d), make((2, 5, 4), d), alpha=0.5)],
        dtypes=F, grad=True, gradgrad=True),
    Row("addbmm", lambda d: [Sample(make((3, 4), d), make((2, 3, 5), d), make((2, 5, 4), d))], dtypes=F, grad=True,
        gradgrad=True),
    Row("renorm", lambda d: [Sample(make((3, 4), d), 2, 0, 1.0)], dtypes=F),
    Row("logdet", lambda d: [Sample(make((3, 3), d) + 3 * np.eye(3, dtype=d))], dtypes=F, grad=True, gradgrad=True),
]


@pytest.mark.parametrize("row, dtype, sample", forward_cases(ROWS))
def test_forward_matches_torch(row, dtype, sample):
    forward(torch, row, sample)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS))
def test_grads_match_torch(row, dtype, sample, request):
    grads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, dtype, sample", grad_cases(ROWS, "gradgrad"))
def test_gradgrad_matches_torch(row, dtype, sample, request):
    gradgrads(torch, row, sample, request.node.callspec.id)


@pytest.mark.parametrize("row, dtype, sample", [c for c in grad_cases(ROWS) if c.id.endswith("-0")])
def test_gradcheck_finite_differences(row, dtype, sample):
    numeric_gradcheck(row, sample)


@pytest.mark.parametrize("row, err", error_cases(ROWS))
def test_errors_match_torch(row, err):
    errors(torch, row, err)


def test_diagonal_is_a_writable_view():
    import ember

    x = ember.zeros(3, 3)
    d = x.diagonal()
    d[1] = 5.0
    assert x[1, 1].item() == 5.0
    assert x.diagonal(1).shape == (2,) and x.diagonal(1)._base is x


@pytest.mark.parametrize("name, call", [
    ("clamp_", lambda lib, x: x.clamp_(-0.5, 0.5)),
    ("lerp_", lambda lib, x: x.lerp_(lib.ones(3, 4), 0.25)),
    ("addcmul_", lambda lib, x: x.addcmul_(x.clone(), x.clone(), value=2)),
    ("addcdiv_", lambda lib, x: x.addcdiv_(x.clone(), x.clone() + 3)),
    ("nan_to_num_", lambda lib, x: (x / 0).nan_to_num_()),
    ("round_", lambda lib, x: x.round_(decimals=1)),
    ("hypot_", lambda lib, x: x.hypot_(x.clone())),
    ("tril_", lambda lib, x: x.tril_(1)),
    ("triu_", lambda lib, x: x.triu_(-1)),
    ("index_fill_", lambda lib, x: x.index_fill_(1, lib.tensor([0, 2]), 7.0)),
    ("index_copy_", lambda lib, x: x.index_copy_(0, lib.tensor([2, 0]), lib.ones(2, 4))),
    ("masked_scatter_", lambda lib, x: x.masked_scatter_(x > 0, lib.arange(12.0))),
    ("scatter_reduce_", lambda lib, x: x.scatter_reduce_(0, lib.tensor([[0, 1, 0, 2]]), lib.ones(1, 4), "sum")),
    ("deg2rad_", lambda lib, x: x.deg2rad_()),
    ("renorm_", lambda lib, x: x.renorm_(2, 0, 0.5)),
    ("addmv_", lambda lib, x: x[0].addmv_(lib.ones(4, 3), lib.ones(3), beta=0.5)),
    ("copysign_", lambda lib, x: x.copysign_(-1.0)),
])
def test_inplace_variants_match_torch(name, call):
    import ember

    a = make((3, 4), "float32")
    outs = []
    for lib in (ember, torch):
        x = lib.tensor(a)
        r = call(lib, x)
        outs.append((np.asarray(x).copy(), np.asarray(r).copy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("expr", [
    "lib.lerp(a, b, 0.5)", "lib.addcmul(a, a, b)", "lib.addcdiv(a, a, b)", "lib.clamp(a, b)", "lib.where(a > 0, a, b)",
    "lib.einsum('ij,jk->ik', a, a)", "lib.einsum('ij,jk', a)", "lib.einsum('ijk', a)",
    "lib.linalg.solve(lib.eye(3).expand(2, 3, 3), lib.ones(4, 3, 1))", "lib.masked_scatter(a, b > 0, b)",
    "lib.scatter_reduce(a, 0, lib.tensor([[0, 1, 9, 0]]), a, 'sum')", "lib.index_fill(a, 0, lib.tensor([7]), 1.0)",
    "lib.repeat_interleave(a, lib.tensor([1, 2]), 0)", "lib.hypot(a, b)", "lib.fmax(a, b)", "lib.cross(a, b)",
    "lib.cdist(a.long(), a.long())", "lib.logcumsumexp(a.long(), 0)", "lib.logaddexp2(a.long(), a.long())",
])
def test_bad_shapes_raise_torchs_error(expr):
    from harness_ops import first_sentence

    import ember

    errs = []
    for lib in (torch, ember):
        a, b = lib.ones(3, 4), lib.ones(5)
        with pytest.raises(Exception) as e:
            eval(expr, {"lib": lib, "a": a, "b": b})
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0]), f"ember: {errs[1]!r}, torch: {errs[0]!r}"
    assert first_sentence(str(errs[1])) == first_sentence(str(errs[0]))


@pytest.mark.parametrize("expr", [
    "l.index_copy(x, 0, l.tensor([0]), l.ones(2, 2))", "l.index_copy(x, 0, l.tensor([0.0]), x[:1])",
    "l.index_copy(x, 0, l.tensor([0]), l.ones(1, 2, dtype=l.float64))", "l.index_fill(x, 0, l.tensor([0.0]), 1)",
    "l.index_fill(x, 0, l.tensor([[0]]), 1)", "l.index_copy(x, 0, l.tensor([5]), x[:1])",
])
def test_index_op_errors_match_torch(expr):
    from harness_ops import first_sentence

    import ember

    errs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as e:
            eval(expr, {"l": lib, "x": lib.ones(3, 2)})
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0]), f"ember {errs[1]!r}, torch {errs[0]!r}"
    assert first_sentence(str(errs[1])) == first_sentence(str(errs[0]))


def test_index_copy_and_fill_name_their_nodes_as_torch():
    import ember

    x = ember.ones(3, 2, requires_grad=True)
    assert ember.index_copy(x, 0, ember.tensor([0]), x[:1] * 2).grad_fn.name() == "IndexCopyBackward0"
    assert ember.index_fill(x, 1, ember.tensor([0]), 2.0).grad_fn.name() == "IndexFillBackward0"

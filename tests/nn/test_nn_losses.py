"""Loss modules and functions against torch: values for every reduction, gradients, options, errors."""

from __future__ import annotations

import numpy as np
import pytest
from nn_cases import assert_close, to_e

import ember

torch = pytest.importorskip("torch")
enn = ember.nn
tnn = torch.nn


def rand(*shape, seed=0, scale=1.0):
    return torch.from_numpy((np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32))


def labels(n, c, seed=1, shape=None):
    return torch.from_numpy(np.random.RandomState(seed).randint(0, c, size=shape or (n,)).astype(np.int64))


def probs(*shape, seed=2):
    return torch.from_numpy(np.random.RandomState(seed).uniform(0.05, 0.95, size=shape).astype(np.float32))


def soft(*shape, seed=3):
    return torch.softmax(rand(*shape, seed=seed), 1)


# (id, constructor taking (nn, lib), inputs: list of (tensor factory, requires_grad))
# fmt: off
LOSSES = [
    ("MSE",            lambda nn, lib: nn.MSELoss(),                          lambda: [rand(4, 3), rand(4, 3, seed=1)]),
    ("L1",             lambda nn, lib: nn.L1Loss(),                           lambda: [rand(4, 3), rand(4, 3, seed=1)]),
    ("SmoothL1",       lambda nn, lib: nn.SmoothL1Loss(beta=0.5),             lambda: [rand(4, 3), rand(4, 3, seed=1)]),
    ("Huber",          lambda nn, lib: nn.HuberLoss(delta=0.7),               lambda: [rand(4, 3), rand(4, 3, seed=1)]),
    ("CE",             lambda nn, lib: nn.CrossEntropyLoss(),                 lambda: [rand(5, 4), labels(5, 4)]),
    ("CE-weight",      lambda nn, lib: nn.CrossEntropyLoss(weight=lib.tensor([1.0, 2.0, 0.5, 1.5])),
                        lambda: [rand(5, 4), labels(5, 4)]),
    ("CE-ignore",      lambda nn, lib: nn.CrossEntropyLoss(ignore_index=1),   lambda: [rand(6, 3), labels(6, 3)]),
    ("CE-smooth",      lambda nn, lib: nn.CrossEntropyLoss(label_smoothing=0.2), lambda: [rand(5, 4), labels(5, 4)]),
    ("CE-smooth-w-ign", lambda nn, lib: nn.CrossEntropyLoss(weight=lib.tensor([1.0, 2.0, 0.5]), ignore_index=0,
                                                            label_smoothing=0.1),
                        lambda: [rand(6, 3), labels(6, 3)]),
    ("CE-probs",       lambda nn, lib: nn.CrossEntropyLoss(),                 lambda: [rand(5, 4), soft(5, 4)]),
    ("CE-probs-smooth", lambda nn, lib: nn.CrossEntropyLoss(label_smoothing=0.3, weight=lib.tensor([1.0, 2, 3])),
                        lambda: [rand(5, 3), soft(5, 3)]),
    ("CE-spatial",     lambda nn, lib: nn.CrossEntropyLoss(),                 lambda: [rand(2, 4, 3, 5),
                                 labels(0, 4, shape=(2, 3, 5))]),
    ("CE-unbatched",   lambda nn, lib: nn.CrossEntropyLoss(),                 lambda: [rand(4), torch.tensor(2)]),
    ("NLL",            lambda nn, lib: nn.NLLLoss(),                          lambda: [rand(5, 4), labels(5, 4)]),
    ("NLL-weight-ign", lambda nn, lib: nn.NLLLoss(weight=lib.tensor([1.0, 2.0, 0.5]), ignore_index=2),
                        lambda: [rand(6, 3), labels(6, 3)]),
    ("BCE",            lambda nn, lib: nn.BCELoss(),
                        lambda: [probs(4, 3), probs(4, 3, seed=5)]),
    ("BCE-weight",     lambda nn, lib: nn.BCELoss(weight=lib.tensor([1.0, 2.0, 3.0])),
                        lambda: [probs(4, 3), probs(4, 3, seed=5)]),
    ("BCEWithLogits",  lambda nn, lib: nn.BCEWithLogitsLoss(),
                        lambda: [rand(4, 3, scale=3), probs(4, 3)]),
    ("BCEWithLogits-pw", lambda nn, lib: nn.BCEWithLogitsLoss(pos_weight=lib.tensor([1.0, 3.0, 0.5])),
                        lambda: [rand(4, 3, scale=3), probs(4, 3)]),
    ("KLDiv",          lambda nn, lib: nn.KLDivLoss(reduction="batchmean"),
                        lambda: [torch.log_softmax(rand(4, 3), 1),
                                 soft(4, 3)]),
    ("KLDiv-logt",     lambda nn, lib: nn.KLDivLoss(reduction="sum", log_target=True),
                        lambda: [torch.log_softmax(rand(4, 3), 1),
                                 soft(4, 3).log()]),
    ("CosineEmb",      lambda nn, lib: nn.CosineEmbeddingLoss(margin=0.1),    lambda: [rand(4, 5), rand(4, 5, seed=1),
                                 torch.tensor([1, -1, 1, -1])]),
    ("MarginRanking",  lambda nn, lib: nn.MarginRankingLoss(margin=0.2),      lambda: [rand(6), rand(6, seed=1),
                                 torch.tensor([1, -1, 1, 1, -1, -1.0])]),
    ("TripletMargin",  lambda nn, lib: nn.TripletMarginLoss(),                lambda: [rand(4, 5), rand(4, 5, seed=1),
                                 rand(4, 5, seed=2)]),
]
# fmt: on
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, build, make", LOSSES, ids=[r[0] for r in LOSSES])
def test_loss_matches_torch(name, build, make, reduction):
    t, e = build(tnn, torch), build(enn, ember)
    if name.startswith("KLDiv") and reduction == "mean":
        pytest.skip("covered by batchmean/sum; mean warns")
    if reduction != "mean" or not name.startswith("KLDiv"):
        t.reduction = e.reduction = reduction  # settable after construction, as in torch
    assert repr(e) == repr(t)
    tin = make()
    tin = [x.clone().requires_grad_(x.is_floating_point() and i < 2 and not (name.startswith("CE") and i == 1
                        and x.dtype == torch.int64))
           for i, x in enumerate(tin)]
    ein = [to_e(x, x.requires_grad) for x in tin]
    tout, eout = t(*tin), e(*ein)
    assert_close(eout, tout, 1e-5, 1e-4, "loss")
    if tout.requires_grad:
        cot = rand(*tout.shape, seed=11) if tout.dim() else torch.tensor(1.7)
        tout.backward(cot)
        eout.backward(to_e(cot))
        for i, (a, b) in enumerate(zip(ein, tin, strict=True)):
            if b.requires_grad:
                assert_close(a.grad, b.grad, 1e-5, 1e-4, f"grad {i}")


def test_cross_entropy_graph_is_log_softmax_then_nll():
    x = ember.randn(3, 4, requires_grad=True)
    loss = enn.functional.cross_entropy(x, ember.tensor([0, 1, 3]))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"


def test_cross_entropy_subclass_and_stability():
    class Masked(enn.CrossEntropyLoss):
        def forward(self, pred, label):
            self.reduction = "none"
            return super().forward(pred, label).mean(dim=0)

    x = torch.tensor([[1000.0, -1000.0, 0.0], [0.0, 1.0, 2.0]])
    y = torch.tensor([1, 2])
    assert_close(Masked()(to_e(x), to_e(y)), tnn.CrossEntropyLoss(reduction="none")(x, y).mean(0))


@pytest.mark.parametrize("stmt", [
    "F.cross_entropy(lib.ones(4, 3), lib.tensor([0, 1, 2, 3]))",
    "F.cross_entropy(lib.ones(4, 3), lib.tensor([0, 1, 2]))",
    "F.nll_loss(lib.ones(4, 3), lib.tensor([0, 1, 2, 1]).int())",
    "F.binary_cross_entropy(lib.ones(4, 3) * 2, lib.ones(4, 3))",
    "F.binary_cross_entropy_with_logits(lib.ones(4, 3), lib.ones(4))",
    "F.mse_loss(lib.ones(2), lib.ones(2), reduction='avg')",
    "F.cross_entropy(lib.ones(4, 3), lib.zeros(4, 1, dtype=lib.int64))",
    "F.cross_entropy(lib.ones(4, 3, 2), lib.zeros(4, 3, dtype=lib.int64))",
    "F.cross_entropy(lib.ones(4, 3), lib.zeros(4, 2))",
    "F.cross_entropy(lib.ones(4, 3), lib.zeros(4))",
    "F.cross_entropy(lib.ones(4, 3), lib.tensor([0, 1, -1, 2]))",
    "F.cross_entropy(lib.ones(4, 3), lib.tensor([0, 1, 2, 1]), weight=lib.ones(2))",
    "F.nll_loss(lib.ones(4, 3), lib.tensor([0, 1, 5, 1]))",
    "F.nll_loss(lib.ones(4, 3, 2, 2), lib.zeros(4, 3, dtype=lib.int64))",
    "F.nll_loss(lib.ones(3), lib.zeros(2, dtype=lib.int64))",
    "F.mse_loss(lib.ones(4, 3), lib.ones(4, 2))",
    "F.binary_cross_entropy(lib.ones(4), lib.ones(3))",
    "F.softmax(lib.ones(4, 3), dim=2)",
    "F.embedding(lib.tensor([1.0]), lib.ones(3, 2))",
    "lib.nn.Embedding(3, 2)(lib.tensor([3]))",
    "lib.nn.LayerNorm(3)(lib.ones(2, 4))",
    "lib.nn.GroupNorm(2, 3)",
    "F.group_norm(lib.ones(2, 3, 4), 2)",
    "lib.nn.BatchNorm1d(3)(lib.ones(2, 4))",
    "lib.nn.Linear(3, 2)(lib.ones(2, 3, dtype=lib.int32))",
    "F.one_hot(lib.tensor([0, 3]), 2)",
    "lib.nn.Softmax(dim=1)(lib.ones(3))",
    "lib.nn.Flatten()(lib.ones(3))",
    "lib.nn.Dropout(-0.1)",
    "lib.nn.PReLU(3)(lib.ones(2, 4))",
])
def test_loss_errors_match_torch(stmt):
    import torch.nn.functional as TF

    msgs = []
    for lib, F in ((torch, TF), (ember, enn.functional)):
        with pytest.raises(Exception) as info:
            eval(stmt, {"lib": lib, "F": F})
        msgs.append((type(info.value).__name__, str(info.value).split("\n")[0].replace("torch.", "ember.")))
    assert msgs[0] == msgs[1]


def test_mse_broadcast_warns_like_torch():
    with pytest.warns(UserWarning, match="Using a target size"):
        out = enn.MSELoss()(ember.ones(4, 3), ember.zeros(3))
    assert float(out) == 1.0


# (T, N, C, targets per sample, input lengths, blank, zero_infinity, concatenated targets)
CTC_CASES = [
    (6, 2, 4, [[1, 2, 2], [1, 3]], [6, 5], 0, False, False),
    (8, 3, 5, [[1, 1, 2], [4], [2, 3, 2, 1]], [8, 7, 8], 0, False, True),
    (5, 2, 4, [[0, 2], [1]], [5, 3], 3, False, False),
    (4, 2, 3, [[], [1, 2]], [4, 4], 0, False, False),
    (3, 2, 4, [[1, 1, 1], [2]], [3, 3], 0, True, False),  # impossible alignment: inf, zeroed
    (7, 1, 6, [[5, 4, 5]], [7], 0, False, False),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CTC_CASES)
def test_ctc_loss_matches_torch(case, reduction):
    T, N, C, tgts, ils, blank, zero_inf, concat = case
    logits = rand(T, N, C, seed=5).requires_grad_(True)
    tl = [len(t) for t in tgts]
    width = max(max(tl), 1)
    if concat:
        flat = [c for t in tgts for c in t]
        t_targets, e_targets = torch.tensor(flat), ember.tensor(flat)
    else:
        pad = [t + [1] * (width - len(t)) for t in tgts]
        t_targets, e_targets = torch.tensor(pad), ember.tensor(pad)
    e_logits = to_e(logits, True)
    t_loss = tnn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_inf)(
        logits.log_softmax(2), t_targets, torch.tensor(ils), torch.tensor(tl))
    e_loss = enn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_inf)(
        e_logits.log_softmax(2), e_targets, ember.tensor(ils), ember.tensor(tl))
    assert_close(e_loss, t_loss, 1e-5, 1e-4, "loss")
    assert e_loss.grad_fn.name() == t_loss.grad_fn.name()
    cot = rand(*t_loss.shape, seed=6) if t_loss.dim() else torch.tensor(0.7)
    t_loss.backward(cot)
    e_loss.backward(to_e(cot))
    assert_close(e_logits.grad, logits.grad, 1e-5, 1e-4, "grad of logits")


def pm1(*shape, seed=4):
    return torch.from_numpy(np.where(np.random.RandomState(seed).rand(*shape) > 0.5, 1.0, -1.0).astype(np.float32))


# fmt: off
MORE_LOSSES = [
    ("HingeEmbedding", lambda nn, lib: nn.HingeEmbeddingLoss(margin=0.7),
     lambda: [rand(4, 3), pm1(4, 3)]),
    ("GaussianNLL", lambda nn, lib: nn.GaussianNLLLoss(),
     lambda: [rand(4, 3), rand(4, 3, seed=1), probs(4, 3)]),
    ("GaussianNLL-full", lambda nn, lib: nn.GaussianNLLLoss(full=True, eps=0.2),
     lambda: [rand(4, 3), rand(4, 3, seed=1), probs(4, 1)]),
    ("PoissonNLL", lambda nn, lib: nn.PoissonNLLLoss(),
     lambda: [rand(4, 3), probs(4, 3) * 4]),
    ("PoissonNLL-full", lambda nn, lib: nn.PoissonNLLLoss(log_input=False, full=True),
     lambda: [probs(4, 3), probs(4, 3, seed=7) * 4]),
    ("MultiMargin", lambda nn, lib: nn.MultiMarginLoss(),
     lambda: [rand(5, 4), labels(5, 4)]),
    ("MultiMargin-p2w", lambda nn, lib: nn.MultiMarginLoss(p=2, margin=0.5, weight=lib.tensor([1.0, 2.0, 0.5, 1.0])),
     lambda: [rand(5, 4), labels(5, 4)]),
    ("MultiLabelMargin", lambda nn, lib: nn.MultiLabelMarginLoss(),
     lambda: [rand(3, 4), torch.tensor([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 1, 1, 1]])]),
    ("MultiLabelSoftMargin", lambda nn, lib: nn.MultiLabelSoftMarginLoss(),
     lambda: [rand(3, 4), (pm1(3, 4) > 0).float()]),
    ("TripletDistance", lambda nn, lib: nn.TripletMarginWithDistanceLoss(swap=True),
     lambda: [rand(4, 5), rand(4, 5, seed=1), rand(4, 5, seed=2)]),
    ("SoftMargin", lambda nn, lib: nn.SoftMarginLoss(),
     lambda: [rand(4, 3), pm1(4, 3)]),
]
# fmt: on


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, build, make", MORE_LOSSES, ids=[r[0] for r in MORE_LOSSES])
def test_more_losses_match_torch(name, build, make, reduction):
    t, e = build(tnn, torch), build(enn, ember)
    t.reduction = e.reduction = reduction
    assert repr(e) == repr(t)
    # targets (argument 1) take no gradient; GaussianNLL's var (argument 2) does
    tin = [x.clone().requires_grad_(x.is_floating_point() and i != 1) for i, x in enumerate(make())]
    ein = [to_e(x, x.requires_grad) for x in tin]
    tout, eout = t(*tin), e(*ein)
    assert_close(eout, tout, 1e-5, 1e-4, "loss")
    cot = rand(*tout.shape, seed=11) if tout.dim() else torch.tensor(1.3)
    tout.backward(cot)
    eout.backward(to_e(cot))
    for i, (a, b) in enumerate(zip(ein, tin, strict=True)):
        if b.requires_grad:
            assert_close(a.grad, b.grad, 1e-5, 1e-4, f"grad {i}")


def test_distance_modules_pdist_gumbel_rrelu():
    import torch.nn.functional as TF

    a, b = rand(3, 4, seed=1), rand(3, 4, seed=2)
    assert repr(enn.CosineSimilarity(dim=0)) == repr(tnn.CosineSimilarity(dim=0))
    assert_close(enn.CosineSimilarity(dim=0)(to_e(a), to_e(b)), tnn.CosineSimilarity(dim=0)(a, b))
    assert_close(enn.PairwiseDistance(p=1.0, keepdim=True)(to_e(a), to_e(b)),
                 tnn.PairwiseDistance(p=1.0, keepdim=True)(a, b))
    x = rand(5, 3, seed=3)
    assert_close(enn.functional.pdist(to_e(x)), TF.pdist(x))
    assert_close(enn.functional.pdist(to_e(x), p=1), TF.pdist(x, p=1))
    logits = rand(4, 6, seed=4)
    torch.manual_seed(0)
    ember.manual_seed(0)
    assert_close(enn.functional.gumbel_softmax(to_e(logits), tau=0.5), TF.gumbel_softmax(logits, tau=0.5), 1e-6, 1e-5)
    assert_close(enn.functional.gumbel_softmax(to_e(logits), hard=True), TF.gumbel_softmax(logits, hard=True))
    r_t, r_e = tnn.RReLU(0.1, 0.3).eval(), enn.RReLU(0.1, 0.3).eval()
    assert repr(r_e) == repr(r_t)
    assert_close(r_e(to_e(x)), r_t(x))
    y = enn.RReLU(0.1, 0.3)(to_e(x))
    neg = x.numpy() < 0
    ratio = y.numpy()[neg] / x.numpy()[neg]
    assert ((ratio >= 0.1 - 1e-6) & (ratio <= 0.3 + 1e-6)).all()
    assert repr(enn.SyncBatchNorm(3)) == repr(tnn.SyncBatchNorm(3))

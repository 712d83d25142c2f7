"""Seeded draws made through other parts of the API (nn init, dropout, DataLoader shuffling) equal torch's."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


# fmt: off
CASES = {
    "linear-init":     lambda L: [p for p in L.nn.Linear(5, 3).parameters()],
    "conv2d-init":     lambda L: [p for p in L.nn.Conv2d(2, 4, 3).parameters()],
    "conv1d-init":     lambda L: [p for p in L.nn.Conv1d(3, 2, 5).parameters()],
    "rnn-init":        lambda L: [p for p in L.nn.RNN(4, 3).parameters()],
    "lstm-init":       lambda L: [p for p in L.nn.LSTM(4, 3, num_layers=2).parameters()],
    "gru-init":        lambda L: [p for p in L.nn.GRU(2, 3).parameters()],
    "embedding-init":  lambda L: [p for p in L.nn.Embedding(6, 4).parameters()],
    "sequential-mlp":  lambda L: [p for p in L.nn.Sequential(L.nn.Linear(8, 16), L.nn.ReLU(),
                                                             L.nn.Linear(16, 2)).parameters()],
    "dropout":         lambda L: [L.nn.functional.dropout(L.ones(4, 16), 0.3, training=True)],
    "dropout-module":  lambda L: [L.nn.Dropout(0.5)(L.ones(3, 40))],
    "init-normal_":    lambda L: [L.nn.init.normal_(L.empty(5, 7), 0.0, 0.01)],
    "init-xavier":     lambda L: [L.nn.init.xavier_uniform_(L.empty(5, 7))],
    "init-kaiming-n":  lambda L: [L.nn.init.kaiming_normal_(L.empty(20, 7))],
    "init-trunc":      lambda L: [L.nn.init.uniform_(L.empty(4), -2, 2)],
    "dataloader":      lambda L: [L.cat([b[0] for b in L.utils.data.DataLoader(
                                     L.utils.data.TensorDataset(L.arange(25)), batch_size=4, shuffle=True)])],
    "random_split":    lambda L: [L.tensor(list(s)) for s in L.utils.data.random_split(range(10), [7, 3])],
}
# fmt: on


@pytest.mark.parametrize("seed", [0, 42])
@pytest.mark.parametrize("name", list(CASES))
def test_seeded_module_draws_match_torch(name, seed):
    torch.manual_seed(seed)
    expected = CASES[name](torch)
    ember.manual_seed(seed)
    got = CASES[name](ember)
    assert len(got) == len(expected)
    for e, t in zip(got, expected, strict=True):
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(_np(e), _np(t))

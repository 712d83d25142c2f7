"""Tensor.storage_offset() against torch: views, views of views, detach()/.data of views, NumPy-backed tensors."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _m(L):
    return L.arange(24.0).reshape(4, 6)


# fmt: off
# (id, tensor built with library L)
CASES = [
    ("fresh", lambda L: L.arange(24.0)),
    ("slice", lambda L: _m(L)[1:, 2:]),
    ("slice-cols", lambda L: _m(L)[:, 3:]),
    ("step", lambda L: L.arange(24.0)[3::4]),
    ("step-2d", lambda L: _m(L)[1::2, 1::3]),
    ("transpose", lambda L: _m(L).t()[2:]),
    ("transpose-method", lambda L: _m(L).transpose(0, 1)[1:, 2:]),
    ("permute", lambda L: L.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)[1]),
    ("narrow", lambda L: _m(L).narrow(1, 2, 3)),
    ("narrow-0", lambda L: _m(L).narrow(0, 3, 1)),
    ("select", lambda L: _m(L).select(0, 2)),
    ("select-col", lambda L: _m(L).select(1, 5)),
    ("int-index", lambda L: _m(L)[3, 1]),
    ("chunk", lambda L: L.arange(24.0).chunk(3)[2]),
    ("split", lambda L: _m(L).split(2, dim=1)[1]),
    ("unbind", lambda L: _m(L).unbind(1)[5]),
    ("diagonal", lambda L: _m(L).diagonal(1)),
    ("diagonal-neg", lambda L: _m(L)[1:].diagonal(-1)),
    ("view", lambda L: L.arange(24.0)[6:].view(3, 6)),
    ("view-of-view", lambda L: L.arange(24.0)[6:].view(3, 6)[1:, 1:]),
    ("expand", lambda L: L.arange(24.0)[5:6].expand(3)),
    ("movedim", lambda L: L.arange(24.0).reshape(2, 3, 4).movedim(0, 2)[1]),
    ("imag", lambda L: L.ones(3, dtype=L.complex64).imag),
    ("detach-of-view", lambda L: _m(L)[2:].detach()),
    ("detach-of-select", lambda L: _m(L).select(1, 4).detach()),
    ("detach-of-detach", lambda L: _m(L)[1:, 1:].detach().detach()),
    ("view-of-detached-view", lambda L: _m(L)[1:].detach()[1:, 2:]),
    ("detach-of-view-of-detached", lambda L: _m(L)[1:].detach()[1:, 2:].detach()),
    ("data-of-view", lambda L: L.arange(24.0, requires_grad=True).reshape(4, 6)[1, 3:].data),
    ("data-of-data", lambda L: _m(L)[3:].data.data),
    ("view-of-data", lambda L: _m(L)[1:].data[2:]),
    ("detach-of-fresh", lambda L: _m(L).detach()),
    ("clone-of-view", lambda L: _m(L)[2:].clone()),
    ("contiguous-of-view", lambda L: _m(L).t()[1:].contiguous()),
    ("result-of-op", lambda L: _m(L)[2:] + 1),
    ("sort-values", lambda L: _m(L).sort(1)[0]),
    ("topk-values", lambda L: L.arange(24.0).topk(3)[0]),
    ("from_numpy-slice", lambda L: L.from_numpy(np.arange(10.0)[2:])),
    ("from_numpy-slice-view", lambda L: L.from_numpy(np.arange(10.0)[2:])[3:]),
    ("as_tensor-slice", lambda L: L.as_tensor(np.arange(10.0)[3:])),
    ("from_numpy-detach-view", lambda L: L.from_numpy(np.arange(10.0)[2:])[3:].detach()),
]
# fmt: on


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_storage_offset(make):
    assert make(ember).storage_offset() == make(torch).storage_offset()


def test_data_setter():
    offsets = []
    for L in (torch, ember):
        a = L.arange(10.0)
        p = L.zeros(3)
        p.data = a[4:].data
        q = L.arange(5.0)[1:]
        q.data = L.ones(2)  # no longer a view: back to offset 0
        offsets.append((p.storage_offset(), p[1:].storage_offset(), q.storage_offset()))
    assert offsets[1] == offsets[0]


def test_detached_view_shares_memory():
    # the offset is consistent with the memory actually shared: writing through the detached view is seen by the base
    a = ember.arange(10.0)
    d = a[3:].detach()
    d[0] = 100.0
    assert a[d.storage_offset()].item() == 100.0

"""State-dict round trips (torch -> ember -> continue, ember -> torch) and the foreach=True path, per optimizer."""

from __future__ import annotations

import numpy as np
import pytest
from optim_cases import (
    CASES,
    arrays_of,
    assert_trees_close,
    case_id,
    convert_tree,
    init_arrays,
    make_params,
    pair,
    run_steps,
    to_numpy_tree,
)

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_torch_state_dict_loads_into_ember_and_continues(case):
    name, kw = case
    arrays = init_arrays()
    tp = make_params(torch, arrays)
    topt = getattr(torch.optim, name)(tp, **kw)
    run_steps(torch, topt, tp, 0, 25)
    ep = make_params(ember, arrays_of(tp))
    eopt = getattr(ember.optim, name)(ep, **kw)
    eopt.load_state_dict(convert_tree(topt.state_dict(), ember))
    assert_trees_close(to_numpy_tree(eopt.state_dict()), to_numpy_tree(topt.state_dict()))
    run_steps(torch, topt, tp, 25, 20)
    run_steps(ember, eopt, ep, 25, 20)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_ember_state_dict_loads_into_torch_and_continues(case):
    name, kw = case
    arrays = init_arrays()
    ep = make_params(ember, arrays)
    eopt = getattr(ember.optim, name)(ep, **kw)
    run_steps(ember, eopt, ep, 0, 25)
    tp = make_params(torch, arrays_of(ep))
    topt = getattr(torch.optim, name)(tp, **kw)
    topt.load_state_dict(convert_tree(eopt.state_dict(), torch))
    run_steps(torch, topt, tp, 25, 20)
    run_steps(ember, eopt, ep, 25, 20)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_foreach_true_matches_torchs_multi_tensor_path(case):
    """``foreach=True`` runs torch's multi-tensor kernels; ember's single path agrees to float32 rounding."""
    name, kw = case
    kw = {**kw, "foreach": True}
    tp, topt, ep, eopt = pair(torch, name, kw)
    run_steps(torch, topt, tp, 0, 30)
    run_steps(ember, eopt, ep, 0, 30)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


FUSED = [
    (n, {k: v for k, v in kw.items() if k != "foreach"}) for n, kw in CASES if n in ("SGD", "Adam", "AdamW", "Adagrad")
]


@pytest.mark.parametrize("case", FUSED, ids=case_id)
def test_fused_true_matches_torchs_fused_cpu_kernels(case):
    name, kw = case
    tp, topt, ep, eopt = pair(torch, name, {**kw, "fused": True})
    run_steps(torch, topt, tp, 0, 30)
    run_steps(ember, eopt, ep, 0, 30)
    for t, e in zip(arrays_of(tp), arrays_of(ep), strict=True):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)
    assert_trees_close(to_numpy_tree(eopt.state_dict()), to_numpy_tree(topt.state_dict()))

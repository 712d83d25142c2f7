"""Doctests (`pytest --doctest-modules src/ember`) see `ember`, `torch` (= ember), `nn` and `F`, as STYLE.md says."""

import os

import pytest

# `pytest -n 2` keeps both cores busy already: one BLAS/OpenMP thread per process (NumPy's OpenBLAS and torch's
# OpenMP pool read these when they load) avoids oversubscription, which makes spinning BLAS threads 5-10x slower.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import ember
    import ember.nn as nn
    import ember.nn.functional as F

    doctest_namespace.update(ember=ember, torch=ember, nn=nn, F=F)

"""Doctests (`pytest --doctest-modules src/ember`) see `ember`, `torch` (= ember), `nn` and `F`, as STYLE.md says."""

import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import ember
    import ember.nn as nn
    import ember.nn.functional as F

    doctest_namespace.update(ember=ember, torch=ember, nn=nn, F=F)

"""Shared test fixtures: the shared/ folder beside the repo, print options reset, seeded RNG."""

from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("EMBER_SHARED", ROOT.parent / "shared"))


@pytest.fixture(autouse=True)
def _reset_state():
    import ember

    yield
    ember.set_printoptions(profile="default")
    ember.set_default_dtype(ember.float32)
    ember.set_grad_enabled(True)


def pytest_collection_modifyitems(config, items):
    try:
        import torch  # noqa: F401
    except ImportError:
        return

"""Fixtures of this folder; the data builders live in chapter2_fixtures.py (importable by tests)."""

import pytest
from chapter2_fixtures import (
    make_records,
)
from reintegration.chapter2.labels import load_labels


@pytest.fixture(scope="session")
def labels():
    from snakemake_runner import REPO

    return load_labels(REPO / "config" / "codebook")


@pytest.fixture(scope="session")
def records():
    return make_records(seed=7)

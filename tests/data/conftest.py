"""Fixtures of the data-stage tests: the codebook, a key, a wave folder of hand-made exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from reintegration.codebook import load_codebook

from data.fixtures import REPO

KEY = b"test-key-not-secret"


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(REPO / "config" / "codebook")


@pytest.fixture
def key() -> bytes:
    return KEY


@pytest.fixture
def wave_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw" / "2020-07"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def codebook_session(codebook):
    return codebook

"""Shared fixtures: paths into the repository and editable copies of the codebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "config" / "codebook"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def codebook_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped codebook, to break on purpose."""
    target = tmp_path / "codebook"
    shutil.copytree(CODEBOOK, target)
    return target

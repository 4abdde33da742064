"""Shared fixtures: paths into the repository, editable copies of the codebook, and the tiny
synthetic study built once per test session (real Snakemake) for the tests that only read it."""

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


@pytest.fixture(scope="session")
def tiny_synthetic_study(tmp_path_factory) -> Path:
    """Working directory of the default tiny synthetic study, built once with real Snakemake
    (exports generated from the tiny configuration, every wave, the release and its report).

    Read-only for its users: tests that change inputs or rerun build their own working copy.
    """
    import snakemake_runner as runner

    workdir = runner.tiny_workdir(tmp_path_factory.mktemp("tiny-study"))
    # A generous timeout: the tiny study takes minutes, longer on a loaded machine.
    runner.run_snakemake(workdir, "--cores", "2", "--quiet", "rules", timeout=3600)
    return workdir

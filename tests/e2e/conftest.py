"""Real Snakemake runs in a temporary working directory (no mocks)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from snakemake_runner import REPO
from snakemake_runner import run_snakemake as _run


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """One core, rule names only in the log; ``--quiet`` last (it would swallow targets)."""
    return _run(workdir, "--cores", "1", *args, "--quiet", "rules", check=check, timeout=600)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory holding a copy of the repository's config/."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    return tmp_path

"""Running the repository's Snakefile in a temporary working directory: real Snakemake, no mocks.

Shared by the end-to-end, report and reliability tests (imported as a plain module: ``tests/``
is on ``sys.path`` when pytest runs from the repository).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "config" / "tiny"


def snakemake_env(**extra: str) -> dict[str, str]:
    """This process's environment with the test environment's Python first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def snakemake_command(workdir: Path, *args: str) -> list[str]:
    """The command line running the repository's Snakefile in ``workdir`` with its config."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config" / "config.yaml"),
        *args,
    ]


def run_snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """Run Snakemake; with ``check``, fail the test with its output when it fails."""
    result = subprocess.run(
        snakemake_command(workdir, *args),
        capture_output=True,
        text=True,
        env=env or snakemake_env(),
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def tiny_workdir(workdir: Path) -> Path:
    """``workdir`` with the repository's config/ and the tiny configuration as config.yaml."""
    shutil.copytree(REPO / "config", workdir / "config")
    shutil.copytree(TINY, workdir / "tests" / "config" / "tiny")
    shutil.copy(TINY / "config.yaml", workdir / "config" / "config.yaml")
    return workdir


def copy_of_study(study: Path, target: Path) -> Path:
    """A private copy of a built working directory (mtimes, modes and Snakemake's metadata kept,
    so Snakemake sees it up to date) for a test that changes inputs and reruns."""
    shutil.copytree(study, target, symlinks=True)
    return target

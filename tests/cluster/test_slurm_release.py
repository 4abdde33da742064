"""The tiny study on a real SLURM (every job an sbatch job) equals a local run byte for byte.

Run by `make test-cluster`, which starts a one-node SLURM first (.ci/slurm-up) and stops it
after; skipped elsewhere. The local run gives the bootstraps 1 thread, the SLURM run 2 (their
`threads` on large data; set here, since the tiny data are below their `threads_from_scale`),
so equal releases also show that the thread count does not change a byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from snakemake_runner import REPO, run_snakemake, snakemake_command, snakemake_env, tiny_workdir

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("REINTEGRATION_TEST_CLUSTER") != "1",
        reason="needs a running SLURM: `make test-cluster` (root) starts one",
    ),
]

KEY = "cluster-test-key-not-secret"
BOOTSTRAPS = ("chapter2_regression", "chapter3_selection")
RELEASE = "results/releases/study-2020"
PURGED = "purged"
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _job_state(job_id: str) -> str:
    out = subprocess.run(
        ["scontrol", "show", "job", job_id], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"JobState=(\w+)", out)
    return match.group(1) if match else PURGED


def test_slurm_release_equals_local_release(tmp_path):
    assert shutil.which("sbatch") and shutil.which("squeue"), "no SLURM client on PATH"
    env = snakemake_env(REINTEGRATION_PSEUDONYM_KEY=KEY)
    local = tiny_workdir(tmp_path / "local")
    cluster = tiny_workdir(tmp_path / "cluster")

    # The SLURM run mostly waits for the scheduler: start it, run the local study meanwhile.
    # `--cores 2`: the test node has 2 CPUs (a group job asks for at most --cores).
    started = time.monotonic()
    slurm_log = tmp_path / "slurm_run.log"
    with open(slurm_log, "w", encoding="utf-8") as log:
        slurm = subprocess.Popen(
            [
                *snakemake_command(cluster),
                "--profile",
                str(REPO / "profiles" / "slurm"),
                "--cores",
                "2",
                "--set-threads",
                *[f"{rule}=2" for rule in BOOTSTRAPS],
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
    set_threads = [f"{rule}=1" for rule in BOOTSTRAPS]
    run_snakemake(local, "--cores", "2", "--set-threads", *set_threads, env=env, timeout=1800)
    local_seconds = time.monotonic() - started
    try:
        slurm.wait(timeout=2400)
    finally:
        if slurm.poll() is None:
            slurm.terminate()
            slurm.wait(timeout=60)
    slurm_seconds = time.monotonic() - started
    text = slurm_log.read_text(encoding="utf-8")
    assert slurm.returncode == 0, text[-6000:]

    # Every job went through sbatch and SLURM saw each one complete; only `all` ran locally.
    job_ids = SUBMITTED.findall(text)
    assert job_ids, text[-3000:]
    # slurmctld forgets a finished job MinJobAge (300 s) after it ends: earlier jobs are purged
    # by now; none may have ended otherwise, and the last one (the report) must show COMPLETED.
    states = {job_id: _job_state(job_id) for job_id in job_ids}
    assert set(states.values()) <= {"COMPLETED", PURGED}, states
    assert states[job_ids[-1]] == "COMPLETED", states
    local_rules = set(re.findall(r"^localrule (\w+):", text, re.M))
    assert local_rules <= {"all"}, local_rules
    for rule in BOOTSTRAPS:
        assert re.search(rf"rule_{rule}/\d+\.log", text), f"{rule} was not its own sbatch job"
        assert re.search(rf"rule {rule}:\n(?:    .*\n)*?    threads: 2\n", text), (
            f"{rule} did not run on 2 threads on SLURM"
        )
    print(
        f"\nSLURM run: {len(job_ids)} sbatch jobs, {slurm_seconds:.0f} s wall "
        f"(local run alongside: {local_seconds:.0f} s)"
    )

    # The manifests agree: SHA-256 of every release output and every wave output.
    manifests = [
        json.loads((work / RELEASE / "manifest.json").read_text(encoding="utf-8"))
        for work in (local, cluster)
    ]
    assert len(manifests[0]["outputs"]) > 50
    assert manifests[0]["outputs"] == manifests[1]["outputs"]
    assert manifests[0]["wave_outputs"] == manifests[1]["wave_outputs"]
    assert manifests[0] == manifests[1]
    # And every file of the release itself, manifest and report index included.
    assert _tree_hashes(local / RELEASE) == _tree_hashes(cluster / RELEASE)

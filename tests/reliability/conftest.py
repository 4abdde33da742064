"""A tiny release built by real Snakemake from raw exports seeded with planted identifiers.

Shared by the privacy and small-cell tests (one pipeline run for both). The tiny synthetic
exports already hold fake names, phone numbers, addresses, GPS and notes; on top of them a
case-management export with unmistakable identifiers (``PLANTED``) is dropped into the last
wave. The pipeline runs with ``--keep-going`` so that the privacy checks still see every
release file that could be built if a stage unrelated to privacy fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import snakemake_runner as runner
from data.fixtures import RECORD_A, write_csv
from snakemake_runner import REPO

TINY = REPO / "tests" / "config" / "tiny"
RELEASE = "study-2020"
KEY = "reliability-privacy-key-0123456789abcdef"
PLANTED_WAVE = "2020-07"
#: Identifiers planted in the raw exports; none may reach results/releases/.
PLANTED = {
    "names": ["Zebulon Quaxworth", "Philomène Vrablikova", "Ousmane Planteddiallo"],
    "phones": ["+224 699 12 34 56", "+224 655 98 76 54", "+221 77 123 45 67"],
    "addresses": ["Rue Plantée 42, Kaloum", "Quartier Sentinelle, Ratoma", "Villa 7 Cité Test"],
    "gps": ["9.50912, -13.71234", "9.64211, -13.57788", "14.71672, -17.46766"],
    "case_ids": ["GIN-2020-990001", "gin/2020/990002", "GIN 2020 990003"],
}


def snakemake_env() -> dict:
    return runner.snakemake_env(REINTEGRATION_PSEUDONYM_KEY=KEY)


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    # a whole tiny release on a shared, loaded machine can take longer than the default 900 s
    return runner.run_snakemake(workdir, *args, check=check, env=snakemake_env(), timeout=2400)


def planted_records() -> list[dict]:
    rows = []
    for i in range(3):
        rows.append(
            {
                **RECORD_A,
                "case_id": PLANTED["case_ids"][i],
                "full_name": PLANTED["names"][i],
                "phone_number": PLANTED["phones"][i],
                "address": PLANTED["addresses"][i],
                "gps": PLANTED["gps"][i],
                "notes": f"called {PLANTED['names'][i]} on {PLANTED['phones'][i]}",
                "return_date": "2019-05-01",
                "interview_date": f"2020-03-1{i}",
                "date_of_birth": "1990-05-17",
                "mentoring_start": "",
            }
        )
    return rows


@pytest.fixture(scope="session")
def seeded_release(tmp_path_factory) -> dict:
    """Workdir, release dir and the pipeline's exit status of the seeded tiny release."""
    workdir = tmp_path_factory.mktemp("seeded")
    runner.tiny_workdir(workdir)
    snakemake(workdir, "--cores", "2", "resources/synthetic/manifest.json")
    shutil.rmtree(workdir / "resources" / "synthetic")
    config = workdir / "config" / "config.yaml"
    text = re.sub(r"(?m)^  source: synthetic$", "  source: raw", config.read_text("utf-8"))
    config.write_text(text, encoding="utf-8")
    raw = workdir / "resources" / "raw" / PLANTED_WAVE
    write_csv(raw / "zz_planted_identifiers.csv", "case_management", planted_records())
    run = snakemake(workdir, "--cores", "2", "--keep-going", check=False)
    return {
        "workdir": workdir,
        "release_dir": workdir / "results" / "releases" / RELEASE,
        "returncode": run.returncode,
        "output": run.stdout + run.stderr,
    }

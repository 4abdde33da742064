"""Release integrity attacks on a real Snakemake run of the tiny configuration (issue 18.3, 18.7).

One tiny release is built (up to its manifest); then
- the case-id links file changes: the next run stops before any job, the release untouched;
- a raw export changes and another release name is asked for: the run stops at parse time,
  naming the release whose per-wave files it would rebuild;
- a raw export is edited while a run is in progress (after the run started, before its
  manifest step): the release fails naming the file, and no manifest is written.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from snakemake_runner import copy_of_study, run_snakemake, snakemake_command, snakemake_env

RELEASE = "study-2020"
MANIFEST = f"results/releases/{RELEASE}/manifest.json"


@pytest.fixture(scope="module")
def built(tiny_synthetic_study, tmp_path_factory):
    """A copy of the session's tiny study; Snakemake must find its manifest up to date."""
    workdir = copy_of_study(tiny_synthetic_study, tmp_path_factory.mktemp("integrity") / "w")
    dry = run_snakemake(workdir, "-n", MANIFEST)
    assert "Nothing to be done" in dry.stdout + dry.stderr, dry.stdout[-2000:]
    return workdir


def set_release(workdir: Path, name: str) -> None:
    path = workdir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["release"]["name"] = name
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def a_raw_csv(workdir: Path) -> Path:
    return sorted((workdir / "resources" / "raw").glob("*/*.csv"))[0]


def test_release_data_hold_no_raw_file_or_row(built):
    raw_names = {p.name for p in (built / "resources" / "raw").glob("*/*") if p.is_file()}
    assert raw_names
    for path in sorted((built / f"results/releases/{RELEASE}/internal").glob("*.parquet")):
        table = pd.read_parquet(path)
        assert "record_id" not in table.columns, path
        text = table.astype("string").to_csv(index=False)
        assert not [n for n in raw_names if n in text], path
    records = pd.read_parquet(built / f"results/releases/{RELEASE}/internal/records.parquet")
    assert records["record_key"].is_unique


def test_links_file_change_stops_the_next_run_before_any_job(built):
    before = (built / MANIFEST).read_bytes()
    links = built / "config" / "case_id_links.csv"
    original = links.read_bytes() if links.exists() else None
    links.write_text("variant,canonical\nGIN20190000001,GIN20190000002\n")
    try:
        result = run_snakemake(built, "-c2", MANIFEST, check=False)
    finally:
        links.write_bytes(original) if original is not None else links.unlink()
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "input file config/case_id_links.csv" in output
    assert "A release never overwrites another" in output
    assert "rule extract" not in output and "localrule" not in output  # no job ran
    assert (built / MANIFEST).read_bytes() == before


def test_rebuilding_waves_another_release_recorded_stops_naming_it(built):
    raw = a_raw_csv(built)
    original = raw.read_bytes()
    raw.write_bytes(original + b"\n")
    set_release(built, "another")
    try:
        result = run_snakemake(built, "-n", check=False)
    finally:
        raw.write_bytes(original)
        set_release(built, RELEASE)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    wave = raw.parent.name
    assert f"release '{RELEASE}' uses wave(s)" in output
    assert f"raw file {wave}/{raw.name} differs" in output
    assert "release.rebuild_shared_waves" in output


def test_raw_file_edited_mid_run_fails_the_release_naming_it(built):
    release = "midrun"
    set_release(built, release)
    raw = a_raw_csv(built)
    original = raw.read_bytes()
    pooled = built / f"results/releases/{release}/internal/records.parquet"
    proc = subprocess.Popen(
        snakemake_command(built, "-c2", f"results/releases/{release}/manifest.json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=snakemake_env(),
    )
    try:
        deadline = time.monotonic() + 3000
        # The run has started and pooled the waves; its manifest step comes after the chapters.
        while not pooled.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pooled.exists(), "the run ended before pooling"
        raw.write_bytes(original + b"\n")  # the edit a user makes while the run goes on
        output, _ = proc.communicate(timeout=3000)
    finally:
        if proc.poll() is None:
            proc.kill()
        raw.write_bytes(original)
        set_release(built, RELEASE)
    assert proc.returncode != 0, output
    assert "inputs changed during the run" in output
    assert f"raw file {raw.parent.name}/{raw.name} changed" in output
    assert not (built / f"results/releases/{release}/manifest.json").exists()

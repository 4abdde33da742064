"""A wave without a date bound stops the workflow at parse time (real Snakemake dry runs)."""

from __future__ import annotations

import re

import pytest
from snakemake_runner import run_snakemake, tiny_workdir

from data.fixtures import RECORD_C, write_csv


def _workdir(tmp_path, wave_dates: str):
    work = tiny_workdir(tmp_path / "work")
    config = work / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  source: synthetic", "  source: raw")
    text = re.sub(r"(?m)^  waves: .*$", "  waves: [2020-07, guinee]", text)
    text = re.sub(r"(?m)^  wave_dates: .*$", f"  wave_dates: {wave_dates}", text)
    config.write_text(text, encoding="utf-8")
    for wave in ("2020-07", "guinee"):
        write_csv(work / "resources" / "raw" / wave / "p.csv", "phone_survey", [RECORD_C])
    return work


@pytest.mark.slow
def test_wave_without_date_stops_the_dry_run(tmp_path):
    work = _workdir(tmp_path, "{}")
    result = run_snakemake(work, "-n", "-c1", check=False)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "wave 'guinee': no upper bound for its dates" in out
    assert "release.wave_dates: {guinee: YYYY-MM-DD}" in out
    assert "2020-07'" not in out  # a YYYY-MM wave needs no date
    assert not (work / "results").exists()  # nothing was extracted


@pytest.mark.slow
def test_wave_dates_give_the_bound(tmp_path):
    work = _workdir(tmp_path, '{guinee: "2020-07-15"}')
    result = run_snakemake(work, "-n", "-p", "-c1", "results/waves/guinee/ledger.json")
    assert "--wave-date 2020-07-15" in result.stdout  # the clean job's command line
    bad = _workdir(tmp_path / "bad", '{guinee: "2020-13-45"}')
    result = run_snakemake(bad, "-n", "-c1", check=False)
    assert result.returncode != 0
    assert "release.wave_dates: guinee: '2020-13-45' is not an ISO date" in (
        result.stdout + result.stderr
    )

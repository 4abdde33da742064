"""The codebook stage through real Snakemake: check, dictionary, failures, config errors."""

from __future__ import annotations

import json

import pytest

from e2e.conftest import run_snakemake

pytestmark = pytest.mark.e2e

# The codebook stage's outputs only: the default target also builds the whole study.
TARGETS = ("results/codebook/codebook_check.json", "results/codebook/data_dictionary.html")


def test_codebook_stage_builds_check_and_dictionary(workdir):
    run_snakemake(workdir, *TARGETS)
    report = json.loads((workdir / "results/codebook/codebook_check.json").read_text())
    assert report["valid"] is True
    assert report["rss_items_by_dimension"] == {"economic": 9, "psychosocial": 10, "social": 11}
    html = (workdir / "results/codebook/data_dictionary.html").read_text(encoding="utf-8")
    assert "eco_satisfaction" in html and "psy_remigration_need" in html
    # Nothing left to do on a second run.
    dry = run_snakemake(workdir, *TARGETS, "--dry-run")
    assert "Nothing to be done" in dry.stdout + dry.stderr


def test_broken_codebook_fails_the_rule_listing_every_problem(workdir):
    variables = workdir / "config/codebook/variables.csv"
    text = variables.read_text(encoding="utf-8")
    text = text.replace(
        "soc_has_id,rss,social,15,select_one,yes_no_pos,",
        "soc_has_id,rss,social,15,select_one,yes_no,",
        1,
    )
    text = text.replace("psy_distress,rss,psychosocial,27", "psy_distress,rss,,27", 1)
    variables.write_text(text, encoding="utf-8")
    result = run_snakemake(workdir, *TARGETS, check=False)
    assert result.returncode != 0
    log = (workdir / "logs/check_codebook.log").read_text(encoding="utf-8")
    assert "2 problem(s)" in log
    assert "variables.csv, line" in log and "'yes_no' does not exist" in log
    assert "has no dimension" in log
    assert not (workdir / "results/codebook/data_dictionary.html").exists()


def test_bad_config_key_stops_at_parse_time(workdir):
    config = workdir / "config/config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("source: synthetic", "source: real"),
        encoding="utf-8",
    )
    result = run_snakemake(workdir, "--dry-run", check=False)
    assert result.returncode != 0
    assert (
        "key 'data.source' = 'real' is not allowed; allowed values: synthetic, raw"
        in result.stderr + result.stdout
    )

"""The data stages through real Snakemake (raw mode, hand-made exports), and the privacy scan."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from e2e.conftest import run_snakemake

from data.fixtures import IDENTIFIERS, RECORD_C, write_csv, write_wave

pytestmark = pytest.mark.e2e

WAVES = ("2020-07", "2020-08")
NAMES = (
    "records.parquet",
    "extract_report.json",
    "clean.parquet",
    "quarantine.csv",
    "cleaning_log.csv",
    "ledger.json",
    "scores.parquet",
)
# Explicit targets: the data stages only (later stages need data this test does not make).
TARGETS = [f"results/waves/{w}/{n}" for w in WAVES for n in NAMES] + [
    "results/releases/study-2020/internal/records.parquet",
    "results/releases/study-2020/internal/records_pooling.json",
]


def output_texts(results: Path):
    """Every output file under ``results`` as text: parquet cells and column names, csv, json."""
    for path in sorted(results.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
            yield (
                path,
                " ".join(map(str, df.columns)) + "\n" + df.astype("string").fillna("").to_csv(),
            )
        else:
            yield path, path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import shutil

    from e2e.conftest import REPO

    workdir = tmp_path_factory.mktemp("data_e2e")
    shutil.copytree(REPO / "config", workdir / "config")
    config = workdir / "config/config.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("source: synthetic", "source: raw")
    text = text.replace("waves: [2019-07, 2020-01, 2020-07]", "waves: [2020-07, 2020-08]")
    config.write_text(text, encoding="utf-8")
    raw = workdir / "resources/raw"
    write_wave(raw / "2020-07")
    other = {**RECORD_C, "case_id": "GIN-2019-000555", "full_name": "Fatou Fixture"}
    write_csv(
        raw / "2020-08" / "phone.csv",
        "phone_survey",
        [
            RECORD_C,  # also delivered in 2020-07: a cross-wave duplicate
            {**RECORD_C, "case_id": "GIN 2019 000101"},  # identical resubmission, other spelling
            other,
            {
                **other,
                "psy_distress": "Never",
            },  # conflicts with the previous record -> both quarantined
            {**other, "case_id": "GIN-2019-000556", "interview_date": "2018-01-01"},
        ],
        blank_rows_after=(1,),
    )
    env_key = os.environ.pop("REINTEGRATION_PSEUDONYM_KEY", None)
    try:
        run_snakemake(workdir, "--cores", "2", *TARGETS)
    finally:
        if env_key is not None:
            os.environ["REINTEGRATION_PSEUDONYM_KEY"] = env_key
    return workdir


def test_wave_outputs_and_ledgers(built):
    waves = built / "results/waves"
    for wave in WAVES:
        for name in NAMES:
            assert (waves / wave / name).is_file(), (wave, name)
    l7 = json.loads((waves / "2020-07/ledger.json").read_text())
    assert (l7["rows_read"], l7["rows_kept"], l7["rows_quarantined"], l7["duplicates_merged"]) == (
        4,
        4,
        0,
        0,
    )
    l8 = json.loads((waves / "2020-08/ledger.json").read_text())
    assert (l8["rows_read"], l8["rows_kept"], l8["rows_quarantined"], l8["duplicates_merged"]) == (
        5,
        1,
        3,
        1,
    )
    assert l8["blank_rows"] == 1 and l8["holds"] is True
    q = pd.read_csv(waves / "2020-08/quarantine.csv")
    assert q.sort_values("source_row")[["source_row", "rule"]].values.tolist() == [
        [5, "DUPLICATE_CONFLICT"],
        [6, "DUPLICATE_CONFLICT"],
        [7, "INTERVIEW_BEFORE_RETURN"],
    ]
    scores = pd.read_parquet(waves / "2020-08/scores.parquet")
    assert len(scores) == 1 and scores.loc[0, "score_composite"] > 0
    pooled = pd.read_parquet(built / "results/releases/study-2020/internal/records.parquet")
    summary = json.loads(
        (built / "results/releases/study-2020/internal/records_pooling.json").read_text()
    )
    assert summary["rows_stacked"] == 5 and summary["cross_wave_duplicates_dropped"] == 1
    assert len(pooled) == 4 and "person_id" not in pooled.columns and "person_key" in pooled.columns
    assert not set(pooled["person_key"]) & set(scores["person_id"])


def test_key_file_owner_only_and_rerun_does_nothing(built):
    key = built / ".pseudonym_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    dry = run_snakemake(built, "--dry-run", *TARGETS)
    assert "Nothing to be done" in dry.stdout + dry.stderr


def test_no_identifier_or_raw_case_id_in_any_output(built):
    key = (built / ".pseudonym_key").read_text().strip()
    texts = list(output_texts(built / "results"))
    assert len(texts) >= 15
    needles = [*IDENTIFIERS, "Fatou Fixture", "GIN-2019-000555", "GIN2019000555", key]
    for path, text in texts:
        for needle in needles:
            assert needle.lower() not in text.lower(), f"{needle!r} found in {path}"
    for path in (built / "logs").rglob("*.log"):
        assert key not in path.read_text(encoding="utf-8")

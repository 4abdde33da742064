"""The default synthetic data against its truth file: every planted defect corrected (and
logged) or quarantined with the right rule; no clean record lost; no identifier in results/.

Runs on the tiny synthetic study built once per session (``tiny_synthetic_study`` in
tests/conftest.py, real Snakemake): its waves under results/waves/ and the generator's truth
files under resources/synthetic/truth/.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from reintegration.data.pseudonym import canonical_case_id, load_key, pseudonym

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _key(df: pd.DataFrame) -> pd.Series:
    sheet = df["source_sheet"].fillna("").astype(str) if "source_sheet" in df else ""
    return (
        df["wave"].astype(str)
        + "|"
        + df["source_file"].astype(str).map(lambda p: Path(p).name)
        + "|"
        + sheet
        + "|"
        + pd.to_numeric(df["source_row"]).astype("Int64").astype("string").fillna("?")
    )


@pytest.fixture(scope="module")
def outputs(tiny_synthetic_study):
    truth = tiny_synthetic_study / "resources/synthetic/truth"
    waves_dir = tiny_synthetic_study / "results/waves"
    defects = pd.read_csv(truth / "defects.csv", dtype={"wave": str, "source_sheet": str})
    waves = sorted(defects["wave"].unique())
    missing = [w for w in waves if not (waves_dir / w / "scores.parquet").is_file()]
    assert not missing, f"waves with planted defects not built: {missing}"
    clean, quarantine, logs, records = [], [], [], []
    for w in waves:
        clean.append(pd.read_parquet(waves_dir / w / "clean.parquet"))
        quarantine.append(
            pd.read_csv(waves_dir / w / "quarantine.csv", dtype={"wave": str, "source_sheet": str})
        )
        logs.append(pd.read_csv(waves_dir / w / "cleaning_log.csv", dtype=str).assign(wave=w))
        records.append(pd.read_parquet(waves_dir / w / "records.parquet"))
    return {
        "defects": defects,
        "clean": pd.concat(clean, ignore_index=True),
        "quarantine": pd.concat(quarantine, ignore_index=True),
        "log": pd.concat(logs, ignore_index=True),
        "records": pd.concat(records, ignore_index=True),
        "truth": truth,
        "key": load_key(tiny_synthetic_study / ".pseudonym_key", create=False),
    }


def test_every_defect_has_its_expected_outcome(outputs):
    d = outputs["defects"].copy()
    d["key"] = _key(d)
    q = outputs["quarantine"].copy()
    q["key"] = _key(q)
    rules = q.groupby("key")["rules"].agg(lambda s: set(";".join(s).split(";")))
    clean_keys = set(_key(outputs["clean"]))
    records = outputs["records"].copy()
    records["key"] = _key(records)
    record_ids = dict(zip(records["key"], records["record_id"], strict=True))
    person = dict(zip(records["key"], records["person_id"], strict=True))
    log = outputs["log"]
    merged = log[log["action"] == "duplicate_merged"]
    merged_from, merged_to = set(merged["from"]), set(merged["to"])
    key = outputs["key"]
    failures = []
    files = set(records["wave"] + "|" + records["source_file"])
    expected_q = (
        d[d["expected_outcome"].astype(str).str.startswith("quarantine:")]
        .assign(rule=lambda x: x["expected_outcome"].str.split(":").str[1])
        .groupby("key")["rule"]
        .agg(set)
    )
    for row in d.itertuples(index=False):
        outcome = str(row.expected_outcome)
        where = f"{row.key} {row.defect} ({outcome})"
        if str(row.source_row) == "1":  # a header-level defect: the file was read and mapped
            if f"{row.wave}|{Path(row.source_file).name}" not in files:
                failures.append(f"{where}: file not extracted")
            continue
        if row.key not in record_ids:
            if "blank" in str(row.defect):
                continue
            failures.append(f"{where}: record not extracted")
            continue
        got = rules.get(row.key, set())
        if row.key in expected_q.index:
            # a record with a quarantine defect: quarantined with each planted rule (a planted
            # duplicate conflict may already be quarantined by another rule of its own)
            if not got:
                failures.append(f"{where}: not quarantined")
            elif outcome.startswith("quarantine:"):
                rule = outcome.split(":", 1)[1]
                if rule not in got and rule != "DUPLICATE_CONFLICT":
                    failures.append(f"{where}: quarantine rules {sorted(got)}")
            continue
        rid = record_ids[row.key]
        if got:
            failures.append(f"{where}: quarantined {sorted(got)} without a planted rule")
        elif outcome == "merged_duplicate":
            if rid not in merged_from and rid not in merged_to:
                failures.append(f"{where}: not merged")
        elif row.key not in clean_keys and rid not in merged_from:
            failures.append(f"{where}: not kept")
        if outcome == "linked_case_id":
            expected = pseudonym(key, canonical_case_id(row.case_id))
            if person[row.key] != expected:
                failures.append(f"{where}: not linked to its canonical id")
    assert not failures, "\n".join(failures[:50])


def test_corrections_are_logged(outputs):
    d = outputs["defects"]
    log = outputs["log"]
    if (d["expected_outcome"].astype(str).str.contains("excel", case=False)).any():
        assert (log["action"] == "excel_serial_date").any()
    if (d["expected_outcome"] == "linked_case_id").any():
        assert (log["action"] == "case_id_canonicalised").any()


def test_no_clean_record_lost(outputs):
    truth = pd.read_parquet(outputs["truth"] / "records.parquet")
    needed = {"wave", "source_file", "source_row"}
    assert needed <= set(truth.columns), sorted(needed - set(truth.columns))
    truth = truth[truth["source_row"].notna()].copy()  # records the generator did not write
    truth["key"] = _key(truth)
    d = outputs["defects"]
    defective = set(_key(d))
    # records sharing a case id and interview with a planted duplicate may be merged into it
    kept = set(_key(outputs["clean"]))
    records = outputs["records"].copy()
    records["key"] = _key(records)
    merged_from = set(outputs["log"].loc[outputs["log"]["action"] == "duplicate_merged", "from"])
    merged_keys = set(records.loc[records["record_id"].isin(merged_from), "key"])
    lost = sorted(set(truth["key"]) - defective - kept - merged_keys)
    assert not lost, f"{len(lost)} clean records lost, e.g. {lost[:10]}"

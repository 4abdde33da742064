"""internal/ and publish/ (issue 17): record-level data without exact dates, and a published
folder that holds no record-level file, passed the privacy scan and is sealed by a manifest.

Unit tests on hand-made frames and files first; then the seeded tiny release (conftest.py).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from reintegration.anonymity import k_anonymity_table
from reintegration.data.coarsen import coarsen_records, day_level_columns
from reintegration.privacy import scan_release
from reintegration.publish import (
    MANIFEST_NAME,
    NotPublishable,
    check_publishable,
    publish_manifest,
    record_level,
)
from reintegration.report.manifest import sha256_file

from reliability.conftest import KEY, PLANTED

# --- coarsening (reintegration.data.coarsen) -------------------------------------------------


def records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_key": ["a", "a", "b", "c"],
            "return_date": pd.to_datetime(["2019-05-17", "2019-05-17", "2018-12-31", None]),
            "interview_date": pd.to_datetime(["2020-05-16", "2019-06-01", "2019-12-31", None]),
            "mentoring_start": pd.to_datetime(["2019-08-09", None, None, None]),
            "age": pd.array([30, 30, 41, 22], dtype="Int64"),
        }
    )


def test_coarsening_derives_analysis_variables_from_exact_dates_then_keeps_months():
    out = coarsen_records(records())
    # 2019-05-17 -> 2020-05-16: 365 days (2020 is a leap year: Feb 29 in between)
    assert out["years_since_return"].iloc[0] == pytest.approx(365 / 365.25)
    assert out["years_since_return"].iloc[1] == pytest.approx(15 / 365.25)
    assert out["years_since_return"].iloc[2] == pytest.approx(365 / 365.25)
    assert pd.isna(out["years_since_return"].iloc[3])
    # person a: first interview 2019-06-01; the second one 350 days later
    assert out["days_since_first_interview"].tolist()[:3] == [350, 0, 0]
    assert pd.isna(out["days_since_first_interview"].iloc[3])
    assert out["return_date"].tolist()[:3] == ["2019-05", "2019-05", "2018-12"]
    assert out["interview_date"].tolist()[:3] == ["2020-05", "2019-06", "2019-12"]
    assert out["mentoring_start"].iloc[0] == "2019-08" and pd.isna(out["mentoring_start"].iloc[1])
    assert out["age"].tolist() == [30, 30, 41, 22]  # whole years, as recorded
    assert day_level_columns(records()) == ["return_date", "interview_date", "mentoring_start"]
    assert day_level_columns(out) == []


def test_day_level_text_dates_are_found_too():
    frame = pd.DataFrame({"when": ["2019-05-17", None], "month": ["2019-05", "2019-06"]})
    assert day_level_columns(frame) == ["when"]


def test_k_anonymity_table_reports_released_data_and_the_exact_dates_before_coarsening():
    base = {"country": "GIN", "sex": "male", "age": 30, "return_type": "avrr"}
    # five persons back in May 2019 on five different days: each alone by day, k = 5 by month
    exact = pd.DataFrame(
        [{**base, "person_key": f"p{i}", "return_date": f"2019-05-0{i + 1}"} for i in range(5)]
    )
    exact["interview_date"] = "2020-01-15"
    table = k_anonymity_table(
        {"records": coarsen_records(exact)}, before_coarsening={"records": exact}
    )
    got = table.set_index(["data", "return_date"])["share_k_below"]
    assert got[("released", "month")] == 0.0 and got[("released", "year")] == 0.0
    assert got[("before coarsening", "exact")] == 1.0
    assert ("released", "exact") not in got.index  # coarsened data hold no day to measure


def test_k_anonymity_reads_only_its_columns_and_a_not_estimable_status(tmp_path):
    from reintegration.anonymity import SOURCE_COLUMNS
    from reintegration.data.io import read_parquet

    wide = tmp_path / "records.parquet"
    frame = records().assign(country="GIN", sex="male", return_type="avrr", free_text="n/a")
    frame.to_parquet(wide)
    got = read_parquet(wide, columns=SOURCE_COLUMNS)
    assert list(got.columns) == ["country", "sex", "age", "return_date", "return_type"] + [
        "person_key"
    ]
    pd.testing.assert_frame_equal(got, frame[list(got.columns)])
    missing = tmp_path / "missing.parquet"
    pd.DataFrame({"status": ["not estimable"], "reason": ["too few records"]}).to_parquet(missing)
    table = k_anonymity_table({"m": read_parquet(missing, columns=SOURCE_COLUMNS)})
    assert table["status"].tolist() == ["not estimable"]
    assert table["reason"].tolist() == ["m not built: too few records"]


def test_rows_of_some_countries_read_as_the_whole_file_filtered(tmp_path):
    from reintegration.data.io import read_rows_where

    path = tmp_path / "records.parquet"
    frame = pd.DataFrame(
        {
            "country": pd.array(["GIN", "SEN", None, "MAR", "GIN", "NGA"], dtype="string"),
            "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "when": pd.to_datetime(["2020-01-01"] * 6),
        }
    )
    frame.to_parquet(path, row_group_size=2)  # the filter crosses row groups
    whole = pd.read_parquet(path)
    got = read_rows_where(path, "country", ["MAR", "GIN", "XXX"])
    pd.testing.assert_frame_equal(got, whole.loc[whole["country"].isin(["GIN", "MAR"])])
    assert got.index.tolist() == [0, 3, 4]
    with pytest.raises(ValueError, match="no value"):
        read_rows_where(path, "country", [])


def test_rows_at_positions_read_as_the_whole_file_indexed(tmp_path):
    from reintegration.data.io import read_rows_at

    path = tmp_path / "records.parquet"
    frame = pd.DataFrame(
        {
            "country": pd.array(["GIN", "SEN", None, "MAR", "GIN", "NGA", "CIV"], dtype="string"),
            "score": pd.array([0.1, None, 0.3, 0.4, 0.5, 0.6, 0.7], dtype="Float64"),
            "when": pd.to_datetime(["2020-01-01"] * 7),
        }
    )
    frame.to_parquet(path, row_group_size=3)  # positions in three row groups, out of order
    whole = pd.read_parquet(path)
    positions = [5, 0, 3, 1, 6]
    got = read_rows_at(path, positions)
    pd.testing.assert_frame_equal(got, whole.iloc[positions])
    assert got.index.tolist() == positions
    assert read_rows_at(path, []).columns.tolist() == ["country", "score", "when"]
    for bad in ([1, 1], [7], [-1]):
        with pytest.raises(ValueError, match="distinct and within the 7 rows"):
            read_rows_at(path, bad)


# --- publish/ (reintegration.publish) ----------------------------------------------------------


def test_record_level_files_and_unsuppressed_small_cells_are_refused(tmp_path):
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"returnee_id": [1], "score": [0.5]}).to_csv(tmp_path / "b.csv", index=False)
    pd.DataFrame({"g": ["x", "y"], "n": [3, 12], "suppressed": [False, False]}).to_csv(
        tmp_path / "c.csv", index=False
    )
    pd.DataFrame({"g": ["x", "y"], "n": [3, 12], "suppressed": [True, False]}).to_csv(
        tmp_path / "ok.csv", index=False
    )
    assert record_level(tmp_path / "a.parquet") and record_level(tmp_path / "b.csv")
    assert record_level(tmp_path / "ok.csv") is None
    check_publishable({"ok.csv": tmp_path / "ok.csv"}, min_cell=5)
    for name in ("a.parquet", "b.csv", "c.csv"):
        with pytest.raises(NotPublishable, match=re.escape(name)):
            check_publishable({name: tmp_path / name, "ok.csv": tmp_path / "ok.csv"}, min_cell=5)


def test_publish_manifest_seals_only_after_a_passing_scan(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "index.html").write_text("<p>report</p>")
    (tmp_path / "tables" / "t.csv").write_text("g,n\nx,12\n")
    with pytest.raises(NotPublishable, match="privacy scan"):
        publish_manifest(tmp_path, release="r", scan={"passed": False})
    m = publish_manifest(tmp_path, release="r", scan={"passed": True, "files_scanned": 9})
    assert m["files"] == {
        "index.html": sha256_file(tmp_path / "index.html"),
        "tables/t.csv": sha256_file(tmp_path / "tables" / "t.csv"),
    }
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "leak.parquet")
    with pytest.raises(NotPublishable, match="leak.parquet"):
        publish_manifest(tmp_path, release="r", scan={"passed": True})


# --- the seeded tiny release -------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.slow
def test_internal_holds_no_exact_date(seeded_release):
    internal = seeded_release["release_dir"] / "internal"
    files = sorted(internal.glob("*.parquet"))
    assert {p.name for p in files} >= {"records.parquet", "cross_country.parquet"}
    for path in files:
        assert day_level_columns(pd.read_parquet(path)) == [], path.name
    assert not (seeded_release["release_dir"] / "data").exists()
    records = pd.read_parquet(internal / "records.parquet")
    assert records["return_date"].dropna().str.fullmatch(r"\d{4}-\d{2}").all()
    assert records["years_since_return"].notna().any()


@pytest.mark.e2e
@pytest.mark.slow
def test_publish_holds_no_record_level_file_passes_the_scan_and_is_sealed(seeded_release):
    release = seeded_release["release_dir"]
    publish = release / "publish"
    files = sorted(p for p in publish.rglob("*") if p.is_file())
    names = {p.relative_to(publish).as_posix() for p in files}
    assert {"index.html", "exhibits.csv", MANIFEST_NAME} <= names
    assert any(n.startswith("tables/") for n in names) and any(
        n.startswith("figures/") for n in names
    )
    assert [n for n in names if record_level(publish / n)] == []
    manifest = json.loads((publish / MANIFEST_NAME).read_text())
    assert set(manifest["files"]) == names - {MANIFEST_NAME}
    assert all(sha256_file(publish / n) == h for n, h in manifest["files"].items())
    # the scan again, on publish/ alone, with the planted identifiers, pseudonym key
    planted = [v for values in PLANTED.values() for v in values]
    result = scan_release(publish, identifiers=planted, key=KEY, exclude=())
    assert result.files_scanned == len(files) and result.passed, result.message()
    # the report links nothing outside publish/ (no internal/ data, no ../)
    for page in publish.glob("*.html"):
        links = re.findall(r'(?:href|src)="([^"#]*)', page.read_text(encoding="utf-8"))
        assert links, page.name
        outside = [u for u in links if "internal/" in u or u.startswith(("../", "/", "file:"))]
        assert outside == [], (page.name, outside[:3])


def test_release_manifest_lists_the_suppression_log_and_k_anonymity_table(tmp_path):
    from reintegration.report import manifest

    release_dir = tmp_path / "r1"
    (release_dir / "tables").mkdir(parents=True)
    log = release_dir / "tables" / "suppression_log.csv"
    log.write_text("table,cell,kind\nt.csv,row 1,primary\n")
    other = release_dir / "tables" / "t.csv"
    other.write_text("a\n1\n")
    result = manifest.build_manifest(
        release="r1", waves=["w1"], previous=None, config={}, fingerprint={},
        extract_reports={}, outputs=[log, other], wave_outputs=[], release_dir=release_dir,
    )  # fmt: skip
    assert result["disclosure_control"] == {
        "suppression_log": {
            "file": "tables/suppression_log.csv",
            "sha256": manifest.sha256_file(log),
        },
        # not built here: listed by name, no hash
        "k_anonymity": {"file": "tables/audit_k_anonymity.csv", "sha256": None},
    }

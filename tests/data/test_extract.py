"""Extraction: formats detected from headers, identifiers dropped, pseudonyms, problems listed."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pytest
from reintegration.data.extract import ExtractOptions, extract_wave, read_case_id_links
from reintegration.data.pseudonym import KEY_ENV, canonical_case_id, load_key
from reintegration.problems import ProblemsError

from data.fixtures import RECORD_A, RECORD_B, RECORD_C, RECORD_D, write_csv, write_wave


def hmac16(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:16]


def test_every_format_detected_with_provenance(wave_dir, codebook, key):
    files = write_wave(wave_dir)
    records, report = extract_wave(wave_dir, "2020-07", codebook, key)
    by_file = {f["file"]: f for f in report["files"]}
    assert {k: v["format"] for k, v in by_file.items()} == {
        "bureau_pays.csv": "country_office",
        "cm_export.xlsx": "case_management",
        "phone_2020.csv": "phone_survey",
        "premigration.csv": "premigration_en",
    }
    assert by_file["cm_export.xlsx"]["sheet"] == "RSS"
    assert by_file["cm_export.xlsx"]["sheets_ignored"] == ["Notes"]
    assert by_file["bureau_pays.csv"]["encoding"] == "cp1252"
    assert by_file["bureau_pays.csv"]["delimiter"] == ";"
    assert (
        by_file["phone_2020.csv"]["sha256"] == hashlib.sha256(files["c"].read_bytes()).hexdigest()
    )
    assert report["rows_read"] == len(records) == 4
    # one row per file, in file-name order, with provenance
    assert records["source_file"].tolist() == sorted(by_file)
    assert records["source_row"].tolist() == [2, 2, 2, 2]
    assert records.set_index("source_file").loc["cm_export.xlsx", "source_sheet"] == "RSS"
    assert (
        records.set_index("source_file")["record_type"].to_dict()["premigration.csv"]
        == "premigration"
    )
    # raw answers are still the raw text
    b = records.set_index("source_file").loc["bureau_pays.csv"]
    assert b["eco_satisfaction"] == RECORD_B["eco_satisfaction"]
    assert b["return_date"] == "03/02/2019"


def test_identifiers_and_case_ids_never_in_records(wave_dir, codebook, key):
    write_wave(wave_dir)
    records, report = extract_wave(wave_dir, "2020-07", codebook, key)
    for col in ["case_id", "full_name", "phone_number", "address", "gps", "notes"]:
        assert col not in records.columns
    text = records.astype("string").fillna("").to_csv()
    for value in (
        RECORD_A["full_name"],
        RECORD_A["phone_number"],
        RECORD_A["case_id"],
        "GIN2019000101",
    ):
        assert value not in text
    cm = next(f for f in report["files"] if f["file"] == "cm_export.xlsx")
    assert sorted(cm["headers_dropped_identifier"]) == [
        "Address",
        "Full name",
        "Notes",
        "Phone number",
    ]


def test_pseudonym_is_hmac_of_canonical_id_and_links_spellings(wave_dir, codebook, key):
    write_csv(wave_dir / "p1.csv", "phone_survey", [RECORD_C])
    write_csv(
        wave_dir / "p2.csv",
        "phone_survey",
        [{**RECORD_C, "case_id": "gin 2019 000101"}, {**RECORD_C, "case_id": "GIN2019000101"}],
    )
    records, report = extract_wave(wave_dir, "2020-07", codebook, key)
    assert set(records["person_id"]) == {hmac16(key, "GIN2019000101")}
    # the standard spelling GIN-2019-000101 is not counted; the two others are
    assert records["case_id_canonicalised"].tolist() == [False, True, True]
    assert report["case_ids_canonicalised"] == 2


def test_case_id_links_applied_before_hashing(wave_dir, codebook, key, tmp_path):
    write_csv(wave_dir / "p.csv", "phone_survey", [RECORD_C, {**RECORD_C, "case_id": "GN-19-101"}])
    links_file = tmp_path / "links.csv"
    links_file.write_text("variant,canonical\ngn-19-101,GIN-2019-000101\n", encoding="utf-8")
    links = read_case_id_links(links_file)
    assert links == {"GN19101": "GIN2019000101"}
    records, report = extract_wave(
        wave_dir, "2020-07", codebook, key, ExtractOptions(case_id_links=links)
    )
    assert records["person_id"].nunique() == 1
    assert report["case_ids_linked"] == 1
    assert read_case_id_links(tmp_path / "absent.csv") == {}


def test_unknown_headers_all_listed_then_dropped_when_allowed(wave_dir, codebook, key):
    write_csv(
        wave_dir / "p.csv",
        "phone_survey",
        [{**RECORD_C, "mystery": "x", "other thing": "y"}],
    )
    with pytest.raises(ProblemsError) as info:
        extract_wave(wave_dir, "2020-07", codebook, key)
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "p.csv, line 1, column 'mystery'" in message
    assert "column 'other thing'" in message and "[unknown_header]" in message
    records, report = extract_wave(
        wave_dir, "2020-07", codebook, key, ExtractOptions(allow_unlisted_columns=True)
    )
    assert report["files"][0]["headers_dropped_unlisted"] == ["mystery", "other thing"]
    assert "mystery" not in records.columns and len(records) == 1


def test_file_matching_no_format_lists_its_headers(wave_dir, codebook, key):
    (wave_dir / "odd.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    write_csv(wave_dir / "p.csv", "phone_survey", [{**RECORD_C, "zzz": "1"}])
    with pytest.raises(ProblemsError) as info:
        extract_wave(wave_dir, "2020-07", codebook, key)
    message = str(info.value)
    assert (
        "odd.csv, line 1: headers match no source format" in message and "'foo', 'bar'" in message
    )
    assert "p.csv, line 1, column 'zzz'" in message  # problems of all files reported together


def test_bad_files_fail_naming_each_or_are_skipped_and_reported(wave_dir, codebook, key):
    write_csv(wave_dir / "good.csv", "phone_survey", [RECORD_C])
    (wave_dir / "empty.csv").write_bytes(b"")
    (wave_dir / "binary.csv").write_bytes(b"\x00\x01\x02\x81\x8d")
    (wave_dir / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (wave_dir / "readme.pdf").write_text("not an export", encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        extract_wave(wave_dir, "2020-07", codebook, key)
    message = str(info.value)
    assert "4 problem(s)" in message
    assert "readme.pdf: kind .pdf is not one extraction reads" in message
    assert "empty.csv: " in message and "[empty_file]" in message
    assert "binary.csv: " in message and "[undecodable_file]" in message
    assert "broken.xlsx: " in message and "[truncated_file]" in message
    records, report = extract_wave(
        wave_dir,
        "2020-07",
        codebook,
        key,
        ExtractOptions(skip_bad_files=True, skip_unknown_files=True),
    )
    assert len(records) == 1
    assert sorted((s["file"], s["problem"]) for s in report["files_skipped"]) == [
        ("binary.csv", "undecodable"),
        ("broken.xlsx", "truncated"),
        ("empty.csv", "empty"),
    ]
    assert [(f["file"], f["reason"][:24]) for f in report["files_not_read"]] == [
        ("binary.csv", "undecodable file: not va"),
        ("broken.xlsx", "truncated file: not a re"),
        ("empty.csv", "empty file: the file hol"),
        ("readme.pdf", "kind .pdf not read (extr"),
    ]


def test_missing_or_empty_wave_folder(tmp_path, codebook, key):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        extract_wave(tmp_path / "nope", "x", codebook, key)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no file extraction reads"):
        extract_wave(tmp_path / "empty", "x", codebook, key)


def test_premigration_french_and_column_order_free(wave_dir, codebook, key):
    row = {**RECORD_D, "country": "Guinée", "pre_eco_working": "Non"}
    cols = list(reversed(row))
    write_csv(wave_dir / "avant.csv", "premigration_fr", [row], columns=cols, delimiter=";")
    records, report = extract_wave(wave_dir, "2020-07", codebook, key)
    assert report["files"][0]["format"] == "premigration_fr"
    assert records.loc[0, "country"] == "Guinée" and records.loc[0, "pre_eco_working"] == "Non"


def test_key_from_env_else_file_created_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / ".pseudonym_key"
    first = load_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) == 64 and load_key(path) == first
    monkeypatch.setenv(KEY_ENV, "from-env")
    assert load_key(tmp_path / "absent") == b"from-env"
    with pytest.raises(ValueError, match="different keys"):  # issue 17: no silent choice
        load_key(path)


def test_canonical_case_id():
    assert canonical_case_id(" gin/2019/000123 ") == "GIN2019000123"
    assert canonical_case_id("GIN 2019 000123") == canonical_case_id("GIN-2019-000123")

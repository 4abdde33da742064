"""The file inventory (11.1, 11.5): subfolders, lock files, unknown kinds, symlinks, zip
archives, UTF-16 text, repeated header rows and ``sep=`` lines; the ledger holds each time."""

from __future__ import annotations

import csv
import io
import os
import zipfile

import pytest
from reintegration.data.extract import extract_wave
from reintegration.data.inventory import console_summary, inventory_rows, wave_digest, wave_files
from reintegration.problems import ProblemsError

from data.delivery import WAVE, extract_checked, inventory, provenance
from data.fixtures import write_xlsx

PHONE = ["case_id", "country", "sex", "age", "interview_date"]


def phone_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(PHONE)
    w.writerows(rows)
    return out.getvalue()


ROW_1 = ["GIN-2019-000301", "Guinea", "Female", "30", "2020-06-02"]
ROW_2 = ["GIN-2019-000302", "Senegal", "Male", "41", "2020-06-03"]


def test_subfolder_read_lock_and_system_files_skipped(wave_dir, codebook, key):
    sub = wave_dir / "Guinée"
    sub.mkdir()
    (sub / "formulaire.csv").write_text(phone_text([ROW_1]), encoding="utf-8")
    (wave_dir / "phone.csv").write_text(phone_text([ROW_2]), encoding="utf-8")
    (wave_dir / "~$phone.xlsx").write_bytes(b"\x00locked by Excel")  # what Excel leaves
    (sub / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (wave_dir / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [
        ("Guinée/formulaire.csv", "", 2, "Guinea", "2020-06-02"),
        ("phone.csv", "", 2, "Senegal", "2020-06-03"),
    ]
    assert inventory(report) == [
        ("Guinée/.DS_Store", "", "skipped", "", None),
        ("Guinée/formulaire.csv", "", "read", "", 1),
        ("Thumbs.db", "", "skipped", "", None),
        ("phone.csv", "", "read", "", 1),
        ("~$phone.xlsx", "", "skipped", "", None),
    ]
    reasons = {f["file"]: f["reason"] for f in report["files_not_read"]}
    assert reasons["~$phone.xlsx"].startswith("Office lock file")
    not_read = [r for r in inventory_rows({WAVE: report}) if r["status"] != "read"]
    assert [(r["wave"], r["path"]) for r in not_read] == [
        (WAVE, "Guinée/.DS_Store"),
        (WAVE, "Thumbs.db"),
        (WAVE, "~$phone.xlsx"),
    ]
    assert console_summary({WAVE: report})[2].startswith(f"  {WAVE}/~$phone.xlsx: skipped (Office")
    # The rule's inputs: the same walk, without the never-read names.
    assert [p.relative_to(wave_dir).as_posix() for p in wave_files(wave_dir)] == [
        "Guinée/formulaire.csv",
        "phone.csv",
    ]


def test_unknown_kind_fails_naming_it_unless_configured(wave_dir, codebook, key):
    (wave_dir / "phone.csv").write_text(phone_text([ROW_1]), encoding="utf-8")
    (wave_dir / "scans").mkdir()
    (wave_dir / "scans" / "consent.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ProblemsError, match=r"scans/consent.pdf: kind \.pdf is not one"):
        extract_wave(wave_dir, WAVE, codebook, key)
    records, report = extract_checked(wave_dir, codebook, key, skip_unknown_files=True)
    assert len(records) == 1
    assert ("scans/consent.pdf", "", "skipped", "", None) in inventory(report)


def test_symlinks_refused(wave_dir, tmp_path, codebook, key):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(phone_text([ROW_1]), encoding="utf-8")
    (wave_dir / "phone.csv").write_text(phone_text([ROW_2]), encoding="utf-8")
    os.symlink(outside, wave_dir / "link.csv")
    os.symlink(tmp_path, wave_dir / "linked_folder")
    with pytest.raises(ProblemsError) as info:
        extract_wave(wave_dir, WAVE, codebook, key)
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "link.csv: symbolic link (never followed)" in message
    assert "linked_folder: symbolic link" in message and "[symlink_file]" in message


def test_zip_members_read_with_archive_paths(wave_dir, codebook, key):
    xlsx = write_xlsx(
        wave_dir.parent / "cm.xlsx",
        "case_management",
        [{"case_id": "GIN-2019-000303", "country": "Guinea", "interview_date": "2020-06-04"}],
    )
    with zipfile.ZipFile(wave_dir / "delivery.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Guinée/phone.csv", phone_text([ROW_1, ROW_2]))
        z.write(xlsx, "cm.xlsx")
        z.writestr("__MACOSX/Guinée/._phone.csv", b"\x00\x05\x16\x07")
        z.writestr("empty-folder/", b"")
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [
        ("delivery.zip!Guinée/phone.csv", "", 2, "Guinea", "2020-06-02"),
        ("delivery.zip!Guinée/phone.csv", "", 3, "Senegal", "2020-06-03"),
        ("delivery.zip!cm.xlsx", "RSS", 2, "Guinea", "2020-06-04"),
    ]
    assert inventory(report) == [
        ("delivery.zip", "", "read", "", None),
        ("delivery.zip!Guinée/phone.csv", "", "read", "", 2),
        ("delivery.zip!__MACOSX/Guinée/._phone.csv", "", "skipped", "", None),
        ("delivery.zip!cm.xlsx", "RSS", "read", "read", 1),
    ]


def test_archive_inside_archive_refused(wave_dir, codebook, key):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("phone.csv", phone_text([ROW_1]))
    with zipfile.ZipFile(wave_dir / "outer.zip", "w") as z:
        z.writestr("inner.zip", inner.getvalue())
    with pytest.raises(ProblemsError, match=r"outer.zip!inner.zip: archive inside an archive"):
        extract_wave(wave_dir, WAVE, codebook, key)


@pytest.mark.parametrize("name", ["export.txt", "export.tsv"])
def test_utf16_tab_separated_unicode_text(wave_dir, codebook, key, name):
    """Excel's "Unicode text": UTF-16 little endian with a byte-order mark, tab-separated."""
    text = phone_text([[*ROW_1[:1], "Guinée", *ROW_1[2:]]], delimiter="\t")
    (wave_dir / name).write_bytes(text.encode("utf-16"))
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [(name, "", 2, "Guinée", "2020-06-02")]
    assert (report["files"][0]["encoding"], report["files"][0]["delimiter"]) == ("utf-16", "\t")
    assert report["files"][0]["kind"] == "text"


def test_repeated_header_rows_skipped_and_counted(wave_dir, codebook, key):
    """Two exports pasted into one file: the second header row is no record."""
    pasted = phone_text([ROW_1]) + phone_text([ROW_2]).replace("case_id", " CASE_ID ")
    (wave_dir / "phone.csv").write_text(pasted, encoding="utf-8")
    records, report = extract_checked(wave_dir, codebook, key)
    assert provenance(records) == [
        ("phone.csv", "", 2, "Guinea", "2020-06-02"),
        ("phone.csv", "", 4, "Senegal", "2020-06-03"),
    ]
    assert report["files"][0]["header_rows_skipped"] == [3]
    assert (report["rows_read"], report["header_rows_skipped"], report["blank_rows"]) == (2, 1, 0)


def test_sep_line_honoured(wave_dir, codebook, key):
    """Excel's ``sep=;`` first line names the delimiter and is not read as the header."""
    body = "sep=;\r\n" + phone_text([ROW_1, ROW_2], delimiter=";")
    (wave_dir / "phone.csv").write_text(body, encoding="utf-8")
    records, report = extract_checked(wave_dir, codebook, key)
    assert report["files"][0]["delimiter"] == ";"
    assert provenance(records) == [
        ("phone.csv", "", 3, "Guinea", "2020-06-02"),  # line numbers of the file
        ("phone.csv", "", 4, "Senegal", "2020-06-03"),
    ]
    # The hint wins over detection: a comma hint on a semicolon file reads one column.
    (wave_dir / "phone.csv").write_text("sep=,\r\n" + phone_text([ROW_1], ";"), encoding="utf-8")
    with pytest.raises(ProblemsError, match="unknown_format"):
        extract_wave(wave_dir, WAVE, codebook, key)


def test_content_digest_changes_with_content_not_mtime(wave_dir):
    path = wave_dir / "sub" / "phone.csv"
    path.parent.mkdir()
    path.write_text(phone_text([ROW_1]), encoding="utf-8")
    stamp = path.stat()
    before = wave_digest(wave_dir)
    corrected = [*ROW_1[:3], "31", ROW_1[4]]
    path.write_text(phone_text([corrected]), encoding="utf-8")  # same size, other content
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_mtime_ns == stamp.st_mtime_ns and path.stat().st_size == stamp.st_size
    assert wave_digest(wave_dir) != before
    (wave_dir / "~$phone.xlsx").write_bytes(b"lock")  # a lock file changes nothing
    after = wave_digest(wave_dir)
    (wave_dir / "~$phone.xlsx").unlink()
    assert wave_digest(wave_dir) == after

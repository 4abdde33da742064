"""Codebook tables saved by Excel: cp1252, ``;`` with decimal commas, BOM, ``sep=`` line, blank
lines and trailing empty columns read back as the original; unreadable tables fail with one
message naming the table, the problem and the fix (never a pandas traceback)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from reintegration.codebook import load_codebook
from reintegration.codebook.check import validate_codebook
from reintegration.codebook.load import TABLES
from reintegration.problems import ProblemsError

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "config" / "codebook"


def rows_of(table: str) -> list[list[str]]:
    with open(CODEBOOK / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def excel_text(rows, delimiter=",", decimal_comma=False, trailing=0, blank_every=0) -> str:
    """What Excel writes: minimal quoting, CRLF; French locale: ``;`` and decimal commas."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for i, row in enumerate(rows):
        if decimal_comma:
            row = [c.replace(".", ",") if c.replace(".", "", 1).isdigit() else c for c in row]
        w.writerow(row + [""] * trailing)
        if blank_every and i and i % blank_every == 0:
            w.writerow([""] * (len(row) + trailing))
    return buf.getvalue()


@pytest.fixture
def copy(tmp_path) -> Path:
    folder = tmp_path / "codebook"
    shutil.copytree(CODEBOOK, folder)
    return folder


SAVES = {
    "cp1252_semicolon_decimal_comma": dict(delimiter=";", decimal_comma=True, encoding="cp1252"),
    "utf8_bom_comma": dict(encoding="utf-8-sig"),
    "utf8_bom_semicolon": dict(delimiter=";", encoding="utf-8-sig"),
    "cp1252_comma_trailing_columns": dict(encoding="cp1252", trailing=2),
    "utf8_blank_lines": dict(encoding="utf-8", blank_every=7),
}


@pytest.mark.parametrize("save", list(SAVES))
def test_excel_saved_tables_read_as_the_original(copy, save):
    options = dict(SAVES[save])
    encoding = options.pop("encoding")
    for table in TABLES:
        text = excel_text(rows_of(table), **options)
        (copy / f"{table}.csv").write_bytes(text.encode(encoding))
    original, resaved = load_codebook(CODEBOOK), validate_codebook(copy)
    for table in TABLES:
        a, b = original.table(table), resaved.table(table)
        if options.get("blank_every"):
            # blank lines are skipped, every record keeps its own line number: a blank line
            # follows lines 8, 16, ... so record k (0-based) is on line k + 2 + k // 7
            assert b.index.tolist() == [k + 2 + k // 7 for k in range(len(a))]
            b = b.set_axis(a.index)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert resaved.weights["weight"].map(type).eq(float).all()


def test_sep_line_is_honoured_and_counted(copy):
    text = "sep=;\r\n" + excel_text(rows_of("weights"), delimiter=";", decimal_comma=True)
    (copy / "weights.csv").write_bytes(text.encode("cp1252"))
    w = load_codebook(copy).weights
    assert w.index[0] == 3  # sep= line 1, header line 2, first record line 3
    assert w.iloc[0].tolist() == ["eco_satisfaction", "economic", 1.0]


def test_cp1252_accents_kept(copy):
    text = excel_text(rows_of("choices"), delimiter=";")
    (copy / "choices.csv").write_bytes(text.encode("cp1252"))
    labels = set(load_codebook(copy).choices["label_fr"].dropna())
    assert "Très satisfait" in labels


def _problem(copy, table, data: bytes) -> str:
    (copy / f"{table}.csv").write_bytes(data)
    with pytest.raises(ProblemsError) as info:
        load_codebook(copy)
    return str(info.value)


def test_unicode_text_table_fails_naming_table_and_fix(copy):
    text = excel_text(rows_of("formats"), delimiter="\t")
    message = _problem(copy, "formats", b"\xff\xfe" + text.encode("utf-16-le"))
    assert "formats.csv, line 1" in message and "tab-separated" in message
    assert 'Save As > "CSV UTF-8 (Comma delimited) (*.csv)"' in message


def test_undecodable_table_fails(copy):
    message = _problem(copy, "weights", b"component,parent,weight\r\n\x81\x8d,x,1\r\n")
    assert "weights.csv" in message and "not UTF-8 or Windows-1252" in message


def test_unquoted_delimiter_names_the_line(copy):
    rows = rows_of("formats")
    text = excel_text(rows, delimiter=";").splitlines()
    text[2] = text[2] + ";extra;cells"  # line 3: too many fields
    message = _problem(copy, "formats", "\r\n".join(text).encode("utf-8"))
    assert "formats.csv, line 3" in message and "must be quoted" in message


def test_check_script_prints_one_message_not_a_traceback(copy, tmp_path):
    (copy / "weights.csv").write_bytes(b"a\tb\tc\r\n1\t2\t3\r\n")
    result = subprocess.run(
        [sys.executable, str(REPO / "workflow/scripts/check_codebook.py"),
         "--codebook", str(copy), "--out", str(tmp_path / "r.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "weights.csv, line 1: the header line names none of the columns" in result.stderr

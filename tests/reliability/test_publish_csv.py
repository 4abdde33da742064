"""publish/'s checks of csv tables (reintegration.publish), read with the standard library:
the header and the small cells of hand-written files, counted by hand below, and the same
answers as the pandas reading they replaced wherever pandas reads the file the same way."""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.publish import record_level, unsuppressed_small_cells


def _write(tmp_path, text: str, name: str = "t.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "text",
    [
        "returnee_id,score\n1,0.5\n",
        "\ufeffperson_key,score\nk1,0.5\n",  # a byte-order mark must not hide the key
        '"record_id","score"\n"r1",0.5\n',  # quoted header
        "\n\nscore,panel_id\n0.5,p1\n",  # blank lines before the header
        "returnee_id\n",  # a header and no rows
    ],
)
def test_a_table_with_a_record_key_column_is_record_level(tmp_path, text):
    path = _write(tmp_path, text)
    assert "key column" in record_level(path)
    assert record_level(path) == _pandas_record_level(path)


@pytest.mark.parametrize(
    "text",
    [
        "g,n\nx,12\n",
        "returnee_id_count,n\n3,12\n",  # a key's name inside another column's is no key
        " returnee_id,n\n3,12\n",  # nor one with a space in front (pandas keeps it too)
        'g,n\n"x\nreturnee_id",12\n',  # a key name inside a quoted multi-line cell
    ],
)
def test_a_table_without_a_record_key_column_is_not_record_level(tmp_path, text):
    path = _write(tmp_path, text)
    assert record_level(path) is None
    assert _pandas_record_level(path) is None


def test_an_empty_csv_is_neither_record_level_nor_holds_small_cells(tmp_path):
    path = _write(tmp_path, "")
    assert record_level(path) is None
    assert unsuppressed_small_cells(path, 5) == 0


def test_small_cells_are_counted_by_hand(tmp_path):
    rows = [
        ("a", "3", "False"),  # small, flag false           -> 1
        ("b", " 4", "FALSE"),  # small (spaces), flag false -> 2
        ("c", "3.0", "True"),  # small, suppressed
        ("d", "2", "1"),  # small, suppressed
        ("e", "1", "0"),  # small, flag 0                   -> 3
        ("f", "4", ""),  # small, no flag                   -> 4
        ("g", "12", "False"),  # large
        ("h", "5", "False"),  # n == min_cell: not small
        ("i", "0", "False"),  # zero: not a small cell
        ("j", "-1", "False"),  # negative: not a count
        ("k", "", "False"),  # missing n
        ("l", "NA", "False"),  # missing n
        ("m", "abc", "False"),  # text n
        ("n", "1_0", "False"),  # pandas reads no number here
        ("o", "1e0", "False"),  # 1 in exponent notation: small -> 5
        ("p", "inf", "False"),  # not small
        ("q", "2", "TRUE"),  # suppressed
    ]
    text = "g,n,suppressed\n" + "".join(",".join(r) + "\n" for r in rows)
    path = _write(tmp_path, text)
    assert unsuppressed_small_cells(path, 5) == 5
    assert unsuppressed_small_cells(path, 13) == 7  # g (12) and h (5) join them
    assert unsuppressed_small_cells(path, 1) == 0


def test_short_rows_blank_lines_quotes_and_a_byte_order_mark(tmp_path):
    text = (
        '\ufeff"n","label",suppressed\n'
        "\n"
        '3,"two\nlines, and a comma",False\n'  # small -> 1
        "2\n"  # short row: no flag           -> 2
        '4,"x",true\n'  # suppressed
        "\n"
        '12,"y",False\n'
    )
    path = _write(tmp_path, text)
    assert unsuppressed_small_cells(path, 5) == 2
    assert unsuppressed_small_cells(path, 5) == _pandas_small_cells(path, 5)


def test_without_an_n_column_or_a_flag_column(tmp_path):
    no_n = _write(tmp_path, "g,count\nx,2\n", "no_n.csv")
    no_flag = _write(tmp_path, "g,n\nx,2\ny,3\nz,30\n", "no_flag.csv")
    assert unsuppressed_small_cells(no_n, 5) == 0
    assert unsuppressed_small_cells(no_flag, 5) == 2 == _pandas_small_cells(no_flag, 5)
    assert unsuppressed_small_cells(tmp_path / "figure.png", 5) == 0  # not a table


def test_a_suppressed_flag_read_as_numbers_counts_as_a_flag(tmp_path):
    """pandas read a 1/0 flag column with a missing value as floats ("1.0" was no flag);
    the csv reading takes the written "1" as the flag it is."""
    path = _write(tmp_path, "g,n,suppressed\na,2,1\nb,3,\nc,4,0\n")
    assert unsuppressed_small_cells(path, 5) == 2  # b and c
    assert _pandas_small_cells(path, 5) == 3  # the old reading also counted a


def _pandas_record_level(path):
    """The pandas reading that the csv reading replaced (kept here as the reference)."""
    from reintegration.publish import RECORD_KEYS

    columns = pd.read_csv(path, nrows=0).columns
    keys = [c for c in RECORD_KEYS if c in columns]
    return f"table with record-level key column(s) {keys}" if keys else None


def _pandas_small_cells(path, min_cell):
    table = pd.read_csv(path)
    if "n" not in table.columns:
        return 0
    n = pd.to_numeric(table["n"], errors="coerce")
    small = (n > 0) & (n < min_cell)
    if "suppressed" in table.columns:
        small &= ~table["suppressed"].astype(str).str.lower().isin(["true", "1"])
    return int(small.sum())

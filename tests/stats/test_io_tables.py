"""Tables on disk: full-precision floats, byte-stable, and no CSV formula injection (OWASP)."""

from __future__ import annotations

import csv
import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from reintegration.io import (
    csv_differences,
    csv_float_problems,
    neutralise,
    read_csv,
    unneutralise,
    write_csv,
)

AWKWARD = [1 / 3, 0.1 + 0.2, 1e-300, 2.0**-1074, 1.7976931348623157e308, -0.0, 123456789.12345679]


def test_floats_round_trip_bit_for_bit(tmp_path):
    df = pd.DataFrame({"x": AWKWARD + [math.nan], "n": list(range(8)), "s": list("abcdefgh")})
    write_csv(df, tmp_path / "t.csv")
    back = read_csv(tmp_path / "t.csv")
    assert [float(v).hex() for v in back["x"][:-1]] == [v.hex() for v in AWKWARD]
    assert math.isnan(back["x"].iloc[-1])
    assert csv_differences(df, tmp_path / "t.csv") == []
    assert csv_float_problems(tmp_path / "t.csv") == []
    # the text is Python's shortest repr, as R's write.csv (15 digits) would not be
    assert "0.30000000000000004" in (tmp_path / "t.csv").read_text()


def test_float32_written_as_the_double_it_holds(tmp_path):
    df = pd.DataFrame({"x": np.array([1 / 3], dtype="float32")})
    write_csv(df, tmp_path / "t.csv")
    assert read_csv(tmp_path / "t.csv")["x"].iloc[0] == float(np.float32(1 / 3))


def test_helpers_detect_rounded_tables(tmp_path):
    df = pd.DataFrame({"x": [1 / 3]})
    (tmp_path / "r.csv").write_text("x\n0.333333\n")
    assert csv_differences(df, tmp_path / "r.csv") != []
    assert csv_float_problems(tmp_path / "r.csv") == []  # 0.333333 is itself a shortest repr
    (tmp_path / "q.csv").write_text("x\n0.33333333333333331\n")  # 17 digits: not shortest
    assert len(csv_float_problems(tmp_path / "q.csv")) == 1


def test_byte_identical_reruns(tmp_path):
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=50), "g": rng.choice(["=a", "b"], 50)})
    write_csv(df, tmp_path / "one.csv")
    write_csv(df.copy(), tmp_path / "two.csv")
    digest = [
        hashlib.sha256((tmp_path / f).read_bytes()).hexdigest() for f in ("one.csv", "two.csv")
    ]
    assert digest[0] == digest[1]


@pytest.mark.parametrize(
    "payload",
    ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=1"],
)
def test_formula_payloads_get_an_apostrophe(tmp_path, payload):
    df = pd.DataFrame({"file": [payload], "n": [1]})
    write_csv(df, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as handle:
        raw = list(csv.reader(handle))
    assert raw[1] == ["'" + payload, "1"]  # one record; a spreadsheet sees text
    assert read_csv(tmp_path / "t.csv")["file"].iloc[0] == payload  # the pipeline reads it back


@pytest.mark.parametrize(
    "text", ["Guinea", "Côte d'Ivoire", "-0.5", "+3", "-1e-05", "1-2 years", "NA", ""]
)
def test_numbers_and_ordinary_labels_unchanged(text):
    assert neutralise(text) == text and unneutralise(text) == text


def test_headers_categoricals_and_non_strings(tmp_path):
    df = pd.DataFrame(
        {
            "=cmd": pd.Categorical(["-x", "ok"]),
            "v": [-1.5, 2.0],
            "flag": [True, False],
            "mixed": ["@a", 3],
        }
    )
    write_csv(df, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text()
    assert text.splitlines() == ["'=cmd,v,flag,mixed", "'-x,-1.5,True,'@a", "ok,2.0,False,3"]
    back = read_csv(tmp_path / "t.csv")
    assert list(back.columns) == ["=cmd", "v", "flag", "mixed"]
    assert back["=cmd"].tolist() == ["-x", "ok"] and back["v"].tolist() == [-1.5, 2.0]
    assert df["=cmd"].tolist() == ["-x", "ok"]  # the caller's frame is not modified


def test_neutralise_is_invertible_on_apostrophes():
    for text in ["'", "''", "'=", "''=", "'abc", "=", "'-3"]:
        assert unneutralise(neutralise(text)) == text


def test_integers_with_missing_cells_and_booleans_read_back_as_written(tmp_path):
    df = pd.DataFrame(
        {
            "n": pd.array([7, None, 4], dtype="Int64"),
            "ok": [True, False, True],
            "x": [0.5, None, 2.0],
            "iso": ["NA", "GIN", None],
        }
    )
    write_csv(df, tmp_path / "t.csv")
    back = read_csv(tmp_path / "t.csv")
    assert str(back["n"].dtype) == "Int64" and back["n"].tolist()[::2] == [7, 4]
    assert back["ok"].tolist() == [True, False, True] and back["iso"].tolist()[:2] == ["NA", "GIN"]
    write_csv(back, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "t.csv").read_bytes()

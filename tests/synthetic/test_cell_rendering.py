"""The generator's column-wise cell rendering equals the per-cell rules it replaced (issue 16).

The per-cell functions below are the specification: the loops the generator ran before its
label, date and system-column rendering worked on whole columns. Same draws, same cells, same
defect log, on the real codebook's labels in every format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reintegration.codebook import load_codebook
from reintegration.synthetic import files, writers

REPO = Path(__file__).resolve().parents[2]
RATES = {"case_spacing": 0.2, "accent_stripped": 0.3, "variant": 0.25}  # high: every branch


def _labels_per_record(df, labels, spec, rates, rng, log):
    out = df.copy()
    for var in out.columns:
        if var not in labels.lists or var not in spec.headers:
            continue
        vals = out[var].to_numpy(object)
        res = np.empty(len(vals), dtype=object)
        u = rng.random((len(vals), 3))
        for i, value in enumerate(vals):
            if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
                res[i] = ""
                continue
            text, variants, stripped = writers._label_forms(var, value, labels, spec)
            if var != "assistance" and u[i, 0] < rates["variant"] and variants:
                text = variants[int(u[i, 1] * len(variants))]
                log.append((i, "label_variant", var, "corrected:label_variant"))
            elif (
                spec.language == "fr"
                and u[i, 0] < rates["variant"] + rates["accent_stripped"]
                and stripped != text
            ):
                text = stripped
                log.append((i, "accent_stripped", var, "corrected:label_normalised"))
            elif u[i, 2] < rates["case_spacing"]:
                text = (
                    "  " + text.upper() + " "
                    if u[i, 1] < 0.5
                    else text.lower().replace(" ", "  ") + "  "
                )
                log.append((i, "label_case_spacing", var, "corrected:label_normalised"))
            res[i] = text
        out[var] = res
    return out


@pytest.fixture(scope="module")
def codebook():
    cb = load_codebook(REPO / "config" / "codebook")
    return cb, writers.Labels(cb), writers.format_specs(cb)


def _canonical(labels, spec, n, rng) -> pd.DataFrame:
    """``n`` records of every select variable the format has: listed values and missing."""
    values = {}
    for var, lst in labels.lists.items():
        if var not in spec.headers:
            continue
        listed = [v for (name, v) in labels.label if name == lst]
        column = rng.choice(np.array([*listed, "", None, np.nan], dtype=object), n)
        if var == "assistance" and len(listed) > 1:
            column[:5] = f"{listed[0]};{listed[1]}"  # a multiple answer
        values[var] = column
    values["notes"] = np.array(["kept as it is"] * n, dtype=object)
    return pd.DataFrame(values)


@pytest.mark.parametrize("fmt", ["case_management", "country_office", "phone_survey"])
def test_labels_rendered_on_columns_equal_the_per_record_rules(codebook, fmt):
    _, labels, specs = codebook
    spec = specs[fmt]
    df = _canonical(labels, spec, 400, np.random.default_rng(7))
    assert len(df.columns) > 3
    log_new, log_old = [], []
    new = writers.render_labels(df, labels, spec, RATES, np.random.default_rng(11), log_new)
    old = _labels_per_record(df, labels, spec, RATES, np.random.default_rng(11), log_old)
    pd.testing.assert_frame_equal(new, old)
    assert log_new == log_old
    kinds = {entry[1] for entry in log_old}
    assert {"label_variant", "label_case_spacing"} <= kinds
    assert ("accent_stripped" in kinds) == (spec.language == "fr")


def test_a_column_without_given_values_renders_empty(codebook):
    _, labels, specs = codebook
    spec = specs["case_management"]
    var = next(v for v in labels.lists if v in spec.headers)
    df = pd.DataFrame({var: np.array(["", None, np.nan], dtype=object)})
    log: list = []
    out = writers.render_labels(df, labels, spec, RATES, np.random.default_rng(0), log)
    assert out[var].tolist() == ["", "", ""]
    assert log == []


def _format_date(value, order):
    if value is None or pd.isna(value):
        return ""
    d = pd.Timestamp(value).date()
    return d.strftime("%d/%m/%Y") if order == "dmy" else d.isoformat()


def _dates_per_cell(col, ftype, order):
    if ftype == "xlsx":
        return [pd.Timestamp(x).date() if not pd.isna(x) else "" for x in col]
    return [_format_date(x, order) for x in col]


@pytest.mark.parametrize(("ftype", "order"), [("xlsx", "ymd"), ("csv", "dmy"), ("csv", "ymd")])
def test_date_cells_equal_the_per_cell_rules(ftype, order):
    days = np.datetime64("1950-01-01") + np.arange(0, 30000, 997).astype("timedelta64[D]")
    col = np.array(
        [pd.Timestamp(days[0]), pd.NaT, days[1], None, *days[2:].astype("datetime64[ns]")],
        dtype=object,
    )
    new = files._date_cells(col, ftype, order)
    assert new == _dates_per_cell(col, ftype, order)
    assert new[1] == new[3] == ""
    if ftype == "xlsx":
        assert isinstance(new[0], dt.date) and not isinstance(new[0], dt.datetime)


def test_system_timestamps_equal_isoformat_per_record():
    dates = pd.Series([pd.Timestamp("2019-03-04"), pd.NaT, pd.Timestamp("2020-12-31")])
    df = pd.DataFrame({"interview_date": dates.astype(object)})
    for header, shift in [("end", pd.Timedelta(hours=17)), ("start", pd.Timedelta("16h20min"))]:
        per_record = [
            (
                (pd.Timestamp(x) if not pd.isna(x) else pd.Timestamp("2019-01-01")) + shift
            ).isoformat()
            for x in df["interview_date"]
        ]
        assert files.drop_column(header, df, np.random.default_rng(0)) == per_record
    assert files.drop_column("end", df, None)[1] == "2019-01-01T17:00:00"


def test_uuids_are_the_same_draws_as_before():
    df = pd.DataFrame({"interview_date": [pd.Timestamp("2019-03-04")] * 4})
    pairs = np.random.default_rng(3).integers(0, 2**62, size=(4, 2))
    expected = [f"{int(a):016x}{int(b):016x}" for a, b in pairs]
    assert files.drop_column("_uuid", df, np.random.default_rng(3)) == expected

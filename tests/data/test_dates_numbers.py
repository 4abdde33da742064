"""The one date and number parser: each written form, per-file day/month order, wave bounds."""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.data.dates import (
    WaveDateError,
    date_shaped,
    file_date_order,
    number_shaped,
    order_evidence,
    parse_dates,
    parse_numbers,
    wave_end,
    wave_ends,
)

T = pd.Timestamp

# (cell, order, expected date, time dropped, month name); every order reads year-first forms.
DATE_FORMS = [
    ("2020-03-04", "ymd", T("2020-03-04"), False, False),
    ("2020-03-04", "dmy", T("2020-03-04"), False, False),
    ("2020-03-04", "mdy", T("2020-03-04"), False, False),
    ("2020/3/4", "dmy", T("2020-03-04"), False, False),
    ("2020.03.04", "mdy", T("2020-03-04"), False, False),
    ("2020-03-04T14:30:00", "ymd", T("2020-03-04"), True, False),
    ("2020-03-04 14:30", "dmy", T("2020-03-04"), True, False),
    ("04/03/2020", "dmy", T("2020-03-04"), False, False),
    ("04.03.2020", "dmy", T("2020-03-04"), False, False),
    ("04-03-2020", "dmy", T("2020-03-04"), False, False),
    ("04/03/2020", "mdy", T("2020-04-03"), False, False),
    ("04/03/2020 14:30", "dmy", T("2020-03-04"), True, False),
    ("4/3/2020 2:30 PM", "mdy", T("2020-04-03"), True, False),
    ("04.03.2020 09h15", "dmy", T("2020-03-04"), True, False),
    ("3 mars 2020", "ymd", T("2020-03-03"), False, True),
    ("1er février 2021", "dmy", T("2021-02-01"), False, True),
    ("3 Févr. 2020", "mdy", T("2020-02-03"), False, True),
    ("March 3, 2020", "dmy", T("2020-03-03"), False, True),
    ("Sept 30 2019", "ymd", T("2019-09-30"), False, True),
    ("03-Mar-2020", "ymd", T("2020-03-03"), False, True),
    ("17 août 2019 10:00", "dmy", T("2019-08-17"), True, True),
    ("43890", "dmy", T("2020-02-29"), False, False),  # 1899-12-30 + 43890 days
]


@pytest.mark.parametrize(("cell", "order", "expected", "time", "named"), DATE_FORMS)
def test_each_date_form(cell, order, expected, time, named):
    cells = parse_dates(pd.Series([cell]), order)
    assert cells.dates.iloc[0] == expected
    assert not cells.invalid.iloc[0]
    assert bool(cells.time_dropped.iloc[0]) is time
    assert bool(cells.month_name.iloc[0]) is named
    assert bool(cells.excel.iloc[0]) is (cell == "43890")


INVALID = [
    ("31/02/2019", "dmy", False),  # no 31 February
    ("13/13/2020", "dmy", False),
    ("2020-02-30", "ymd", False),
    ("3 foo 2020", "dmy", False),  # not a month name
    ("+224 620 11 22 33", "dmy", False),
    ("04/03/2020", "ymd", True),  # day/month form, year-first format: ambiguous
    ("25/03/2020", "ymd", True),  # unambiguous in itself, but the order comes from the file
]


@pytest.mark.parametrize(("cell", "order", "ambiguous"), INVALID)
def test_invalid_and_ambiguous_dates(cell, order, ambiguous):
    cells = parse_dates(pd.Series([cell, "", None]), order)
    assert cells.invalid.tolist() == [True, False, False]
    assert cells.dates.isna().all()
    assert bool(cells.ambiguous.iloc[0]) is ambiguous


def test_order_evidence_and_file_order():
    raw = pd.Series(["25/03/2020", "04/03/2020", "2020-05-30", "13/14/2020", None, "03/12/2020"])
    # only 25/03 is evidence: 04/03 and 03/12 tell nothing, 13/14 is no date, ISO is no evidence
    assert order_evidence(raw) == (1, 0)
    assert order_evidence(pd.Series(["03/25/2020", "12/31/2019"])) == (0, 2)
    assert file_date_order("ymd", 1, 0) == "dmy"
    assert file_date_order("dmy", 0, 3) == "mdy"  # unanimous evidence overrides the format
    assert file_date_order("dmy", 2, 1) == "dmy"  # disagreement: the format's order stays
    assert file_date_order("ymd", 2, 1) == "ymd"
    assert file_date_order("mdy", 0, 0) == "mdy"
    with pytest.raises(ValueError, match="allowed: dmy, mdy, ymd"):
        file_date_order("ydm", 0, 0)


NUMBERS = [
    ("26", 26.0, False, None),
    ("26.0", 26.0, False, None),
    ("26,0", 26.0, True, None),
    ("26,5", 26.5, True, None),
    ("26 ans", 26.0, False, "ans"),
    ("26 years", 26.0, False, "years"),
    ("26 Years old", 26.0, False, "years old"),
    ("26ans", 26.0, False, "ans"),
    ("-5", -5.0, False, None),
]


@pytest.mark.parametrize(("cell", "value", "comma", "unit"), NUMBERS)
def test_each_number_form(cell, value, comma, unit):
    cells = parse_numbers(pd.Series([cell]))
    assert cells.values.iloc[0] == value and not cells.invalid.iloc[0]
    assert bool(cells.decimal_comma.iloc[0]) is comma
    assert (pd.isna(cells.unit.iloc[0]) and unit is None) or cells.unit.iloc[0] == unit
    assert number_shaped(pd.Series([cell])).iloc[0]


@pytest.mark.parametrize("cell", ["about 30", "620112233", "+224 620 11 22 33", "26 kg", "1e3"])
def test_not_numbers_and_not_quotable(cell):
    cells = parse_numbers(pd.Series([cell]))
    assert cells.invalid.iloc[0] and pd.isna(cells.values.iloc[0])
    assert not number_shaped(pd.Series([cell])).iloc[0]


def test_date_shape_decides_quoting():
    raw = pd.Series(["31/02/2019", "2020-02-30", "3 mars 2020", "43890", "+224 620 11 22 33",
                     "620112233", "Mamadou", "3 foo 2020"])  # fmt: skip
    assert date_shaped(raw).tolist() == [True, True, True, True, False, False, False, False]


WAVE_ENDS = [
    ("2020-07", None, T("2020-07-31")),
    ("2020-02", None, T("2020-02-29")),  # leap year
    ("2021-03-guinee", None, T("2021-03-31")),
    ("2021-03_lot2", None, T("2021-03-31")),
    ("guinee", {"guinee": "2021-04-15"}, T("2021-04-15")),
    ("2021-03", {"2021-03": "2021-04-10"}, T("2021-04-10")),  # the given date replaces the month
]


@pytest.mark.parametrize(("wave", "dates", "expected"), WAVE_ENDS)
def test_wave_end(wave, dates, expected):
    assert wave_end(wave, dates) == expected


@pytest.mark.parametrize("wave", ["guinee", "2021-13", "202103", "lot-2021-03"])
def test_wave_without_bound_says_how_to_give_one(wave):
    with pytest.raises(WaveDateError) as info:
        wave_end(wave, {"other": "2021-01-01"})
    message = str(info.value)
    assert f"wave {wave!r}" in message and "release.wave_dates" in message
    assert "YYYY-MM" in message and "today" not in message


def test_wave_ends_lists_every_wave_without_bound():
    with pytest.raises(WaveDateError) as info:
        wave_ends(["2020-07", "lot_a", "lot_b"], {})
    assert "'lot_a'" in str(info.value) and "'lot_b'" in str(info.value)
    assert wave_ends(["2020-07", "lot_a"], {"lot_a": "2020-09-01"}) == {
        "2020-07": T("2020-07-31"),
        "lot_a": T("2020-09-01"),
    }


# --- cells parsed once per distinct value (issue 16) ------------------------------------------

# repeated cells, every missing form, a number-shaped text and a phone number
CELLS = ["26", "26,0", None, "26", "31/12/2019", float("nan"), "12/31/2019", "", "26 ans",
         "+224 620", "31/12/2019", pd.NA, "abc", "26"]  # fmt: skip


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_per_distinct_gives_every_cell_what_the_cell_by_cell_function_gives(dtype):
    from reintegration.data.dates import per_distinct

    raw = pd.Series(CELLS, index=range(100, 100 + len(CELLS)), dtype=dtype)
    seen = []

    def cellwise(cells):
        seen.append(len(cells))
        text = cells.astype("string").str.strip()
        return text.str.len(), (text == "26").fillna(False)

    length, is_26 = per_distinct(raw, cellwise)
    ref_length, ref_26 = cellwise(raw)
    pd.testing.assert_series_equal(length, ref_length)
    pd.testing.assert_series_equal(is_26, ref_26)
    # the distinct texts once each, the missing cells once (one of their forms)
    assert seen[0] == len({c for c in CELLS if isinstance(c, str)}) + 1


def test_number_and_vote_parsers_give_the_cell_by_cell_results():
    from reintegration.data import dates

    raw = pd.Series(CELLS * 3, index=range(7, 7 + 3 * len(CELLS)), dtype=object)
    got, ref = dates.parse_numbers(raw), dates._parse_numbers(raw)
    for field in ("values", "invalid", "decimal_comma", "unit"):
        pd.testing.assert_series_equal(getattr(got, field), getattr(ref, field))
    for a, b in zip(dates.order_votes(raw), dates._order_votes(raw), strict=True):
        pd.testing.assert_series_equal(a, b)
    text = raw.astype("string").str.strip().mask(lambda t: t == "")
    shaped = text.str.extract(dates._NUMBER, flags=dates.re.IGNORECASE)[0].notna()
    pd.testing.assert_series_equal(dates.number_shaped(raw), shaped)


def test_dates_formatted_once_per_distinct_date_as_strftime_formats_them():
    from reintegration.data.validate import fmt

    days = pd.Series(pd.to_datetime(["2020-01-02", None, "2020-01-02", "1999-12-31"]))
    days = days.astype("datetime64[s]")
    expected = pd.Series(["2020-01-02", pd.NA, "2020-01-02", "1999-12-31"], dtype="string")
    pd.testing.assert_series_equal(fmt(days), expected)
    pd.testing.assert_series_equal(fmt(days), days.dt.strftime("%Y-%m-%d").astype("string"))


def test_map_values_to_a_dtype_equals_mapping_then_converting():
    from reintegration.data.labels import map_values

    raw = pd.Series(["a", None, "b", "a", "zz", pd.NA], index=list("uvwxyz"), dtype=object)
    mapping = {"a": "one", "b": "two"}
    got = map_values(raw, mapping, dtype="string")
    pd.testing.assert_series_equal(got, raw.map(mapping).astype("string"))
    assert got.tolist() == ["one", pd.NA, "two", "one", pd.NA, pd.NA]
    assert map_values(raw, mapping).tolist() == ["one", None, "two", "one", None, None]

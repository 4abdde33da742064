"""One parser of date and number cells for every source format, vectorised.

Dates: ISO and every year-first form (``2020-03-04``, ``2020/03/04``, ``2020.03.04``) in every
format; day/month forms (``04/03/2020``, ``04.03.2020``, ``04-03-2020``) in the file's day/month
order (:func:`file_date_order`: the format's ``date_order`` unless the file's unambiguous values,
a day above 12, all say otherwise); month names in English or French (``3 mars 2020``,
``March 3, 2020``, ``03-Mar-2020``); Excel serial numbers (1899-12-30 + n days). A time part
(``14:30``, ``T14:30:00``, ``2:30 PM``) is dropped and counted. A day/month form in a format whose
order is year-first, with no day above 12 to tell, is *ambiguous* and never guessed.

Numbers: ``26``, ``26.0``, ``26,0`` (decimal comma), ``26 ans``, ``26 years`` (a unit dropped).

Raw cells are quoted in quarantine reasons only when they have the expected shape
(:func:`date_shaped`, :func:`number_shaped`), so a phone number typed into a date or age
column never reaches an output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reintegration.text import normalise

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Excel serial numbers accepted as dates: 1927-05-18 .. 2064-12-21 (five digits).
EXCEL_SERIAL = r"^(\d{5})(?:\.0+)?$"
ORDERS = ("dmy", "mdy", "ymd")
#: Day/month orders a file may use for day/month forms (``ymd`` formats give none).
DAY_MONTH_ORDERS = ("dmy", "mdy")

_TIME = (
    r"((?:[ T]+|\s*,\s*)\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?"
)
_YEAR_FIRST = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$"
_DAY_MONTH = rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}){_TIME}$"
_LETTERS = r"([^\W\d_]{3,}\.?)"
_NAMED_DAY_FIRST = rf"^(\d{{1,2}})(?:er|st|nd|rd|th)?[\s/.-]+{_LETTERS}[\s/.,-]+(\d{{4}}){_TIME}$"
_NAMED_MONTH_FIRST = rf"^{_LETTERS}[\s/-]+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}$"

_MONTH_WORDS = {
    1: "january jan janvier janv",
    2: "february feb fevrier fevr fev",
    3: "march mar mars",
    4: "april apr avril avr",
    5: "may mai",
    6: "june jun juin",
    7: "july jul juillet juil",
    8: "august aug aout",
    9: "september sep sept septembre",
    10: "october oct octobre",
    11: "november nov novembre",
    12: "december dec decembre",
}
#: Month names in English and French, normalised (lower case, no accents), full and short.
MONTHS = {word: month for month, words in _MONTH_WORDS.items() for word in words.split()}

_UNITS = r"ans?|annees?|years?|yrs?|y|yo|years old"
_NUMBER = rf"^([+-]?\d{{1,3}})(?:([.,])(\d+))?(?:\s*({_UNITS})\.?)?$"


@dataclass
class DateCells:
    """One column's date cells, parsed: the dates and, per cell, how they were read."""

    dates: pd.Series  # datetime64[s]; NaT for empty, invalid or ambiguous cells
    invalid: pd.Series  # non-empty and no date (ambiguous ones included)
    ambiguous: pd.Series  # a day/month form without a day/month order to read it
    excel: pd.Series  # read as an Excel serial number
    time_dropped: pd.Series  # a time part was dropped
    month_name: pd.Series  # written with a month name


@dataclass
class NumberCells:
    """One column's number cells, parsed."""

    values: pd.Series  # Float64; NA for empty or invalid cells
    invalid: pd.Series  # non-empty and no number
    decimal_comma: pd.Series  # written with a decimal comma
    unit: pd.Series  # the unit dropped (normalised), NA when none


def _text(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").str.strip()
    return text.mask(text == "")


def per_distinct(raw: pd.Series, cellwise):
    """``cellwise(raw)`` computed on each distinct cell once and spread back to the cells.

    ``cellwise`` takes a Series and returns Series of its index (or a tuple or dataclass of
    them), each cell's result depending on that cell alone: a wave's dates and ages repeat,
    so at 100x 10^5 cells hold 10^3 values and the per-cell regular expressions run 10^3
    times. Every missing cell is given the result of the first one.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype=raw.dtype)
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        codes = np.where(codes < 0, len(uniques), codes)
        first = raw.iloc[missing[:1]].reset_index(drop=True)
        distinct = pd.concat([distinct, first], ignore_index=True)
    result = cellwise(distinct)

    def spread(column: pd.Series) -> pd.Series:
        return pd.Series(column.array.take(codes), index=raw.index, name=column.name)

    if isinstance(result, pd.Series):
        return spread(result)
    if isinstance(result, tuple):
        return tuple(spread(column) for column in result)
    return type(result)(**{k: spread(v) for k, v in vars(result).items()})


def _from_parts(year, month, day, index) -> pd.Series:
    parts = {k: pd.to_numeric(v, errors="coerce") for k, v in (("year", year), ("month", month),
                                                              ("day", day))}  # fmt: skip
    frame = pd.DataFrame(parts, index=index).astype("float64")
    ok = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    if ok.any():
        out.loc[ok] = pd.to_datetime(frame[ok], errors="coerce").astype("datetime64[s]")
    return out


def _month_number(words: pd.Series) -> pd.Series:
    keys = words.map(lambda w: normalise(w).rstrip("."), na_action="ignore")
    return keys.map(MONTHS, na_action="ignore")


def _has_time(group: pd.Series) -> pd.Series:
    return group.fillna("").str.strip().ne("")


def order_votes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per cell: a day/month date whose first part (day first), resp. second part (month
    first), is above 12. Only such values tell the order; both above 12 tells nothing."""
    return per_distinct(raw, _order_votes)


def _order_votes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = _text(raw).str.extract(_DAY_MONTH)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first = ((first > 12) & (second <= 12)).fillna(False).astype(bool)
    month_first = ((second > 12) & (first <= 12)).fillna(False).astype(bool)
    return day_first, month_first


def order_evidence(raw: pd.Series) -> tuple[int, int]:
    """``(day first, month first)`` counts of :func:`order_votes`."""
    day_first, month_first = order_votes(raw)
    return int(day_first.sum()), int(month_first.sum())


def file_date_order(default: str, day_first: int, month_first: int) -> str:
    """A file's day/month order: the evidence's when all of it agrees, else the format's."""
    if default not in ORDERS:
        raise ValueError(f"unknown date order {default!r}; allowed: {', '.join(ORDERS)}")
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return default


def parse_dates(raw: pd.Series, order: str | pd.Series = "ymd") -> DateCells:
    """Parse text date cells in the day/month ``order`` (``dmy``, ``mdy`` or ``ymd``; one for
    all cells or a Series, one per cell).

    Year-first, month-name and Excel-serial cells are read in every order; day/month cells
    are read as ``order`` says and are ambiguous when it is ``ymd``. Each distinct (cell,
    order) is parsed once.
    """
    text = _text(raw).fillna("")
    if isinstance(order, str):
        orders = pd.Series(order, index=text.index, dtype=object)
    else:
        orders = order.reindex(text.index).astype(object)
    unknown = sorted(set(orders.dropna().unique()) - set(ORDERS))
    if unknown or orders.isna().any():
        bad = unknown[0] if unknown else None
        raise ValueError(f"unknown date order {bad!r}; allowed: {', '.join(ORDERS)}")
    pairs = pd.DataFrame({"text": text, "order": orders})
    unique = pairs.drop_duplicates().reset_index(drop=True)
    parsed = _parse_unique(unique["text"].mask(unique["text"] == ""), unique["order"])
    parsed.index = pd.MultiIndex.from_frame(unique)
    looked = parsed.reindex(pd.MultiIndex.from_frame(pairs))
    looked.index = text.index
    flags = {c: looked[c].fillna(False).astype(bool) for c in looked.columns if c != "dates"}
    return DateCells(looked["dates"].astype("datetime64[s]"), **flags)


def _parse_unique(text: pd.Series, orders: pd.Series) -> pd.DataFrame:
    idx = text.index
    dates = pd.Series(pd.NaT, index=idx, dtype="datetime64[s]")
    time = pd.Series(False, index=idx)
    named = pd.Series(False, index=idx)

    def take(parsed: pd.Series, timegroup: pd.Series, matched: pd.Series) -> None:
        use = dates.isna() & matched.fillna(False).astype(bool)
        dates.loc[use] = parsed[use]
        time.loc[use] = _has_time(timegroup)[use]

    p = text.str.extract(_YEAR_FIRST)
    take(_from_parts(p[0], p[1], p[2], idx), p[3], p[0].notna())
    p_dm = text.str.extract(_DAY_MONTH)
    day_month = p_dm[0].notna()
    dmy, mdy = orders == "dmy", orders == "mdy"
    if (day_month & (dmy | mdy)).any():
        day, month = p_dm[0].where(dmy, p_dm[1]), p_dm[1].where(dmy, p_dm[0])
        take(_from_parts(p_dm[2], month, day, idx), p_dm[3], day_month & (dmy | mdy))
    for pattern, d, m in ((_NAMED_DAY_FIRST, 0, 1), (_NAMED_MONTH_FIRST, 1, 0)):
        todo = dates.isna() & text.notna()
        if not todo.any():
            break
        p = text[todo].str.extract(pattern).reindex(idx)
        month = _month_number(p[m])
        hit = month.notna()
        before = dates.isna()
        take(_from_parts(p[2], month, p[d], idx), p[3], hit)
        named |= before & dates.notna() & hit
    serial = text.str.extract(EXCEL_SERIAL)[0].astype("float64")
    excel = dates.isna() & serial.notna()
    if excel.any():
        days = pd.to_timedelta(serial[excel], unit="D")
        dates.loc[excel] = (EXCEL_EPOCH + days).astype("datetime64[s]")
    invalid = text.notna() & dates.isna()
    ambiguous = pd.Series(False, index=idx)
    if (invalid & day_month & ~(dmy | mdy)).any():
        # Readable in some day/month order, but nothing says which.
        as_dmy = _from_parts(p_dm[2], p_dm[1], p_dm[0], idx).notna()
        as_mdy = _from_parts(p_dm[2], p_dm[0], p_dm[1], idx).notna()
        ambiguous = invalid & day_month & ~(dmy | mdy) & (as_dmy | as_mdy)
    return pd.DataFrame(
        {
            "dates": dates,
            "invalid": invalid.astype(bool),
            "ambiguous": ambiguous.astype(bool),
            "excel": excel.astype(bool),
            "time_dropped": (time & dates.notna()).astype(bool),
            "month_name": named.astype(bool),
        }
    )


def date_shaped(raw: pd.Series) -> pd.Series:
    """Cells shaped like a date (digits and separators in date positions, a known month
    name, or an Excel serial): the only date cells a quarantine reason may quote."""
    text = _text(raw)
    shaped = pd.Series(False, index=text.index)
    for pattern in (_YEAR_FIRST, _DAY_MONTH, EXCEL_SERIAL):
        shaped |= text.str.extract(pattern)[0].notna()
    for pattern, m in ((_NAMED_DAY_FIRST, 1), (_NAMED_MONTH_FIRST, 0)):
        shaped |= _month_number(text.str.extract(pattern)[m]).notna()
    return shaped.astype(bool)


def parse_numbers(raw: pd.Series) -> NumberCells:
    """Parse number cells: at most three integer digits, a decimal point or comma, an
    optional unit of years (``ans``, ``years``...)."""
    return per_distinct(raw, _parse_numbers)


def _parse_numbers(raw: pd.Series) -> NumberCells:
    text = _text(raw)
    p = text.str.extract(_NUMBER, flags=re.IGNORECASE)
    ok = p[0].notna()
    number = p[0].str.cat(p[2].fillna("0"), sep=".").where(ok)
    values = pd.to_numeric(number, errors="coerce").astype("Float64")
    return NumberCells(
        values,
        (text.notna() & ~ok).astype(bool),
        (ok & (p[1] == ",")).fillna(False).astype(bool),
        p[3].str.lower().where(ok).astype("string"),
    )


def number_shaped(raw: pd.Series) -> pd.Series:
    """Cells shaped like a number of years: the only number cells a reason may quote."""
    return per_distinct(
        raw, lambda r: _text(r).str.extract(_NUMBER, flags=re.IGNORECASE)[0].notna()
    )


# --- the upper bound of a wave's dates ------------------------------------------------------

_WAVE_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?![0-9])")


class WaveDateError(ValueError):
    """A wave without an upper bound for its dates."""


def wave_end(wave: str, wave_dates: dict | None = None) -> pd.Timestamp:
    """Latest possible date of a wave's records.

    The wave's delivery date in ``release.wave_dates`` when given; else the end of the month
    its folder name starts with (``2021-03`` or ``2021-03-guinee``). Never today's date, so
    that the same inputs give the same outputs on any day.

    Raises:
        WaveDateError: neither gives a date (the message says how to give one).
    """
    given = (wave_dates or {}).get(wave)
    if given is not None:
        try:
            return pd.Timestamp(str(given)).normalize()
        except ValueError as error:
            raise WaveDateError(
                f"release.wave_dates: {wave}: {given!r} is not an ISO date (YYYY-MM-DD)"
            ) from error
    m = _WAVE_MONTH.match(wave)
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)
    raise WaveDateError(
        f"wave {wave!r}: no upper bound for its dates. Name the wave folder after its delivery "
        f"month (e.g. resources/raw/2021-03-{wave}/), or give its delivery date in the config: "
        f"release.wave_dates: {{{wave}: YYYY-MM-DD}} (config/config.yaml); no record may be "
        "dated after it"
    )


def wave_ends(waves, wave_dates: dict | None = None) -> dict[str, pd.Timestamp]:
    """:func:`wave_end` of every wave; one error listing every wave without a bound."""
    ends, problems = {}, []
    for wave in waves:
        try:
            ends[wave] = wave_end(wave, wave_dates)
        except WaveDateError as error:
            problems.append(str(error))
    if problems:
        raise WaveDateError("\n".join(problems))
    return ends

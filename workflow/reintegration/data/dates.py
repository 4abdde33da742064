"""Parsing date cells, vectorised: ISO, the format's day/month order, Excel serial numbers."""

from __future__ import annotations

import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Excel serial numbers accepted as dates: 1927-05-18 .. 2064-12-21 (five digits).
EXCEL_SERIAL = r"^(\d{5})(?:\.0+)?$"
_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_ORDERED = {
    "dmy": (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("day", "month", "year")),
    "mdy": (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", ("month", "day", "year")),
    "ymd": (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", ("year", "month", "day")),
}


def _from_parts(parts: pd.DataFrame, names: tuple[str, str, str]) -> pd.Series:
    frame = parts.set_axis(list(names), axis=1)[["year", "month", "day"]].astype("float64")
    ok = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[s]")
    if ok.any():
        parsed = pd.to_datetime(frame[ok], errors="coerce")
        out.loc[ok] = parsed.astype("datetime64[s]")
    return out


def parse_dates(raw: pd.Series, order: str = "ymd") -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse text dates; return ``(dates, invalid, excel_serial)``.

    ``dates`` is ``datetime64[s]`` (NaT for empty or invalid cells); ``invalid`` marks
    non-empty cells that are no date in ISO form, the given ``order`` (``dmy``, ``mdy``,
    ``ymd``; separators ``/``, ``.`` or ``-``) or an Excel serial number; ``excel_serial``
    marks cells read as Excel serial numbers (1899-12-30 + n days).
    """
    if order not in _ORDERED:
        raise ValueError(f"unknown date order {order!r}; allowed: {', '.join(_ORDERED)}")
    text = raw.astype("string").str.strip()
    text = text.mask(text == "")
    dates = _from_parts(text.str.extract(_ISO), ("year", "month", "day"))
    pattern, names = _ORDERED[order]
    todo = dates.isna() & text.notna()
    if todo.any():
        other = _from_parts(text[todo].str.extract(pattern), names)
        dates.loc[todo] = other
    serial = text.str.extract(EXCEL_SERIAL)[0].astype("float64")
    excel = dates.isna() & serial.notna()
    if excel.any():
        dates.loc[excel] = (EXCEL_EPOCH + pd.to_timedelta(serial[excel], unit="D")).astype(
            "datetime64[s]"
        )
    invalid = text.notna() & dates.isna()
    return dates, invalid.astype(bool), excel.astype(bool)

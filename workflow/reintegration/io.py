"""Deterministic writers: the same data always give the same bytes.

Outputs are compared byte for byte between runs (STUDY.md §9), so every writer fixes what
libraries would otherwise vary: no index, no timestamps, stable float formatting, sorted keys.
CSV tables hold floats at full precision (shortest round-trip repr) and no string a spreadsheet
would run as a formula.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# pandas and pyarrow are imported by the writers that use them: the report and publish jobs
# that only write JSON and text then start in a tenth of the time (0.45 s of imports each).

#: Permissions of every output: readable by the team, as a plain ``open()`` would make them
#: (mkstemp's temporary files are 0600). The pseudonym key file is the one exception (0600).
OUTPUT_MODE = 0o644


def atomic_write(path: str | Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary path)`` in the target's folder, then rename it onto ``path``.

    An interrupted job (killed, out of memory, disk full) never leaves a partial file under the
    output's name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, OUTPUT_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write a DataFrame as parquet without the pandas index and with fixed writer metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    # pandas metadata embeds library versions only; drop it for byte-stable files across runs.
    table = table.replace_schema_metadata(None)
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", re.IGNORECASE)


def _needs_quote(text: str) -> bool:
    """A formula start, or an apostrophe before one (so that :func:`unneutralise` inverts)."""
    if not text or _NUMBER.fullmatch(text):
        return False
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith("'") and _needs_quote(text[1:])


def neutralise(value: object) -> object:
    """``value`` with a ``'`` prefix if it is a string a spreadsheet would run as a formula.

    Per OWASP: a cell starting with ``= + - @``, tab or carriage return gets a leading ``'``.
    Strings that are plain numbers (``-0.5``, ``+3``, ``-1e-05``) are left alone, and so is
    everything that is not a string (numbers are never touched).
    """
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unneutralise(value: object) -> object:
    """Invert :func:`neutralise` (for tables read back by the pipeline)."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def _neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = df.copy()
    out.columns = [neutralise(str(c)) for c in df.columns]
    for j in range(out.shape[1]):
        col = out.iloc[:, j]
        if col.dtype == "float32":
            out.isetitem(j, col.astype("float64"))  # write the value held, not a float32 repr
        elif not pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.astype(object)
            out.isetitem(j, col.map(neutralise, na_action="ignore"))
    return out


def _has_carriage_return(df: pd.DataFrame) -> bool:
    import pandas as pd

    cells = [c for c in df.columns] + [
        v
        for j in range(df.shape[1])
        if not pd.api.types.is_numeric_dtype(df.iloc[:, j])
        for v in df.iloc[:, j]
    ]
    return any(isinstance(v, str) and "\r" in v for v in cells)


def write_csv(df: pd.DataFrame, path: str | Path, *, float_format: str | None = None) -> None:
    """Write a tidy table as UTF-8 CSV, no index, LF line ends, floats at full precision.

    Floats are written as the shortest string that reads back to the same double (Python's
    ``repr``, pandas' default with ``float_format=None``), so a table can be checked against
    another implementation to the last bit; rounding belongs to the report's display. Every
    string cell and header is passed through :func:`neutralise` (CSV formula injection).
    ``float_format`` (e.g. ``"%.10g"``) is for files meant to be read by people only.
    """
    table = _neutralise_frame(df)
    # Python's csv module quotes a field only for the characters of the line terminator ("\n"),
    # so a bare carriage return would split the record for readers: quote every string then.
    quoting = csv.QUOTE_NONNUMERIC if _has_carriage_return(table) else csv.QUOTE_MINIMAL
    text = table.to_csv(
        index=False, lineterminator="\n", float_format=float_format, quoting=quoting
    )
    _atomic_write_bytes(Path(path), text.encode("utf-8"))


_INTEGER = re.compile(r"[+-]?\d+")


def _typed(col: pd.Series) -> pd.Series:
    """A text column as written by :func:`write_csv`: Int64, float (parsed exactly), bool, text."""
    present = col.dropna()
    if len(present) and present.map(_INTEGER.fullmatch).notna().all():
        return col.map(int, na_action="ignore").astype("Int64")
    if len(present) and present.map(_NUMBER.fullmatch).notna().all():
        return col.map(float, na_action="ignore").astype("float64")
    if len(present) and present.isin(["True", "False"]).all():
        return col.map({"True": True, "False": False}).astype(
            "boolean" if col.isna().any() else bool
        )
    return col.map(unneutralise, na_action="ignore")


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`write_csv` back into the dtypes it was written from.

    Integers (with missing cells) come back as ``Int64``, floats parsed by Python's exact
    ``float()``, ``True``/``False`` as booleans, other text un-neutralised; a missing cell is
    the empty string only (``"NA"`` stays a label, as ISO3 codes may be).
    """
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    out = pd.DataFrame({j: _typed(raw.iloc[:, j].astype(object)) for j in range(raw.shape[1])})
    out.columns = [unneutralise(c) for c in raw.columns]
    return out


def write_json(obj: object, path: str | Path) -> None:
    """Write JSON with sorted keys and a trailing newline."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    _atomic_write_bytes(Path(path), text.encode("utf-8"))


def write_text(text: str, path: str | Path) -> None:
    _atomic_write_bytes(Path(path), text.encode("utf-8"))


def csv_float_problems(path: str | Path) -> list[str]:
    """Cells of a CSV whose number text is not the shortest round-trip form of its double.

    Empty when every float was written at full precision (``repr(float(text)) == text`` for
    each cell holding a decimal point or exponent); each problem names file, row and column.
    """
    problems = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for row_no, row in enumerate(reader, start=2):
            for col, text in zip(header, row, strict=False):
                is_float = _NUMBER.fullmatch(text) and any(c in text for c in ".eE")
                if is_float and repr(float(text)) != text.lstrip("+"):
                    problems.append(f"{path}: row {row_no}, column {col!r}: {text!r}")
    return problems


def csv_differences(df: pd.DataFrame, path: str | Path) -> list[str]:
    """Where a CSV written by :func:`write_csv` differs from the in-memory table ``df``.

    Floats must be equal bit for bit (NaN equals NaN), other cells equal as text; an empty list
    means the table round-trips exactly.
    """
    import pandas as pd

    back = read_csv(path)
    if list(back.columns) != [str(c) for c in df.columns] or len(back) != len(df):
        return [f"{path}: shape/columns {list(back.columns)} x {len(back)} differ"]
    problems = []
    for j, name in enumerate(back.columns):
        mine, theirs = df.iloc[:, j].reset_index(drop=True), back.iloc[:, j]
        if pd.api.types.is_float_dtype(mine):
            a = mine.to_numpy(dtype="float64", na_value=float("nan"))
            b = pd.to_numeric(theirs, errors="coerce").to_numpy(dtype="float64")
            bad = ~((a == b) | (pd.isna(a) & pd.isna(b)))
        else:
            a = (
                mine.astype(object)
                .where(mine.notna(), None)
                .map(lambda v: None if v is None else str(v))
            )
            b = (
                theirs.astype(object)
                .where(theirs.notna(), None)
                .map(lambda v: None if v is None else str(v))
            )
            bad = (a != b).to_numpy()
        for i in list(bad.nonzero()[0][:5]):
            problems.append(
                f"{path}: row {i + 2}, column {name!r}: {mine.iloc[i]!r} != {theirs.iloc[i]!r}"
            )
    return problems

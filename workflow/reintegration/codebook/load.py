"""Reading the codebook tables from ``config/codebook/`` into typed DataFrames."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from reintegration.paths import CODEBOOK_SCHEMA_DIR
from reintegration.problems import Problem, ProblemsError

#: The codebook tables, in the order they are documented and checked.
TABLES = ("variables", "choices", "weights", "sources", "formats", "indicators")
DIMENSIONS = ("economic", "social", "psychosocial")


def table_schema(table: str) -> dict:
    """Return the JSON Schema of one codebook table's rows."""
    with open(CODEBOOK_SCHEMA_DIR / f"{table}.schema.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def _declared_types(schema: dict) -> dict[str, set[str]]:
    types = {}
    for column, spec in schema.get("properties", {}).items():
        declared = spec.get("type", [])
        types[column] = {declared} if isinstance(declared, str) else set(declared)
    return types


def _coerce(value: str, types: set[str], decimal_comma: bool = False) -> object:
    """Turn a CSV cell into the type its schema declares (blank = None).

    A cell that does not convert is returned unchanged, so that schema validation
    reports it with the column's expected type.
    """
    if value.strip() == "":
        return None
    for kind, convert in (("integer", int), ("number", float)):
        if kind in types:
            try:
                number = float(value.replace(",", ".") if decimal_comma else value)
            except ValueError:
                return value
            if kind == "integer" and number != int(number):
                return value
            return convert(number)
    return value


#: How to save a codebook table from Excel so that it reads back unchanged.
SAVE_HINT = 'in Excel: File > Save As > "CSV UTF-8 (Comma delimited) (*.csv)"'
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _fail(table: str, line: int | None, problem: str) -> ProblemsError:
    return ProblemsError(
        f"codebook table {table}.csv cannot be read",
        [Problem(f"{table}.csv", line, None, problem, "read")],
    )


def decode_table(data: bytes, table: str) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252
    (what Excel writes for "CSV (Comma delimited)" on Western-European Windows)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _fail(table, None, f"not UTF-8 or Windows-1252 text; save it {SAVE_HINT}")


def _delimiter(header: str, table: str, columns: list[str]) -> str:
    """The delimiter (``,`` or ``;``) whose split of the header names the most known columns."""
    hits = {d: len(set(c.strip() for c in header.split(d)) & set(columns)) for d in ",;"}
    best = max(hits, key=lambda d: (hits[d], d == ","))
    if hits[best] == 0:
        tab = "; it looks tab-separated (Unicode text)" if "\t" in header else ""
        raise _fail(
            table,
            1,
            f"the header line names none of the columns {', '.join(columns)} when split by "
            f"',' or ';'{tab}; save it {SAVE_HINT}",
        )
    return best


def read_table(path: Path, table: str) -> pd.DataFrame:
    """Read one codebook CSV as typed values; the index is the file's line number.

    Tables saved by Excel are read too: UTF-8 with or without BOM or Windows-1252, ``,`` or
    ``;`` delimited (then decimal commas in number columns), an Excel ``sep=`` first line,
    blank lines and trailing empty columns; anything else fails with one message naming the
    table, the problem and the fix. Line numbers count the header as line 1 (after a ``sep=``
    line: 2), as a spreadsheet or text editor shows it.

    Raises:
        ProblemsError: the table is no readable CSV (encoding, delimiter, field counts).
    """
    schema = table_schema(table)
    text, _ = decode_table(Path(path).read_bytes(), table)
    first = 1
    hint = re.match(r"sep=(.)\r?\n", text)
    if hint:
        text, first = text[hint.end() :], 2
    header = text.split("\n", 1)[0]
    delimiter = hint.group(1) if hint else _delimiter(header, table, list(schema["properties"]))
    try:
        raw = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                          skip_blank_lines=False, engine="c")  # fmt: skip
    except pd.errors.ParserError as error:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        line, detail = None, str(error).strip()
        if m:
            line = int(m.group(2)) + first - 1
            detail = f"{m.group(3)} fields where the header has {m.group(1)}"
        raise _fail(
            table,
            line,
            f"{detail}: a cell holding {delimiter!r} must be quoted; save it {SAVE_HINT}",
        ) from None
    raw.index = pd.RangeIndex(first + 1, len(raw) + first + 1, name="line")
    empty = [
        c for c in raw.columns if str(c).startswith("Unnamed:") and not raw[c].str.strip().any()
    ]
    raw = raw.drop(columns=empty)
    raw = raw[raw.apply(lambda col: col.str.strip() != "").any(axis=1)]
    types = _declared_types(schema)
    comma = delimiter == ";"
    typed = pd.DataFrame(
        {
            col: [_coerce(v, types.get(col, {"string"}), comma) for v in raw[col]]
            for col in raw.columns
        },
        index=raw.index,
        dtype=object,
    )
    return typed


@dataclass(frozen=True)
class Codebook:
    """The seven codebook tables, each indexed by its CSV line number."""

    directory: Path
    variables: pd.DataFrame
    choices: pd.DataFrame
    weights: pd.DataFrame
    sources: pd.DataFrame
    formats: pd.DataFrame
    indicators: pd.DataFrame

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @cached_property
    def items(self) -> pd.DataFrame:
        """The RSS indicators (module rss), in indicator order."""
        rss = self.variables[self.variables["module"] == "rss"]
        return rss.sort_values("indicator")

    @cached_property
    def identifiers(self) -> list[str]:
        """Variables that directly identify a person (dropped at extraction)."""
        return self.variables.loc[self.variables["identifier"] == "yes", "name"].tolist()


def load_codebook(directory: str | Path) -> Codebook:
    """Read every codebook table from ``directory``; checks are in :func:`check_codebook`.

    Raises:
        FileNotFoundError: naming every missing table file.
    """
    directory = Path(directory)
    missing = [f"{t}.csv" for t in TABLES if not (directory / f"{t}.csv").is_file()]
    if missing:
        raise FileNotFoundError(f"codebook {directory}: missing table(s) {', '.join(missing)}")
    return Codebook(directory, **{t: read_table(directory / f"{t}.csv", t) for t in TABLES})

"""Reading the codebook tables from ``config/codebook/`` into typed DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from reintegration.paths import CODEBOOK_SCHEMA_DIR

#: The codebook tables, in the order they are documented and checked.
TABLES = ("variables", "choices", "weights", "sources", "formats")
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


def _coerce(value: str, types: set[str]) -> object:
    """Turn a CSV cell into the type its schema declares (blank = None).

    A cell that does not convert is returned unchanged, so that schema validation
    reports it with the column's expected type.
    """
    if value.strip() == "":
        return None
    for kind, convert in (("integer", int), ("number", float)):
        if kind in types:
            try:
                number = float(value)
            except ValueError:
                return value
            if kind == "integer" and number != int(number):
                return value
            return convert(number)
    return value


def read_table(path: Path, table: str) -> pd.DataFrame:
    """Read one codebook CSV as typed values; the index is the file's line number.

    Line numbers count the header as line 1, so the first record is line 2, as a
    spreadsheet or text editor shows it.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    types = _declared_types(table_schema(table))
    typed = pd.DataFrame(
        {col: [_coerce(v, types.get(col, {"string"})) for v in raw[col]] for col in raw.columns},
        dtype=object,
    )
    typed.index = pd.RangeIndex(2, len(typed) + 2, name="line")
    return typed


@dataclass(frozen=True)
class Codebook:
    """The five codebook tables, each indexed by its CSV line number."""

    directory: Path
    variables: pd.DataFrame
    choices: pd.DataFrame
    weights: pd.DataFrame
    sources: pd.DataFrame
    formats: pd.DataFrame

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

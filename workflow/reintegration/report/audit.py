"""Release-level audit tables from the per-wave extraction and cleaning outputs.

The data chapter of the report shows, for the waves of a release: which raw files were read
(format, rows, SHA-256), the ledger (rows read = kept + quarantined + duplicates merged), the
quarantine counts by rule and the recodes applied. Counts of records, not of returnees' answers:
nothing here identifies a person (quarantine.csv itself holds no identifiers).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FILE_COLUMNS = ["wave", "file", "format", "kind", "encoding", "rows_read", "blank_rows", "sha256"]
LEDGER_COLUMNS = [
    "wave",
    "rows_read",
    "rows_kept",
    "rows_quarantined",
    "duplicates_merged",
    "blank_rows",
    "files_skipped",
    "holds",
]


def _read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def files_table(extract_reports: dict[str, dict]) -> pd.DataFrame:
    """One row per raw file read, per wave."""
    rows = []
    for wave in sorted(extract_reports):
        for entry in extract_reports[wave].get("files", []):
            row = {"wave": wave}
            for col in FILE_COLUMNS[1:]:
                value = entry.get(col)
                if col == "format" and value is None:
                    value = entry.get("source_format")
                row[col] = value if not isinstance(value, dict | list) else json.dumps(value)
            rows.append(row)
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def ledger_table(ledgers: dict[str, dict], pooling: dict | None = None) -> pd.DataFrame:
    """The ledger of every wave, a total row, and (when given) what pooling kept per wave."""
    rows = [
        {c: ledgers[w].get(c, w if c == "wave" else None) for c in LEDGER_COLUMNS}
        for w in sorted(ledgers)
    ]
    table = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    if pooling is not None:
        dropped = pooling.get("duplicates_dropped_by_wave", {})
        table["cross_wave_duplicates_dropped"] = [int(dropped.get(w, 0)) for w in table["wave"]]
    if len(table):
        total = {c: table[c].sum() for c in table.columns if c not in ("wave", "holds")}
        total["wave"] = "all"
        total["holds"] = bool(table["holds"].astype(bool).all())
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for col in table.columns:
        if col not in ("wave", "holds"):
            table[col] = table[col].astype("Int64")
    return table


def quarantine_table(quarantines: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Quarantined records by wave and rule (with one example reason per rule)."""
    parts = []
    for wave in sorted(quarantines):
        q = quarantines[wave]
        if q.empty:
            continue
        grouped = (
            q.groupby("rule", sort=True)
            .agg(records=("rule", "size"), example_reason=("reason", "first"))
            .reset_index()
        )
        grouped.insert(0, "wave", wave)
        parts.append(grouped)
    columns = ["wave", "rule", "records", "example_reason"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def cleaning_table(logs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Corrections and recodes by wave, action and variable (summed counts)."""
    parts = []
    for wave in sorted(logs):
        log = logs[wave]
        if log.empty:
            continue
        grouped = (
            log.assign(variable=log["variable"].fillna(""))
            .groupby(["action", "variable"], sort=True)
            .agg(entries=("count", "size"), count=("count", "sum"))
            .reset_index()
        )
        grouped.insert(0, "wave", wave)
        parts.append(grouped)
    columns = ["wave", "action", "variable", "entries", "count"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def audit_tables(
    waves: list[str], waves_dir: str | Path, pooling_json: str | Path | None = None
) -> dict[str, pd.DataFrame]:
    """All audit tables of a release, read from ``waves_dir/<wave>/``."""
    waves_dir = Path(waves_dir)
    reports = {w: _read_json(waves_dir / w / "extract_report.json") for w in waves}
    ledgers = {w: _read_json(waves_dir / w / "ledger.json") for w in waves}
    quarantines = {
        w: pd.read_csv(waves_dir / w / "quarantine.csv", dtype=str, keep_default_na=False)
        for w in waves
    }
    logs = {}
    for w in waves:
        log = pd.read_csv(waves_dir / w / "cleaning_log.csv", dtype={"count": "Int64"})
        log["variable"] = log["variable"].astype("string")
        logs[w] = log
    pooling = _read_json(pooling_json) if pooling_json else None
    return {
        "files": files_table(reports),
        "ledger": ledger_table(ledgers, pooling),
        "quarantine": quarantine_table(quarantines),
        "cleaning": cleaning_table(logs),
    }

"""Release-level audit tables from the per-wave extraction and cleaning outputs.

The data chapter of the report shows, for the waves of a release: which raw files were read
(format, rows, SHA-256), the ledger (rows read = kept + quarantined + duplicates merged), the
quarantine counts by rule and the recodes applied. Counts of records, not of returnees' answers:
nothing here identifies a person (quarantine.csv itself holds no identifiers).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

FILE_COLUMNS = [
    "wave",
    "file",
    "sheet",
    "kind",
    "status",
    "reason",
    "format",
    "sheet_state",
    "encoding",
    "delimiter",
    "rows_read",
    "blank_rows",
    "sha256",
]
DROPPED_COLUMNS = ["wave", "file", "sheet", "column", "reason"]
#: Why extraction drops a column (the extract report's ``headers_dropped_<key>`` lists).
DROP_REASONS = {
    "identifier": "direct identifier: never leaves extraction",
    "drop": "listed as drop in the codebook's sources (administrative field)",
    "unlisted": "not in the codebook (dropped with extract.allow_unlisted_columns)",
}
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


def _cell(value):
    return json.dumps(value) if isinstance(value, dict | list) else value


def _file_row(wave: str, entry: dict, **extra) -> dict:
    row = {"wave": wave, **extra}
    for col in FILE_COLUMNS[1:]:
        if col in row:
            continue
        value = entry.get(col)
        if col == "format" and value is None:
            value = entry.get("source_format")
        if col == "file" and value is None:
            value = entry.get("path")
        if col in ("sheet", "reason") and value is None:
            value = ""
        if col == "rows_read" and value is None:
            value = entry.get("rows")
        row[col] = _cell(value)
    return row


def files_table(extract_reports: dict[str, dict]) -> pd.DataFrame:
    """One row per file (and workbook sheet) of every wave, read or not, with what became of it.

    The wave's ``inventory`` (every path under the wave folder: read, skipped or refused, with
    the reason) is used when the extract report has one, completed with the details of the
    files read (encoding, delimiter, rows, SHA-256); otherwise the files read, then the files
    not read and skipped.
    """
    rows = []
    for wave in sorted(extract_reports):
        report = extract_reports[wave]
        read = {(e.get("file"), e.get("sheet") or ""): e for e in report.get("files", [])}
        inventory = report.get("inventory")
        if inventory:
            for entry in inventory:
                key = (entry.get("path"), entry.get("sheet") or "")
                detail = read.get(key) or read.get((entry.get("path"), "")) or {}
                rows.append(_file_row(wave, {**detail, **entry}))
            continue
        for entry in report.get("files", []):
            rows.append(_file_row(wave, entry, status="read", reason=""))
        for key, status in (("files_not_read", "not read"), ("files_skipped", "skipped")):
            for entry in report.get(key, []):
                entry = entry if isinstance(entry, dict) else {"file": str(entry)}
                rows.append(_file_row(wave, entry, status=status))
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def dropped_table(extract_reports: dict[str, dict]) -> pd.DataFrame:
    """Every raw column extraction dropped, per wave and file, with the reason (header names
    only: no value of a dropped column is ever read past extraction)."""
    rows = []
    for wave in sorted(extract_reports):
        for entry in extract_reports[wave].get("files", []):
            for key, reason in DROP_REASONS.items():
                for column in entry.get(f"headers_dropped_{key}", []) or []:
                    rows.append(
                        {
                            "wave": wave,
                            "file": entry.get("file"),
                            "sheet": entry.get("sheet") or "",
                            "column": column,
                            "reason": reason,
                        }
                    )
    return pd.DataFrame(rows, columns=DROPPED_COLUMNS)


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


#: Values an example reason may quote that point at a person or a raw record: dates (a date
#: of birth with country and wave narrows a person down) and raw row numbers.
_EXAMPLE_SCRUB = (
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\brow \d+\b"), "row [n]"),
)


def scrub_example(reason: str) -> str:
    """An example reason without dates or raw row numbers (the rule stays readable)."""
    for pattern, replacement in _EXAMPLE_SCRUB:
        reason = pattern.sub(replacement, reason)
    return reason


def quarantine_table(quarantines: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Quarantined records by wave and rule, with one example reason per rule, its dates and
    raw row numbers blanked (:func:`scrub_example`); the wave's quarantine.csv has them."""
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
        grouped["example_reason"] = grouped["example_reason"].astype(str).map(scrub_example)
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
        "dropped": dropped_table(reports),
        "ledger": ledger_table(ledgers, pooling),
        "quarantine": quarantine_table(quarantines),
        "cleaning": cleaning_table(logs),
    }

"""The ledger of one wave: every raw record read is kept, quarantined or merged."""

from __future__ import annotations


class LedgerError(RuntimeError):
    """Rows read do not equal rows kept + quarantined + duplicates merged."""


def build_ledger(
    extract_report: dict, records: int, kept: int, quarantined: int, merged: int
) -> dict:
    """The ledger dict; ``holds`` is true when read = kept + quarantined + merged and the
    extract report's count agrees with the records table."""
    rows_read = int(extract_report["rows_read"])
    holds = rows_read == records == kept + quarantined + merged
    return {
        "wave": extract_report.get("wave"),
        "rows_read": rows_read,
        "rows_in_records": int(records),
        "rows_kept": int(kept),
        "rows_quarantined": int(quarantined),
        "duplicates_merged": int(merged),
        "blank_rows": int(extract_report.get("blank_rows", 0)),
        "files_skipped": len(extract_report.get("files_skipped", [])),
        "holds": bool(holds),
    }


def check_ledger(ledger: dict) -> None:
    """Raise :class:`LedgerError` naming the figures when the ledger does not hold."""
    if not ledger["holds"]:
        raise LedgerError(
            f"ledger of wave {ledger['wave']} does not hold: rows read {ledger['rows_read']} "
            f"(records table: {ledger['rows_in_records']}) != kept {ledger['rows_kept']} + "
            f"quarantined {ledger['rows_quarantined']} + merged {ledger['duplicates_merged']}"
        )

"""The part of a release that may be handed over: ``publish/`` (issue 17, README "Who may see
what").

``publish/`` is a copy of the release's report folder (index and chapter pages, data
dictionary, executed notebooks, the tables and figures they show, the exhibit list, the
release manifest) and ``publish_manifest.json``, the SHA-256 of exactly those files. It is
assembled in two steps around the privacy scan:

1. :func:`copy_published` copies the files after :func:`check_publishable` has refused any
   record-level file (a data file, or a table with a person- or record-level key column) and
   :func:`unsuppressed_small_cells` has found no table cell from fewer than ``min_cell``
   returnees left unflagged (the disclosure gate's promise, checked again on the copies);
2. the privacy scan reads every release file, ``publish/`` included, and fails on a finding;
3. :func:`publish_manifest`, run only after a passing scan, seals the folder: without
   ``publish_manifest.json`` a ``publish/`` folder is not ready to leave the analysts.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

from reintegration.report.manifest import sha256_file

#: Files that hold one row per returnee or record: never published.
RECORD_LEVEL_SUFFIXES = (
    ".parquet",
    ".feather",
    ".arrow",
    ".pkl",
    ".pickle",
    ".sav",
    ".dta",
    ".rds",
)
#: Columns that identify a returnee or a record: a table holding one is record-level.
RECORD_KEYS = ("person_key", "person_id", "record_key", "record_id", "returnee_id", "panel_id",
               "retro_id", "row_id")  # fmt: skip
MANIFEST_NAME = "publish_manifest.json"


class NotPublishable(RuntimeError):
    """A file may not be handed over (record-level, or a small cell left unsuppressed)."""


def _csv_header_and_rows(path: Path, *, header_only: bool = False):
    """The header and the data rows of a csv table, read as ``pandas.read_csv`` reads them
    by default (a UTF-8 byte-order mark dropped, blank lines skipped); stdlib only, so that
    the two publish jobs on the report's serial tail do not pay for importing pandas."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = (row for row in csv.reader(handle) if row)
        header = next(rows, [])
        return header, ([] if header_only else list(rows))


def record_level(path: str | Path) -> str | None:
    """Why ``path`` is a record-level file (None when it is not)."""
    path = Path(path)
    if path.suffix.lower() in RECORD_LEVEL_SUFFIXES:
        return f"{path.suffix} data file"
    if path.suffix.lower() == ".csv":
        columns, _ = _csv_header_and_rows(path, header_only=True)
        keys = [c for c in RECORD_KEYS if c in columns]
        if keys:
            return f"table with record-level key column(s) {keys}"
    return None


def _number(text: str) -> float:
    """A cell as a number, NaN when it is none (empty, "NA", text; "1_000": Python's float
    takes digit separators, pandas does not)."""
    try:
        return math.nan if "_" in text else float(text)
    except ValueError:
        return math.nan


def unsuppressed_small_cells(path: str | Path, min_cell: int) -> int:
    """Rows of a table with a group count ``n`` of 1..``min_cell - 1`` not flagged
    ``suppressed`` (``true`` or ``1``, any case; a table with ``n`` and no flag may hold no
    such row)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return 0
    header, rows = _csv_header_and_rows(path)
    if "n" not in header:
        return 0
    at_n = header.index("n")
    at_flag = header.index("suppressed") if "suppressed" in header else None

    def cell(row: list[str], at: int | None) -> str:
        return row[at] if at is not None and at < len(row) else ""  # short row: missing

    return sum(
        0 < _number(cell(row, at_n)) < min_cell
        and cell(row, at_flag).strip().lower() not in ("true", "1")
        for row in rows
    )


def check_publishable(files: dict[str, str | Path], *, min_cell: int) -> None:
    """Raise :class:`NotPublishable` listing every file of ``{name: source}`` that may not be
    published, and why."""
    problems = []
    for name, source in sorted(files.items()):
        if why := record_level(source):
            problems.append(f"{name}: {why}")
        elif small := unsuppressed_small_cells(source, min_cell):
            problems.append(f"{name}: {small} row(s) with 0 < n < {min_cell} not suppressed")
    if problems:
        raise NotPublishable(
            "publish/ refused (nothing copied):\n  - " + "\n  - ".join(problems)
            + "\nFix the stage that wrote the file (disclosure: reintegration.stats.disclosure)."
        )  # fmt: skip


def copy_published(files: dict[str, str | Path], publish_dir: str | Path, *, min_cell: int):
    """Check ``{name inside publish/: source}`` (:func:`check_publishable`), then copy."""
    check_publishable(files, min_cell=min_cell)
    for name, source in sorted(files.items()):
        target = Path(publish_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def publish_manifest(publish_dir: str | Path, *, release: str, scan: dict) -> dict:
    """The seal of ``publish/``: SHA-256 of every file in it (this manifest aside), and the
    privacy scan it passed. Raises :class:`NotPublishable` when the scan did not pass or a
    record-level file is found."""
    if not scan.get("passed"):
        raise NotPublishable("the privacy scan of the release did not pass: publish/ not sealed")
    publish_dir = Path(publish_dir)
    files = sorted(p for p in publish_dir.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    bad = [f"{p.relative_to(publish_dir)}: {why}" for p in files if (why := record_level(p))]
    if bad:
        raise NotPublishable("record-level file(s) in publish/: " + "; ".join(bad))
    return {
        "release": release,
        "what": "files that may be handed over (README: Who may see what)",
        "privacy_scan": {k: scan.get(k) for k in ("passed", "files_scanned", "findings_by_kind")},
        "files": {p.relative_to(publish_dir).as_posix(): sha256_file(p) for p in files},
    }

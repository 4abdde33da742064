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


def record_level(path: str | Path) -> str | None:
    """Why ``path`` is a record-level file (None when it is not)."""
    path = Path(path)
    if path.suffix.lower() in RECORD_LEVEL_SUFFIXES:
        return f"{path.suffix} data file"
    if path.suffix.lower() == ".csv":
        import pandas as pd  # here: sealing publish/ (HTML pages, hashes) needs no pandas

        columns = pd.read_csv(path, nrows=0).columns
        keys = [c for c in RECORD_KEYS if c in columns]
        if keys:
            return f"table with record-level key column(s) {keys}"
    return None


def unsuppressed_small_cells(path: str | Path, min_cell: int) -> int:
    """Rows of a table with a group count ``n`` of 1..``min_cell - 1`` not flagged
    ``suppressed`` (a table with ``n`` and no flag may hold no such row)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return 0
    import pandas as pd

    table = pd.read_csv(path)
    if "n" not in table.columns:
        return 0
    n = pd.to_numeric(table["n"], errors="coerce")
    small = (n > 0) & (n < min_cell)
    if "suppressed" in table.columns:
        small &= ~table["suppressed"].astype(str).str.lower().isin(["true", "1"])
    return int(small.sum())


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

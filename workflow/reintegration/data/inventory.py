"""The file inventory of a wave: every path under the wave folder, and what became of it.

Every path under the wave folder, subfolders included, and every member of a ``.zip``
archive (named ``archive.zip!member.csv``) is classified, so that no file can vanish:

- **read** — a kind extraction reads (:data:`KINDS`); a workbook adds one entry per sheet;
- **skipped** — a name on :data:`SKIPPED_NAMES` / :data:`SKIPPED_PREFIXES` (lock files,
  folder metadata), a hidden sheet, or, when configured (``extract.skip_unknown_files``,
  ``extract.skip_bad_files``), a file of an unknown kind or a bad file, always with a reason;
- **refused** — a symbolic link (never followed: a link could read files outside the wave
  folder, or the same file twice), a file of an unknown kind, an archive inside an archive,
  an encrypted member: the run fails naming the path.

:func:`wave_files` is what the workflow lists as the extract rule's inputs (the same walk),
so a file added in a subfolder reruns the wave.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from reintegration.data.readers import (
    SPREADSHEET_KINDS,
    TEXT_KINDS,
    BadFileError,
    Limits,
    too_large,
)

KINDS = {**TEXT_KINDS, **SPREADSHEET_KINDS, ".zip": "zip"}
#: File names never read, whatever the folder (compared case-insensitively).
SKIPPED_NAMES = {
    ".ds_store": "macOS folder metadata",
    "thumbs.db": "Windows thumbnail cache",
    "ehthumbs.db": "Windows thumbnail cache",
    "desktop.ini": "Windows folder settings",
}
#: Name prefixes never read.
SKIPPED_PREFIXES = {
    "~$": "Office lock file (present while the export is open in Excel)",
    ".~lock.": "LibreOffice lock file (present while the export is open)",
    "._": "macOS resource fork",
}
#: Folder names never entered (in the wave folder and in archives).
SKIPPED_FOLDERS = {"__macosx": "macOS archive metadata"}

READ, SKIPPED, REFUSED = "read", "skipped", "refused"


@dataclass
class Entry:
    """One row of the inventory (``extract_report.json`` ``inventory``; README)."""

    path: str  # relative to the wave folder, '/'-separated; archive members 'a.zip!m.csv'
    kind: str  # csv | text | xlsx | xlsm | xls | ods | zip | system | unknown | symlink | other
    status: str  # read | skipped | refused
    reason: str = ""
    format: str | None = None
    sheet: str = ""
    sheet_state: str = ""  # read | hidden | very_hidden | empty | headers_only | ...
    rows: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Source:
    """A file (or archive member) to read."""

    name: str  # the inventory path
    kind: str
    data: Path | bytes


def skip_reason(name: str) -> str | None:
    """Why a file of this name is never read, or ``None``."""
    lower = name.lower()
    if lower in SKIPPED_NAMES:
        return SKIPPED_NAMES[lower]
    return next((why for p, why in SKIPPED_PREFIXES.items() if lower.startswith(p)), None)


def _walk(wave_dir: Path):
    """``(relative path, full path, lstat)`` of every non-directory under ``wave_dir``,
    sorted; symbolic links to folders are yielded (never entered)."""
    found = []
    for root, dirs, files in os.walk(wave_dir, followlinks=False):
        base = Path(root)
        keep = []
        for d in dirs:
            if (base / d).is_symlink():
                files.append(d)
            elif d.lower() not in SKIPPED_FOLDERS:
                keep.append(d)
        dirs[:] = sorted(keep)
        for f in files:
            full = base / f
            found.append((full.relative_to(wave_dir).as_posix(), full, os.lstat(full)))
    return sorted(found, key=lambda t: t[0])


def wave_files(wave_dir: str | Path) -> list[Path]:
    """The regular files of the wave folder extraction looks at (all but the never-read
    names; symbolic links are left to extraction, which refuses them), sorted: the extract
    rule's raw inputs."""
    return [
        full
        for _, full, st in _walk(Path(wave_dir))
        if stat.S_ISREG(st.st_mode) and not skip_reason(full.name)
    ]


def _update_file(h, path: Path) -> None:
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)


def wave_digest(wave_dir: str | Path, extra: list[str | Path] = ()) -> str:
    """SHA-256 over every path of the wave folder extraction looks at (relative path and
    content; a symbolic link by its target's name) and the ``extra`` files (codebook, links):
    the extract rule's rerun trigger, so a content change reruns it whatever the timestamps.
    A missing wave folder gives the digest of nothing (synthetic data not yet generated)."""
    h = hashlib.sha256()
    wave_dir = Path(wave_dir)
    walked = _walk(wave_dir) if wave_dir.is_dir() else []
    for rel, full, st in walked:
        if skip_reason(full.name):
            continue
        h.update(rel.encode() + b"\0")
        if stat.S_ISLNK(st.st_mode):
            h.update(b"symlink " + os.readlink(full).encode())
        elif stat.S_ISREG(st.st_mode):
            _update_file(h, full)
        h.update(b"\0")
    for path in sorted(map(Path, extra)):
        h.update(path.as_posix().encode() + b"\0")
        if path.is_file():
            _update_file(h, path)
        h.update(b"\0")
    return h.hexdigest()


def _classify(name: str, kind: str | None, skip_unknown: bool) -> Entry | None:
    """The entry of a path not to read (system file, unknown kind), or ``None`` to read it."""
    base = name.rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    why = skip_reason(base)
    if why:
        return Entry(name, "system", SKIPPED, why)
    if kind is None:
        suffix = Path(base).suffix.lower() or "(no extension)"
        if skip_unknown:
            return Entry(
                name, "unknown", SKIPPED, f"kind {suffix} not read (extract.skip_unknown_files)"
            )
        return Entry(
            name,
            "unknown",
            REFUSED,
            f"kind {suffix} is not one extraction reads ({', '.join(sorted(KINDS))}); remove the "
            "file from the wave folder, convert it, or set extract.skip_unknown_files: true",
        )
    return None


def scan(wave_dir: str | Path, limits: Limits, skip_unknown: bool = False):
    """Classify every path of ``wave_dir``.

    Returns ``(sources, entries, bad)``: what to read, the entries of what is not read
    (skipped or refused), and the :class:`BadFileError` of archives or members that cannot
    be opened (the caller applies ``extract.skip_bad_files`` to them as to any bad file).
    """
    wave_dir = Path(wave_dir)
    if not wave_dir.is_dir():
        raise FileNotFoundError(f"wave folder {wave_dir} does not exist")
    sources: list[Source] = []
    entries: list[Entry] = []
    bad: list[BadFileError] = []
    for rel, full, st in _walk(wave_dir):
        if stat.S_ISLNK(st.st_mode):
            entries.append(
                Entry(
                    rel,
                    "symlink",
                    REFUSED,
                    "symbolic link (never followed): put the file itself in the wave folder",
                )
            )
            continue
        if not stat.S_ISREG(st.st_mode):
            entries.append(Entry(rel, "other", REFUSED, "not a regular file"))
            continue
        kind = KINDS.get(full.suffix.lower())
        entry = _classify(rel, kind, skip_unknown)
        if entry is not None:
            entries.append(entry)
        elif kind == "zip":
            _scan_archive(full, rel, limits, skip_unknown, sources, entries, bad)
        else:
            sources.append(Source(rel, kind, full))
    return sources, entries, bad


def _scan_archive(path, rel, limits, skip_unknown, sources, entries, bad) -> None:
    """The members of one zip archive: each classified like a file, read into memory
    within ``limits`` (declared and actual decompressed size)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = sorted((i for i in z.infolist() if not i.is_dir()), key=lambda i: i.filename)
            entries.append(Entry(rel, "zip", READ, f"archive of {len(infos)} member(s)"))
            for info in infos:
                name = f"{rel}!{info.filename}"
                folders = info.filename.lower().split("/")[:-1]
                if any(f in SKIPPED_FOLDERS for f in folders):
                    entries.append(Entry(name, "system", SKIPPED, "macOS archive metadata"))
                    continue
                kind = KINDS.get(Path(info.filename).suffix.lower())
                entry = _classify(name, kind, skip_unknown)
                if entry is None and kind == "zip":
                    entry = Entry(
                        name,
                        "zip",
                        REFUSED,
                        "archive inside an archive: extract it into the wave folder",
                    )
                if entry is None and info.flag_bits & 0x1:
                    entry = Entry(name, kind, REFUSED, "encrypted member: cannot be read")
                if entry is not None:
                    entries.append(entry)
                    continue
                try:
                    sources.append(Source(name, kind, _member_bytes(z, info, name, limits)))
                except BadFileError as error:
                    bad.append(error)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        bad.append(BadFileError(rel, "truncated", f"not a readable zip archive: {error}"))


def _member_bytes(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> bytes:
    if info.file_size > limits.max_bytes:
        raise too_large(name, f"{info.file_size} bytes once decompressed", limits)
    try:
        with z.open(info) as f:
            data = f.read(limits.max_bytes + 1)  # a member may hold more than it declares
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise BadFileError(name, "truncated", f"archive member cannot be read: {error}") from error
    if len(data) > limits.max_bytes:
        raise too_large(name, "its bytes once decompressed", limits)
    return data


def refused(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.status == REFUSED]


def console_summary(reports: dict[str, dict]) -> list[str]:
    """One line per path or sheet not read, for the end of a run (wave, path, reason)."""
    lines = []
    for wave in sorted(reports):
        for e in reports[wave].get("inventory", []):
            if e["status"] != READ:
                where = e["path"] + (f" [sheet {e['sheet']}]" if e["sheet"] else "")
                lines.append(f"  {wave}/{where}: {e['status']} ({e['reason']})")
    return lines


INVENTORY_COLUMNS = [
    "wave",
    "path",
    "kind",
    "status",
    "reason",
    "format",
    "sheet",
    "sheet_state",
    "rows",
]


def inventory_rows(reports: dict[str, dict]) -> list[dict]:
    """Every wave's inventory as rows (``INVENTORY_COLUMNS``), e.g. for the report's
    data-audit page ("files not read": the rows whose status is not ``read``)."""
    return [
        {"wave": wave, **{c: e.get(c) for c in INVENTORY_COLUMNS[1:]}}
        for wave in sorted(reports)
        for e in reports[wave].get("inventory", [])
    ]

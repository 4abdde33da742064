"""Case-id canonicalisation and keyed pseudonyms (STUDY.md §8).

The key comes from the environment variable ``REINTEGRATION_PSEUDONYM_KEY`` or from a local
key file (git-ignored) created once with 32 random bytes (hex) and owner-only permissions. The
key is never logged or written to any output; only its fingerprint (an HMAC of a fixed string
under the key, :func:`key_fingerprint`) is stored with each wave's outputs, so that waves
pseudonymised under different keys (which would split every person in two) are caught:

- the variable and an existing key file holding a different key is an error, not a choice;
- a key file readable by group or others is refused (with the ``chmod 600`` to run);
- a missing key file while earlier waves' outputs exist stops instead of creating a new key;
- pooling waves with different fingerprints stops, naming the waves (:func:`check_same_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shlex
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the release manifest reads the key without pandas
    import pandas as pd

KEY_ENV = "REINTEGRATION_PSEUDONYM_KEY"
PSEUDONYM_LENGTH = 16
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


#: The fixed text whose HMAC under the key is the key's fingerprint (never the key itself).
FINGERPRINT_TEXT = "reintegration:pseudonym-key-fingerprint:v1"
#: Field of a wave's extract_report.json holding the fingerprint of the key it was built with.
FINGERPRINT_FIELD = "pseudonym_key_fingerprint"
REPORT_NAME = "extract_report.json"


class PseudonymKeyError(ValueError):
    """The pseudonymisation key cannot be read or created, or keys of waves differ."""


def key_fingerprint(key: bytes) -> str:
    """HMAC-SHA256 of :data:`FINGERPRINT_TEXT` under ``key``, prefixed ``fp-`` (16 hex).

    Tells two keys apart without revealing either; the prefix keeps it from looking like a
    pseudonym to the privacy scan.
    """
    return "fp-" + pseudonym(key, FINGERPRINT_TEXT)


def fingerprint_field(key: bytes) -> dict[str, str]:
    """The field stored in each wave's extract report: ``{FINGERPRINT_FIELD: fingerprint}``."""
    return {FINGERPRINT_FIELD: key_fingerprint(key)}


def wave_fingerprints(waves_dir: str | Path) -> dict[str, str | None]:
    """``{wave: fingerprint}`` of every wave under ``waves_dir`` with an extract report
    (``None`` for a report written before fingerprints were stored)."""
    out: dict[str, str | None] = {}
    for report in sorted(Path(waves_dir).glob(f"*/{REPORT_NAME}")):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        out[report.parent.name] = data.get(FINGERPRINT_FIELD)
    return out


def _read_key_file(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PseudonymKeyError(
            f"pseudonymisation key file {path} is readable or writable by group or others "
            f"(mode {mode:o}); restrict it to its owner: chmod 600 {shlex.quote(str(path))}"
        )
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise PseudonymKeyError(f"pseudonymisation key file {path} is empty")
    return value.encode("utf-8")


def _lost_key_message(path: Path, earlier: dict[str, str | None]) -> str:
    waves = ", ".join(sorted(earlier))
    return (
        f"pseudonymisation key file {path} is missing (and {KEY_ENV} is unset), but waves "
        f"{waves} were already pseudonymised with a key. A new key would give every person new "
        f"pseudonyms and split them across waves. Restore the key file (from your backup) or "
        f"set {KEY_ENV} to the old key. To re-key on purpose, delete results/waves/ and "
        "re-extract every wave under the new key (README: 'Reliability and privacy')."
    )


def load_key(
    key_file: str | Path = ".pseudonym_key",
    *,
    create: bool = True,
    waves_dir: str | Path | None = None,
) -> bytes:
    """Return the pseudonymisation key (bytes): the env var or the key file (see the module
    docstring for the checks).

    The key file is created atomically (mode 0600) when absent, ``create`` is true and no wave
    under ``waves_dir`` has an extract report yet, so jobs running in parallel all end up with
    the same key.
    """
    value = os.environ.get(KEY_ENV, "").strip()
    path = Path(key_file)
    if value:
        if path.exists() and _read_key_file(path) != value.encode("utf-8"):
            raise PseudonymKeyError(
                f"{KEY_ENV} and the key file {path} hold different keys; pseudonyms would "
                f"depend on which one a job saw. Keep one: unset {KEY_ENV}, or remove/replace "
                f"{path} with the key of the variable (fingerprints: variable "
                f"{key_fingerprint(value.encode('utf-8'))}, file "
                f"{key_fingerprint(_read_key_file(path))})"
            )
        return value.encode("utf-8")
    if not path.exists():
        if not create:
            raise PseudonymKeyError(f"no pseudonymisation key: set {KEY_ENV} or create {path}")
        earlier = wave_fingerprints(waves_dir) if waves_dir is not None else {}
        if earlier:
            raise PseudonymKeyError(_lost_key_message(path, earlier))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic; fails if another job created the key first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return _read_key_file(path)


def check_key_sources(key_file: str | Path) -> None:
    """At workflow parse time: when both the variable and the key file exist, they must hold
    the same key and the file must be owner-only (so even a dry run reports it)."""
    if os.environ.get(KEY_ENV, "").strip() and Path(key_file).exists():
        load_key(key_file, create=False)


def check_same_key(reports: dict[str, str | Path], key: bytes) -> None:
    """Stop when the waves' extract reports (``{wave: path}``) carry different key
    fingerprints, or one differs from ``key``'s, naming the waves and what to do."""
    current = key_fingerprint(key)
    found: dict[str, str | None] = {}
    for wave, report in reports.items():
        data = json.loads(Path(report).read_text(encoding="utf-8"))
        found[wave] = data.get(FINGERPRINT_FIELD)
    unknown = sorted(w for w, f in found.items() if f is None)
    other = sorted(w for w, f in found.items() if f is not None and f != current)
    if not unknown and not other:
        return
    lines = [f"  - wave {w}: key fingerprint {found[w] or 'not recorded'}" for w in sorted(found)]
    raise PseudonymKeyError(
        "the release's waves were not all pseudonymised with the current key (fingerprint "
        f"{current}); pooling them would split every person they share.\n"
        + "\n".join(lines)
        + "\nUse the same key for every wave: restore the key the waves "
        f"{', '.join(other + unknown)} were built with (key file or {KEY_ENV}), or re-key on "
        "purpose by re-extracting those waves under the current key (delete "
        + ", ".join(f"results/waves/{w}/" for w in other + unknown)
        + " and re-run)."
    )


def canonical_case_id(raw: object) -> str:
    """Upper case, every non-alphanumeric character dropped: ``gin/2019/000123`` -> ``GIN2019000123``."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    return _NON_ALNUM.sub("", str(raw)).upper()


def canonical_case_ids(raw: pd.Series) -> pd.Series:
    """Vectorised :func:`canonical_case_id`; missing stays missing (empty ids become NA)."""
    out = raw.astype("string").str.replace(_NON_ALNUM.pattern, "", regex=True).str.upper()
    return out.mask(out == "")


def pseudonym(key: bytes, text: str) -> str:
    """HMAC-SHA256 of ``text`` under ``key``, first 16 hex characters."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def pseudonymise(canonical: pd.Series, key: bytes) -> pd.Series:
    """Pseudonym of each canonical case id (computed once per distinct id); NA stays NA."""
    uniques = canonical.dropna().unique()
    mapping = {c: pseudonym(key, c) for c in uniques}
    return canonical.map(mapping).astype("string")


def release_keys(key: bytes, release: str, person_ids) -> dict[str, str]:
    """``{person_id: release-scoped key}``: HMAC(key, ``release:<release>:<person_id>``)[:16]."""
    return {p: pseudonym(key, f"release:{release}:{p}") for p in person_ids}


def release_key(
    key: bytes, release: str, person_id: pd.Series, keys: dict[str, str] | None = None
) -> pd.Series:
    """Release-scoped person key of each row (:func:`release_keys`; ``keys``: computed before,
    for these ids or more); NA stays NA."""
    if keys is None:
        keys = release_keys(key, release, person_id.dropna().unique())
    return person_id.map(keys).astype("string")

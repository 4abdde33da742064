"""Case-id canonicalisation and keyed pseudonyms (STUDY.md §8).

The key comes from the environment variable ``REINTEGRATION_PSEUDONYM_KEY`` or, failing
that, from a local key file (git-ignored) created once with 32 random bytes (hex) and
owner-only permissions. The key is never logged or written to any output.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import pandas as pd

KEY_ENV = "REINTEGRATION_PSEUDONYM_KEY"
PSEUDONYM_LENGTH = 16
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


class PseudonymKeyError(RuntimeError):
    """The pseudonymisation key cannot be read or created."""


def load_key(key_file: str | Path = ".pseudonym_key", *, create: bool = True) -> bytes:
    """Return the pseudonymisation key (bytes): env var first, else the key file.

    The key file is created atomically (mode 0600) when absent and ``create`` is true, so
    jobs running in parallel all end up with the same key.
    """
    value = os.environ.get(KEY_ENV, "").strip()
    if value:
        return value.encode("utf-8")
    path = Path(key_file)
    if not path.exists():
        if not create:
            raise PseudonymKeyError(f"no pseudonymisation key: set {KEY_ENV} or create {path}")
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
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise PseudonymKeyError(f"pseudonymisation key file {path} is empty")
    return value.encode("utf-8")


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


def release_key(key: bytes, release: str, person_id: pd.Series) -> pd.Series:
    """Release-scoped person key: HMAC(key, ``release:<release>:<person_id>``)[:16]."""
    uniques = person_id.dropna().unique()
    mapping = {p: pseudonym(key, f"release:{release}:{p}") for p in uniques}
    return person_id.map(mapping).astype("string")

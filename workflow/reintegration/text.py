"""Normalisation of labels and headers so that trivial spelling differences match."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def normalise(text: object) -> str:
    """Casefold, strip accents, unify apostrophes and collapse whitespace.

    ``"  Très  Satisfait "`` and ``"tres satisfait"`` both become ``"tres satisfait"``.
    Used for answer labels and raw headers alike, so that the codebook lists each
    spelling once and exports that differ only in case, spacing or accents still match.
    """
    if text is None:
        return ""
    s = str(text)
    if s.isascii():  # the same steps, without those that leave ASCII as it is (NFKD, accents)
        return _SPACES.sub(" ", s.replace("`", "'")).strip().casefold()
    s = unicodedata.normalize("NFKD", s.translate(_APOSTROPHES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _SPACES.sub(" ", s).strip().casefold()


def split_variants(variants: object) -> list[str]:
    """Split a ``|``-separated variants cell into its non-empty parts."""
    if variants is None or (isinstance(variants, float) and variants != variants):
        return []
    return [part.strip() for part in str(variants).split("|") if part.strip()]

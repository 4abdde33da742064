"""Pooling a release's scored waves into one table, with release-scoped person and record keys.

Nothing of the pooled table points back at a raw file: the wave record id
(``<wave>/<file>:<sheet>:<row>``) is dropped, rows are put in *content order* (wave, then a
hash of the record's content without its identifiers), and each record gets a release-scoped
``record_key`` = HMAC(key, ``record:<release>:<person_key>:<content hash>``)[:16], which
cannot be joined across releases. The row order depends on content only (not on file names,
raw row positions, the release name or the key), so a stable sort on it is a tie-breaker
that gives the same results under any release name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reintegration.data.hashing import row_hashes
from reintegration.data.pseudonym import pseudonym, release_key

#: Columns that legitimately differ between two deliveries of the same record.
WAVE_SPECIFIC = ("record_id", "wave", "source_format")
#: Identifiers left out of the content hash that orders the rows (keys depend on the key).
IDENTITY = ("record_id", "person_id")


def content_hash(frame: pd.DataFrame, exclude=IDENTITY) -> np.ndarray:
    """Unkeyed 64-bit hash of each row's content (columns in name order, identifiers out)."""
    return row_hashes(frame, sorted(c for c in frame.columns if c not in exclude))


def content_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by wave, then content hash (stable), index reset."""
    order = pd.DataFrame(
        {"wave": frame["wave"].astype("string").to_numpy(), "h": content_hash(frame)}
    )
    positions = order.sort_values(["wave", "h"], kind="stable").index.to_numpy()
    return frame.iloc[positions].reset_index(drop=True)


def record_keys(key: bytes, release: str, person_keys: pd.Series, hashes) -> pd.Series:
    values = [
        pseudonym(key, f"record:{release}:{p}:{h:016x}")
        for p, h in zip(person_keys.fillna("<NA>"), hashes, strict=True)
    ]
    return pd.Series(values, index=person_keys.index, dtype="string")


def pool_waves(
    frames: dict[str, pd.DataFrame], release: str, key: bytes
) -> tuple[pd.DataFrame, dict]:
    """Stack ``{wave: scores}``; drop exact cross-wave duplicates (identical in every column
    but record id, wave and format; the earliest wave's row is kept); order rows by content;
    replace the wave pseudonym ``person_id`` by the release key ``person_key`` and the record
    id by the release-scoped ``record_key``.

    Returns ``(records, summary)``; the summary counts rows per wave and duplicates dropped.
    """
    waves = sorted(frames)
    rows_by_wave = {w: int(len(frames[w])) for w in waves}
    stacked = pd.concat([frames[w] for w in waves], ignore_index=True)
    frames = None  # freed here when the caller handed over its only reference (pool_records.py)
    compare = [c for c in stacked.columns if c not in WAVE_SPECIFIC]
    duplicate = pd.Series(row_hashes(stacked, compare)).duplicated(keep="first").to_numpy()
    dropped = stacked.loc[duplicate, "wave"].value_counts().sort_index()
    n_stacked = len(stacked)
    # Content order of the kept rows (as content_order), taken from the stacked table in one
    # copy: a row's hash does not depend on the other rows.
    keep = np.flatnonzero(~duplicate)
    hashes = content_hash(stacked)[keep]
    order = pd.DataFrame({"wave": stacked["wave"].astype("string").to_numpy()[keep], "h": hashes})
    positions = order.sort_values(["wave", "h"], kind="stable").index.to_numpy()
    pooled = stacked.iloc[keep[positions]].reset_index(drop=True)
    hashes = hashes[positions]
    del stacked, order
    person_keys = release_key(key, release, pooled["person_id"])
    pooled = pooled.drop(columns=[c for c in IDENTITY if c in pooled.columns])
    pooled.insert(0, "record_key", record_keys(key, release, person_keys, hashes))
    pooled.insert(1, "person_key", person_keys)
    summary = {
        "release": release,
        "waves": waves,
        "rows_by_wave": rows_by_wave,
        "rows_stacked": int(n_stacked),
        "cross_wave_duplicates_dropped": int(duplicate.sum()),
        "duplicates_dropped_by_wave": {str(k): int(v) for k, v in dropped.items()},
        "rows_pooled": int(len(pooled)),
        "persons": int(pooled["person_key"].nunique()),
    }
    return pooled, summary

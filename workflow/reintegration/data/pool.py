"""Pooling a release's scored waves into one table, with release-scoped person keys."""

from __future__ import annotations

import pandas as pd

from reintegration.data.pseudonym import release_key

#: Columns that legitimately differ between two deliveries of the same record.
WAVE_SPECIFIC = ("record_id", "wave", "source_format")


def pool_waves(
    frames: dict[str, pd.DataFrame], release: str, key: bytes
) -> tuple[pd.DataFrame, dict]:
    """Stack ``{wave: scores}`` in wave order; drop exact cross-wave duplicates (identical in
    every column but record id, wave and format; the earliest wave's row is kept); replace
    the wave pseudonym ``person_id`` by the release key ``person_key``.

    Returns ``(records, summary)``; the summary counts rows per wave and duplicates dropped.
    """
    waves = sorted(frames)
    stacked = pd.concat([frames[w] for w in waves], ignore_index=True)
    compare = [c for c in stacked.columns if c not in WAVE_SPECIFIC]
    hashed = pd.util.hash_pandas_object(
        stacked[compare].astype("string").fillna("<NA>"), index=False
    )
    duplicate = pd.Series(hashed.to_numpy()).duplicated(keep="first").to_numpy()
    dropped = stacked.loc[duplicate, "wave"].value_counts().sort_index()
    pooled = stacked.loc[~duplicate].reset_index(drop=True)
    pooled.insert(1, "person_key", release_key(key, release, pooled["person_id"]))
    pooled = pooled.drop(columns=["person_id"])
    summary = {
        "release": release,
        "waves": waves,
        "rows_by_wave": {w: int(len(frames[w])) for w in waves},
        "rows_stacked": int(len(stacked)),
        "cross_wave_duplicates_dropped": int(duplicate.sum()),
        "duplicates_dropped_by_wave": {str(k): int(v) for k, v in dropped.items()},
        "rows_pooled": int(len(pooled)),
        "persons": int(pooled["person_key"].nunique()),
    }
    return pooled, summary

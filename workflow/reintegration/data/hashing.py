"""Row hashes of a table's content, computed a block of rows at a time.

A row's hash is ``pandas.util.hash_pandas_object`` of its cells as text (missing = ``<NA>``),
without the index: it depends on that row's text only, so hashing in blocks of rows gives the
same values as hashing the whole table at once (date columns, whose text format pandas picks
for the whole column, are converted whole), while the text copy of the cells (many times the
size of the typed columns) exists for one block only. Pooling and cleaning hash every record
(duplicates, content order); at 100x a whole-table text copy took gigabytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Rows hashed at a time: bounds the text copy (about 100 MB for 120 columns).
BLOCK_ROWS = 50_000


def row_hashes(
    frame: pd.DataFrame, columns: Sequence[str], block_rows: int = BLOCK_ROWS
) -> np.ndarray:
    """uint64 hash of each row of ``frame[columns]`` as text (missing cells ``<NA>``)."""
    if block_rows < 1:
        raise ValueError(f"block_rows must be a positive integer, got {block_rows!r}")
    columns = list(columns)
    # Dates and durations are written as text in one format for the whole column (with the
    # time of day as soon as one value has one): converted once, not block by block.
    whole = {c: frame[c].astype("string") for c in columns if frame[c].dtype.kind in "mM"}
    out = np.empty(len(frame), dtype=np.uint64)
    for start in range(0, len(frame), block_rows):
        block = frame.iloc[start : start + block_rows][columns]
        text = block.astype("string")
        for c, converted in whole.items():
            text[c] = converted.iloc[start : start + len(block)].set_axis(text.index)
        text = text.fillna("<NA>")
        out[start : start + len(block)] = pd.util.hash_pandas_object(text, index=False).to_numpy()
    return out

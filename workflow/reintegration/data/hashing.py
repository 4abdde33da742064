"""Row hashes of a table's content, computed a column at a time.

A row's hash is ``pandas.util.hash_pandas_object`` of its cells as text (missing = ``<NA>``),
without the index. pandas hashes each column and folds the column hashes into the row hash
in column order (``combine_hash_arrays``, CPython's tuple hash); :class:`RowHash` does the
same fold one column at a time, so the text copy of the cells (many times the size of the
typed columns) exists for one column only, and a column's hash can feed several row hashes
(pooling needs two) or be computed per wave. Date columns must be converted to text whole
(pandas picks one text format for a whole date column: with the time of day as soon as one
value has one), which is why :func:`column_hash` takes whole columns. Pooling and cleaning
hash every record (duplicates, content order); at 100x a whole-table text copy took gigabytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SEED, _FINAL, _MULT = np.uint64(0x345678), np.uint64(97531), np.uint64(1000003)


def column_hash(column: pd.Series) -> np.ndarray:
    """uint64 hash of each cell of ``column`` as text (missing ``<NA>``), as pandas hashes
    that column inside a table (:func:`pandas.util.hash_pandas_object`)."""
    if column.dtype.kind in "fiub":  # numbers, booleans: text and hash of each distinct value
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        if not (np.signbit(values) & (values == 0)).any():  # -0.0 and 0.0: one value, 2 texts
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            distinct = pd.Series(np.append(np.asarray(uniques, dtype=object), pd.NA))
            return _text_hash(distinct.astype("string"))[codes]
    return _text_hash(column.astype("string"))


def _text_hash(text: pd.Series) -> np.ndarray:
    if getattr(text.dtype, "storage", None) == "pyarrow":
        # Arrow fills the gaps 2-3x faster than Series.fillna (a masked replace) does; the
        # same strings in the same dtype, so the same hashes (issue 16: pooling at 100x)
        filled = pc.fill_null(pa.array(text.array), "<NA>")
        text = pd.Series(pd.array(filled, dtype=text.dtype), index=text.index)
        return pd.util.hash_pandas_object(text, index=False).to_numpy()
    return pd.util.hash_pandas_object(text.fillna("<NA>"), index=False).to_numpy()


class RowHash:
    """Row hashes of ``n_columns`` columns folded in one column hash at a time, in order."""

    def __init__(self, n_rows: int, n_columns: int):
        self.out = np.full(n_rows, _SEED, dtype=np.uint64)
        self.n_columns, self.added, self.mult = n_columns, 0, _MULT

    def add(self, hashes: np.ndarray) -> None:
        if self.added == self.n_columns:
            raise ValueError(f"more than the {self.n_columns} column(s) announced")
        inverse = self.n_columns - self.added
        self.out ^= hashes
        self.out *= self.mult
        self.mult += np.uint64(82520 + inverse + inverse)
        self.added += 1

    def result(self) -> np.ndarray:
        if self.added != self.n_columns:
            raise ValueError(f"{self.added} of {self.n_columns} column(s) added")
        return self.out + _FINAL


def row_hashes(frame: pd.DataFrame, columns: Sequence[str], rows=None) -> np.ndarray:
    """uint64 hash of each row of ``frame[columns]`` as text (missing cells ``<NA>``); with
    ``rows`` (a boolean mask), of those rows only, without a copy of the selected table."""
    columns = list(columns)
    hashes = RowHash(len(frame) if rows is None else int(np.count_nonzero(rows)), len(columns))
    for c in columns:
        hashes.add(column_hash(frame[c] if rows is None else frame[c][rows]))
    return hashes.result()

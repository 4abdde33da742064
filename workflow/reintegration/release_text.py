"""Release files as the privacy scan reads them (reintegration.privacy): as text.

Parquet: every column name and distinct cell value (numeric columns too: a phone number or a
case id can be stored as a number); csv, json, md, html, svg, ipynb and other text files as
text, with embedded base64 images left out; png: its text chunks.
"""

from __future__ import annotations

import contextlib
import json
import re
import struct
import zlib
from pathlib import Path

DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s]+")


def _png_text(data: bytes) -> str:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG file."""
    out, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            try:
                out.append(
                    key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1")
                )
            except zlib.error:
                out.append(key.decode("latin-1"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            compressed = rest[:1] == b"\x01"
            rest = rest[2:]
            _, _, rest = rest.partition(b"\x00")  # language tag
            _, _, text = rest.partition(b"\x00")  # translated keyword
            with contextlib.suppress(zlib.error):
                text = zlib.decompress(text) if compressed else text
            out.append(key.decode("latin-1") + " " + text.decode("utf-8", "replace"))
        pos += 12 + length
    return "\n".join(out)


def _strip_notebook_images(obj):
    if isinstance(obj, dict):
        return {
            k: _strip_notebook_images(v)
            for k, v in obj.items()
            if not (isinstance(k, str) and k.startswith("image/") and k != "image/svg+xml")
        }
    if isinstance(obj, list):
        return [_strip_notebook_images(v) for v in obj]
    return obj


#: Cells of a parquet file read into one pandas table at a time: a default-scale table (the
#: pooled records, 8k rows x 118 columns) in one read, a 100x one column by column (there
#: the pooled records take 1.5 GB as one pandas table; issue 16). Only the memory and the
#: number of reads depend on it, never the text.
PARQUET_CELLS_PER_READ = 1_000_000


def _parquet_text(path: Path) -> str:
    """The column names, then each column's distinct values, one per line; the columns read
    in batches of at most :data:`PARQUET_CELLS_PER_READ` cells."""
    import pandas as pd
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    schema = file.schema_arrow
    index = (schema.pandas_metadata or {}).get("index_columns", [])
    names = [n for n in schema.names if n not in {c for c in index if isinstance(c, str)}]
    per_read = max(1, PARQUET_CELLS_PER_READ // max(1, file.metadata.num_rows))
    file.close()
    parts = [" ".join(names)]
    for start in range(0, len(names), per_read):
        batch = names[start : start + per_read]
        table = pd.read_parquet(path, columns=batch)
        for name in batch:
            values = table[name].dropna()
            if values.dtype == object or str(values.dtype) in ("string", "str", "category"):
                parts.append("\n".join(str(v) for v in values.astype("string").unique()))
            else:
                parts.append("\n".join(map(str, pd.unique(values.to_numpy()))))
        del table
    return "\n".join(parts)


def file_text(path: Path, data: bytes | None = None) -> str:
    """The text of a release file to scan (see the module docstring); ``data``: its bytes if
    already read."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_text(path)
    data = path.read_bytes() if data is None else data
    if suffix == ".png":
        return _png_text(data)
    text = data.decode("utf-8", errors="replace")
    if suffix == ".ipynb":
        with contextlib.suppress(json.JSONDecodeError):
            text = json.dumps(_strip_notebook_images(json.loads(text)), ensure_ascii=False)
    return DATA_URI.sub(" ", text)

"""The synthetic-data marking: one wording, drawn into figures, added to tables and pages.

A figure or table lifted out of the report must not read as real IOM returnee data, so when a
release is built from synthetic exports (``data.source: synthetic``) every page carries a
banner, every figure a footer line (drawn into the PNG and SVG, and recorded in their metadata
so a copy is never stamped twice) and every published table a ``data_source`` column. With real
data (``data.source: raw``) nothing is added.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

#: The footer and banner text (one wording everywhere).
SYNTHETIC_NOTE = "Synthetic data \u2014 not IOM returnee data"
#: Metadata key recording the marking in PNG text chunks and SVG metadata.
METADATA_KEY = "Description"
#: Column added to published tables.
COLUMN = "data_source"
SOURCES = ("synthetic", "raw")


def is_synthetic(data_source: str | None) -> bool:
    """True for ``"synthetic"``; ``None`` or ``"raw"`` mean no marking; anything else fails."""
    if data_source is None:
        return False
    if data_source not in SOURCES:
        raise ValueError(f"data_source {data_source!r}: allowed values are {', '.join(SOURCES)}")
    return data_source == "synthetic"


def mark_table(df, data_source: str | None):
    """``df`` with a last column ``data_source`` (the source) when the data are synthetic."""
    if not is_synthetic(data_source):
        return df
    return df.assign(**{COLUMN: data_source})


def mark_csv_text(text: str, data_source: str | None) -> str:
    """CSV text with a ``data_source`` column appended to every row (cells kept verbatim)."""
    if not is_synthetic(data_source):
        return text
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or COLUMN in rows[0]:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], COLUMN])
    for row in rows[1:]:
        writer.writerow([*row, data_source] if row else row)
    return out.getvalue()


def png_is_marked(path: str | Path) -> bool:
    from PIL import Image

    with Image.open(path) as image:
        return image.info.get(METADATA_KEY) == SYNTHETIC_NOTE


def svg_is_marked(path: str | Path) -> bool:
    return SYNTHETIC_NOTE in Path(path).read_text(encoding="utf-8")


def stamp_png(source: str | Path, target: str | Path) -> None:
    """Copy a PNG with the footer line added below it (for figures saved without the keyword).

    The canvas grows by one text line at the bottom; the original pixels are not touched.
    """
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    with Image.open(source) as image:
        image = image.convert("RGBA")
    # The figures' own font (shipped with matplotlib): the same on every machine, with the dash.
    font = ImageFont.truetype(
        font_manager.findfont("DejaVu Sans", fallback_to_default=True), max(12, image.width // 65)
    )
    height = int(font.size * 1.8)
    canvas = Image.new("RGBA", (image.width, image.height + height), "white")
    canvas.paste(image, (0, 0))
    ImageDraw.Draw(canvas).text(
        (8, image.height + height // 5), SYNTHETIC_NOTE, fill="#8a1c00", font=font
    )
    info = PngImagePlugin.PngInfo()
    info.add_text(METADATA_KEY, SYNTHETIC_NOTE)
    canvas.save(target, format="PNG", pnginfo=info, optimize=True)


def stamp_svg(text: str) -> str:
    """SVG text with the footer line added as a text element at the bottom left."""
    end = text.rfind("</svg>")
    if end < 0:
        raise ValueError("not an SVG document: no closing </svg>")
    note = (
        f'<text x="4" y="99.5%" font-family="sans-serif" font-size="11" fill="#8a1c00">'
        f"{SYNTHETIC_NOTE}</text>"
    )
    return text[:end] + note + "\n" + text[end:]


def copy_marked(source: str | Path, target: str | Path, data_source: str | None) -> None:
    """Copy a release file into the report folder, marked when the data are synthetic.

    CSV: a ``data_source`` column; PNG/SVG: the footer line unless the figure already carries
    it (saved with ``save_figure(..., data_source=...)``); Markdown: a first line; other files
    verbatim. With real data every file is copied byte for byte.
    """
    from reintegration.io import atomic_write, write_text

    source, target = Path(source), Path(target)
    synthetic = is_synthetic(data_source)
    suffix = source.suffix.lower()
    if synthetic and suffix == ".csv":
        write_text(mark_csv_text(source.read_text(encoding="utf-8"), data_source), target)
    elif synthetic and suffix == ".png" and not png_is_marked(source):
        atomic_write(target, lambda tmp: stamp_png(source, tmp))
    elif synthetic and suffix == ".svg" and not svg_is_marked(source):
        write_text(stamp_svg(source.read_text(encoding="utf-8")), target)
    elif synthetic and suffix == ".md":
        write_text(f"> {SYNTHETIC_NOTE}\n\n" + source.read_text(encoding="utf-8"), target)
    else:
        data = source.read_bytes()
        atomic_write(target, lambda tmp: Path(tmp).write_bytes(data))

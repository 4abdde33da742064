"""Caption notes on departures from the original report (issue 15 item 5).

``config/published/figure_notes.csv`` holds, for each figure of this report that has a number
in the original, what the original shows and where this one differs (encoding, sample, N):
columns ``figure_file`` (file stem), ``original_figure``, ``original_shows``, ``this_differs``.
Published numbers are never typed there: ``{section.key.sub}`` names a value of
``config/published/targets.yaml`` and is filled in when the note is shown.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

__all__ = ["COLUMNS", "fill", "load_figure_notes", "note_html"]

COLUMNS = ["figure_file", "original_figure", "original_shows", "this_differs"]
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def _lookup(targets: dict, dotted: str) -> str:
    value: object = targets
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(f"figure note: {dotted!r} is not in the published targets")
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def fill(text: str, targets: dict) -> str:
    """``text`` with each ``{section.key}`` replaced by its published value."""
    return _PLACEHOLDER.sub(lambda m: _lookup(targets, m.group(1)), text)


def load_figure_notes(
    path: str | Path | None, targets: str | Path | dict | None = None
) -> dict[str, dict[str, str]]:
    """File stem -> its note (``original_figure``, ``original_shows``, ``this_differs``), placeholders filled from ``targets`` (a dict or targets.yaml).
    No ``path`` (or a missing file): no notes."""
    if path is None or not Path(path).exists():
        return {}
    if targets is None or isinstance(targets, dict):
        published = targets or {}
    else:
        from reintegration.published import load_targets

        published = load_targets(targets)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: columns missing: {missing}")
    notes = {}
    for row in table.itertuples(index=False):
        notes[row.figure_file] = dict(
            original_figure=row.original_figure,
            original_shows=fill(row.original_shows, published),
            this_differs=fill(row.this_differs, published),
        )
    return notes


def note_html(note: dict[str, str]) -> str:
    """The note as a caption paragraph (HTML-escaped)."""
    number = html.escape(note["original_figure"])
    return (
        f'<p class="figure-note"><strong>Against the original ({number}).</strong> '
        f"The original shows: {html.escape(note['original_shows'])} "
        f"This figure differs: {html.escape(note['this_differs'])}</p>"
    )

"""What the chapter notebooks call to show a release's exhibits (no computation here).

A chapter notebook knows its sections and, for each, file-name patterns of the exhibits that
belong there (e.g. ``figure_01*``). :class:`Chapter` reads the release's ``exhibits.csv``, shows
each matching exhibit once (figures embedded, tables as HTML with a link to the CSV), says so
plainly when an expected exhibit is absent, and lists at the end any exhibit of the chapter no
section claimed. File names can therefore change without editing the notebooks.
"""

from __future__ import annotations

import fnmatch
import html
import os
from pathlib import Path

import pandas as pd

#: Rows of a table shown in the page; the full table is one click away (the CSV).
MAX_ROWS = 40


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def format_value(value) -> str:
    """Numbers with 4 significant digits (integers as integers), missing as empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


def table_html(df: pd.DataFrame, max_rows: int = MAX_ROWS, *, wrap: bool = False) -> str:
    """A DataFrame as a plain HTML table (first ``max_rows`` rows), values formatted stably.

    ``wrap``: let long cells wrap (default: one line per row, the table scrolls sideways).
    """
    shown = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for record in shown.itertuples(index=False, name=None):
        cells = "".join(f"<td>{html.escape(format_value(v))}</td>" for v in record)
        rows.append(f"<tr>{cells}</tr>")
    note = ""
    if len(df) > max_rows:
        note = f"<p><em>First {max_rows} of {len(df)} rows.</em></p>"
    return (
        f'<div class="exhibit-wrap"><table class="exhibit-table{" wrap" if wrap else ""}">'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{note}"
    )


class Chapter:
    """The exhibits of one chapter of one release, shown section by section."""

    def __init__(self, exhibits_csv: str | Path, chapter: str, report_dir: str | Path):
        self.report_dir = Path(report_dir)
        exhibits = pd.read_csv(exhibits_csv, dtype=str, keep_default_na=False)
        exhibits = exhibits.reindex(columns=["exhibit", "file", "rule", "chapter"])
        self.exhibits = exhibits.loc[(exhibits["chapter"] == chapter).astype(bool)].reset_index(
            drop=True
        )
        self.shown: set[str] = set()

    def _link(self, file: str) -> str:
        return Path(os.path.relpath(file, self.report_dir)).as_posix()

    def matching(self, patterns: list[str]) -> pd.DataFrame:
        """Exhibits whose file name matches any pattern, in exhibit-list order."""
        names = self.exhibits["file"].map(lambda f: Path(f).name)
        mask = names.map(lambda n: any(fnmatch.fnmatch(n, p) for p in patterns)).astype(bool)
        return self.exhibits.loc[mask]

    def show(self, patterns: list[str], *, expected: str | None = None) -> None:
        """Show every not yet shown exhibit matching ``patterns`` (returns nothing, so that a
        notebook cell ending with it displays no stray value).

        ``expected`` names what the section should hold; when nothing matches, the page says
        that this exhibit is not part of the release rather than silently skipping it.
        """
        found = self.matching(patterns)
        found = found.loc[~found["file"].isin(list(self.shown)).astype(bool)]
        if found.empty:
            if expected:
                _html(f"<p><em>Not in this release: {html.escape(expected)}.</em></p>")
            return
        for row in found.itertuples(index=False):
            self.show_file(row.exhibit, row.file)

    def show_file(self, exhibit: str, file: str) -> None:
        self.shown.add(file)
        path = Path(file)
        link = self._link(file)
        title = f"<h4>{html.escape(exhibit)}</h4>"
        if path.suffix == ".png":
            from IPython.display import Image

            _html(title)
            _display(Image(filename=str(path), alt=exhibit))
            svg = path.with_suffix(".svg")
            extra = f' (<a href="{self._link(str(svg))}">SVG</a>)' if svg.exists() else ""
            _html(f'<p class="exhibit-source">File: <code>{html.escape(link)}</code>{extra}</p>')
        elif path.suffix == ".svg":
            # Shown through its PNG twin when there is one; otherwise linked.
            png = path.with_suffix(".png")
            if str(png) in set(self.exhibits["file"]):
                return
            _html(f'{title}<p><a href="{link}">{html.escape(link)}</a></p>')
        elif path.suffix == ".csv":
            df = pd.read_csv(path, keep_default_na=False, na_values=[""])
            _html(
                f"{title}{table_html(df)}"
                f'<p class="exhibit-source">Full table: <a href="{link}">'
                f"<code>{html.escape(link)}</code></a></p>"
            )
        else:
            _html(f'{title}<p><a href="{link}"><code>{html.escape(link)}</code></a></p>')

    def show_rest(self) -> None:
        """Show the chapter's exhibits no section claimed (new or renamed files)."""
        rest = self.exhibits.loc[~self.exhibits["file"].isin(list(self.shown)).astype(bool)]
        if rest.empty:
            return
        _html("<h2>Further exhibits of this chapter</h2>")
        for row in rest.itertuples(index=False):
            self.show_file(row.exhibit, row.file)

    def table(self, pattern: str) -> pd.DataFrame | None:
        """Load the first table of the chapter whose file name matches ``pattern`` (or None)."""
        found = self.matching([pattern])
        found = found.loc[found["file"].str.endswith(".csv").astype(bool)]
        if found.empty:
            return None
        return pd.read_csv(found["file"].iloc[0], keep_default_na=False, na_values=[""])


def show_table(df: pd.DataFrame, max_rows: int = MAX_ROWS, *, wrap: bool = False) -> None:
    """Show a DataFrame (already loaded) as a stable HTML table."""
    _html(table_html(df, max_rows=max_rows, wrap=wrap))

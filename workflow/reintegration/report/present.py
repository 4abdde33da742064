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
import re
from pathlib import Path

import pandas as pd

from reintegration.report.column_labels import LABELS, label

__all__ = ["LABELS", "Chapter", "label", "show_table", "table_html"]


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


#: Rows of a table shown at once; the others are behind a "show all" (plain HTML <details>).
MAX_ROWS = 25

#: Columns never shown in a page (the banner says it for the whole page).
HIDDEN = {"data_source"}


def is_p_value(column: str) -> bool:
    name = str(column).lower()
    return (
        name in ("p", "p_value", "pvalue")
        or name.startswith(("p_value", "p_"))
        or name.endswith("_p_value")
    )


def format_value(value, *, p_value: bool = False) -> str:
    """Numbers with 3 decimals (integers as integers), p-values below 0.001 as ``< 0.001``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if p_value:
            return "< 0.001" if value < 0.001 else f"{value:.3f}"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.3f}"
    return str(value)


def sort_for_reading(df: pd.DataFrame) -> pd.DataFrame:
    """Country tables by score, highest first, within each outcome (outcomes in the table's
    order); other tables as written."""
    value = next((c for c in ("mean", "composite", "estimate") if c in df.columns), None)
    if "country" not in df.columns or value is None or not pd.api.types.is_numeric_dtype(df[value]):
        return df
    group = next((c for c in ("outcome", "dimension", "type") if c in df.columns), None)
    order = pd.Series(-df[value].to_numpy(), index=df.index)
    if group is None:
        return df.loc[order.sort_values(kind="stable", na_position="last").index]
    rank = {g: i for i, g in enumerate(dict.fromkeys(df[group]))}
    keys = pd.DataFrame({"g": df[group].map(rank), "v": order})
    return df.loc[keys.sort_values(["g", "v"], kind="stable", na_position="last").index]


def _rows_html(df: pd.DataFrame) -> str:
    p_columns = [is_p_value(c) for c in df.columns]
    rows = []
    for record in df.itertuples(index=False, name=None):
        cells = "".join(
            f"<td>{html.escape(format_value(v, p_value=p))}</td>"
            for v, p in zip(record, p_columns, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return "".join(rows)


def table_html(df: pd.DataFrame, max_rows: int = MAX_ROWS, *, wrap: bool | None = None) -> str:
    """A DataFrame as a plain HTML table with human labels and formatted numbers.

    The first ``max_rows`` rows are shown; the others follow inside a ``<details>`` element
    ("show all", no script). The table scrolls sideways when wider than the page. ``wrap``: let
    long cells wrap instead (default: when some cell holds long prose).
    """
    df = df[[c for c in df.columns if c not in HIDDEN]]
    if wrap is None:
        wrap = _has_long_text(df)
    head = "".join(
        f'<th title="{html.escape(str(c))}">{html.escape(label(c))}</th>' for c in df.columns
    )
    klass = f"exhibit-table{' wrap' if wrap else ''}"

    def table(part: pd.DataFrame) -> str:
        return (
            f'<div class="exhibit-wrap"><table class="{klass}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{_rows_html(part)}</tbody></table></div>"
        )

    if len(df) <= max_rows:
        return table(df)
    return (
        f"{table(df.head(max_rows))}<details><summary>Show all {len(df)} rows</summary>"
        f"{table(df.iloc[max_rows:])}</details>"
    )


def not_estimable_reason(df: pd.DataFrame) -> str | None:
    """The reason of a table following the "not estimable" convention, else None."""
    if "status" not in df.columns or df.empty:
        return None
    status = df["status"].astype(str).str.strip().str.lower()
    if not (status == "not estimable").all():
        return None
    reasons = df["reason"].dropna().astype(str).unique().tolist() if "reason" in df.columns else []
    return "; ".join(reasons) or "no reason recorded"


def _has_long_text(df: pd.DataFrame, limit: int = 48) -> bool:
    """True when some cell holds long prose (words), which reads better wrapped than on one
    line; long unbroken codes (file names, hashes) keep one line and the table scrolls."""
    columns = df.select_dtypes(include=["object", "string"]).columns
    for c in columns:
        text = df[c].dropna().astype(str)
        if bool(((text.str.len() > limit) & text.str.contains(" ")).any()):
            return True
    return False


def exhibit_title(exhibit: str, file: str) -> str:
    """One naming for every exhibit: the registered name, or one made from the file name
    (``chapter2_country_means.csv`` -> ``Table: country means``) when nobody named it."""
    path = Path(file)
    if exhibit and exhibit != path.stem:
        return exhibit
    stem = re.sub(r"^(chapter\d+|audit)_", "", path.stem)
    kind = "Figure" if path.suffix in (".png", ".svg") else "Table"
    return f"{kind}: {label(stem).lower()}"


class Chapter:
    """The exhibits of one chapter of one release, shown section by section.

    Files are read from their copies inside ``report_dir`` (made by the rule ``report_files``,
    marked when the data are synthetic) when those exist, so every link stays inside the
    report folder.
    """

    def __init__(
        self,
        exhibits_csv: str | Path,
        chapter: str,
        report_dir: str | Path,
        *,
        figure_notes: str | Path | None = None,
        targets: str | Path | None = None,
    ):
        """``figure_notes``/``targets``: config/published/figure_notes.csv and targets.yaml,
        for the caption note under each figure with a number in the original report."""
        from reintegration.report.figure_notes import load_figure_notes

        self.notes = load_figure_notes(figure_notes, targets)
        self.report_dir = Path(report_dir)
        exhibits = pd.read_csv(exhibits_csv, dtype=str, keep_default_na=False)
        exhibits = exhibits.reindex(columns=["exhibit", "file", "rule", "chapter"])
        self.all_exhibits = exhibits
        self.exhibits = exhibits.loc[(exhibits["chapter"] == chapter).astype(bool)].reset_index(
            drop=True
        )
        self.shown: set[str] = set()

    def local(self, file: str) -> Path:
        """The report folder's copy of a release file, if it exists (else the file itself)."""
        try:
            relative = Path(file).relative_to(self.report_dir.parent)
        except ValueError:
            return Path(file)
        copy = self.report_dir / relative
        return copy if copy.exists() else Path(file)

    def _link(self, file: str) -> str:
        return Path(os.path.relpath(self.local(file), self.report_dir)).as_posix()

    def matching(self, patterns: list[str], chapter: str | None = None) -> pd.DataFrame:
        """Exhibits whose file name matches any pattern, in exhibit-list order (of this
        chapter, or of ``chapter``: e.g. a chapter's rows of the reproduction check)."""
        exhibits = self.exhibits
        if chapter is not None:
            exhibits = self.all_exhibits.loc[(self.all_exhibits["chapter"] == chapter).astype(bool)]
        names = exhibits["file"].map(lambda f: Path(f).name)
        mask = names.map(lambda n: any(fnmatch.fnmatch(n, p) for p in patterns)).astype(bool)
        return exhibits.loc[mask]

    def show_notes(self, name: str, *, title: str) -> None:
        """Show a Markdown file of the release's tables (e.g. a regression's notes)."""
        path = self.local(str(self.report_dir.parent / "tables" / name))
        if not path.exists():
            _html(f"<p><em>Not in this release: {html.escape(title)}.</em></p>")
            return
        self.show_file(title, str(self.report_dir.parent / "tables" / name))

    def show(
        self, patterns: list[str], *, expected: str | None = None, chapter: str | None = None
    ) -> None:
        """Show every not yet shown exhibit matching ``patterns`` (returns nothing, so that a
        notebook cell ending with it displays no stray value).

        ``expected`` names what the section should hold; when nothing matches, the page says
        that this exhibit is not part of the release rather than silently skipping it.
        """
        # In the order of the patterns: the notebook decides what comes first in a section.
        found = pd.concat([self.matching([p], chapter) for p in patterns] or [self.exhibits[:0]])
        found = found.drop_duplicates(subset="file")
        found = found.loc[~found["file"].isin(list(self.shown)).astype(bool)]
        if found.empty:
            if expected:
                _html(f"<p><em>Not in this release: {html.escape(expected)}.</em></p>")
            return
        for row in found.itertuples(index=False):
            self.show_file(row.exhibit, row.file)

    def show_file(self, exhibit: str, file: str) -> None:
        self.shown.add(file)
        path = self.local(file)
        link = self._link(file)
        name = exhibit_title(exhibit, file)
        title = f"<h4>{html.escape(name)}</h4>"
        if path.suffix == ".png":
            _html(title)
            if path.is_relative_to(self.report_dir):
                # The report folder holds the figure: link it (pages stay small, the notebook
                # holds no copy of the image).
                _html(
                    f'<p class="figure"><img src="{html.escape(link)}" alt="{html.escape(name)}"'
                    "></p>"
                )
            else:
                from IPython.display import Image

                _display(Image(filename=str(path), alt=name))
            svg = path.with_suffix(".svg")
            extra = f' (<a href="{self._link(str(svg))}">SVG</a>)' if svg.exists() else ""
            _html(
                f'<p class="exhibit-source">File: <a href="{html.escape(link)}">'
                f"<code>{html.escape(link)}</code></a>{extra}</p>"
            )
            if path.stem in self.notes:
                from reintegration.report.figure_notes import note_html

                _html(note_html(self.notes[path.stem]))
        elif path.suffix == ".svg":
            # Shown through its PNG twin when there is one; otherwise linked.
            png = Path(file).with_suffix(".png")
            if str(png) in set(self.exhibits["file"]):
                return
            _html(f'{title}<p><a href="{link}">{html.escape(link)}</a></p>')
        elif path.suffix == ".csv":
            df = pd.read_csv(path, keep_default_na=False, na_values=[""])
            reason = not_estimable_reason(df)
            body = (
                f'<p class="not-estimable">Not estimable in this release: {html.escape(reason)}.</p>'
                if reason
                else table_html(sort_for_reading(df))
            )
            _html(
                f"{title}{body}"
                f'<p class="exhibit-source">Full-precision table: <a href="{html.escape(link)}">'
                f"<code>{html.escape(link)}</code></a></p>"
            )
        elif path.suffix == ".md":
            from IPython.display import Markdown

            _html(title)
            _display(Markdown(path.read_text(encoding="utf-8")))
            _html(f'<p class="exhibit-source">File: <a href="{link}"><code>{link}</code></a></p>')
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
        df = pd.read_csv(self.local(found["file"].iloc[0]), keep_default_na=False, na_values=[""])
        return df[[c for c in df.columns if c not in HIDDEN]]


def show_table(df: pd.DataFrame, max_rows: int = MAX_ROWS, *, wrap: bool | None = None) -> None:
    """Show a DataFrame (already loaded) as a stable HTML table."""
    _html(table_html(df, max_rows=max_rows, wrap=wrap))

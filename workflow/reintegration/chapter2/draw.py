"""Drawing the Chapter II figures from their specification (:data:`~.outputs.FIGURES`): one
loop reads each figure's tables, draws it (or the reason it is not estimable) and saves it."""

from __future__ import annotations

import inspect
from functools import partial
from pathlib import Path

import pandas as pd

from reintegration.estimable import figure_reason, reason_figure
from reintegration.figures.jobs import draw_jobs

from .figures import (
    _bar_by_country,
    _by_sex,
    _coefficients,
    _heatmap,
    _stacked,
    _term_label,
    _trendlines,
)
from .outputs import FIGURES

__all__ = ["DRAW", "FIGURES", "make_figures"]


def _coefficients_published(pub: pd.DataFrame, *, title: str, note: str):
    pub = pub.assign(label=pub["term"].map(_term_label))
    table = pub[pub["term"] != "(Intercept)"]
    return _coefficients(table, label_col="label", p_col="p_value", title=title, note=note)


def _coefficients_full(full: pd.DataFrame, *, title: str, note: str):
    keep = (
        (full["vcov"] == "cluster")
        & (full["term"] != "(Intercept)")
        & ~full["term"].str.startswith("country")
        # terms whose clustered inference is empty (absorbed by the clusters), see `note`
        & (full["note"].fillna("").astype(str) == "")
    )
    return _coefficients(
        full[keep], label_col="label", p_col="p_value_boot", title=title, note=note
    )


def _n(figure_ns: pd.DataFrame, key: str | None, column: str) -> int | None:
    if key is None:
        return None
    return dict(zip(figure_ns["quantity"], figure_ns[column], strict=True)).get(key)


def _heatmap_n(table, figure_ns, *, indicator, min_cell, title, n_key):
    n_total = _n(figure_ns, n_key, "n_with_programme")
    return _heatmap(table, indicator, min_cell=min_cell, title=title, n_total=n_total)


def _stacked_n(dist, figure_ns, *, item, labels, min_cell, title, n_key=None):
    n_total = _n(figure_ns, n_key, "n")
    return _stacked(dist, item, labels, min_cell=min_cell, title=title, n_total=n_total)


#: Drawing functions by the name a :class:`~reintegration.chapter2.outputs.Figure` gives.
DRAW = {
    "bar_by_country": _bar_by_country,
    "trendlines": _trendlines,
    "coefficients_published": _coefficients_published,
    "coefficients_full": _coefficients_full,
    "heatmap": _heatmap_n,
    "stacked": _stacked_n,
    "by_sex": _by_sex,
}


def _draw(spec, args, context):
    """One figure of :data:`FIGURES`, or the reason it is not estimable."""
    reason = figure_reason(*args)
    if reason is not None:
        return reason_figure(spec.title, reason)
    draw = DRAW[spec.draw]
    wanted = inspect.signature(draw).parameters
    extra = {k: v for k, v in context.items() if k in wanted and k not in spec.args}
    return draw(*args, **spec.args, **extra)


def make_figures(
    *,
    tables_dir: str | Path,
    codebook: str | Path,
    out_dir: str | Path,
    min_cell: int,
    data_source: str,
    threads: int = 1,
) -> list[Path]:
    """Draw every figure of :data:`FIGURES` from the Chapter II tables into ``out_dir``, on
    ``threads`` processes (the files do not depend on it).

    A figure whose input table is not estimable shows the reason instead.
    """
    from .labels import load_labels
    from .outputs import FIGURE_TABLES

    context = {"labels": load_labels(codebook), "min_cell": min_cell}
    tables: dict[str, pd.DataFrame] = {}
    jobs = []
    for stem, spec in FIGURES.items():
        for key in spec.tables:
            if key not in tables:
                path = Path(tables_dir) / FIGURE_TABLES[key]
                tables[key] = pd.read_csv(path, keep_default_na=False, na_values=[""])
        args = [tables[key] for key in spec.tables]
        jobs.append((stem, partial(_draw, spec, args, context)))
    return draw_jobs(jobs, out_dir=out_dir, data_source=data_source, threads=threads)

"""Preconditions of the analyses and the "not estimable" convention (issue 12, Build 4).

An analysis declares what it needs (:data:`PRECONDITIONS`); when a need is not met it raises
:class:`NotEstimable` with the reason in plain words (which condition, the counts, the config
key that would change it). The stage then writes every output the rule declares anyway: tables
as ``status, reason`` (``status == "not estimable"``), figures showing the reason as text, and
the reproduction rows ``not computed: <reason>``. A broken input (bad file, codebook problem)
still stops the run; an analysis a valid delivery cannot support never does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from reintegration.io import write_csv, write_parquet, write_text

NOT_ESTIMABLE = "not estimable"
STATUS_COLUMNS = ("status", "reason")

#: analysis -> what it needs (the README and the report list these).
PRECONDITIONS: dict[str, str] = {
    "chapter2 dataset": "at least one country with more than cross_country.min_records returnees",
    "chapter2 descriptives": "the chapter2 dataset",
    "chapter2 regression (Annex 3)": "at least 2 countries above cross_country.min_records and "
    "more complete rows than model terms",
    "chapter2 regression (full)": "the reference country cross_country.full_reference_country in "
    "the dataset and at least 2 countries (clusters of the wild bootstrap)",
    "chapter2 trends": "at least one of cross_country.trend_countries in the dataset",
    "chapter3 panel": "records of a panel country (panel.countries); phone-survey respondents "
    "without an earlier record at most panel.max_unmatched_phone_share; mentored and "
    "non-mentored panel returnees, each at least disclosure.min_cell_size",
    "chapter3 panel tables": "the chapter3 panel",
    "chapter3 selection-adjusted DiD": "the chapter3 panel",
    "chapter3 retrospective": "pre-migration module records (pre_<item> answers) of a panel "
    "country",
    "chapter3 Morocco": "records of panel.morocco_country",
}


class NotEstimable(Exception):
    """A declared precondition of ``analysis`` does not hold; ``reason`` says which and why."""

    def __init__(self, analysis: str, reason: str):
        super().__init__(f"{analysis}: {reason}")
        self.analysis = analysis
        self.reason = reason


def require(holds: bool, analysis: str, reason: str) -> None:
    """Raise :class:`NotEstimable` unless ``holds``."""
    if not holds:
        raise NotEstimable(analysis, reason)


def table(reason: str) -> pd.DataFrame:
    """The one-row output table of an analysis that cannot be computed."""
    return pd.DataFrame({"status": [NOT_ESTIMABLE], "reason": [reason]})


def reason_of(df: object) -> str | None:
    """The reason when ``df`` is a not-estimable table, else None."""
    if not isinstance(df, pd.DataFrame) or "status" not in df.columns or "reason" not in df:
        return None
    if len(df) and (df["status"].astype(str) == NOT_ESTIMABLE).all():
        return "; ".join(dict.fromkeys(df["reason"].astype(str)))
    return None


def require_inputs(analysis: str, **tables: object) -> None:
    """Raise :class:`NotEstimable` when an input table is itself not estimable (propagation)."""
    for df in tables.values():
        reason = reason_of(df)
        if reason is not None:
            raise NotEstimable(analysis, reason)


def count_list(counts: Mapping[str, int], *, min_cell: int) -> str:
    """``{"NGA": 24, "GIN": 3}`` as ``"NGA 24, GIN < 5"``: counts of 1 to ``min_cell - 1``
    are not printed (disclosure control applies to reason texts too)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{k} {v if v == 0 or v >= min_cell else f'< {min_cell}'}" for k, v in items]
    return ", ".join(shown) or "none"


def write_outputs(outputs: Mapping[str, object], paths: Mapping[str, str | Path]) -> None:
    """Write each named output to its path by suffix (.csv, .parquet, .md/.txt)."""
    for name, value in outputs.items():
        path = Path(paths[name])
        if path.suffix == ".parquet":
            write_parquet(value, path)
        elif path.suffix == ".csv":
            write_csv(value, path)
        else:
            write_text(str(value), path)


def write_not_estimable(paths: Mapping[str, str | Path], reason: str) -> None:
    """Every declared output of a stage, holding ``reason`` (tables) or saying it (text)."""
    write_outputs(
        {
            name: (table(reason) if Path(p).suffix in (".csv", ".parquet") else _text(reason))
            for name, p in paths.items()
        },
        paths,
    )


def _text(reason: str) -> str:
    return f"# Not estimable\n\n{reason}\n"


def run_stage(
    analysis: str,
    compute: Callable[[], Mapping[str, object]],
    paths: Mapping[str, str | Path],
) -> str | None:
    """Write ``compute()``'s outputs, or every output as not estimable; return the reason."""
    try:
        outputs = compute()
    except NotEstimable as exc:
        print(f"not estimable: {exc}")
        write_not_estimable(paths, exc.reason)
        return exc.reason
    missing = sorted(set(paths) - set(outputs))
    if missing:
        raise RuntimeError(f"{analysis}: outputs {missing} were declared but not computed")
    write_outputs(outputs, paths)
    return None


def reason_figure(title: str, reason: str):
    """A figure that says why the analysis behind it could not be computed."""
    import textwrap

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 1.6))
    ax.axis("off")
    ax.set_title(f"{title}: not estimable", loc="left")
    ax.text(0.0, 0.9, textwrap.fill(reason, 90), va="top", ha="left", transform=ax.transAxes)
    return fig


def figure_reason(*tables: object) -> str | None:
    """The first not-estimable reason among a figure's input tables (None: draw it)."""
    for df in tables:
        reason = reason_of(df)
        if reason is not None:
            return reason
    return None

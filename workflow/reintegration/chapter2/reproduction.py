"""The Chapter II rows of ``tables/reproduction.csv``: the rows of config/published/checks.csv
whose quantity is a Chapter II extractor (:mod:`reintegration.chapter2.quantities`), each
published number beside this run's value. Tolerances and their reasons are in checks.csv."""

from __future__ import annotations

import pandas as pd

from reintegration.reproduction import evaluate

from .labels import Labels
from .quantities import QUANTITIES

__all__ = ["chapter2_rows"]


def chapter2_rows(
    *, targets: dict, checks: pd.DataFrame, labels: Labels, tables: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Every Chapter II check of ``checks`` evaluated on ``tables`` (counts, means,
    assistance, shares, figure_ns, published_tidy, published_glance, slopes, data); a
    not-estimable input gives its rows as "not computed: <reason>"."""
    iso = {label: code for code, label in labels.choices["countries"].items()}
    return evaluate(checks, quantities=QUANTITIES, tables=tables, ctx={"iso": iso}, targets=targets)

"""The Chapter III rows of ``tables/reproduction.csv``: the rows of config/published/checks.csv
whose quantity is a Chapter III extractor (:mod:`reintegration.chapter3.quantities`)."""

from __future__ import annotations

import pandas as pd

from reintegration.reproduction import evaluate

from .quantities import QUANTITIES

__all__ = ["chapter3_reproduction"]


def chapter3_reproduction(
    targets: dict, *, checks: pd.DataFrame, iso: dict[str, str], tables: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """The Chapter III part of tables/reproduction.csv (standard columns).

    ``iso`` maps the country names of targets.yaml to codes (the codebook's countries list);
    ``tables`` holds table4, means, did, effect_sizes, regression, shares, retrospective,
    retrospective_tests, morocco_summary, morocco_change and phone_match. Rows whose input
    table is not estimable read "not computed: <reason>".
    """
    return evaluate(checks, quantities=QUANTITIES, tables=tables, ctx={"iso": iso}, targets=targets)

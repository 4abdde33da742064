"""The columns each Chapter II stage reads from the analysis dataset.

At 100x the dataset is 5 x 10^5 returnees x 120 columns, 1.7 GB in pandas; a stage reads the
columns its functions use (issue 16). A column left out here makes the stage fail loudly
(``check_columns`` names it), never silently change a table.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from .descriptives import DISTRIBUTION_ITEMS
from .labels import OUTCOMES, Labels

__all__ = [
    "REGRESSION_COLUMNS",
    "REPRODUCTION_COLUMNS",
    "TREND_COLUMNS",
    "descriptive_columns",
    "read_dataset",
]

#: A table written as "not estimable" holds these (``reintegration.estimable``).
STATUS_COLUMNS = ("status", "reason")
SCORES = tuple(f"score_{o}" for o in OUTCOMES)
#: Every assistance indicator (``assist_<type>``) is read by the stages that use any.
ASSISTANCE_PREFIX = "assist_"

REGRESSION_COLUMNS = (
    "returnee_id",
    "country",
    "country_label",
    "gender",
    "female",
    "age",
    "time",
    "assistance_recorded",
    *SCORES,
)
TREND_COLUMNS = ("country", "time", *SCORES)
REPRODUCTION_COLUMNS = ("returnee_id", "return_type")


def descriptive_columns(labels: Labels) -> tuple[str, ...]:
    """The descriptive tables' columns: scores, assistance, the tabulated items and the items
    of the codebook's Chapter II indicators."""
    items = sorted({item for item, _, _ in labels.indicators("chapter2").values()})
    fixed = ("returnee_id", "country", "sex", *SCORES, "n_types", "assistance_recorded")
    return (*fixed, "assistance_level", *DISTRIBUTION_ITEMS, *items)


def read_dataset(
    path: str | Path, columns: Iterable[str], *, assistance: bool = False
) -> pd.DataFrame:
    """The ``columns`` of the dataset at ``path`` that it holds (and every ``assist_*`` with
    ``assistance``), plus the not-estimable status, in the file's column order (so tables
    that list the assistance types keep the dataset's order)."""
    wanted = {*columns, *STATUS_COLUMNS}
    names = pq.read_schema(path).names
    keep = [n for n in names if n in wanted or (assistance and n.startswith(ASSISTANCE_PREFIX))]
    return pd.read_parquet(path, columns=keep)

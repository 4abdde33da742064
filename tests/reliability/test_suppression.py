"""Small cells are suppressed in every published table (and so in every figure drawn from one).

On the seeded tiny release (conftest.py): every csv under tables/ with a group count ``n`` must
flag each row with ``n`` below ``disclosure.min_cell_size`` as ``suppressed`` and blank its
statistics; a table with ``n`` but no ``suppressed`` column (sample sizes) may hold no row
with ``0 < n < min_cell_size`` at all.
"""

from __future__ import annotations

import pandas as pd
import pytest
from snakemake_runner import tiny_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Statistics that must be blank in a suppressed row (when the table has them).
STATISTICS = [
    "mean", "sd", "se", "conf_low", "conf_high", "share", "value", "count", "mean_first",
    "mean_last", "mean_change", "mean_before", "mean_after", "statistic", "p_value", "estimate",
    "mentored", "mentored_share",
]  # fmt: skip


def test_every_table_with_group_counts_suppresses_small_cells(seeded_release):
    min_cell = tiny_config()["disclosure"]["min_cell_size"]  # the overlay merged on the default
    tables = sorted((seeded_release["release_dir"] / "tables").glob("*.csv"))
    checked, small_rows = [], 0
    for path in tables:
        df = pd.read_csv(path)
        if "n" not in df.columns:
            continue
        checked.append(path.name)
        n = pd.to_numeric(df["n"], errors="coerce")
        small = n < min_cell
        if "suppressed" not in df.columns:
            # Without a flag, no row may come from 1..min_cell-1 returnees (0 discloses nobody).
            assert not (small & (n > 0)).any(), f"{path.name}: 0 < n < {min_cell}, no flag"
            continue
        flag = df["suppressed"].astype(str).str.lower().isin(["true", "1"])
        assert flag[small].all(), f"{path.name}: rows with n < {min_cell} not suppressed"
        small_rows += int(small.sum())
        numeric = [
            c for c in STATISTICS if c in df.columns and pd.api.types.is_numeric_dtype(df[c])
        ]
        for col in numeric:  # a text column named e.g. `value` is a category, not a statistic
            shown = df.loc[small, col].notna()
            assert not shown.any(), f"{path.name}: {col} shown in {int(shown.sum())} small cell(s)"
    assert len(checked) >= 5, checked
    print(f"\n{len(checked)} tables with group counts checked; {small_rows} small cells suppressed")

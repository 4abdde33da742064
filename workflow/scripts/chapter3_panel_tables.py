"""Chapter III panel tables: means, indicator shares, balance, change regression, DiD, Annex 4."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import add_table_arguments, table_paths
from reintegration.chapter3.stage import make_panel_tables

RULE = "chapter3_panel_tables"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--panel", required=True)
    p.add_argument("--codebook", required=True, help="codebook folder (indicators.csv)")
    add_table_arguments(p, RULE)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--vcov", default="HC3", help="change regression covariance (HC3, HC1, ...)")
    p.add_argument("--min-clusters", type=int, default=10, help="panel.min_clusters")
    a = p.parse_args(argv)
    make_panel_tables(
        panel=a.panel,
        codebook=a.codebook,
        out=table_paths(a, RULE),
        min_cell=a.min_cell,
        vcov=a.vcov,
        min_clusters=a.min_clusters,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Retrospective pre-migration vs first post-return comparison: dataset, paired tests, distributions."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import add_table_arguments, table_paths
from reintegration.chapter3.stage import make_retrospective
from reintegration.data.io import add_pooled_records_argument

RULE = "chapter3_retrospective"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    add_pooled_records_argument(p)
    p.add_argument("--codebook", required=True, help="codebook folder (yes/no items -> McNemar)")
    p.add_argument("--data", required=True, help="internal/retrospective.parquet to write")
    add_table_arguments(p, RULE)
    p.add_argument("--countries", nargs="+", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    a = p.parse_args(argv)
    make_retrospective(
        records=a.records,
        codebook=a.codebook,
        data_out=a.data,
        out=table_paths(a, RULE),
        countries=a.countries,
        min_cell=a.min_cell,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

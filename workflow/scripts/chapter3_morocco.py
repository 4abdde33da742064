"""Morocco snapshot (indicative): summary, answer shares and score change, with disclosure control."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import add_table_arguments, table_paths
from reintegration.chapter3.stage import make_morocco
from reintegration.data.io import add_pooled_records_argument

RULE = "chapter3_morocco"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    add_pooled_records_argument(p)
    p.add_argument("--codebook", required=True, help="codebook folder (indicators.csv)")
    add_table_arguments(p, RULE)
    p.add_argument("--country", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    a = p.parse_args(argv)
    make_morocco(
        records=a.records,
        codebook=a.codebook,
        out=table_paths(a, RULE),
        country=a.country,
        min_cell=a.min_cell,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

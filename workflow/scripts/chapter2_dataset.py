"""Chapter II analysis dataset: internal/cross_country.parquet, the programme table, counts."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter2.stage import make_dataset
from reintegration.data.io import add_pooled_records_argument


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    add_pooled_records_argument(p)
    p.add_argument("--codebook", required=True)
    p.add_argument("--min-records", type=int, required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--out-data", required=True)
    p.add_argument("--out-programmes", required=True)
    p.add_argument("--out-counts", required=True)
    a = p.parse_args(argv)
    make_dataset(
        a.records,
        codebook=a.codebook,
        min_records=a.min_records,
        min_cell=a.min_cell,
        out_data=a.out_data,
        out_programmes=a.out_programmes,
        out_counts=a.out_counts,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

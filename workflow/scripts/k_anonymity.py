"""k-anonymity of the release's record-level data (issue 17) -> tables/audit_k_anonymity.csv:
share of records whose quasi-identifiers are shared by fewer than k persons, for the data as
released (internal/, return dates to month; also by year) and, on exact dates, for the pooled
records before coarsening (a working file, never released)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reintegration.anonymity import SOURCE_COLUMNS, k_anonymity_table
from reintegration.data.io import read_parquet
from reintegration.io import write_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    # NAME, then its parquet file or parts (the exact-date pooled records: one file a wave)
    parser.add_argument("--data", action="append", nargs="+", metavar="NAME PARQUET")
    parser.add_argument(
        "--before-coarsening", action="append", nargs="+", metavar="NAME PARQUET", default=[]
    )
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    datasets = {name: read_parquet(parts, columns=SOURCE_COLUMNS) for name, *parts in args.data}
    exact = {
        name: read_parquet(parts, columns=SOURCE_COLUMNS) for name, *parts in args.before_coarsening
    }
    table = k_anonymity_table(datasets, k=args.k, before_coarsening=exact)
    write_csv(table, args.out)
    for row in table.dropna(subset=["records"]).itertuples(index=False):
        print(
            f"{row.dataset} ({row.data}, {row.return_date} return dates): {row.records_k_below} "
            f"of {row.records} records with k < {row.k} ({row.share_k_below:.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""k-anonymity of the release's record-level data (issue 17) -> tables/audit_k_anonymity.csv:
share of records whose quasi-identifiers are shared by fewer than k persons, with exact and
month-coarsened return dates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reintegration.data.io import read_parquet
from reintegration.io import write_csv
from reintegration.privacy import k_anonymity_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", action="append", nargs=2, metavar=("NAME", "PARQUET"))
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    datasets = {name: read_parquet(path) for name, path in args.data}
    table = k_anonymity_table(datasets, k=args.k)
    write_csv(table, args.out)
    for row in table.itertuples(index=False):
        print(
            f"{row.dataset} ({row.return_date} return dates): {row.records_k_below} of "
            f"{row.records} records with k < {row.k} ({row.share_k_below:.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

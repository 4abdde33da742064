"""The release's suppression log (issue 17): every suppressed cell of the published tables,
primary or secondary, never its value -> tables/suppression_log.csv (+ counts on stdout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from reintegration.io import write_csv
from reintegration.stats.disclosure import count_suppressed, suppression_log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    tables = {p.stem: pd.read_csv(p) for p in args.tables}
    log = suppression_log(tables)
    write_csv(log, args.out)
    counts = count_suppressed(log)
    print(
        f"{len(tables)} tables read, {log['table'].nunique()} with suppressed cells: "
        f"{counts['primary']} primary, {counts['secondary']} secondary"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

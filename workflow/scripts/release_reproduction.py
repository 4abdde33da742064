"""Combine the chapters' reproduction parts into tables/reproduction.csv (+ a summary)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd
from reintegration.io import write_csv
from reintegration.reproduction import combine, summarise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--parts", nargs="+", required=True, help="reproduction_<chapter>.csv files")
    p.add_argument("--out", required=True)
    p.add_argument("--summary", required=True)
    a = p.parse_args(argv)
    parts = [pd.read_csv(path, keep_default_na=False, na_values=[""]) for path in a.parts]
    table = combine(parts)
    summary = summarise(table)
    write_csv(table, a.out)
    write_csv(summary, a.summary)
    print(summary.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

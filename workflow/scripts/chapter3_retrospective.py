"""Retrospective pre-migration vs first post-return comparison: dataset, paired tests, distributions."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.stage import make_retrospective


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--records", required=True)
    p.add_argument("--codebook", required=True, help="codebook folder (yes/no items -> McNemar)")
    p.add_argument("--data", required=True, help="data/retrospective.parquet to write")
    p.add_argument("--tests", required=True)
    p.add_argument("--distributions", required=True)
    p.add_argument("--countries", nargs="+", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    a = p.parse_args(argv)
    make_retrospective(
        records=a.records,
        codebook=a.codebook,
        data_out=a.data,
        tests_out=a.tests,
        distributions_out=a.distributions,
        countries=a.countries,
        min_cell=a.min_cell,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chapter II figures 1-14 (+ supplementary indicator figures), from the Chapter II tables."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter2.draw import make_figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tables-dir", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--data-source", required=True, help="config data.source (synthetic/raw)")
    p.add_argument("--threads", type=int, default=1, help="processes drawing the figures")
    a = p.parse_args(argv)
    make_figures(
        tables_dir=a.tables_dir,
        codebook=a.codebook,
        out_dir=a.out_dir,
        min_cell=a.min_cell,
        data_source=a.data_source,
        threads=a.threads,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

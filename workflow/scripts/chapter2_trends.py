"""Chapter II trendlines (Figure 2): slopes and 95% bands of score on years since return."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter2.stage import make_trends


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--countries", nargs="+", required=True, help="ISO3 codes")
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--out-slopes", required=True)
    p.add_argument("--out-bands", required=True)
    a = p.parse_args(argv)
    make_trends(
        a.data,
        codebook=a.codebook,
        countries=a.countries,
        min_cell=a.min_cell,
        out_slopes=a.out_slopes,
        out_bands=a.out_bands,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

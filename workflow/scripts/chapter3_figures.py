"""Draw the Chapter III figures (Figures 15-31 and the selection-adjusted DiD's two)."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import FIGURE_INPUTS
from reintegration.chapter3.stage import make_figures

INPUTS = list(FIGURE_INPUTS)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    for name in INPUTS:
        p.add_argument(f"--{name.replace('_', '-')}", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--data-source", required=True, help="config data.source (synthetic/raw)")
    p.add_argument("--threads", type=int, default=1, help="processes drawing the figures")
    a = p.parse_args(argv)
    make_figures(
        inputs={n: getattr(a, n) for n in INPUTS},
        codebook=a.codebook,
        out_dir=a.out_dir,
        min_cell=a.min_cell,
        data_source=a.data_source,
        threads=a.threads,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

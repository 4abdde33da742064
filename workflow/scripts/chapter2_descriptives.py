"""Chapter II descriptive tables (country means and tiers, assistance, indicators, by sex)."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter2.stage import make_descriptives


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--programmes", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--tier-a-above", type=float, required=True)
    p.add_argument("--tier-c-at-or-below", type=float, required=True)
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    make_descriptives(
        a.data,
        a.programmes,
        codebook=a.codebook,
        min_cell=a.min_cell,
        a_above=a.tier_a_above,
        c_at_or_below=a.tier_c_at_or_below,
        out_dir=a.out_dir,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

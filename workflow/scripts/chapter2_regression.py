"""Chapter II regressions: the published (Annex 3) and full specifications."""

from __future__ import annotations

import argparse
import sys

from reintegration.allocator import keep_freed_memory
from reintegration.chapter2.regression_stage import make_regressions

OUTPUTS = [
    "published",
    "published_glance",
    "published_vs_annex",
    "notes",
    "full",
    "full_glance",
]


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # the bootstrap's large temporaries, freed and made again per term/draw
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--programmes", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--reference", required=True, help="ISO3 reference country of the full spec")
    p.add_argument("--bootstrap-B", type=int, required=True)
    p.add_argument("--bootstrap-weights", required=True, choices=["webb", "rademacher"])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--workers", type=int, default=1, help="processes fitting the outcomes")
    for name in OUTPUTS:
        p.add_argument(f"--out-{name.replace('_', '-')}", required=True)
    a = p.parse_args(argv)
    make_regressions(
        a.data,
        a.programmes,
        codebook=a.codebook,
        reference=a.reference,
        bootstrap_B=a.bootstrap_B,
        bootstrap_weights=a.bootstrap_weights,
        seed=a.seed,
        min_cell=a.min_cell,
        workers=a.workers,
        **{f"out_{name}": getattr(a, f"out_{name}") for name in OUTPUTS},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

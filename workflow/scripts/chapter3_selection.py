"""Selection-adjusted DiD (IPW / doubly robust) and randomisation inference beside the plain DiD."""

from __future__ import annotations

import argparse
import sys

from reintegration.allocator import keep_freed_memory
from reintegration.chapter3.outputs import add_table_arguments, table_paths
from reintegration.chapter3.stage import make_selection

RULE = "chapter3_selection"


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # the bootstrap's large temporaries, freed and made again per term/draw
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--panel", required=True)
    add_table_arguments(p, RULE)
    p.add_argument("--ipw-methods", nargs="+", required=True, help="ipw and/or dr")
    p.add_argument("--ipw-B", type=int, required=True)
    p.add_argument("--ipw-seed", type=int, required=True)
    p.add_argument("--ri-B", type=int, required=True)
    p.add_argument("--ri-seed", type=int, required=True)
    p.add_argument("--min-cell", type=int, required=True)
    p.add_argument("--max-failure-share", type=float, required=True)
    p.add_argument("--workers", type=int, default=1, help="processes fitting the resamples")
    a = p.parse_args(argv)
    make_selection(
        panel=a.panel,
        out=table_paths(a, RULE),
        ipw_methods=a.ipw_methods,
        ipw_B=a.ipw_B,
        ipw_seed=a.ipw_seed,
        ri_B=a.ri_B,
        ri_seed=a.ri_seed,
        min_cell=a.min_cell,
        max_failure_share=a.max_failure_share,
        workers=a.workers,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chapter III rows of the reproduction check (tables/reproduction_chapter3.csv)."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import REPRODUCTION_INPUTS, add_table_arguments, table_paths
from reintegration.chapter3.stage import make_reproduction

RULE = "chapter3_reproduction"
INPUTS = list(REPRODUCTION_INPUTS)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    for name in INPUTS:
        p.add_argument(f"--{name.replace('_', '-')}", required=True)
    p.add_argument("--targets", required=True, help="config/published/targets.yaml")
    p.add_argument("--checks", required=True, help="config/published/checks.csv")
    p.add_argument("--codebook", required=True)
    add_table_arguments(p, RULE)
    a = p.parse_args(argv)
    make_reproduction(
        inputs={n: getattr(a, n) for n in INPUTS},
        codebook=a.codebook,
        out=table_paths(a, RULE)["table"],
        targets=a.targets,
        checks=a.checks,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chapter II rows of the reproduction check (tables/reproduction_chapter2.csv)."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter2.stage import make_reproduction
from reintegration.reproduction import summarise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    for name in ("data", "counts", "tables-dir", "published", "published-glance", "slopes"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--codebook", required=True)
    p.add_argument("--targets", required=True, help="config/published/targets.yaml")
    p.add_argument("--checks", required=True, help="config/published/checks.csv")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    table = make_reproduction(
        codebook=a.codebook,
        data=a.data,
        counts=a.counts,
        tables_dir=a.tables_dir,
        published=a.published,
        published_glance=a.published_glance,
        slopes=a.slopes,
        out=a.out,
        targets=a.targets,
        checks=a.checks,
    )
    print(summarise(table).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

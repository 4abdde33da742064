"""Morocco snapshot (indicative): summary, answer shares and score change, with disclosure control."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.stage import make_morocco


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--records", required=True)
    p.add_argument("--codebook", required=True, help="codebook folder (indicators.csv)")
    p.add_argument("--summary", required=True)
    p.add_argument("--answers", required=True)
    p.add_argument("--change", required=True)
    p.add_argument("--country", required=True)
    p.add_argument("--min-cell", type=int, required=True)
    a = p.parse_args(argv)
    make_morocco(
        records=a.records,
        codebook=a.codebook,
        out={"summary": a.summary, "answers": a.answers, "change": a.change},
        country=a.country,
        min_cell=a.min_cell,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

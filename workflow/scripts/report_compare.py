"""Write tables/release_comparison.csv: key estimates of the previous and this release."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.io import write_csv
from reintegration.report.compare import compare_releases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--previous", nargs="*", default=[], help="tables of the previous release")
    parser.add_argument("--current", nargs="*", default=[], help="tables of this release")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    table = compare_releases(args.previous, args.current)
    write_csv(table, args.out, float_format="%.10g")  # differences need the digits
    print(f"wrote {args.out}: {len(table)} quantities")


if __name__ == "__main__":
    main()

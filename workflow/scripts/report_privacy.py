"""The privacy scan's summary page inside report/ (written after the scan, from its counts)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.io import write_text
from reintegration.report.privacy_page import privacy_page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scan", type=Path, required=True, help="<release>/privacy_scan.json")
    parser.add_argument("--release", required=True)
    parser.add_argument("--data-source", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_text(
        privacy_page(args.scan, release=args.release, data_source=args.data_source), args.out
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

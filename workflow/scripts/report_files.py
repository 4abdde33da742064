"""Copy the release's tables and figures into report/ (marked when the data are synthetic)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.report.marking import copy_marked


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--report-dir", type=Path, required=True)
    parser.add_argument("--data-source", required=True)
    parser.add_argument("files", nargs="+", help="paths relative to the release folder")
    args = parser.parse_args(argv)
    for name in args.files:
        copy_marked(args.release_dir / name, args.report_dir / name, args.data_source)
    print(f"copied {len(args.files)} files into {args.report_dir} (data: {args.data_source})")


if __name__ == "__main__":
    main()

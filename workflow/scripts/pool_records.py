"""Pool a release's scored waves: the exact-date working table (--exact, one file a wave, for
the chapters), internal/records.parquet with dates coarsened to month (--out) and
records_pooling.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reintegration.data.io import use_system_allocator, write_json
from reintegration.data.pool import write_pooled
from reintegration.data.pseudonym import PseudonymKeyError, check_same_key, load_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--release", required=True)
    parser.add_argument(
        "--wave", action="append", nargs=2, metavar=("WAVE", "SCORES"), required=True
    )
    parser.add_argument("--key-file", type=Path, required=True)
    parser.add_argument(
        "--exact", action="append", nargs=2, metavar=("WAVE", "PART"), required=True,
        help="the exact-date pooled records of WAVE (a parquet dataset partitioned by wave)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument(
        "--workers", type=int, default=1, help="processes folding the row hashes (the same result)"
    )
    args = parser.parse_args(argv)
    use_system_allocator()
    try:  # every wave pseudonymised under the key used here (issue 17)
        key = load_key(args.key_file, create=False)
        check_same_key({w: Path(p).with_name("extract_report.json") for w, p in args.wave}, key)
    except PseudonymKeyError as error:
        print(f"pool_records: {error}", file=sys.stderr)
        return 1
    # Read a column at a time and written a block of rows at a time (issue 16).
    paths = {wave: Path(path) for wave, path in args.wave}
    try:
        exact = {wave: Path(path) for wave, path in args.exact}
        summary = write_pooled(paths, args.release, key, exact, args.out, workers=args.workers)
    except ValueError as error:
        print(f"pool_records: {error}", file=sys.stderr)
        return 1
    write_json(summary, args.summary)
    print(
        f"release {args.release}: {summary['rows_stacked']} rows stacked, "
        f"{summary['cross_wave_duplicates_dropped']} cross-wave duplicates dropped, "
        f"{summary['rows_pooled']} pooled"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

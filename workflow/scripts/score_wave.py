"""Score one wave: clean.parquet -> scores.parquet (item, dimension and composite scores)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reintegration.codebook import load_codebook
from reintegration.data.io import read_parquet, use_system_allocator, write_parquet
from reintegration.data.score import score_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clean", type=Path, required=True)
    parser.add_argument("--codebook", type=Path, required=True)
    parser.add_argument("--min-answered-share", type=float, required=True)
    parser.add_argument("--scores", type=Path, required=True)
    args = parser.parse_args(argv)
    use_system_allocator()
    start = time.perf_counter()
    scores = score_records(
        read_parquet(args.clean), load_codebook(args.codebook), args.min_answered_share
    )
    write_parquet(scores, args.scores)
    print(
        f"{len(scores)} records scored; composite present for "
        f"{int(scores['score_composite'].notna().sum())} ({time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generate the synthetic RSS exports, truth files and manifest (rule generate_synthetic)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reintegration.synthetic.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="config/synthetic.yaml")
    parser.add_argument("--codebook", type=Path, required=True, help="codebook folder")
    parser.add_argument(
        "--raw-dir", type=Path, required=True, help="raw exports go to <raw-dir>/<wave>/"
    )
    parser.add_argument(
        "--truth-dir", type=Path, required=True, help="truth files (never read by the pipeline)"
    )
    parser.add_argument("--manifest", type=Path, required=True, help="manifest JSON, written last")
    parser.add_argument(
        "--workers", type=int, default=1, help="2: files written in a second process"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    manifest = generate(
        args.config, args.codebook, args.raw_dir, args.truth_dir, args.manifest, args.workers
    )
    print(
        f"synthetic exports: {len(manifest['files'])} files in {', '.join(manifest['waves'])} "
        f"(seed {manifest['seed']}, scale {manifest['scale']}) in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

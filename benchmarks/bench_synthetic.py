"""Wall time and peak memory of the synthetic generator at a given scale.

Usage: python benchmarks/bench_synthetic.py --scale 10 [--out /tmp/bench]
Peak memory is the process's maximum resident set size (resource.getrusage).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from reintegration.synthetic.generate import generate

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-synthetic-"))
    cfg = yaml.safe_load((REPO / "config" / "synthetic.yaml").read_text(encoding="utf-8"))
    cfg["scale"] = args.scale
    out.mkdir(parents=True, exist_ok=True)
    config = out / "synthetic.yaml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    start = time.perf_counter()
    manifest = generate(
        config, REPO / "config" / "codebook", out / "raw", out / "truth", out / "manifest.json"
    )
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(f["bytes"] for f in manifest["files"]) / 1e6
    print(f"scale {args.scale:g}: {len(manifest['files'])} files, {size_mb:.1f} MB raw, "
          f"{wall:.1f} s wall, peak RSS {peak_mb:.0f} MB")  # fmt: skip
    if args.out is None:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Extract throughput on the xlsx exports, this tree's reader beside an earlier commit's.

Usage::

    python benchmarks/bench_readers.py --raw resources/raw --old-commit 181c0f6 [--repeat 3]

Copies the ``.xlsx`` files of every wave folder of ``--raw`` into a scratch folder per wave,
exports ``workflow/`` of ``--old-commit`` with ``git archive``, and runs extraction of each
wave in one process per code version (old, new, old, new, ... alternating ``--repeat``
times, so both see the same machine load). Prints rows and rows/s per version (best of the
repeats), and whether both versions give the same records for the whole default wave
folders (every file kind): the reader change must not change a record.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from pathlib import Path
import pandas as pd
from reintegration.codebook import load_codebook
from reintegration.data.extract import extract_wave
codebook = load_codebook(Path(sys.argv[1]))
rows, seconds, out = 0, 0.0, Path(sys.argv[3])
for wave_dir in sorted(p for p in Path(sys.argv[2]).iterdir() if p.is_dir()):
    start = time.perf_counter()
    records, report = extract_wave(wave_dir, wave_dir.name, codebook, b"bench-key")
    seconds += time.perf_counter() - start
    rows += len(records)
    if out.name != "-":
        out.mkdir(parents=True, exist_ok=True)
        records.to_parquet(out / f"{wave_dir.name}.parquet")
print(json.dumps({"rows": rows, "seconds": seconds}))
"""


def run(code: Path, codebook: Path, waves: Path, out: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(codebook), str(waves), out],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode:
        raise SystemExit(f"extraction with {code} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def same_records(old: Path, new: Path) -> bool:
    import pandas as pd

    names = sorted(p.name for p in old.glob("*.parquet"))
    if names != sorted(p.name for p in new.glob("*.parquet")):
        return False
    return all(pd.read_parquet(old / n).equals(pd.read_parquet(new / n)) for n in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True, help="folder of wave folders")
    parser.add_argument("--old-commit", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-readers-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", args.old_commit, "workflow"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
        old_code, new_code = work / "workflow", REPO / "workflow"
        xlsx = work / "xlsx"
        for wave in sorted(p for p in args.raw.iterdir() if p.is_dir()):
            for f in sorted(wave.glob("*.xlsx")):
                (xlsx / wave.name).mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, xlsx / wave.name / f.name)
        codebook = REPO / "config" / "codebook"
        best = {}
        for _ in range(args.repeat):
            for label, code in (("old", old_code), ("new", new_code)):
                r = run(code, codebook, xlsx, "-")
                if label not in best or r["seconds"] < best[label]["seconds"]:
                    best[label] = r
        for label in ("old", "new"):
            r = best[label]
            print(
                f"{label} ({args.old_commit if label == 'old' else 'this tree'}): "
                f"{r['rows']} rows from xlsx in {r['seconds']:.2f} s = "
                f"{r['rows'] / r['seconds']:.0f} rows/s"
            )
        run(old_code, codebook, args.raw, str(work / "out_old"))
        run(new_code, codebook, args.raw, str(work / "out_new"))
        same = same_records(work / "out_old", work / "out_new")
        print(f"same records on every wave folder of {args.raw}: {same}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Throughput and peak memory of the data stages (extract, clean, score per wave; pool).

Usage::

    python benchmarks/bench_pipeline.py --scale 100 [--work /tmp/bench100] [--keep]

Generates the synthetic exports at ``--scale`` (1, 10 or 100; default 100) into a temporary
working directory (or reuses the raw exports already there, ``--reuse-raw``), then runs each
stage exactly as the workflow does (the scripts of ``workflow/scripts/``, one process per wave
and stage) under ``/usr/bin/time -v``, and prints per stage and wave: wall time, rows, rows/s
and the stage process's peak resident set size (its own maximum, not the sum over waves).
Each stage process handles one wave, so its peak RSS is the memory one wave needs; the line
``largest wave raw`` gives the size of the largest wave's raw files for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "workflow" / "scripts"
CODEBOOK = REPO / "config" / "codebook"
TIME = "/usr/bin/time"
CPU: dict[str, float] = {}  # CPU seconds per stage script, summed over its processes


def _run(cmd: list[str], log: Path) -> tuple[float, float]:
    """Run ``cmd`` under /usr/bin/time -v (when present): ``(wall seconds, peak RSS MB)``;
    its CPU seconds (user + system) are added to ``CPU[cmd's script]``."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    timed = [TIME, "-v", *cmd] if Path(TIME).exists() else cmd
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        result = subprocess.run(timed, stdout=out, stderr=subprocess.STDOUT, env=env)
    wall = time.perf_counter() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}\n{text[-3000:]}")
    cpu = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)
    script = Path(cmd[1]).stem if len(cmd) > 1 else cmd[0]
    CPU[script] = CPU.get(script, 0.0) + sum(float(c) for c in cpu)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return wall, (int(m.group(1)) / 1024 if m else float("nan"))


def generate(scale: float, work: Path) -> float:
    from reintegration.synthetic.generate import generate as gen

    cfg = yaml.safe_load((REPO / "config" / "synthetic.yaml").read_text(encoding="utf-8"))
    cfg["scale"] = scale
    config = work / "synthetic.yaml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    gen(config, CODEBOOK, work / "raw", work / "truth", work / "manifest.json")
    CPU["generate"] = time.process_time() - cpu
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: temp)")
    parser.add_argument("--reuse-raw", action="store_true", help="use <work>/raw as it is")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument("--min-answered-share", type=float, default=0.5)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-pipeline-{args.scale:g}x-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("REINTEGRATION_PSEUDONYM_KEY", "benchmark-key-not-secret")
    rows: list[dict] = []

    def report(stage: str, wave: str, n: int, wall: float, rss: float) -> None:
        rows.append({"stage": stage, "wave": wave, "rows": n, "wall_s": wall, "peak_rss_mb": rss})
        print(
            f"{stage:<9} {wave:<8} {n:>10,d} rows {wall:>8.1f} s {n / wall if wall else 0:>10,.0f}"
            f" rows/s  peak RSS {rss:>7.0f} MB",
            flush=True,
        )

    total_start = time.perf_counter()
    if not args.reuse_raw:
        print(
            f"generating synthetic exports at scale {args.scale:g} into {work}/raw ...", flush=True
        )
        gen_wall = generate(args.scale, work)
        print(f"generate: {gen_wall:.1f} s", flush=True)
    raw = work / "raw"
    waves = sorted(p.name for p in raw.iterdir() if p.is_dir())
    sizes = {w: sum(f.stat().st_size for f in (raw / w).iterdir()) / 1e6 for w in waves}
    print("raw MB per wave: " + ", ".join(f"{w} {s:.1f}" for w, s in sizes.items()))
    largest = max(sizes, key=sizes.get)
    print(f"largest wave raw: {largest} {sizes[largest]:.1f} MB", flush=True)
    out = work / "results"
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    py = sys.executable
    pipeline_start = time.perf_counter()
    for wave in waves:
        wdir = out / "waves" / wave
        wdir.mkdir(parents=True, exist_ok=True)
        wall, rss = _run(
            [py, str(SCRIPTS / "extract_wave.py"), "--wave-dir", str(raw / wave), "--wave", wave,
             "--codebook", str(CODEBOOK), "--key-file", str(work / ".pseudonym_key"),
             "--case-id-pattern", r"^[A-Z]{3}-[0-9]{4}-[0-9]+$",
             "--records", str(wdir / "records.parquet"),
             "--report", str(wdir / "extract_report.json")],
            logs / f"extract_{wave}.log",
        )  # fmt: skip
        n_read = json.loads((wdir / "extract_report.json").read_text())["rows_read"]
        report("extract", wave, n_read, wall, rss)
        wall, rss = _run(
            [py, str(SCRIPTS / "clean_wave.py"), "--records", str(wdir / "records.parquet"),
             "--extract-report", str(wdir / "extract_report.json"), "--wave", wave,
             "--codebook", str(CODEBOOK), "--clean", str(wdir / "clean.parquet"),
             "--quarantine", str(wdir / "quarantine.csv"),
             "--log-table", str(wdir / "cleaning_log.csv"), "--ledger", str(wdir / "ledger.json")],
            logs / f"clean_{wave}.log",
        )  # fmt: skip
        ledger = json.loads((wdir / "ledger.json").read_text())
        assert ledger["holds"], ledger
        report("clean", wave, n_read, wall, rss)
        wall, rss = _run(
            [py, str(SCRIPTS / "score_wave.py"), "--clean", str(wdir / "clean.parquet"),
             "--codebook", str(CODEBOOK), "--min-answered-share", str(args.min_answered_share),
             "--scores", str(wdir / "scores.parquet")],
            logs / f"score_{wave}.log",
        )  # fmt: skip
        report("score", wave, ledger["rows_kept"], wall, rss)
    pool_args = []
    for wave in waves:
        pool_args += ["--wave", wave, str(out / "waves" / wave / "scores.parquet")]
    release = out / "releases" / "bench"
    wall, rss = _run(
        [py, str(SCRIPTS / "pool_records.py"), "--release", "bench", *pool_args,
         "--key-file", str(work / ".pseudonym_key"), "--exact", str(release / "exact.parquet"),
         "--out", str(release / "records.parquet"),
         "--summary", str(release / "records_pooling.json")],
        logs / "pool.log",
    )  # fmt: skip
    pooled = json.loads((release / "records_pooling.json").read_text())
    report("pool", "all", pooled["rows_stacked"], wall, rss)
    pipeline_wall = time.perf_counter() - pipeline_start
    print("\nper stage (all waves):")
    for stage in ("extract", "clean", "score", "pool"):
        sel = [r for r in rows if r["stage"] == stage]
        n, wall = sum(r["rows"] for r in sel), sum(r["wall_s"] for r in sel)
        peak = max(r["peak_rss_mb"] for r in sel)
        print(f"  {stage:<9} {n:>10,d} rows {wall:>8.1f} s {n / wall:>10,.0f} rows/s  "
              f"peak RSS {peak:>7.0f} MB")  # fmt: skip
    print("CPU s per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in CPU.items()))
    print(f"generation peak RSS (this process): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")  # fmt: skip
    print(f"data stages wall time: {pipeline_wall:.1f} s; "
          f"total incl. generation: {time.perf_counter() - total_start:.1f} s")  # fmt: skip
    (work / "bench_pipeline.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if args.work is None and not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The whole study timed in one invocation: full 1x, no-op, new wave, 10x and 100x.

Usage::

    nice -n 10 python benchmarks/bench_study.py [--scales 1,10,100] [--rev HEAD] \\
        [--work /tmp/bench-study] [--markdown benchmarks/bench_study.md]

Each scenario runs ``snakemake -c<cores>`` (default 2) on a fresh copy of the repository (the
working tree, or ``git archive <rev>`` with ``--rev``) whose package is imported from the copy
(``PYTHONPATH``), so a ``--rev`` run measures that commit's code with this environment:

- ``full 1x``: the default study from an empty ``results/`` (synthetic generation included);
- ``no-op``: the same command again (nothing to do);
- ``new wave``: a fourth wave ``2021-01`` (a re-delivery of the files of wave ``2020-07``,
  so its records are cross-wave duplicates that pooling drops) in a new release
  ``study-2021-01`` whose ``previous`` is ``study-2020``; only the new wave's data stages,
  pooling and the new release's chapters and report should run;
- ``full 10x`` / ``full 100x``: the default study with the generator's ``scale`` set to 10 /
  100 (generation, data stages, chapters and report).

Every job's ``python`` is the wrapper ``python`` put first on ``PATH``: it runs the real
interpreter under ``/usr/bin/time -v``, so each job's wall time, CPU time and peak resident set
size are measured exactly. A job the job server runs (reintegration/job_server.py; off with
``--job-server off``) is reported in the same lines by its launcher, from the server's
``wait4`` of the job's process (its CPU and that of the processes it waited for, its peak
resident set); the servers' own imports and forks are the stage ``job servers``, in the CPU
total but not a job. Jobs are grouped by stage (the script a rule runs; the report pages
as the one ``report_chapters`` job that executes them all). Rows of the data stages come from
their reports (extract ``rows_read``, cleaning ledger ``rows_read``, scoring ``rows_kept``,
pooling ``rows_stacked``). Each run also gives the time from its start to the end of its last
chapter job (generation + data stages + chapters: issue 16's 100x figure; the report's pages and
privacy scan come after it). Each figure is also given
as a ratio to the same figure of the ``full 1x`` run of this invocation. The table is printed
and written as markdown (``--markdown``) and JSON (next to it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time"
DATA_STAGES = ("generate_synthetic", "extract_wave", "clean_wave", "score_wave", "pool_records")
NEW_WAVE, NEW_RELEASE, OLD_WAVE = "2021-01", "study-2021-01", "2020-07"


def copy_repo(dest: Path, rev: str | None) -> None:
    """The tracked and untracked (not ignored) files of the working tree, or commit ``rev``."""
    dest.mkdir(parents=True)
    if rev:
        blob = subprocess.run(
            ["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
        return
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def timed_env(root: Path) -> Path:
    """An environment at ``root`` sharing this one's packages whose ``python`` is a wrapper
    running the real interpreter under /usr/bin/time -v (report into $BENCH_JOBS); returns the
    interpreter to run Snakemake with. The Snakefile puts that interpreter's folder first on
    PATH (reintegration.interpreter), so every job's ``python`` is the wrapper."""
    venv = Path(sys.prefix)
    (root / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(venv / "pyvenv.cfg", root / "pyvenv.cfg")
    for entry in venv.iterdir():  # lib (packages), share (nbconvert templates), etc, include
        if entry.name not in ("bin", "pyvenv.cfg"):
            (root / entry.name).symlink_to(entry)
    real = root / "bin" / "python-real"
    real.symlink_to(os.path.realpath(sys.executable))
    for name in ("python", "python3"):
        script = root / "bin" / name
        script.write_text(
            "#!/bin/bash\n"
            'out="$BENCH_JOBS/$(date +%s%N)-$$.time"\n'
            f'exec {TIME} -v -o "$out" {real} "$@"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
    return real


def _seconds(clock: str) -> float:
    parts = [float(p) for p in clock.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


#: Stage of the job servers' own reports (reintegration/job_server.py): not jobs; their CPU
#: (the imports done once, the forks) counts in the run's CPU.
SERVERS = "job servers (imports once, forks)"
#: Stage of the report pages' kernels that the job servers ran (forked by a server, not children
#: of the report's job, so reported by their launchers): part of the report job, not jobs.
KERNELS = "report_chapters: the pages' kernels (served)"
NOT_JOBS = (SERVERS, KERNELS)


def _stage(command: str) -> str:
    if "reintegration.job_server" in command:
        return SERVERS
    if "-m ipykernel_launcher" in command:
        return KERNELS
    m = re.search(r"workflow/scripts/(\w+)\.py", command)
    if not m:
        return "other: " + command.split()[0] if command else "other"
    stage = m.group(1)
    if stage == "report_notebook" and "--pages" in command:
        return "report_chapters (all pages, one job)"
    if stage == "report_notebook":
        chapter = re.search(r"(\d\d_\w+)\.(?:py|ipynb)", command)
        stage += f" {chapter.group(1)}" if chapter else ""
    return stage


def read_jobs(folder: Path) -> list[dict]:
    jobs = []
    for path in sorted(folder.glob("*.time")):
        text = path.read_text(encoding="utf-8", errors="replace")
        command = re.search(r'Command being timed: "(.*)"', text)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
        user = re.search(r"User time \(seconds\): ([\d.]+)", text)
        system = re.search(r"System time \(seconds\): ([\d.]+)", text)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        if not (command and wall and rss):
            continue
        jobs.append(
            {
                "stage": _stage(command.group(1)),
                # the wrapper names its report by the job's start (date +%s%N)
                "start_s": int(path.name.split("-")[0]) / 1e9,
                "wall_s": _seconds(wall.group(1)),
                "cpu_s": float(user.group(1)) + float(system.group(1)),
                "peak_rss_mb": int(rss.group(1)) / 1024,
            }
        )
    return jobs


def chapters_end(jobs: list[dict], epoch: float) -> float | None:
    """Seconds from the run's start (``epoch``) to the end of its last chapter job: the issue's
    "generation + data stages + chapters", measured inside the full run (the report's jobs that
    need no chapter, e.g. the k-anonymity check, share the cores before it, so it is an upper
    bound of a run of those stages alone); None without chapter jobs."""
    ends = [j["start_s"] + j["wall_s"] for j in jobs if j["stage"].startswith("chapter")]
    return max(ends) - epoch if ends else None


def stage_rows(root: Path, release: str) -> dict[str, int]:
    """Rows each data stage handled, from the reports the stages write."""
    rows = {"extract_wave": 0, "clean_wave": 0, "score_wave": 0}
    for wave in sorted((root / "results" / "waves").glob("*")):
        extract = wave / "extract_report.json"
        ledger = wave / "ledger.json"
        if extract.is_file():
            rows["extract_wave"] += json.loads(extract.read_text())["rows_read"]
        if ledger.is_file():
            data = json.loads(ledger.read_text())
            rows["clean_wave"] += data["rows_read"]
            rows["score_wave"] += data["rows_kept"]
    pooling = root / "results" / "releases" / release / "data" / "records_pooling.json"
    if pooling.is_file():
        rows["pool_records"] = json.loads(pooling.read_text())["rows_stacked"]
    return rows


class Bench:
    def __init__(self, work: Path, cores: int, rev: str | None, job_server: bool = True):
        self.work, self.cores, self.rev, self.job_server = work, cores, rev, job_server
        self.python = timed_env(work / "env")
        self.results: list[dict] = []

    def snakemake(self, root: Path, name: str, release: str, wave_rows: bool) -> dict:
        jobs_dir = self.work / "jobs" / re.sub(r"\W+", "_", name)
        jobs_dir.mkdir(parents=True)
        env = dict(os.environ)
        env["PATH"] = f"{self.python.parent}{os.pathsep}{env['PATH']}"
        env["PYTHONPATH"] = str(root / "workflow")
        env["BENCH_JOBS"] = str(jobs_dir)
        # Jobs the job server runs are not under the wrapper: their launchers report them.
        env["REINTEGRATION_JOB_TIMES"] = str(jobs_dir)
        env["REINTEGRATION_JOB_SERVER"] = "1" if self.job_server else "0"
        env.pop("REINTEGRATION_PSEUDONYM_KEY", None)
        log = self.work / f"{jobs_dir.name}.log"
        cmd = [str(self.python), "-m", "snakemake", f"-c{self.cores}"]
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {' '.join(cmd)} in {root}", flush=True)
        start, epoch = time.perf_counter(), time.time()
        with open(log, "w", encoding="utf-8") as out:
            done = subprocess.run(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise SystemExit(f"{name} failed ({done.returncode}); log {log}:\n{tail}")
        jobs = read_jobs(jobs_dir)
        real_jobs = [j for j in jobs if j["stage"] not in NOT_JOBS]
        result = {
            "scenario": name,
            "wall_s": wall,
            "to_chapters_end_s": chapters_end(jobs, epoch),
            "jobs": len(real_jobs),
            "job_wall_s": sum(j["wall_s"] for j in real_jobs),
            "cpu_s": sum(j["cpu_s"] for j in jobs),
            "peak_rss_mb": max((j["peak_rss_mb"] for j in jobs), default=0.0),
            "stages": _by_stage(jobs, stage_rows(root, release) if wave_rows else {}),
            "load": os.getloadavg(),
        }
        print(f"  {wall:.1f} s wall, {len(real_jobs)} jobs, peak {result['peak_rss_mb']:.0f} MB")
        self.results.append(result)
        return result

    def copy(self, name: str, scale: float | None = None) -> Path:
        root = self.work / name
        copy_repo(root, self.rev)
        if scale is not None and scale != 1:
            cfg = root / "config" / "synthetic.yaml"
            text = cfg.read_text(encoding="utf-8")
            cfg.write_text(re.sub(r"(?m)^scale: .*$", f"scale: {scale:g}", text), "utf-8")
        return root


def add_wave(root: Path) -> None:
    """A fourth wave (a copy of wave 2020-07's files) in a new release after study-2020."""
    raw = root / "resources" / "raw"
    shutil.copytree(raw / OLD_WAVE, raw / NEW_WAVE)
    cfg = root / "config" / "config.yaml"
    text = cfg.read_text(encoding="utf-8")
    for old, new in (
        ("  name: study-2020\n", f"  name: {NEW_RELEASE}\n"),
        (
            "  waves: [2019-07, 2020-01, 2020-07]\n",
            f"  waves: [2019-07, 2020-01, 2020-07, {NEW_WAVE}]\n",
        ),
        ("  previous: null\n", "  previous: study-2020\n"),
    ):
        if old not in text:
            raise SystemExit(f"config/config.yaml: cannot find {old.strip()!r} to change")
        text = text.replace(old, new, 1)
    cfg.write_text(text, encoding="utf-8")


def _by_stage(jobs: list[dict], rows: dict[str, int]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for job in jobs:
        s = out.setdefault(
            job["stage"], {"jobs": 0, "wall_s": 0.0, "cpu_s": 0.0, "peak_rss_mb": 0.0}
        )
        s["jobs"] += 1
        s["wall_s"] += job["wall_s"]
        s["cpu_s"] += job["cpu_s"]
        s["peak_rss_mb"] = max(s["peak_rss_mb"], job["peak_rss_mb"])
    for stage, n in rows.items():
        if stage in out:
            out[stage]["rows"] = n
    return out


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else ""


def table(results: list[dict]) -> str:
    base = next((r for r in results if r["scenario"] == "full 1x"), None)
    lines = [
        "| run | wall s | ratio to full 1x | to chapters' end s | jobs | job wall s | CPU s"
        " | peak RSS MB (any job) | load (1/5/15 min) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        to_chapters = r.get("to_chapters_end_s")
        lines.append(
            f"| {r['scenario']} | {r['wall_s']:.1f} | {_ratio(r['wall_s'], base and base['wall_s'])}"
            f" | {'' if to_chapters is None else f'{to_chapters:.1f}'}"
            f" | {r['jobs']} | {r['job_wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f}"
            f" | {' / '.join(f'{x:.1f}' for x in r['load'])} |"
        )
    lines += [
        "",
        "To chapters' end: from the run's start to the end of its last chapter job, i.e."
        " generation, data stages and chapters (the report and its privacy scan follow).",
        "",
        "Per stage (sum over the stage's jobs; ratio = this run's figure / the full 1x run's):",
        "",
        "| run | stage | jobs | wall s | ratio | CPU s | rows | rows/s | peak RSS MB | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r["scenario"] == "no-op":
            continue
        for stage, s in sorted(r["stages"].items(), key=_stage_order):
            b = base["stages"].get(stage) if base else None
            n = s.get("rows")
            rate = f"{n / s['wall_s']:,.0f}" if n else ""
            lines.append(
                f"| {r['scenario']} | {stage} | {s['jobs']} | {s['wall_s']:.1f}"
                f" | {_ratio(s['wall_s'], b and b['wall_s'])} | {s['cpu_s']:.1f}"
                f" | {n if n is not None else ''} | {rate}"
                f" | {s['peak_rss_mb']:.0f} | {_ratio(s['peak_rss_mb'], b and b['peak_rss_mb'])} |"
            )
    data = [r for r in results if r["scenario"].startswith("full")]
    if data and base:
        lines += [
            "",
            "Data stages (generation, extract, clean, score, pool), wall time summed:",
            "",
        ]
        base_data = sum(base["stages"].get(s, {}).get("wall_s", 0.0) for s in DATA_STAGES)
        for r in data:
            total = sum(r["stages"].get(s, {}).get("wall_s", 0.0) for s in DATA_STAGES)
            lines.append(f"- {r['scenario']}: {total:.1f} s (ratio {_ratio(total, base_data)})")
    return "\n".join(lines) + "\n"


def _stage_order(item: tuple[str, dict]) -> tuple[int, str]:
    stage = item[0]
    return (DATA_STAGES.index(stage) if stage in DATA_STAGES else len(DATA_STAGES), stage)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,10,100", help="comma list; 1 is always run")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--rev", default=None, help="measure this commit (git archive)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the copies")
    parser.add_argument(
        "--job-server",
        choices=("on", "off"),
        default="on",
        help="REINTEGRATION_JOB_SERVER of the runs (reintegration/job_server.py)",
    )
    parser.add_argument("--markdown", type=Path, default=None, help="write the table here")
    args = parser.parse_args(argv)
    if args.rev:  # the table names the commit, not a name that moves (HEAD, a branch)
        args.rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", args.rev],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    scales = sorted({float(s) for s in args.scales.split(",")} | {1.0})
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-study-"))
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty")
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.cores, args.rev, job_server=args.job_server == "on")
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    def write() -> str:
        """The table so far (written after every scenario: a stopped run keeps its figures)."""
        header = (
            f"bench_study: {started}, code {args.rev or 'working tree'}, -c{args.cores}, "
            f"job server {args.job_server}, {os.cpu_count()} CPUs; uptime at start: {uptime}; now: "
            + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        )
        text = header + "\n\n" + table(bench.results)
        if args.markdown:
            args.markdown.write_text(text, encoding="utf-8")
            args.markdown.with_suffix(".json").write_text(
                json.dumps(bench.results, indent=2) + "\n", encoding="utf-8"
            )
        return text

    one = bench.copy("full_1x")
    for name, release in (("full 1x", "study-2020"), ("no-op", "study-2020")):
        bench.snakemake(one, name, release, name == "full 1x")
        write()
    add_wave(one)
    bench.snakemake(one, "new wave", NEW_RELEASE, False)
    write()
    if not args.keep:
        shutil.rmtree(one)
    for scale in scales:
        if scale == 1:
            continue
        root = bench.copy(f"full_{scale:g}x", scale)
        bench.snakemake(root, f"full {scale:g}x", "study-2020", True)
        write()
        if not args.keep:
            shutil.rmtree(root)
    print("\n" + write())
    return 0


if __name__ == "__main__":
    sys.exit(main())

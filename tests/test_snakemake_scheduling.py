"""A local run's scheduler without the command line's default job-rate limit.

Real Snakemake runs of a small workflow whose ``onstart`` calls
:func:`reintegration.snakemake_scheduling.drop_local_job_rate_limit` and whose ``onsuccess``
records what the scheduler was left with: the default limit is removed (and no re-scheduling
timer is left running when the jobs are done), a limit given on the command line is kept (and
its timers are still running then, which is what held the end of a run).
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
import snakemake
from reintegration import snakemake_scheduling
from reintegration.snakemake_scheduling import CHECKED_VERSIONS, drop_local_job_rate_limit

SNAKEFILE = """
import json, threading
from reintegration.snakemake_scheduling import drop_local_job_rate_limit

DROPPED = []

rule all:
    input: expand("out/{i}.txt", i=range(6))

rule one:
    output: "out/{i}.txt"
    shell: "echo {wildcards.i} > {output}"

onstart:
    DROPPED.append(drop_local_job_rate_limit(workflow))

onsuccess:
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    limiter = workflow.scheduler.job_rate_limiter
    with open("scheduler.json", "w") as handle:
        json.dump({
            "dropped": DROPPED,
            "limit": None if limiter is None else [limiter.max_jobs, limiter.timespan],
            "timers_alive": len(timers),
        }, handle)
"""


def _run(workdir, *options: str) -> dict:
    workdir.mkdir()
    (workdir / "Snakefile").write_text(SNAKEFILE, encoding="utf-8")
    env = {"PATH": f"{sys.executable.rsplit('/', 1)[0]}:/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "snakemake", "-c2", "--directory", str(workdir), "-q", *options],
        cwd=workdir, env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert sorted(p.name for p in (workdir / "out").iterdir()) == [f"{i}.txt" for i in range(6)]
    return json.loads((workdir / "scheduler.json").read_text())


@pytest.mark.skipif(
    snakemake.__version__ not in CHECKED_VERSIONS, reason="applies to the pinned version"
)
def test_default_limit_removed_and_no_timer_left_when_the_jobs_are_done(tmp_path):
    result = _run(tmp_path / "default")
    assert result == {"dropped": [True], "limit": None, "timers_alive": 0}


@pytest.mark.skipif(
    snakemake.__version__ not in CHECKED_VERSIONS, reason="applies to the pinned version"
)
def test_a_limit_given_on_the_command_line_is_kept_with_its_timers(tmp_path):
    result = _run(tmp_path / "chosen", "--max-jobs-per-timespan", "50/1s")
    assert result["dropped"] == [False]
    assert result["limit"] == [50, 1.0]
    # the rounds' 1 s timers are still waiting when the last job is done
    assert result["timers_alive"] >= 1


def _workflow(local_exec: bool, max_jobs: int = 100, timespan: float = 1.0):
    limiter = SimpleNamespace(max_jobs=max_jobs, timespan=timespan)
    return SimpleNamespace(
        local_exec=local_exec, scheduler=SimpleNamespace(job_rate_limiter=limiter)
    )


def test_cluster_runs_and_other_limits_keep_theirs():
    for workflow in (_workflow(False), _workflow(True, 100, 60.0), _workflow(True, 10, 1.0)):
        limiter = workflow.scheduler.job_rate_limiter
        assert drop_local_job_rate_limit(workflow) is False
        assert workflow.scheduler.job_rate_limiter is limiter
    no_limit = SimpleNamespace(local_exec=True, scheduler=SimpleNamespace(job_rate_limiter=None))
    assert drop_local_job_rate_limit(no_limit) is False


def test_another_snakemake_version_runs_unchanged(monkeypatch):
    monkeypatch.setattr(snakemake, "__version__", "0.0.0")
    workflow = _workflow(True)
    limiter = workflow.scheduler.job_rate_limiter
    assert drop_local_job_rate_limit(workflow) is False
    assert workflow.scheduler.job_rate_limiter is limiter


def test_the_default_it_removes_is_the_command_lines():
    from snakemake.cli import get_argument_parser

    default = get_argument_parser().parse_args([]).max_jobs_per_timespan
    assert (default.max_jobs, default.timespan) == snakemake_scheduling.COMMAND_LINE_DEFAULT

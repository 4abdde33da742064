"""A local run scheduled without the command line's default job-rate limit.

Snakemake's command line limits job starts to 100 per second unless told otherwise
(``--max-jobs-per-timespan 100/1s``; its Python API's default is no limit). With a limit, every
scheduling round that leaves a ready job waiting arms a non-daemon 1 s ``threading.Timer`` for
one more round. Timers arm more timers, so rounds multiply as jobs finish (373 rounds for the
42 jobs of a 1x run), and when the run is over the interpreter waits for the last timer before it
exits: 1.2-1.3 s after the last job, against 0.2-0.3 s without the limit (issue 16). The limit
protects a cluster's scheduler from bursts of submissions; a local run is bounded by ``--cores``
already, so there the limit only costs time.

:func:`drop_local_job_rate_limit` (called when the jobs start, in the Snakefile's ``onstart``)
removes the limit from a local run's scheduler when it is the command line's default. A limit
the user chose, a cluster run and any other Snakemake version keep Snakemake's behaviour. The
scheduler's attribute it sets is that of the Snakemake version this project pins
(``requirements.lock``), checked by tests/test_snakemake_scheduling.py.
"""

from __future__ import annotations

__all__ = ["CHECKED_VERSIONS", "COMMAND_LINE_DEFAULT", "drop_local_job_rate_limit"]

#: Snakemake versions whose ``JobScheduler.job_rate_limiter`` this has been checked against.
CHECKED_VERSIONS = ("9.27.1",)
#: ``--max-jobs-per-timespan`` when the command line is not given one: (jobs, seconds).
COMMAND_LINE_DEFAULT = (100, 1)


def drop_local_job_rate_limit(workflow) -> bool:
    """Remove the default job-rate limit of a local run's scheduler (before its first round);
    True if it was removed, False (nothing changed) for a cluster run, a limit the user set or
    another Snakemake version."""
    import snakemake

    if snakemake.__version__ not in CHECKED_VERSIONS or not workflow.local_exec:
        return False
    scheduler = workflow.scheduler
    limiter = getattr(scheduler, "job_rate_limiter", None)
    if limiter is None or (limiter.max_jobs, limiter.timespan) != COMMAND_LINE_DEFAULT:
        return False
    scheduler.job_rate_limiter = None
    return True

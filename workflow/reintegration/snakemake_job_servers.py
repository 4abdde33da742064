"""The Snakefile's side of the job servers (reintegration/job_server.py): start them for a
local run, put the jobs' launcher first on PATH, stop them with the run.

``onstart`` calls :func:`start_job_servers`; ``onsuccess`` and ``onerror`` (and Snakemake's
exit) call :func:`stop_job_servers`. A cluster run, a dry run (no ``onstart``) and a run with
``REINTEGRATION_JOB_SERVER=0`` start none.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reintegration import job_launcher

__all__ = [
    "FOLDER_PREFIX",
    "OWNER_FILE",
    "SWITCH",
    "THREAD_VARIABLES",
    "TMPDIR_VARIABLES",
    "remove_stale_folders",
    "start_job_servers",
    "stop_job_servers",
    "write_launcher",
]

#: Environment variable turning the server off for a local run ("0").
SWITCH = "REINTEGRATION_JOB_SERVER"
#: Thread counts Snakemake gives a job (snakemake.shell) and the libraries read when imported.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "GOTO_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

#: Set by Snakemake to the job's ``tmpdir`` resource (by default the system's temporary folder).
TMPDIR_VARIABLES = ("TMPDIR", "TMP", "TEMPDIR", "TEMP")

_RUNNING: dict = {}


def _job_environment(threads: int = 1) -> dict:
    """The environment Snakemake gives a job of ``threads`` threads and the default ``tmpdir``
    resource (snakemake.shell)."""
    env = dict(os.environ)
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    env.update({name: tempfile.gettempdir() for name in TMPDIR_VARIABLES})
    return env


#: The servers' folders: tempfile.gettempdir()/<prefix>XXXXXXXX, holding the launcher, the
#: sockets and the pid of the Snakemake process that made it.
FOLDER_PREFIX, OWNER_FILE = "reintegration-jobs-", "snakemake.pid"


def remove_stale_folders(root: str | None = None) -> list[str]:
    """Remove the servers' folders whose Snakemake process is gone (a run killed with its
    servers, e.g. a power cut); the folders removed."""
    removed = []
    for folder in sorted(Path(root or tempfile.gettempdir()).glob(FOLDER_PREFIX + "*")):
        try:
            os.kill(int((folder / OWNER_FILE).read_text(encoding="utf-8")), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
        except (OSError, ValueError):  # not ours to judge (another user's, being written)
            continue
    return removed


def write_launcher(folder: str, fallback: str) -> str:
    """``folder``/python: the jobs' ``python``, running the launcher with this interpreter;
    ``fallback`` is the ``python`` it runs when the job is not served. Its path."""
    launcher = os.path.join(folder, job_launcher.LAUNCHER_NAME)
    command = shlex.join([sys.executable, "-I", "-S", job_launcher.__file__, fallback])
    with open(launcher, "w", encoding="utf-8") as out:
        out.write(f'#!/bin/sh\nexec {command} "$@"\n')
    os.chmod(launcher, 0o755)
    return launcher


def start_job_servers(workflow, log_dir: str = ".snakemake/log") -> list[int]:
    """Start a job server for each thread count of the run's jobs (a local run only, and not with
    REINTEGRATION_JOB_SERVER=0) and put the launcher first on the jobs' PATH; the thread counts
    served. It does not wait for the servers: a job starting before its server is ready runs a
    fresh interpreter."""
    if os.environ.get(SWITCH, "1") == "0" or not workflow.local_exec or _RUNNING:
        return []
    thread_counts = sorted({job.threads for job in workflow.dag.needrun_jobs()})
    if not thread_counts:
        return []
    remove_stale_folders()
    folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
    Path(folder, OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
    write_launcher(folder, fallback=shutil.which("python") or sys.executable)
    os.environ["PATH"] = os.pathsep.join([folder, os.environ.get("PATH", "")])
    os.environ[job_launcher.FOLDER_VARIABLE] = folder
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    _RUNNING.update(folder=folder, processes=[], logs=[])
    # Also when Snakemake exits on a signal it handles (Ctrl-C, SIGTERM).
    atexit.register(stop_job_servers)
    for threads in thread_counts:
        path = job_launcher.socket_path(folder, threads)
        log = open(Path(log_dir) / f"job_server_threads{threads}.log", "w", encoding="utf-8")  # noqa: SIM115
        code = f"from reintegration.job_server import serve; serve({path!r}, {os.getpid()})"
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            env=_job_environment(threads),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # in Snakemake's process group, like the jobs: a signal to the run reaches both
        _RUNNING["processes"].append(process)
        _RUNNING["logs"].append(log)
    return thread_counts


def stop_job_servers() -> None:
    """Stop the servers started by :func:`start_job_servers` (if any); remove their folder."""
    if not _RUNNING:
        return
    for process in _RUNNING["processes"]:
        process.terminate()
    for process in _RUNNING["processes"]:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in _RUNNING["logs"]:
        log.close()
    shutil.rmtree(_RUNNING["folder"], ignore_errors=True)
    _RUNNING.clear()

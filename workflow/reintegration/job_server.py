"""A local run's jobs forked from one process that has imported numpy, pandas and pyarrow.

Every job of the study is a fresh interpreter running one script, and a fresh interpreter
spends 0.4-0.5 s of CPU importing numpy, pandas and pyarrow before the script does any work:
about a quarter of a 1x run's job time (issue 16). In a local run the Snakefile's ``onstart``
calls :func:`start_for_local_run`: it starts this server, which imports those libraries once
and then, for each job, forks a process that runs the job's script as ``python script.py ARGS``
would (its arguments, working directory, environment, umask and standard streams, ``__main__``,
``sys.path[0]`` the script's folder, exit status, uncaught exceptions printed, threads joined and
``atexit`` handlers run before it exits). The job's ``python`` is the launcher
:mod:`reintegration.job_launcher`, first on the jobs' PATH.

The server serves a job only if the job's environment is the one the server imported the
libraries in (the same ``OMP_NUM_THREADS`` and other thread counts, which the libraries read
when imported), apart from the variables the shell sets for each command; any other job (a
rule with more than one thread, ``python -m``, ``python -c``), and any job while the server is
starting or gone, runs a fresh interpreter, as without the server. Outputs are the same either
way (tests/test_job_server.py; ``make test-cluster`` compares a local run's release, whose jobs
are served, with a SLURM run's, whose are not, byte for byte).

Cluster runs never start it (each job is a SLURM job); ``REINTEGRATION_JOB_SERVER=0`` turns it
off for a local run. The server stops with the run (``onsuccess``/``onerror``, or when the
Snakemake process that started it is gone), killing any job whose launcher went away.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import ctypes
import gc
import importlib.machinery
import io
import os
import random
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
from pathlib import Path

from reintegration import job_launcher

__all__ = ["PRELOADED", "SWITCH", "serve", "start_for_local_run", "stop"]

#: Modules imported once by the server: every job's numpy, pandas and pyarrow (most of a job's
#: start-up), and the figure and report jobs' libraries (0.2-0.4 s of each of those jobs' wall
#: time, measured alternating by hand).
PRELOADED = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "matplotlib.pyplot",
    "papermill",
    "nbconvert",
)
#: Environment variable turning the server off for a local run ("0").
SWITCH = "REINTEGRATION_JOB_SERVER"
#: Not part of the environment a job is compared on: set by the shell for each command, or
#: read by the launcher only.
NOT_COMPARED = frozenset(
    {"_", "SHLVL", "PWD", "OLDPWD", job_launcher.FOLDER_VARIABLE, job_launcher.TIMES_VARIABLE}
)
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


def _comparable(env: dict) -> dict:
    return {k: v for k, v in env.items() if k not in NOT_COMPARED}


def _main_module(path: str) -> types.ModuleType:
    """A ``__main__`` module for the script at ``path``, as the interpreter makes one."""
    main = types.ModuleType("__main__")
    loader = importlib.machinery.SourceFileLoader("__main__", path)
    main.__dict__.update(
        __annotations__={},
        __builtins__=builtins,
        __cached__=None,
        __file__=path,
        __loader__=loader,
        __package__=None,
        __spec__=None,
    )
    return main


def _run_script(argv: list[str]) -> int:
    """Run ``argv[0]`` as ``__main__`` the way the interpreter runs a script; its exit code."""
    # As the interpreter sets them: sys.argv[0] as given, __file__ (and the code's file name)
    # joined to the working directory, not normalised, sys.path[0] the script's real folder.
    sys.argv = list(argv)
    path = os.path.join(os.getcwd(), argv[0])
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    main = sys.modules["__main__"] = _main_module(path)
    code = 0
    try:
        with io.open_code(path) as source:
            exec(compile(source.read(), path, "exec"), main.__dict__)
    except SystemExit as stop:
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException as error:
        # The traceback from the script's own frame on, as the interpreter prints it.
        error = error.with_traceback(error.__traceback__.tb_next)
        sys.excepthook(type(error), error, error.__traceback__)
        code = 1
    # What the interpreter does before it exits: join non-daemon threads (and run the
    # executors' exit hooks registered with threading), then the atexit handlers.
    getattr(threading, "_shutdown", lambda: None)()
    atexit._run_exitfuncs()
    # The interpreter's teardown then clears __main__, finalising what the script left open
    # (an unclosed file is flushed); the job ends with os._exit, so do that here.
    main.__dict__.clear()
    gc.collect()
    return code


def _die_with_the_server() -> None:
    """Have Linux kill this process if the server ends first (its launcher then fails the job,
    and no orphan goes on writing the job's outputs)."""
    with contextlib.suppress(OSError, AttributeError):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _child(request: dict, fds: list[int], closing: list, added: dict) -> None:
    """In the forked process: become the job, run its script, exit (never returns)."""
    code = 1
    try:
        _die_with_the_server()
        for item in closing:
            item.close()
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.update(added)  # what the preloaded imports set, as in a fresh interpreter
        # A fresh interpreter's unseeded generators differ from process to process.
        random.seed()
        sys.modules["numpy"].random.seed()
        code = _run_script(request["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


class _Server:
    def __init__(self, path: str, parent: int, env: dict):
        self.path, self.parent = path, parent
        self.env = _comparable(env)  # the environment the libraries were imported in
        self.added = {k: v for k, v in os.environ.items() if env.get(k) != v}
        self.cwd = os.getcwd()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(64)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        # A job's end wakes the loop at once (SIGCHLD writes to this pipe), so its launcher
        # hears of it without waiting for the next timeout.
        self.wakeup, wakeup_write = os.pipe()
        for fd in (self.wakeup, wakeup_write):
            os.set_blocking(fd, False)
        self.wakeup_write = wakeup_write
        signal.set_wakeup_fd(wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.wakeup, selectors.EVENT_READ)
        self.jobs: dict[int, socket.socket] = {}  # pid -> the launcher's connection
        self.served = self.refused = 0

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        try:
            request, fds = job_launcher.receive_message(conn, with_fds=True)
        except (OSError, ValueError):
            request, fds = None, []
        reason = self._refusal(request, fds)
        if reason:
            for fd in fds:
                os.close(fd)
            self.refused += 1
            print(
                f"refused {' '.join(request['argv'][:1]) if request else ''}: {reason}", flush=True
            )
            self._reply(conn, {"served": False})
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            for fd in (self.wakeup, self.wakeup_write):
                os.close(fd)
            closing = [self.listener, self.selector, conn, *self.jobs.values()]
            _child(request, fds, closing, self.added)
        for fd in fds:
            os.close(fd)
        self.served += 1
        self.jobs[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, pid)
        self._reply(conn, {"pid": pid})

    def _refusal(self, request, fds) -> str:
        """Why the job cannot be served ('' if it can)."""
        if request is None or len(fds) != 3:
            return "incomplete request"
        if request["cwd"] != self.cwd:  # the imports read files there (matplotlibrc)
            return "another working directory"
        env = _comparable(request["env"])
        differ = sorted(k for k in env.keys() | self.env.keys() if env.get(k) != self.env.get(k))
        return f"environment differs in {', '.join(differ)}" if differ else ""

    def _reply(self, conn, message: dict) -> None:
        with contextlib.suppress(OSError):
            job_launcher.send_message(conn, message)

    def launcher_gone(self, conn, pid: int) -> None:
        """The launcher closed its end (Snakemake killed the job): kill the job's process."""
        self.selector.unregister(conn)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        while self.jobs:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.jobs.pop(pid, None)
            if conn is None:
                continue
            if self._registered(conn):
                self.selector.unregister(conn)
            result = {
                "status": status,
                "user_s": usage.ru_utime,
                "system_s": usage.ru_stime,
                "max_rss_kb": usage.ru_maxrss,
            }
            self._reply(conn, result)
            conn.close()

    def _registered(self, conn) -> bool:
        try:
            self.selector.get_key(conn)
            return True
        except KeyError:
            return False

    def run(self) -> None:
        while os.getppid() == self.parent:
            for key, _ in self.selector.select(timeout=1.0):
                if key.fileobj is self.listener:
                    self.accept()
                elif key.fileobj is self.wakeup:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wakeup, 4096)
                elif not key.fileobj.recv(1, socket.MSG_PEEK):
                    self.launcher_gone(key.fileobj, key.data)
            self.reap()
        # Snakemake is gone without stopping the server: so are its jobs and their folder.
        for pid in list(self.jobs):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(os.path.dirname(self.path), ignore_errors=True)


def serve(path: str, parent: int) -> None:
    """Import :data:`PRELOADED`, then serve jobs on the socket ``path`` while ``parent`` lives.

    With ``REINTEGRATION_JOB_TIMES`` set, the server's own usage (its imports, the forks) is
    written there at the end, like a job's (the jobs' own usage is their launchers' report).
    """
    start_ns, start = time.time_ns(), time.monotonic()
    env = dict(os.environ)
    for name in PRELOADED:
        __import__(name)
    gc.freeze()  # the imported objects stay out of the children's collections (less copying)
    server = _Server(path, parent, env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"job server ready on {path}", flush=True)
    try:
        server.run()
    finally:
        print(f"job server: {server.served} jobs served, {server.refused} refused", flush=True)
        if os.environ.get(job_launcher.TIMES_VARIABLE):
            usage = resource.getrusage(resource.RUSAGE_SELF)
            own = {"user_s": usage.ru_utime, "system_s": usage.ru_stime, "status": 0}
            job_launcher.write_times(
                os.environ[job_launcher.TIMES_VARIABLE],
                f"python -m reintegration.job_server {os.path.basename(path)}",
                start_ns,
                time.monotonic() - start,
                {**own, "max_rss_kb": usage.ru_maxrss},
            )


# --- The Snakefile's side ---------------------------------------------------------------------

_RUNNING: dict = {}


def _job_environment(threads: int = 1) -> dict:
    """The environment Snakemake gives a job of ``threads`` threads and the default ``tmpdir``
    resource (snakemake.shell)."""
    env = dict(os.environ)
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    env.update({name: tempfile.gettempdir() for name in TMPDIR_VARIABLES})
    return env


def start_for_local_run(workflow, log_dir: str = ".snakemake/log") -> list[int]:
    """Start a job server for each thread count of the run's jobs (a local run only, and not with
    REINTEGRATION_JOB_SERVER=0) and put the launcher first on the jobs' PATH; the thread counts
    served. It does not wait for the servers: a job starting before its server is ready runs a
    fresh interpreter."""
    if os.environ.get(SWITCH, "1") == "0" or not workflow.local_exec or _RUNNING:
        return []
    thread_counts = sorted({job.threads for job in workflow.dag.needrun_jobs()})
    if not thread_counts:
        return []
    folder = tempfile.mkdtemp(prefix="reintegration-jobs-")
    fallback = shutil.which("python") or sys.executable
    launcher = os.path.join(folder, "python")
    with open(launcher, "w", encoding="utf-8") as out:
        out.write(
            f'#!/bin/sh\nexec "{sys.executable}" -I -S "{job_launcher.__file__}" "{fallback}" "$@"\n'
        )
    os.chmod(launcher, 0o755)
    os.environ["PATH"] = os.pathsep.join([folder, os.environ.get("PATH", "")])
    os.environ[job_launcher.FOLDER_VARIABLE] = folder
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    _RUNNING.update(folder=folder, processes=[], logs=[])
    atexit.register(stop)  # also when Snakemake exits on a signal it handles (Ctrl-C, SIGTERM)
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


def stop() -> None:
    """Stop the servers started by :func:`start_for_local_run` (if any); remove their folder."""
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

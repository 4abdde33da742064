"""A local run's jobs forked from a process that has imported numpy, pandas and pyarrow.

Every job of the study is a fresh interpreter running one script, and a fresh interpreter
spends 0.4-0.5 s of CPU importing numpy, pandas and pyarrow before the script does any work:
about a quarter of a 1x run's job time (issue 16). In a local run the Snakefile's ``onstart``
starts one server per thread count of the run's jobs
(:func:`reintegration.snakemake_job_servers.start_job_servers`). A server imports
:data:`PRELOADED` once and then, for each job, forks a process that runs the job's script as
``python script.py ARGS`` (or ``python -m module ARGS``: the report's kernels) would: its
arguments, working directory, environment, umask and standard streams; ``__main__``,
``__file__`` and ``sys.path[0]`` as the interpreter sets them;
uncaught exceptions printed from the script's frame on; threads joined and ``atexit`` handlers
run before it exits; the same exit status. The job's ``python`` is the launcher
:mod:`reintegration.job_launcher`, first on the jobs' PATH.

A server serves a job only in the working directory and the environment it imported the
libraries in (the same ``OMP_NUM_THREADS`` and other thread counts, which the libraries read
when imported), apart from the variables the shell sets for each command and the launcher's
own. Any other call (``python -c``, interpreter options, a rule setting its own thread counts), and
any job while its server is starting, runs a fresh interpreter, as without the servers. Outputs
are the same either way (tests/test_job_server.py, tests/e2e/test_job_server_study.py; ``make
test-cluster`` compares a local run's release, whose jobs are served, with a SLURM run's, whose
are not, byte for byte). A served process dies with its server; a server kills a job whose
launcher went away, and all its jobs when the Snakemake process that started it is gone.
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
import runpy
import selectors
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
import types

from reintegration import job_launcher

__all__ = ["PRELOADED", "serve"]

#: Modules imported once by the server: every job's numpy, pandas and pyarrow (most of a job's
#: start-up), and the report's papermill and nbconvert. Not matplotlib: it reads MPLBACKEND
#: when imported, which a report page's kernel sets (to its inline backend) only after it
#: started, so a kernel forked with matplotlib imported would draw with another backend.
PRELOADED = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "papermill",
    "nbconvert",
)
#: Not part of the environment a job is compared on: set by the shell for each command, by
#: jupyter_client for each kernel (the pid of the process starting it; read by ipykernel, which
#: the server does not import), or read by the launcher only.
NOT_COMPARED = frozenset(
    {
        "_",
        "SHLVL",
        "PWD",
        "OLDPWD",
        "JPY_PARENT_PID",
        job_launcher.FOLDER_VARIABLE,
        job_launcher.TIMES_VARIABLE,
    }
)


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


def _initial_main() -> types.ModuleType:
    """``__main__`` as the interpreter makes it before ``-m`` fills it in (runpy)."""
    main = types.ModuleType("__main__")
    main.__dict__.update(
        __annotations__={}, __builtins__=builtins, __loader__=importlib.machinery.BuiltinImporter
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
    try:
        with io.open_code(path) as source:
            exec(compile(source.read(), path, "exec"), main.__dict__)
    except BaseException as error:
        return _finish(main, error)
    return _finish(main, None)


def _run_module(argv: list[str]) -> int:
    """Run ``-m MODULE ARGS`` as the interpreter does (it calls runpy._run_module_as_main, which
    sets sys.argv[0] to the module's file, and prints "No module named ..." for a missing
    one); ``sys.path[0]`` is the working directory. The module's exit code."""
    sys.argv = ["-m", *argv[2:]]
    sys.path[0] = os.getcwd()
    main = sys.modules["__main__"] = _initial_main()
    try:
        runpy._run_module_as_main(argv[1], alter_argv=True)
    except BaseException as error:
        return _finish(main, error)
    return _finish(main, None)


def _finish(main: types.ModuleType, error: BaseException | None) -> int:
    """What the interpreter does after the script (or module) ran, ``error`` its uncaught
    exception if any: report it, join threads, run exit handlers; the exit code."""
    code = 0
    if isinstance(error, SystemExit):
        if error.code is None:
            code = 0
        elif isinstance(error.code, int):
            code = error.code
        else:
            print(error.code, file=sys.stderr)
            code = 1
    elif error is not None:
        # The traceback from the script's own frame on (the first frame is the server's), as
        # the interpreter prints it (for -m, from runpy's frames on, as the interpreter does).
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


#: Blocked while a job's process is forked, until it has the job's handlers.
JOB_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


def _child(request: dict, fds: list[int], closing: list, added: dict, mask) -> None:
    """In the forked process: become the job, run its script, exit (never returns)."""
    code = 1
    try:
        _die_with_the_server()
        for item in closing:
            item.close()
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
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
        run = _run_module if request["argv"][0] == "-m" else _run_script
        code = run(request["argv"])
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
        # A signal for the job that comes before the child has the job's handlers waits
        # (else the server's SIGTERM handler would run in the child)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, JOB_SIGNALS)
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            for fd in (self.wakeup, self.wakeup_write):
                os.close(fd)
            closing = [self.listener, self.selector, conn, *self.jobs.values()]
            _child(request, fds, closing, self.added, mask)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
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
        if request["cwd"] != self.cwd:  # the server's sys.path starts with its working directory
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

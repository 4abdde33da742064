"""The ``python`` of a local run's jobs: the script run by the job server, or the interpreter.

A job's command ``python workflow/scripts/x.py ARGS`` (or a report page's kernel,
``python -m ipykernel_launcher ...``) reaches this launcher (put first on the job's PATH by
:mod:`reintegration.snakemake_job_servers`). It asks the job server for a process forked from
one that has imported numpy, pandas and pyarrow already (0.4-0.5 s of CPU a job otherwise spends
on imports), passing its arguments, working directory, environment and standard streams. The
server refuses any call it cannot run exactly as the interpreter would (neither a script file
nor ``-m module``, a different environment); then, or when no server answers, the launcher
replaces itself with the next ``python`` on PATH, so the job runs as it always did.

Run as ``<interpreter> -I -S job_launcher.py FALLBACK_PYTHON ARGS...``: it imports only the
standard library (no site-packages, no package ``__init__``) so that it starts in milliseconds.
With ``REINTEGRATION_JOB_TIMES`` set to a folder, a served job's CPU time, wall time and peak
resident memory (its own and its waited-for child processes', from the server) are written
there in the lines of ``/usr/bin/time -v`` (benchmarks/bench_study.py reads them).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time

#: The folder of the run's job servers: one socket per thread count (``threads-N.socket``).
FOLDER_VARIABLE = "REINTEGRATION_JOB_SERVERS"
TIMES_VARIABLE = "REINTEGRATION_JOB_TIMES"
#: The launcher's name in that folder (the jobs' ``python``).
LAUNCHER_NAME = "python"


def send_message(conn, message: dict, fds=()) -> None:
    payload = json.dumps(message).encode("utf-8")
    data = struct.pack("!I", len(payload)) + payload
    if fds:
        sent = socket.send_fds(conn, [data], list(fds))
        data = data[sent:]
    conn.sendall(data)


def receive_message(conn, with_fds: bool = False):
    """(message, fds) from ``conn``; (None, []) if the other side closed it first."""
    fds = []
    if with_fds:
        chunk, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    else:
        chunk = conn.recv(65536)
    buffer = bytearray(chunk)
    while chunk and (len(buffer) < 4 or len(buffer) < 4 + struct.unpack("!I", buffer[:4])[0]):
        chunk = conn.recv(65536)
        buffer += chunk
    if len(buffer) < 4:
        return None, fds
    (size,) = struct.unpack("!I", buffer[:4])
    if len(buffer) < 4 + size:
        return None, fds
    return json.loads(bytes(buffer[4 : 4 + size])), fds


def socket_path(folder: str, threads) -> str:
    """The socket of the server for jobs of ``threads`` threads (Snakemake's OMP_NUM_THREADS)."""
    return os.path.join(folder, f"threads-{threads}.socket")


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes)}:{rest:05.2f}"


def write_times(folder: str, command: str, start_ns: int, wall: float, result: dict) -> None:
    """``command``'s usage in the lines of ``/usr/bin/time -v``, as ``folder/<start>-<pid>...``."""
    lines = [
        f'\tCommand being timed: "{command}"',
        f"\tUser time (seconds): {result['user_s']:.2f}",
        f"\tSystem time (seconds): {result['system_s']:.2f}",
        f"\tElapsed (wall clock) time (h:mm:ss or m:ss): {_clock(wall)}",
        f"\tMaximum resident set size (kbytes): {result['max_rss_kb']}",
        f"\tExit status: {result['status']}",
    ]
    path = os.path.join(folder, f"{start_ns}-{os.getpid()}.served.time")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def _forwarded() -> tuple[int, ...]:
    """The signals passed on to the served process.

    The served process is in the process group of the server (Snakemake's). A launcher in
    that group (a job's) leaves SIGINT and SIGQUIT alone: Ctrl-C's SIGINT to the group reaches
    the served process directly, and a second KeyboardInterrupt would break its clean-up. A
    launcher leading a group of its own (jupyter_client starts each kernel in a new session
    and interrupts it with SIGINT to that group) forwards them. SIGTERM and SIGHUP always.
    """
    own_group = os.getpgrp() == os.getpid()
    extra = (signal.SIGINT, signal.SIGQUIT) if own_group else ()
    return (signal.SIGTERM, signal.SIGHUP, *extra)


def _hold_signals(forwarded: tuple[int, ...]) -> tuple[list[int], dict]:
    """Keep the signals for the job that arrive before the served process is known (they are
    forwarded to it then, or raised again here if the job is not served): (the list of them,
    the dispositions they had). A signal the launcher was started ignoring stays ignored."""
    pending: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in forwarded}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, lambda signum, _frame: pending.append(signum))
    return pending, previous


def _release_signals(pending: list[int], previous: dict) -> None:
    """Not served: the signals as they were (the interpreter run next inherits them), and the
    ones held raised again."""
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    for signum in pending:
        os.kill(os.getpid(), signum)


def _forward_signals(child_pid: int, forwarded: tuple[int, ...], pending: list[int]) -> None:
    """A signal for the job (Snakemake or a user stopping it) goes to the served process too
    (:func:`_forwarded`), the held ones first."""

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child_pid, signum)

    for signum in forwarded:
        signal.signal(signum, forward)
    for signum in {signal.SIGINT, signal.SIGQUIT} - set(forwarded):
        signal.signal(signum, signal.SIG_IGN)
    for signum in pending:
        forward(signum, None)


def _exit_like(status: int) -> None:
    """Exit as the served process did: its exit code, or killed by the same signal."""
    if os.WIFSIGNALED(status):
        if os.WTERMSIG(status) not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
        sys.exit(1)  # a signal that does not end a process (none of the ones that kill)
    sys.exit(os.waitstatus_to_exitcode(status))


def servable(argv: list) -> bool:
    """A call the server runs: ``script.py ARGS`` or ``-m module ARGS`` (no interpreter option)."""
    if not argv:
        return False
    if argv[0] == "-m":
        return len(argv) > 1 and all(part.isidentifier() for part in argv[1].split("."))
    return not argv[0].startswith("-") and argv[0].endswith(".py")


def launcher_path() -> str | None:
    """This run's launcher (``$REINTEGRATION_JOB_SERVERS/python``) if job servers are on, for a
    job that starts ``python`` by its path (the report's kernels); None otherwise."""
    folder = os.environ.get(FOLDER_VARIABLE)
    path = os.path.join(folder, LAUNCHER_NAME) if folder else None
    return path if path and os.access(path, os.X_OK) else None


def served(argv: list) -> bool:
    """Run ``argv`` in the job server and exit with its status; False if it was not served."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder or not servable(argv):
        return False
    path = socket_path(folder, os.environ.get("OMP_NUM_THREADS", "1"))
    start_ns, start = time.time_ns(), time.monotonic()
    forwarded = _forwarded()
    pending, previous = _hold_signals(forwarded)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
        send_message(conn, {**request, "umask": _umask()}, fds=(0, 1, 2))
        started, _ = receive_message(conn)
    except OSError:
        started = None
    if not started or "pid" not in started:
        conn.close()
        _release_signals(pending, previous)
        return False
    _forward_signals(started["pid"], forwarded, pending)
    result, _ = receive_message(conn)
    if result is None:  # the server went away: the job's outcome is unknown
        print("job server stopped before the job ended", file=sys.stderr)
        sys.exit(1)
    if os.environ.get(TIMES_VARIABLE):
        command, wall = f"python {' '.join(argv)}", time.monotonic() - start
        write_times(os.environ[TIMES_VARIABLE], command, start_ns, wall, result)
    _exit_like(result["status"])
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main() -> None:
    fallback, argv = sys.argv[1], sys.argv[2:]
    if not served(argv):
        os.execv(fallback, [fallback, *argv])


if __name__ == "__main__":
    main()

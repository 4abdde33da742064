"""The job server runs a script as the interpreter does (reintegration/job_server.py).

A real server process (numpy, pandas and pyarrow imported) and the real launcher; each script is
also run by a fresh interpreter and the two must agree: exit status, standard output and error,
files written. Whether a job was served is seen from inside it: the server's process has pandas
imported before the script starts, a fresh interpreter does not.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from job_server_helpers import SERVED_PROBE, fresh, launch, launcher_command, script, start_server
from reintegration import job_launcher, snakemake_job_servers


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """This module's job server: (its working directory, the environment jobs must have)."""
    process, cwd, env, log = start_server(tmp_path_factory.mktemp("servers"))
    yield cwd, env
    process.terminate()
    process.wait(timeout=30)
    log.close()


JOB = """\
    import atexit, os, sys, threading, time
    from pathlib import Path
    import helper  # next to the script: sys.path[0] is the script's folder

    print("argv", sys.argv, "name", __name__, "file", __file__.replace(os.getcwd(), "<cwd>"))
    print("cwd", os.getcwd() == os.environ["EXPECTED_CWD"], "var", os.environ["JOB_VAR"])
    print("stdin", sys.stdin.read().strip())
    print("to stderr", file=sys.stderr)
    unclosed = open("unclosed.txt", "w")  # never closed: flushed when the interpreter ends
    unclosed.write("kept\\n")
    atexit.register(lambda: print("atexit ran"))
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread finished"))).start()
    sys.exit(int(sys.argv[1]))
"""


def test_served_script_behaves_like_a_fresh_interpreter(server, tmp_path):
    cwd, env = server
    job = script(tmp_path, JOB)
    script(tmp_path, "VALUE = 1\n", name="helper.py")
    relative = os.path.relpath(job, cwd)  # sys.argv[0] as given, __file__ joined to the cwd
    times = tmp_path / "times"  # a served job's launcher reports it there
    times.mkdir()
    job_env = {**env, job_launcher.TIMES_VARIABLE: str(times)}
    outcomes = {}
    for how, run in (("served", launch), ("fresh", fresh)):
        done = run(server, relative, 3, "a b", env=job_env, input="from stdin\n")
        unclosed = cwd / "unclosed.txt"
        outcomes[how] = (done.returncode, done.stdout, done.stderr, unclosed.read_text())
        unclosed.unlink()
    assert len(list(times.glob("*.time"))) == 1  # the first was served, the second not
    assert outcomes["served"] == outcomes["fresh"]
    code, out, err, unclosed = outcomes["served"]
    assert code == 3 and unclosed == "kept\n" and err == "to stderr\n"
    assert out.splitlines() == [
        f"argv [{relative!r}, '3', 'a b'] name __main__ file <cwd>/{relative}",
        "cwd True var x y",
        "stdin from stdin",
        "thread finished",
        "atexit ran",
    ]


def test_job_is_served_where_the_libraries_were_imported(server, tmp_path):
    cwd, env = server
    probe = script(tmp_path, SERVED_PROBE)
    assert launch(server, probe).stdout == "served\n"
    assert fresh(server, probe).stdout == "fresh\n"
    # Another thread count than the server imported numpy with: a fresh interpreter.
    assert launch(server, probe, env={**env, "OMP_NUM_THREADS": "2"}).stdout == "fresh\n"
    # Variables the shell sets for each command do not count.
    shell_set = {**env, "SHLVL": "7", "_": "/bin/python"}
    assert launch(server, probe, env=shell_set).stdout == "served\n"
    # Another working directory (the server's sys.path starts with its own).
    assert launch(server, probe, cwd=tmp_path).stdout == "fresh\n"


def test_not_a_script_or_no_server_runs_a_fresh_interpreter(server, tmp_path):
    cwd, env = server
    assert launch(server, "-c", SERVED_PROBE).stdout == "fresh\n"
    probe = script(tmp_path, SERVED_PROBE)
    assert launch(server, "-u", probe).stdout == "fresh\n"  # an interpreter option
    nowhere = {**env, job_launcher.FOLDER_VARIABLE: str(tmp_path / "no-server")}
    assert launch(server, probe, env=nowhere).stdout == "fresh\n"


MODULE = """\
    import os, sys
    here = os.getcwd()
    print("argv", [a.replace(here, "<cwd>") for a in sys.argv], "name", __name__)
    print("file", __file__.replace(here, "<cwd>"), "spec", __spec__.name, "package", __package__)
    print("path0", sys.path[0] == here, "loader", type(__loader__).__name__)
    if sys.argv[1] == "raise":
        raise KeyError("wave")
    sys.exit(int(sys.argv[1]))
"""


def test_served_module_behaves_like_python_m(server, tmp_path):
    """``python -m`` (how jupyter_client starts a report page's kernel): the module found on
    the working directory, its sys.argv, __main__, traceback and exit status as a fresh one."""
    cwd, env = server
    (cwd / "served_module_job.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    times = tmp_path / "times"
    times.mkdir()
    timed = {**env, job_launcher.TIMES_VARIABLE: str(times)}
    for args in (("4", "x y"), ("raise",)):
        served = launch(server, "-m", "served_module_job", *args, env=timed)
        plain = fresh(server, "-m", "served_module_job", *args)
        assert (served.returncode, served.stdout, served.stderr) == (
            plain.returncode, plain.stdout, plain.stderr
        )  # fmt: skip
    assert len(list(times.glob("*.time"))) == 2  # both served
    assert served.stderr.splitlines()[-1] == "KeyError: 'wave'"
    assert 'File "<frozen runpy>"' in served.stderr  # runpy's frames, as the interpreter's
    first = launch(server, "-m", "served_module_job", "4", "x y")
    assert first.returncode == 4 and first.stdout.splitlines() == [
        "argv ['<cwd>/served_module_job.py', '4', 'x y'] name __main__",
        "file <cwd>/served_module_job.py spec served_module_job package ",
        "path0 True loader SourceFileLoader",
    ]
    missing = launch(server, "-m", "no_such_module_here", env=timed)
    assert (missing.returncode, missing.stderr) == (
        1,
        f"{sys.executable}: No module named no_such_module_here\n",
    )
    assert len(list(times.glob("*.time"))) == 3  # served, and failed as a fresh one would


def test_a_served_module_is_served(server, tmp_path):
    cwd, _ = server
    (cwd / "served_probe_module.py").write_text(SERVED_PROBE, encoding="utf-8")
    assert launch(server, "-m", "served_probe_module").stdout == "served\n"
    # Not a module name: the interpreter's own error, from a fresh interpreter.
    odd = launch(server, "-m", "served-probe")
    assert (odd.returncode, odd.stderr) == (1, f"{sys.executable}: No module named served-probe\n")


def test_a_job_not_served_keeps_the_signals_it_was_started_ignoring(server, tmp_path):
    """Like ``nohup``: a fresh interpreter run in the launcher's place (here: no server for two
    threads) inherits SIGHUP ignored."""
    cwd, env = server
    probe = script(
        tmp_path, "import signal; print(signal.getsignal(signal.SIGHUP) == signal.SIG_IGN)\n"
    )
    done = subprocess.run(
        launcher_command(probe),
        env={**env, "OMP_NUM_THREADS": "2"},
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    assert (done.returncode, done.stdout) == (0, "True\n")


def test_uncaught_exception_fails_the_job_with_its_traceback(server, tmp_path):
    job = script(tmp_path, "raise ValueError('no such column: age')\n")
    served, plain = launch(server, job), fresh(server, job)
    assert served.returncode == plain.returncode == 1
    assert served.stderr == plain.stderr  # the same traceback, file names included
    assert served.stderr.splitlines()[-1] == "ValueError: no such column: age"
    assert f'File "{job}", line 1, in <module>' in served.stderr


def test_killed_by_a_signal_like_a_fresh_interpreter(server, tmp_path):
    job = script(tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n")
    assert launch(server, job).returncode == fresh(server, job).returncode == -signal.SIGKILL


def test_sigterm_to_the_job_reaches_the_served_process(server, tmp_path):
    cwd, env = server
    job = script(
        tmp_path,
        """\
        import signal, sys, time
        signal.signal(signal.SIGTERM, lambda *_: (print("stopped cleanly"), sys.exit(5)))
        print("ready", flush=True)
        time.sleep(60)
        """,
    )
    command = launcher_command(job)
    launcher = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True)
    assert launcher.stdout.readline() == "ready\n"
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(timeout=30) == 5
    assert launcher.stdout.read() == "stopped cleanly\n"


def test_a_killed_launcher_takes_its_job_with_it(server, tmp_path):
    cwd, env = server
    job = script(
        tmp_path,
        """\
        import os, time
        print(os.getpid(), flush=True)
        time.sleep(60)
        """,
    )
    command = launcher_command(job)
    launcher = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True)
    served_pid = int(launcher.stdout.readline())
    assert served_pid != launcher.pid
    launcher.kill()
    launcher.wait(timeout=30)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{served_pid}").exists():  # killed, then reaped by the server
        assert time.monotonic() < deadline, "the served process outlived its launcher"
        time.sleep(0.05)


def test_served_job_reports_its_own_usage(server, tmp_path):
    cwd, env = server
    times = tmp_path / "times"
    times.mkdir()
    job = script(
        tmp_path,
        """\
        import time
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        blob = bytearray(200 * 1024 * 1024)  # 200 MB resident
        blob[::4096] = b"x" * len(blob[::4096])
        """,
    )
    timed = {**env, job_launcher.TIMES_VARIABLE: str(times)}
    assert launch(server, job, "--flag", env=timed).returncode == 0
    (report,) = times.glob("*.time")
    text = report.read_text()
    assert f'Command being timed: "python {job} --flag"' in text
    user = float(text.split("User time (seconds): ")[1].split()[0])
    system = float(text.split("System time (seconds): ")[1].split()[0])
    rss_kb = int(text.split("Maximum resident set size (kbytes): ")[1].split()[0])
    assert user + system >= 0.25  # the script's 0.3 s of CPU (process_time: user + system)
    assert rss_kb >= 200 * 1024


def test_a_served_job_ends_with_its_server(tmp_path):
    process, cwd, env, log = start_server(tmp_path / "own")
    job = script(tmp_path, "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)\n")
    command = launcher_command(job)
    launcher = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    served_pid = int(launcher.stdout.readline())
    process.kill()  # the server crashes
    process.wait(timeout=30)
    log.close()
    assert launcher.wait(timeout=30) == 1
    deadline = time.monotonic() + 30
    while _alive(served_pid):  # no orphan goes on writing the job's outputs
        assert time.monotonic() < deadline, "the served process outlived its server"
        time.sleep(0.05)
    # (read after: the served process holds the same stderr until it ends)
    assert "job server stopped before the job ended" in launcher.stderr.read()


def _alive(pid: int) -> bool:
    """Running (not a zombie waiting for a parent that is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_folders_of_runs_that_are_gone_are_removed(tmp_path):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], stdout=subprocess.PIPE
    )
    for name, owner in (("gone", ended.stdout.decode().strip()), ("running", str(os.getpid()))):
        folder = tmp_path / f"{snakemake_job_servers.FOLDER_PREFIX}{name}"
        folder.mkdir()
        (folder / snakemake_job_servers.OWNER_FILE).write_text(owner)
    (tmp_path / f"{snakemake_job_servers.FOLDER_PREFIX}no-owner").mkdir()  # being made: left alone
    removed = snakemake_job_servers.remove_stale_folders(str(tmp_path))
    assert removed == [str(tmp_path / f"{snakemake_job_servers.FOLDER_PREFIX}gone")]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{snakemake_job_servers.FOLDER_PREFIX}no-owner",
        f"{snakemake_job_servers.FOLDER_PREFIX}running",
    ]


def test_launcher_script_runs_from_any_folder_name(tmp_path):
    odd = tmp_path / 'a "b" $HOME `c` d'
    odd.mkdir()
    fallback = odd / "py $x"  # the python it falls back to, with an odd name too
    fallback.symlink_to(sys.executable)
    launcher = snakemake_job_servers.write_launcher(str(odd), fallback=str(fallback))
    job = script(tmp_path, "import sys; print(sys.argv[1:])\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REINTEGRATION_JOB")}
    done = subprocess.run(
        [launcher, str(job), "x y", "$HOME"], env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "['x y', '$HOME']\n", "")

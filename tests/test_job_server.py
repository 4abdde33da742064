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
from reintegration import job_launcher, snakemake_job_servers

SERVED_PROBE = "import sys; print('served' if 'pandas' in sys.modules else 'fresh')\n"


def start_server(folder: Path):
    """A job server for launchers in ``folder``/work: (process, its working directory, the
    environment jobs must have to be served, log); jobs are served in that directory only."""
    cwd = folder / "work"
    cwd.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REINTEGRATION_JOB")}
    env.update({name: "1" for name in snakemake_job_servers.THREAD_VARIABLES})
    env[job_launcher.FOLDER_VARIABLE] = str(folder)
    env.update(EXPECTED_CWD=str(cwd), JOB_VAR="x y")  # read by JOB
    path = job_launcher.socket_path(folder, 1)
    code = f"from reintegration.job_server import serve; serve({path!r}, {os.getpid()})"
    log = open(folder / "server.log", "w", encoding="utf-8")  # noqa: SIM115
    command = [sys.executable, "-c", code]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=cwd)
    deadline = time.monotonic() + 60
    while not Path(path).exists():
        assert process.poll() is None, (folder / "server.log").read_text()
        assert time.monotonic() < deadline, "the job server did not start"
        time.sleep(0.05)
    return process, cwd, env, log


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """This module's job server: (its working directory, the environment jobs must have)."""
    process, cwd, env, log = start_server(tmp_path_factory.mktemp("servers"))
    yield cwd, env
    process.terminate()
    process.wait(timeout=30)
    log.close()


def launcher_command(*args) -> list[str]:
    """The command the launcher script runs (snakemake_job_servers.write_launcher), falling back
    to this interpreter."""
    return [sys.executable, "-I", "-S", job_launcher.__file__, sys.executable, *map(str, args)]


def launch(server, *args, env=None, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    command = launcher_command(*args)
    return subprocess.run(
        command,
        env=env or server[1],
        cwd=cwd or server[0],
        capture_output=True,
        text=True,
        **kwargs,
    )


def fresh(server, *args, env=None, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, *map(str, args)]
    return subprocess.run(
        command, env=env or server[1], cwd=server[0], capture_output=True, text=True, **kwargs
    )


def script(tmp_path: Path, body: str, name: str = "job.py") -> Path:
    path = tmp_path / "scripts" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


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
    # Another working directory (matplotlib reads a matplotlibrc there when imported).
    assert launch(server, probe, cwd=tmp_path).stdout == "fresh\n"


def test_not_a_script_or_no_server_runs_a_fresh_interpreter(server, tmp_path):
    cwd, env = server
    assert launch(server, "-c", SERVED_PROBE).stdout == "fresh\n"
    probe = script(tmp_path, SERVED_PROBE)
    nowhere = {**env, job_launcher.FOLDER_VARIABLE: str(tmp_path / "no-server")}
    assert launch(server, probe, env=nowhere).stdout == "fresh\n"


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

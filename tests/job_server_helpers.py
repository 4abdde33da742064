"""A real job server and the real launcher for tests (reintegration/job_server.py): start one,
run a script through the launcher or a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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

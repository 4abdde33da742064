"""A report page's kernel started through the job servers' launcher (report/notebooks.py).

A real job server and launcher (tests/job_server_helpers.py) and real papermill and
jupyter_client kernels: a page run with :func:`kernel_manager_options` gets a kernel forked by
the server (pandas imported before the page's first cell), which otherwise behaves as the
kernel jupyter_client starts: the same matplotlib backend (the kernel's inline one, set after
it started), the same parent pid variable, and an interrupt stops the running cell.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from job_server_helpers import start_server
from reintegration import job_launcher, snakemake_job_servers


@pytest.fixture(scope="module")
def kernel_server(tmp_path_factory):
    """A job server with the launcher script in its folder, as a local run has them."""
    folder = tmp_path_factory.mktemp("kernel-servers")
    process, cwd, env, log = start_server(folder)
    snakemake_job_servers.write_launcher(str(folder), fallback=sys.executable)
    yield cwd, env
    process.terminate()
    process.wait(timeout=30)
    log.close()


PAGE_CELL = """\
import json, os, sys
served = "pandas" in sys.modules  # before the page imports anything: the server's imports
import matplotlib
print(json.dumps({"served": served, "backend": matplotlib.get_backend(),
                  "parent_pid_set": bool(os.environ.get("JPY_PARENT_PID"))}))
"""

RUN_PAGE = """\
import sys, nbformat, papermill
from reintegration.report.notebooks import kernel_manager_options
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.argv[1])])
nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
nbformat.write(nb, "page.ipynb")
options = kernel_manager_options() if sys.argv[2] == "launcher" else {}
assert bool(options) == (sys.argv[2] == "launcher")
done = papermill.execute_notebook("page.ipynb", None, kernel_name="python3",
                                  progress_bar=False, **options)
print(done.cells[0].outputs[0]["text"], end="")
"""


def _python(server, code: str, *args, env=None) -> subprocess.CompletedProcess:
    cwd, server_env = server
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env or server_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_page_kernel_is_served_and_sees_what_a_fresh_kernel_sees(kernel_server, tmp_path):
    cwd, env = kernel_server
    times = tmp_path / "times"
    times.mkdir()
    timed = {**env, job_launcher.TIMES_VARIABLE: str(times)}
    outcomes = {}
    for how in ("launcher", "jupyter_client"):
        done = _python(kernel_server, RUN_PAGE, PAGE_CELL, how, env=timed)
        assert done.returncode == 0, done.stderr
        outcomes[how] = json.loads(done.stdout)
    assert [p.name.endswith(".served.time") for p in times.iterdir()] == [True]  # one kernel
    assert outcomes["launcher"] == {
        "served": True,
        "backend": "module://matplotlib_inline.backend_inline",
        "parent_pid_set": True,
    }
    assert outcomes["jupyter_client"] == {**outcomes["launcher"], "served": False}


INTERRUPT = """\
import asyncio, time
from reintegration.report.notebooks import kernel_manager_options

async def main():
    km = kernel_manager_options()["kernel_manager_class"](kernel_name="python3")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    kc.execute("import time; time.sleep(60)")
    await asyncio.sleep(1.0)
    start = time.monotonic()
    await km.interrupt_kernel()
    reply = await kc.get_shell_msg(timeout=30)
    print(reply["content"]["status"], reply["content"].get("ename"), time.monotonic() - start < 20)
    kc.stop_channels()
    await km.shutdown_kernel()
    print("alive after shutdown", await km.is_alive())

asyncio.run(main())
"""


def test_interrupting_a_served_kernel_stops_its_cell(kernel_server):
    """jupyter_client interrupts with SIGINT to the kernel's own process group (the launcher's
    session): the launcher passes it on to the served kernel."""
    done = _python(kernel_server, INTERRUPT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "error KeyboardInterrupt True",
        "alive after shutdown False",
    ]


def test_without_job_servers_kernels_start_as_jupyter_client_starts_them(kernel_server):
    cwd, env = kernel_server
    no_servers = {k: v for k, v in env.items() if k != job_launcher.FOLDER_VARIABLE}
    code = textwrap.dedent(
        """\
        from reintegration.report.notebooks import kernel_manager_options
        print(kernel_manager_options())
        """
    )
    assert _python(kernel_server, code, env=no_servers).stdout == "{}\n"

"""Run one report chapter: jupytext source -> papermill execution -> normalised ipynb -> HTML.

The executed notebook and its HTML page must be byte-identical on a rerun (STUDY.md §9), so
everything papermill and Jupyter record about the run itself is removed: timestamps and durations
(papermill and ``execution`` cell metadata), execution counts, random cell ids (replaced by
``cell-000``, ``cell-001``, ...). Figures shown with ``IPython.display.Image`` are stored in the
notebook as base64 PNG and embedded as data URIs in the HTML page, so the page opens from disk.

:func:`run_chapters` makes all pages in one job: the interpreter, papermill, nbconvert and the
HTML template are loaded once and the worker processes fork from it (a job per page spent more
on that than on its page), while every page still runs in a kernel of its own, started for it
and shut down after it, so no state passes from one page to another.
"""

from __future__ import annotations

import copy
import functools
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "reintegration"

#: Metadata keys that record the run rather than the content.
_VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets")
_VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")


def read_source(path: str | Path) -> nbformat.NotebookNode:
    """Read a jupytext ``py:percent`` notebook as an nbformat v4 notebook."""
    return jupytext.read(str(path), fmt="py:percent")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without anything that varies between two identical runs."""
    nb = copy.deepcopy(nb)
    for key in _VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    # jupytext records its own version and the source format; neither is content.
    nb.metadata.pop("jupytext", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell["execution_count"] = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
    return nb


def check_errors(nb: nbformat.NotebookNode, name: str) -> None:
    """Raise if a cell produced an error output (papermill raises too; this is a backstop)."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise RuntimeError(
                    f"notebook {name}, cell {index}: {output.get('ename')}: {output.get('evalue')}"
                )


def write_notebook(nb: nbformat.NotebookNode, path: str | Path) -> None:
    """Write ``nb`` as ipynb with stable formatting (sorted keys, LF, trailing newline)."""
    from reintegration.io import write_text

    nbformat.validate(nb)
    text = nbformat.writes(nb, version=4)
    write_text(text if text.endswith("\n") else text + "\n", path)


def to_html(
    nb: nbformat.NotebookNode,
    title: str,
    *,
    page: str | None = None,
    chapters: list[str] | None = None,
    data_source: str | None = None,
) -> str:
    """Render an executed notebook as a self-contained HTML page without code cells.

    ``page`` (its file name) and ``chapters`` (the report's chapter keys) give the navigation
    bar; ``data_source`` the synthetic-data banner. A table of contents follows the title.
    """
    from reintegration.report import pages

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    nb.metadata["report"] = {
        "css": pages.CSS,
        "banner": pages.banner(data_source),
        "nav": pages.nav_bar(page, chapters) if page else "",
    }
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = pages.add_toc(body)
    return body if body.endswith("\n") else body + "\n"


@functools.cache
def _html_exporter():
    """The page exporter, made once per process: its templates are compiled on first use, and
    worker processes forked after :func:`_warm_html_exporter` inherit them compiled."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def _warm_html_exporter() -> None:
    """Render a one-cell page, so that the template, the markdown renderer and the selectors
    nbconvert applies to every page are compiled before the workers fork (not once in each)."""
    cell = nbformat.v4.new_markdown_cell("# Warm-up\n\nText.")
    to_html(nbformat.v4.new_notebook(cells=[cell]), "Warm-up")


#: How often a kernel that dies while starting is started again: with TCP sockets (the fallback
#: of :func:`kernel_config`) two kernels started at the same moment can pick the same free port
#: and one dies before any cell ran ("Address already in use"), so starting again is safe.
KERNEL_START_ATTEMPTS = 3

#: Longest path :func:`kernel_config` gives a kernel's Unix socket (Linux takes 107 bytes,
#: macOS 103; the kernel appends "-1" ... "-5").
UNIX_SOCKET_PATH_MAX = 100


def kernel_config(folder: str | Path):
    """The kernel's sockets as Unix sockets in ``folder`` (a page's own temporary folder).

    With TCP, jupyter_client picks each kernel's five ports by binding port 0 and letting go,
    so kernels started side by side (the pages run three at a time) can be given the same port
    (papermill issue 511). The kernel that loses the race does not die: it hangs, and its page
    failed only after papermill's 60 s start timeout. Socket files in a folder of the page's
    own cannot collide. None (TCP) when that folder's path is too long for a Unix socket.
    """
    from traitlets.config import Config

    ip = str(Path(folder) / "kernel")
    if len(os.fsencode(ip)) + len("-5") > UNIX_SOCKET_PATH_MAX:
        return None
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = ip
    return config


def _execute(run, *, name: str):
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            return run()
        except RuntimeError as error:
            if "Kernel died before replying" not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                raise
            print(f"{name}: the kernel died while starting ({error}); starting it again",
                  file=sys.stderr)  # fmt: skip


@functools.cache
def _served_kernel_manager():
    """jupyter_client's kernel manager, but starting the kernel's ``python`` (jupyter_client's
    ``sys.executable``) as the run's job-server launcher: the kernel is then forked from a
    server that has imported numpy, pandas and papermill (0.6 s of CPU a page otherwise)."""
    from jupyter_client.manager import AsyncKernelManager

    from reintegration.job_launcher import launcher_path

    class ServedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            launcher = launcher_path()
            if launcher and cmd and cmd[0] == sys.executable:
                cmd[0] = launcher
            return cmd

    return ServedKernelManager


def kernel_manager_options() -> dict:
    """papermill's option starting the kernels through the job servers' launcher in a local
    run that has them (reintegration/job_server.py); none otherwise (SLURM, by hand)."""
    from reintegration.job_launcher import launcher_path

    return {"kernel_manager_class": _served_kernel_manager()} if launcher_path() else {}


def run_chapter(
    source: str | Path,
    notebook_out: str | Path,
    html_out: str | Path,
    *,
    parameters: dict,
    title: str,
    cwd: str | Path = ".",
    kernel_name: str = "python3",
    chapters: list[str] | None = None,
) -> None:
    """Execute the chapter notebook ``source`` with ``parameters``; write ipynb and HTML.

    Paths in ``parameters`` are relative to ``cwd`` (the workflow's working directory), which is
    where the kernel runs, so nothing machine-specific ends up in the outputs.
    """
    import papermill

    from reintegration.io import write_text

    nb = read_source(source)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": kernel_name,
    }
    with tempfile.TemporaryDirectory(prefix="report-notebook-") as tmp:
        unexecuted = Path(tmp) / "input.ipynb"
        nbformat.write(nb, unexecuted)
        config = kernel_config(tmp)
        executed = _execute(
            lambda: papermill.execute_notebook(
                str(unexecuted),
                None,
                parameters=parameters,
                kernel_name=kernel_name,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                **({"config": config} if config is not None else {}),
                **kernel_manager_options(),
            ),
            name=str(source),
        )
    check_errors(executed, str(source))
    executed = normalise(executed)
    write_notebook(executed, notebook_out)
    page = Path(html_out).name if chapters else None
    source_kind = parameters.get("data_source")
    html = to_html(executed, title, page=page, chapters=chapters, data_source=source_kind)
    write_text(html, html_out)


@dataclass(frozen=True)
class Page:
    """One chapter page: its jupytext source, papermill parameters, title and outputs."""

    source: str
    parameters: dict
    title: str
    notebook: str
    html: str


def _run_page(page: Page, *, cwd: str, chapters: list[str] | None) -> str:
    try:
        run_chapter(page.source, page.notebook, page.html, parameters=page.parameters,
                    title=page.title, cwd=cwd, chapters=chapters)  # fmt: skip
    except Exception as error:  # named by page: a worker's traceback is not the parent's
        raise RuntimeError(f"{page.source}: {type(error).__name__}: {error}") from None
    return page.notebook


def run_chapters(
    pages: list[Page], *, workers: int, cwd: str | Path = ".", chapters: list[str] | None = None
) -> list[str]:
    """Run :func:`run_chapter` for every page, ``workers`` pages at a time (see the module
    docstring); returns the notebooks written, in the order of ``pages``."""
    import multiprocessing

    # Loaded before the workers fork, so that each of them has them already.
    import papermill  # noqa: F401

    from reintegration.io import write_text  # noqa: F401

    _warm_html_exporter()

    run = functools.partial(_run_page, cwd=str(cwd), chapters=chapters)
    workers = max(1, min(workers, len(pages)))
    if workers == 1:
        return [run(page) for page in pages]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(run, pages, chunksize=1)

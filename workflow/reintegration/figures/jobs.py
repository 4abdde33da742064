"""Drawing a chapter's figures on several cores, with the same bytes as one core.

A job is ``(stem, draw)``: ``draw()`` returns a matplotlib figure, saved once as
``<stem>.png`` and ``<stem>.svg`` by :func:`~reintegration.figures.style.save_figure`. With
``threads > 1`` the jobs are shared out to forked worker processes (each job runs in exactly
one process, from the same inputs and style, so the files are those of a serial run); the jobs
are read from this module's state inherited by ``fork``, so closures over tables need no
pickling.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from pathlib import Path

from reintegration.figures.style import apply_style, save_figure

__all__ = ["draw_jobs"]

Job = tuple[str, Callable[[], object]]

_STATE: dict = {}


def _run(index: int) -> str:
    stem, draw = _STATE["jobs"][index]
    path = Path(_STATE["out_dir"]) / f"{stem}.png"
    save_figure(draw(), path, data_source=_STATE["data_source"])
    return str(path)


def draw_jobs(
    jobs: Sequence[Job], *, out_dir: str | Path, data_source: str | None, threads: int = 1
) -> list[Path]:
    """Draw and save every job, in ``threads`` processes; the paths in the jobs' order."""
    apply_style()
    _STATE.update(jobs=list(jobs), out_dir=str(out_dir), data_source=data_source)
    try:
        workers = max(1, min(int(threads), len(jobs)))
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [Path(_run(i)) for i in range(len(jobs))]
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=apply_style) as pool:
            # chunksize 1: the slow figures (box plots, heat maps) do not queue behind each other
            return [Path(p) for p in pool.map(_run, range(len(jobs)), chunksize=1)]
    finally:
        _STATE.clear()

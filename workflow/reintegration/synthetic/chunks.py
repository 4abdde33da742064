"""Chunks of the generator drawn in parallel, their outputs written in chunk order.

Every chunk has its own random stream (seed, country, chunk) and its own raw files, so chunks
can be drawn in any order and in several processes (issue 16: the generator was one process).
What a chunk hands to the generator's shared writers (the truth parquet streams, the defect
log, the file list) is collected in the process that drew it and replayed by the parent in
chunk order: the truth files get the same row groups in the same order, so the bytes do not
depend on ``workers``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import partial

from reintegration.forked import check_workers, forked_pool

#: The generator's shared writers a chunk writes to (attribute names on the generator).
STREAMS = ("records_out", "returnees_out", "truth_pre_out", "defect_log")


class Collected:
    """Stands in for a stream or the defect log inside a chunk: keeps what was written."""

    def __init__(self):
        self.calls: list = []

    def write(self, frame) -> None:
        self.calls.append(frame)

    def add(self, rows) -> None:
        self.calls.append(list(rows))


def draw_chunk(gen, task: tuple) -> tuple[dict, dict, dict]:
    """Run ``gen._chunk(*task)`` with collecting writers; returns the chunk's summary, its
    file list and what it wrote to each of :data:`STREAMS`."""
    gen.files = {}
    collected = {name: Collected() for name in STREAMS}
    for name, stand_in in collected.items():
        setattr(gen, name, stand_in)
    done = gen._chunk(*task)
    return done, gen.files, {name: c.calls for name, c in collected.items()}


def drawn_chunks(gen, tasks: list[tuple], workers: int) -> Iterator[tuple[dict, dict, dict]]:
    """:func:`draw_chunk` of each task, in task order: in this process (``workers=1``) or in
    ``workers`` forked processes. The copy of ``gen`` a task runs on is not ``gen``."""
    if check_workers(workers) == 1 or len(tasks) < 2:
        shadow = copy.copy(gen)  # the stand-ins go on the copy, never on gen
        yield from (draw_chunk(shadow, task) for task in tasks)
        return
    with forked_pool(partial(draw_chunk, gen), min(workers, len(tasks))) as run:
        yield from run(tasks)  # a forked worker's gen is its own copy


def replay(collected: dict, writer) -> None:
    """Write what a chunk collected (``{stream: calls}``) to the real ``writer(stream)``."""
    for name, calls in collected.items():
        for call in calls:
            if name == "defect_log":
                writer(name).add(call)
            else:
                writer(name).write(call)

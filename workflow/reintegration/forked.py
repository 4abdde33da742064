"""Work spread over forked processes, results in task order (issue 16: a rule's ``threads``).

The workers are forked, so they inherit the function they run (closures and the data they hold
included) instead of receiving it pickled; only the tasks and the results cross a pipe. Results
come back in the order of the tasks, so a stage's output does not depend on ``workers``. A job
using this sets one BLAS thread per process (the rules do: ``OMP_NUM_THREADS=1``), so each
process computes what a one-process run computes. A worker's warnings come back with its
result and are raised again in the parent, in task order.
"""

from __future__ import annotations

import multiprocessing
import pickle
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

__all__ = ["check_workers", "forked_map", "forked_pool"]

_function = None  # what the workers run, set before they are forked


def _call(task):
    # a worker's warnings are sent back with its result and raised again in the parent (the
    # parent's filters and log; nothing a worker warns about is lost with its stderr)
    with warnings.catch_warnings(record=True) as caught:
        result = _function(task)
    return result, [_portable(w) for w in caught]


def _portable(w: warnings.WarningMessage) -> tuple[str, type[Warning], str, int]:
    """A caught warning as the pipe can carry it: a category that cannot be pickled (defined
    inside a function) travels as a RuntimeWarning naming it."""
    try:
        pickle.dumps(w.category)
        return str(w.message), w.category, w.filename, w.lineno
    except (pickle.PicklingError, AttributeError, TypeError):
        return f"{w.category.__name__}: {w.message}", RuntimeWarning, w.filename, w.lineno


def _results(replies: Iterable) -> Iterator:
    for result, caught in replies:
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        yield result


def check_workers(workers) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive integer; got {workers!r}")
    return workers


@contextmanager
def forked_pool(function: Callable, workers: int) -> Iterator[Callable[[Iterable], Iterator]]:
    """``run(tasks)``: ``function`` of each task in ``workers`` forked processes, an iterator
    of the results in task order; the processes live until the block ends."""
    global _function
    _function = function
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(check_workers(workers), mp_context=context) as pool:
            yield lambda tasks: _results(pool.map(_call, tasks))
    finally:
        _function = None


def forked_map(function: Callable, tasks: Iterable, workers: int) -> list:
    """``[function(t) for t in tasks]``, in ``workers`` forked processes when there are more
    than one worker and one task."""
    tasks = list(tasks)
    if check_workers(workers) == 1 or len(tasks) < 2:
        return [function(t) for t in tasks]
    with forked_pool(function, min(workers, len(tasks))) as run:
        return list(run(tasks))

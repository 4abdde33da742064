"""The cyclic garbage collector set for jobs that hold millions of small objects (issue 16).

Extraction and the privacy scan's reading of the raw exports hold a wave's cells as Python
strings in lists of rows, and the scan the identifiers' word sequences. They form no reference
cycles, yet the collector's passes over the older generations walk them again and again: at
100x a sixth of either job's time, for no memory returned. Both call :func:`collect_rarely`
once at start. (Pooling, cleaning and generation were measured with it too and gained nothing
beyond the noise, so they keep Python's default.)
"""

from __future__ import annotations

import gc

#: Young objects collected every 100 000 net allocations (Python's default: 700); the oldest
#: generation after 5 000 young collections (default: 100). Cycles are still collected.
THRESHOLDS = (100_000, 50, 100)


def collect_rarely() -> None:
    """Leave the objects alive now (the imported modules) out of every later collection, and
    collect the rest at :data:`THRESHOLDS`. For batch jobs: the collector is process-wide."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

"""Large temporaries allocated again from memory the process already has (glibc's malloc).

glibc maps every allocation above its mmap threshold (at most 32 MB) fresh from the kernel and
unmaps it when freed, so a job that makes and drops many large temporaries (an n x k array per
coefficient in the wild bootstrap, a resample of the panel per draw) has the kernel zero their
pages again each time: at 100x that was 7-11 s of system time in each of ``chapter2_regression``
and ``chapter3_selection`` (issue 16). After :func:`keep_freed_memory` every allocation comes
from the heap and freed memory stays there for the next one. The numbers computed are the same
(only where the memory comes from changes). Only those two jobs call it: in the data stages,
which free few large arrays, it bought no time and kept 80-140 MB more resident at 100x
(README "Performance").
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

#: mallopt(3) parameters (glibc's malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
#: Free memory at the heap's top goes back to the kernel only above this (mallopt takes an
#: int: 2 GB, more than the jobs that call this hold).
_TRIM_THRESHOLD = 2**31 - 1


def keep_freed_memory() -> bool:
    """Serve this process's allocations (and those of the processes it forks after) from
    glibc's heap and keep freed memory for reuse; False where the C library is not glibc
    (nothing changes there)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return False
        mallopt = libc.mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
    return False

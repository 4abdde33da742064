"""The jobs' large arrays allocated again from memory the process already has (glibc's malloc).

glibc maps every allocation above its mmap threshold (at most 32 MB) fresh from the kernel and
unmaps it when freed, so a job that makes and drops many large temporaries (an n x k array per
coefficient in the wild bootstrap, a resample of the panel per draw) has the kernel zero their
pages again each time: at 100x that was 7-11 s of system time in each of ``chapter2_regression``
and ``chapter3_selection`` (issue 16). :data:`TUNABLES` has every allocation served from the
heap and freed memory kept there for the next one. The numbers computed are the same (only
where the memory comes from changes); a job's peak resident memory can be a little higher
(freed memory is not handed back): README "Performance" has both.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

__all__ = ["TUNABLES", "VARIABLE", "keep_freed_memory_in_jobs"]

VARIABLE = "GLIBC_TUNABLES"
#: No allocation mapped on its own (mmap_max=0); free memory at the heap's top returned to the
#: kernel only above 4 GB (trim_threshold), i.e. not during a job.
TUNABLES = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296"


def keep_freed_memory_in_jobs(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Give the processes started from here (the jobs, the job servers) :data:`TUNABLES`;
    False, changing nothing, if ``GLIBC_TUNABLES`` is set already (the user's own choice). A C
    library other than glibc ignores the variable."""
    if environ.get(VARIABLE):
        return False
    environ[VARIABLE] = TUNABLES
    return True

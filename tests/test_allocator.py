"""The jobs' malloc setting (reintegration/allocator.py): set for the jobs unless the user set
one, and honoured by glibc: a large array then lies in the heap, not in a mapping of its own."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest
from reintegration.allocator import TUNABLES, VARIABLE, keep_freed_memory_in_jobs


def test_set_for_the_jobs_unless_the_user_set_it():
    environ = {"PATH": "/bin"}
    assert keep_freed_memory_in_jobs(environ) is True
    assert environ == {"PATH": "/bin", VARIABLE: TUNABLES}
    own = {VARIABLE: "glibc.malloc.arena_max=2"}
    assert keep_freed_memory_in_jobs(own) is False
    assert own == {VARIABLE: "glibc.malloc.arena_max=2"}


# Where a freshly allocated 64 MB array lives: the name of the mapping holding its first byte.
WHERE = """\
import numpy as np
a = np.ones(8 * 1024 * 1024)  # 64 MB, above glibc's largest mmap threshold (32 MB)
address = a.ctypes.data
for line in open("/proc/self/maps"):
    span, *rest = line.split()
    lo, hi = (int(x, 16) for x in span.split("-"))
    if lo <= address < hi:
        print(rest[4] if len(rest) > 4 else "anonymous")
"""


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_glibc_serves_large_arrays_from_the_heap_with_it():
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    default = subprocess.run([sys.executable, "-c", WHERE], env=env, capture_output=True, text=True)
    tuned = subprocess.run(
        [sys.executable, "-c", WHERE],
        env={**env, VARIABLE: TUNABLES},
        capture_output=True,
        text=True,
    )
    assert (default.stdout, tuned.stdout) == ("anonymous\n", "[heap]\n")

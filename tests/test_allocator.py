"""The bootstrap jobs' malloc setting (reintegration/allocator.py): after keep_freed_memory(),
glibc serves a large array from the heap, not from a mapping of its own as by default."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Where a freshly allocated 64 MB array lives: the name of the mapping holding its first byte.
WHERE = """\
import sys
import numpy as np
from reintegration.allocator import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory() is True
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
def test_glibc_serves_large_arrays_from_the_heap_after_it():
    def where(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", WHERE, mode], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert (where("default"), where("keep")) == ("anonymous\n", "[heap]\n")

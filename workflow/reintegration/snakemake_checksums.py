"""Each input file's checksum computed once per version of the file, not once per output.

When a job ends, Snakemake 9 records every output's metadata, and for each output it hashes
every input again (``PersistenceBase.finished``; upstream snakemake/snakemake#4240, open). For
the report and publish jobs (about 130 outputs, 140 inputs each) that is 18,000 hashes of the
same files, about 4 s of a 1x run during which the scheduler starts nothing (issue 16).

:func:`cache_input_checksums` wraps ``_IOFile.checksum`` so that a local file's checksum is
kept for as long as the file's device, inode, size and modification time (ns) are unchanged:
the same value Snakemake computes, from the same bytes, once. Storage files, forced checksums
(``ensure(sha256=...)``) and files that cannot be stat'ed go to Snakemake unchanged. It is applied
only to the Snakemake version this project pins (``requirements.lock``), whose method it has been
checked against (tests/test_snakemake_checksums.py); any other version runs unpatched.
"""

from __future__ import annotations

import os

__all__ = ["PATCHED_VERSIONS", "cache_input_checksums"]

#: Snakemake versions whose ``_IOFile.checksum(threshold, force, algorithm)`` this wraps.
PATCHED_VERSIONS = ("9.27.1",)


def cache_input_checksums() -> bool:
    """Install the wrapper (once); False, and nothing changed, on another Snakemake version."""
    import snakemake
    from snakemake.io import _IOFile

    if snakemake.__version__ not in PATCHED_VERSIONS:
        return False
    original = _IOFile.checksum
    if getattr(original, "cached_by_reintegration", False):
        return True
    known: dict[tuple, str | None] = {}

    async def checksum(self, threshold=None, force=False, algorithm=None):
        if force or self.is_storage or not isinstance(algorithm, str | None):
            return await original(self, threshold, force=force, algorithm=algorithm)
        try:
            st = os.stat(self.file)
        except OSError:
            return await original(self, threshold, force=force, algorithm=algorithm)
        key = (self.file, threshold, algorithm, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if key not in known:
            known[key] = await original(self, threshold, force=force, algorithm=algorithm)
        return known[key]

    checksum.cached_by_reintegration = True
    checksum.__doc__ = original.__doc__
    _IOFile.checksum = checksum
    return True

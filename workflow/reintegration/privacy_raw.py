"""The identifiers of the raw exports, for the privacy scan (:mod:`reintegration.privacy`).

The scan looks for every direct identifier and case id of the release's waves in what the
release publishes, so it reads the raw exports again with the extraction's readers. At 100x
that reading is most of the scan's time, so the files of a wave can be read in several forked
processes (issue 16); the identifiers are a set, the same whichever process read a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from reintegration.forked import check_workers, forked_map
from reintegration.privacy import identifier_sequences

__all__ = ["raw_identifiers"]


def raw_identifiers(
    wave_dirs: Iterable[str | Path], codebook, *, workers: int = 1
) -> set[tuple[str, ...]]:
    """Word sequences of every direct identifier and case id in the raw exports of the waves.

    Read with the extraction's readers and header mapping; held in memory only. Files that
    cannot be read are passed over (extraction has already refused or skipped them).
    ``workers`` processes read a wave's files.
    """
    from reintegration.data.formats import FormatIndex
    from reintegration.data.inventory import scan
    from reintegration.data.readers import DEFAULT_LIMITS

    check_workers(workers)
    index = FormatIndex(codebook)
    v = codebook.variables
    wanted = set(v.loc[(v["identifier"] == "yes") | (v["type"] == "case_id"), "name"])
    sequences: set[tuple[str, ...]] = set()
    words: dict[str, str] = {}  # one string per word (names repeat: half the memory at 100x)
    for wave_dir in wave_dirs:
        folder = Path(wave_dir)
        if not folder.is_dir():
            continue
        # The extraction's own inventory: subfolders, archive members and every kind it reads.
        sources, _, _ = scan(folder, DEFAULT_LIMITS, skip_unknown=True)
        if workers == 1 or len(sources) < 2:
            _identifiers_of(sources, index, wanted, sequences, words)
            continue
        # every workers-th file to each process (the files of a wave are alike in size)
        parts = [sources[i::workers] for i in range(min(workers, len(sources)))]
        read = partial(_identifiers_of, index=index, wanted=wanted)
        for found in forked_map(read, parts, workers):
            sequences |= found
    return sequences


def _identifiers_of(
    sources, index, wanted, sequences: set | None = None, words: dict | None = None
) -> set[tuple[str, ...]]:
    """The identifier sequences of ``sources`` added to ``sequences`` (a new set by default;
    ``words``: see :func:`reintegration.privacy.identifier_sequences`)."""
    from reintegration.data.readers import DEFAULT_LIMITS, BadFileError, read_source

    sequences = set() if sequences is None else sequences
    words = {} if words is None else words
    for source in sources:
        try:
            content = read_source(source.data, source.kind, index, source.name, DEFAULT_LIMITS)
        except (BadFileError, ValueError):
            continue
        for table in content.tables:
            match = index.match(table.headers)
            if match is None:
                continue
            cols = [pos for pos, var in match.columns.items() if var in wanted]
            values = {row[pos] for row in table.rows for pos in cols if row[pos].strip()}
            identifier_sequences(values, sequences, words)  # file by file: no value kept
    return sequences

"""The identifiers of the raw exports, for the privacy scan (:mod:`reintegration.privacy`).

The scan looks for every direct identifier and case id of the release's waves in what the
release publishes, so it reads the raw exports again with the extraction's readers. At 100x
that reading is most of the scan's time, so the files of all the waves can be read in several
forked processes, one file per task (issue 16); the identifiers are a set, the same whichever
process read a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reintegration.forked import check_workers, forked_pool
from reintegration.privacy import identifier_sequences

__all__ = ["raw_identifiers"]


def raw_identifiers(
    wave_dirs: Iterable[str | Path], codebook, *, workers: int = 1
) -> set[tuple[str, ...]]:
    """Word sequences of every direct identifier and case id in the raw exports of the waves.

    Read with the extraction's readers and header mapping; held in memory only. Files that
    cannot be read are passed over (extraction has already refused or skipped them).
    ``workers`` processes read the files.
    """
    from reintegration.data.formats import FormatIndex
    from reintegration.data.inventory import scan
    from reintegration.data.readers import DEFAULT_LIMITS, size_of

    check_workers(workers)
    index = FormatIndex(codebook)
    v = codebook.variables
    wanted = set(v.loc[(v["identifier"] == "yes") | (v["type"] == "case_id"), "name"])
    sources = []
    for wave_dir in wave_dirs:
        if Path(wave_dir).is_dir():
            # The extraction's own inventory: subfolders, archive members, every kind it reads.
            sources += scan(Path(wave_dir), DEFAULT_LIMITS, skip_unknown=True)[0]
    sequences: set[tuple[str, ...]] = set()
    words: dict[str, str] = {}  # one string per word (names repeat: half the memory at 100x)
    if workers == 1 or len(sources) < 2:
        return _identifiers_of(sources, index, wanted, sequences, words)
    # One file per task, the largest first, over all waves: the processes end together (the
    # tasks are positions; the forked processes hold the sources, archive members included).
    order = sorted(range(len(sources)), key=lambda i: -size_of(sources[i].data))
    with forked_pool(lambda i: _identifiers_of([sources[i]], index, wanted), workers) as run:
        for found in run(order):
            # a process's words arrive as new strings: shared again across files
            sequences.update(tuple([words.setdefault(w, w) for w in seq]) for seq in found)
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

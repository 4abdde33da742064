"""Which wave's data stages start first: the largest wave's (issue 16).

Each wave's extract -> clean -> score is a chain of one-core jobs, and pooling waits for the
last of them. Snakemake starts ready jobs of equal priority in an order of its own, and with
synthetic data every wave's extraction reads the same input (the generator's manifest), so
the inputs' sizes do not tell them apart either. In a 100x run the largest wave (2019-07, six
in ten records) was extracted after the two small ones, and its chain of 33 s ran alone while
the second core stood idle for most of it. Started first (longest job first), it runs beside
the small waves' chains. The priorities only order the jobs: no output depends on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from reintegration.data.inventory import wave_files


def wave_priorities(sizes: Mapping[str, float]) -> dict[str, int]:
    """Snakemake priorities from the waves' sizes: 0 for the smallest, one more for each larger
    size (equal sizes, equal priority)."""
    ranks = sorted(set(sizes.values()))
    return {wave: ranks.index(size) for wave, size in sizes.items()}


def raw_wave_sizes(raw_dir: str | Path, waves: Iterable[str]) -> dict[str, int]:
    """Bytes of the files extraction reads in each wave's folder (0 for a missing folder,
    which the extract rule's inputs report)."""
    sizes = {}
    for wave in waves:
        folder = Path(raw_dir) / wave
        files = wave_files(folder) if folder.is_dir() else []
        sizes[wave] = sum(f.stat().st_size for f in files)
    return sizes


def synthetic_wave_sizes(config_file: str | Path, waves: Iterable[str]) -> dict[str, int]:
    """Days of each wave's interview-date window in the generator's configuration file
    (``waves``: name, start, end), a record going to the wave whose window holds its interview
    (the default study: 546, 184 and 182 days for 61%, 20% and 19% of the records); 0 for a
    wave the generator does not write, and for every wave when the file is missing (the
    generator's rule then names it). Known before the files exist, which their sizes are not."""
    from reintegration.yamlfile import read_yaml

    config = read_yaml(config_file) if Path(config_file).is_file() else {}
    windows = {w["name"]: (w["start"], w["end"]) for w in (config or {}).get("waves", [])}
    sizes = {}
    for wave in waves:
        if wave not in windows:
            sizes[wave] = 0
            continue
        start, end = (_date(d) for d in windows[wave])
        sizes[wave] = (end - start).days + 1
    return sizes


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

"""Rules run the interpreter that runs Snakemake, whatever PATH says.

Every rule's shell command calls ``python``; the Snakefile calls :func:`put_first_on_path` when it
is parsed, so ``python`` is this environment's interpreter in every job: with
``.venv/bin/snakemake`` from a plain shell, and on a SLURM node, where the executor plugin runs
each job as ``<this interpreter> -m snakemake ...`` (which parses the Snakefile again there).
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping


def put_first_on_path(
    environ: MutableMapping[str, str] = os.environ, executable: str = sys.executable
) -> str:
    """Put the directory of ``executable`` first on ``environ["PATH"]`` (once); return PATH."""
    folder = os.path.dirname(executable)
    entries = environ.get("PATH", "").split(os.pathsep) if environ.get("PATH") else []
    if not entries or entries[0] != folder:
        environ["PATH"] = os.pathsep.join([folder, *entries])
    return environ["PATH"]

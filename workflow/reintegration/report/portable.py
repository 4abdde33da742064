"""Make a ``snakemake --report`` file portable: no absolute build path inside it.

Snakemake records every rule's inputs as given, and the workflow lists its scripts and package
modules by absolute path (so that editing them reruns a rule), so the report embeds paths of
the machine that built it. :func:`relativise_report` rewrites them relative to the workflow's
folder (``workflow/scripts/x.py``) and the working directory (``results/...``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path


def relativise(text: str, roots: list[str | Path]) -> str:
    """``text`` with every ``<root>/`` prefix removed and a quoted bare root made ``.``
    (longest root first, so a working directory inside the workflow's folder is handled)."""
    for root in sorted({str(Path(r).resolve()) for r in roots}, key=len, reverse=True):
        root = root.rstrip("/")
        text = text.replace(root + "/", "").replace(f'"{root}"', '"."')
    return text


def relativise_report(report: str | Path, roots: list[str | Path]) -> int:
    """Rewrite a Snakemake report (``.html``, or ``.zip`` holding ``*/report.html``) in place.

    Returns the number of HTML files rewritten; fails if the file is neither.
    """
    report = Path(report)
    if report.suffix == ".html":
        report.write_text(relativise(report.read_text(encoding="utf-8"), roots), encoding="utf-8")
        return 1
    if report.suffix != ".zip":
        raise ValueError(f"{report}: a Snakemake report is a .html or .zip file")
    rewritten = 0
    fd, tmp = tempfile.mkstemp(dir=report.parent, suffix=".zip")
    os.close(fd)
    with zipfile.ZipFile(report) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith(".html"):
                data = relativise(data.decode("utf-8"), roots).encode("utf-8")
                rewritten += 1
            out.writestr(item, data)
    shutil.move(tmp, report)
    return rewritten

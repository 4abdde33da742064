"""Static checks of a built report folder: links that leave it, and the synthetic marking."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reintegration.report.marking import SYNTHETIC_NOTE, png_is_marked, svg_is_marked

_LINK = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def broken_or_outside_links(report: Path) -> list[str]:
    """Every link of every page that leaves ``report`` or points at a missing file."""
    report = report.resolve()
    problems = []
    for page in sorted(report.glob("*.html")):
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            if parts.scheme in ("data", "mailto") or target.startswith("#"):
                continue
            if parts.scheme or parts.netloc:
                problems.append(f"{page.name}: external link {target}")
                continue
            path = (page.parent / unquote(parts.path)).resolve()
            if not path.is_relative_to(report):
                problems.append(f"{page.name}: {target} leaves the report folder")
            elif not path.exists():
                problems.append(f"{page.name}: {target} does not exist")
    return problems


def marking(report: Path) -> dict[str, list[str]]:
    """Which pages, figures and tables of ``report`` carry the synthetic marking, and which not."""
    out = {"marked": [], "unmarked": []}

    def record(path: Path, marked: bool) -> None:
        out["marked" if marked else "unmarked"].append(path.relative_to(report).as_posix())

    for page in sorted(report.glob("*.html")):
        record(page, SYNTHETIC_NOTE in page.read_text(encoding="utf-8"))
    for png in sorted(report.rglob("*.png")):
        record(png, png_is_marked(png))
    for svg in sorted(report.rglob("*.svg")):
        record(svg, svg_is_marked(svg))
    for table in sorted(report.rglob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        record(table, "data_source" in header)
    return out

"""The privacy scan's summary as a page of the report (``report/privacy_scan.html``).

The scan (rule ``privacy_scan``) reads every other file of the release, the report's pages
included, so no page it reads can show its result. This page is written after it, from the
scan's counts only (files scanned, files with findings, findings by kind, what was checked):
it quotes no scanned value, so it needs no scan of its own. The data-audit page links it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from reintegration.report.pages import CSS, banner

__all__ = ["PAGE", "privacy_page", "summary_rows"]

PAGE = "privacy_scan.html"

_KINDS = {
    "phone_number": "phone numbers",
    "case_id": "raw case ids",
    "raw_identifier": "raw identifier values (names, phones, addresses, GPS, notes)",
    "wave_pseudonym": "the waves' pseudonyms",
    "pseudonym_key": "the pseudonym key",
}


def summary_rows(scan: dict) -> list[tuple[str, str]]:
    """(what, value) rows of the scan's summary, in reading order."""
    rows = [
        ("Result", "passed: nothing found" if scan.get("passed") else "FAILED"),
        ("Files scanned", f"{scan.get('files_scanned', 0):,}"),
        ("Files with findings", f"{scan.get('files_with_findings', 0):,}"),
    ]
    for kind, count in sorted(scan.get("findings_by_kind", {}).items()):
        rows.append((f"Findings: {_KINDS.get(kind, kind.replace('_', ' '))}", f"{count:,}"))
    checked = scan.get("checked", {})
    if "raw_identifier_values" in checked:
        rows.append(("Raw identifier values looked for", f"{checked['raw_identifier_values']:,}"))
    if "wave_pseudonyms" in checked:
        rows.append(("Wave pseudonyms looked for", f"{checked['wave_pseudonyms']:,}"))
    if "pseudonym_key" in checked:
        rows.append(("Pseudonym key looked for", "yes" if checked["pseudonym_key"] else "no"))
    if scan.get("waves"):
        rows.append(("Waves", ", ".join(scan["waves"])))
    return rows


def privacy_page(scan_json: str | Path, *, release: str, data_source: str | None) -> str:
    """The page's HTML, from ``privacy_scan.json``."""
    scan = json.loads(Path(scan_json).read_text(encoding="utf-8"))
    body = "".join(
        f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in summary_rows(scan)
    )
    title = f"Privacy scan of release {release}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}\n"
        "body { font-family: sans-serif; margin: 0; } main { max-width: 1100px; margin: 0 auto;"
        " padding: 0 1.5em 2em; } th { text-align: left; padding-right: 1.5em; }</style>"
        f"</head><body>{banner(data_source)}"
        '<nav class="report-nav" aria-label="report pages">'
        '<a class="home" href="index.html">&#8962; Report index</a>'
        '<a href="01_data_audit.html">Data audit</a></nav>'
        f"<main><h1>{html.escape(title)}</h1>"
        "<p>After every other file of the release was written, the scan read all of them for "
        "phone numbers, raw case ids, the raw exports' identifying values, the waves' "
        "pseudonyms and the pseudonym key. A release with any finding fails; this page is "
        "written from the scan's counts only, after it.</p>"
        f"<table>{body}</table></main></body></html>\n"
    )

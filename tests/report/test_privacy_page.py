"""The privacy scan's summary page (issue 15 item 6): the counts, from the scan's JSON."""

from __future__ import annotations

import json

from reintegration.report.marking import SYNTHETIC_NOTE
from reintegration.report.privacy_page import privacy_page, summary_rows

SCAN = {
    "checked": {"pseudonym_key": True, "raw_identifier_values": 41105, "wave_pseudonyms": 5181},
    "files_scanned": 256,
    "files_with_findings": 0,
    "findings": [],
    "findings_by_kind": {"case_id": 0, "phone_number": 0},
    "passed": True,
    "waves": ["2019-07", "2020-01"],
}


def test_summary_rows_say_files_scanned_and_findings():
    rows = dict(summary_rows(SCAN))
    assert rows["Result"] == "passed: nothing found"
    assert rows["Files scanned"] == "256" and rows["Files with findings"] == "0"
    assert rows["Findings: raw case ids"] == "0" and rows["Findings: phone numbers"] == "0"
    assert rows["Raw identifier values looked for"] == "41,105"
    failed = dict(summary_rows({**SCAN, "passed": False, "files_with_findings": 2}))
    assert failed["Result"] == "FAILED" and failed["Files with findings"] == "2"


def test_page_is_marked_navigable_and_escaped(tmp_path):
    path = tmp_path / "privacy_scan.json"
    path.write_text(json.dumps({**SCAN, "waves": ["<w>"]}), encoding="utf-8")
    page = privacy_page(path, release="r1", data_source="synthetic")
    assert SYNTHETIC_NOTE in page and 'class="report-nav"' in page and 'href="index.html"' in page
    assert "&lt;w&gt;" in page and "<w>" not in page
    real = privacy_page(path, release="r1", data_source="raw")
    assert SYNTHETIC_NOTE not in real

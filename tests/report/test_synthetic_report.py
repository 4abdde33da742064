"""A synthetic tiny release through real Snakemake: every page, figure and table says
"synthetic", no link leaves the report folder, and every page passes the browser check.

The real-source counterpart (nothing marked) is in test_release_e2e.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.report.marking import png_is_marked
from snakemake_runner import TINY

from report.browser import check_pages, chromium_path, problems
from report.pagecheck import broken_or_outside_links, marking

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

if not (TINY / "config.yaml").exists():  # pragma: no cover - depends on the tiny configuration
    pytest.skip("tests/config/tiny/config.yaml not present", allow_module_level=True)


@pytest.fixture(scope="module")
def release(tiny_synthetic_study):
    config = tiny_synthetic_study / "config" / "config.yaml"
    assert "source: synthetic" in config.read_text(encoding="utf-8")
    return tiny_synthetic_study / "results" / "releases" / "study-2020"


def test_every_page_figure_and_table_of_the_report_is_marked(release):
    report = release / "report"
    state = marking(report)
    assert state["unmarked"] == []
    kinds = {name.rsplit(".", 1)[-1] for name in state["marked"]}
    assert kinds == {"html", "png", "svg", "csv"}
    assert {"index.html", "data_dictionary.html", "02_chapter2.html"} <= set(state["marked"])
    assert len([n for n in state["marked"] if n.endswith(".png")]) >= 30


def test_audit_tables_carry_the_data_source_column(release):
    for name in ("audit_files", "audit_ledger", "audit_quarantine", "audit_cleaning"):
        table = pd.read_csv(release / "tables" / f"{name}.csv")
        assert set(table["data_source"]) == {"synthetic"}, name


def test_figures_saved_by_the_chapters_carry_the_footer(release):
    figures = sorted((release / "figures").glob("*.png"))
    marked = [png_is_marked(p) for p in figures]
    if not any(marked):
        pytest.xfail("chapters do not yet pass data_source=config['data']['source'] to save_figure")
    assert all(marked), [p.name for p, m in zip(figures, marked, strict=True) if not m]


def test_no_link_leaves_the_report_folder_and_pages_stay_small(release):
    report = release / "report"
    assert broken_or_outside_links(report) == []
    # Figures are linked, not embedded: every page is below the documented 1 MB (README).
    sizes = {p.name: p.stat().st_size for p in report.glob("*.html")}
    assert max(sizes.values()) < 1_000_000, sizes
    for notebook in (report / "notebooks").glob("*.ipynb"):
        assert "image/png" not in notebook.read_text(encoding="utf-8"), notebook.name


def test_every_page_has_navigation_and_the_chapters_a_table_of_contents(release):
    report = release / "report"
    for page in sorted(report.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert 'class="report-nav"' in text, page.name
        if page.name != "index.html":
            assert 'href="index.html"' in text, page.name
    for page in sorted(report.glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        assert '<nav class="toc"' in text and "Key findings" in text, page.name
    index = (report / "index.html").read_text(encoding="utf-8")
    assert index.index("Key findings") < index.index("<h2>Chapters</h2>")


@pytest.mark.skipif(chromium_path() is None, reason="chromium not installed (.ci/run installs it)")
def test_every_page_passes_the_browser_check(release):
    pages = sorted((release / "report").glob("*.html"))
    outcome = check_pages(pages)
    assert {page: problems(result) for page, result in outcome.items() if problems(result)} == {}
    assert outcome[str(release / "report" / "02_chapter2.html")]["images"] >= 10

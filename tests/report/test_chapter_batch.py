"""All chapter pages in one job (run_chapters): each page in a kernel of its own, the same bytes
as a page run alone, whatever the number of workers (pages at a time)."""

from __future__ import annotations

import pytest
from reintegration.report.notebooks import Page, run_chapter, run_chapters

SETTER = """# %% tags=["parameters"]
value = 1

# %%
leaked = value * 7
print("set", leaked)
"""
READER = """# %% tags=["parameters"]
value = 2

# %%
import sys
print("leaked" in globals(), "value" in globals(), value)
print(sorted(m for m in ("reintegration_probe_module",) if m in sys.modules))

# %%
import types
sys.modules["reintegration_probe_module"] = types.ModuleType("reintegration_probe_module")
"""


def pages(tmp_path, run: str) -> list[Page]:
    out = []
    for stem, text, value in (("01_setter", SETTER, 3), ("02_reader", READER, 5),
                              ("03_reader", READER, 6)):  # fmt: skip
        source = tmp_path / f"{stem}.py"
        source.write_text(text, encoding="utf-8")
        folder = tmp_path / run
        out.append(Page(str(source), {"value": value}, stem, str(folder / f"{stem}.ipynb"),
                        str(folder / f"{stem}.html")))  # fmt: skip
    return out


def outputs(page: Page) -> tuple[bytes, bytes]:
    with open(page.notebook, "rb") as nb, open(page.html, "rb") as html:
        return nb.read(), html.read()


@pytest.mark.slow
def test_pages_in_one_job_match_pages_run_alone_and_share_no_state(tmp_path):
    alone = pages(tmp_path, "alone")
    for page in alone:
        run_chapter(page.source, page.notebook, page.html, parameters=page.parameters,
                    title=page.title, cwd=tmp_path)  # fmt: skip
    for workers, run in ((3, "three"), (2, "two"), (1, "one")):
        batch = pages(tmp_path, run)
        assert run_chapters(batch, workers=workers, cwd=tmp_path) == [p.notebook for p in batch]
        assert [outputs(p) for p in batch] == [outputs(p) for p in alone]
    setter, reader, second = (outputs(p)[0].decode("utf-8") for p in alone)
    assert "set 21" in setter
    # Nothing of the page before: its variable, its parameter value, a module it loaded.
    assert "False True 5" in reader and "False True 6" in second
    assert "[]" in reader and "[]" in second


@pytest.mark.slow
def test_a_failing_page_fails_the_job_naming_the_page(tmp_path):
    source = tmp_path / "01_bad.py"
    source.write_text('# %% tags=["parameters"]\nx = 1\n\n# %%\nraise ValueError("no")\n')
    bad = Page(str(source), {}, "bad", str(tmp_path / "b.ipynb"), str(tmp_path / "b.html"))
    with pytest.raises(RuntimeError, match="01_bad.py"):
        run_chapters([bad, bad], workers=2, cwd=tmp_path)

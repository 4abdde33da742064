"""Caption notes on departures from the original (issue 15 item 5): one for each figure with a
number in the original report, published numbers taken from targets.yaml, shown under the
figure in the chapter page."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from reintegration.chapter2.outputs import FIGURES
from reintegration.chapter3.outputs import FIGURES as CHAPTER3_FIGURES
from reintegration.report.figure_notes import fill, load_figure_notes, note_html


@pytest.fixture
def notes_csv(repo):
    return repo / "config" / "published" / "figure_notes.csv"


def _numbered() -> dict[str, str]:
    """File stem -> "Figure N" for every figure numbered as in the original report."""
    out = {}
    for stem, spec in FIGURES.items():
        m = re.match(r"Figure (\d+):", spec.title)
        if m:
            out[stem] = f"Figure {m.group(1)}"
    for stem, spec in CHAPTER3_FIGURES.items():
        if re.fullmatch(r"Figure \d+", spec.title):
            out[stem] = spec.title
    return out


def test_every_numbered_figure_has_its_note(notes_csv, repo):
    numbered = _numbered()
    assert len(numbered) == 31  # Figures 1-31 of the original report
    notes = load_figure_notes(notes_csv, repo / "config" / "published" / "targets.yaml")
    assert set(notes) == set(numbered)
    for stem, number in numbered.items():
        assert notes[stem]["original_figure"] == number, stem
        assert notes[stem]["original_shows"] and notes[stem]["this_differs"], stem


def test_published_numbers_come_from_the_targets(notes_csv):
    raw = pd.read_csv(notes_csv, dtype=str, keep_default_na=False)
    text = " ".join(raw["original_shows"]) + " ".join(raw["this_differs"])
    # no published count typed in the notes (they live in targets.yaml only): once figure
    # numbers, percentages, p-value bins and the like are taken out, no digit is left
    plain = re.sub(r"\{[^}]*\}", "", text)
    skip = (
        r"(?:Figures?|Annex|Table) \d+(?:-\d+)?",
        r"\d+%",
        r"0\.\d+",
        r"2 x 2",
        r"5-point",
        r"HC3",
    )
    for pattern in skip:
        plain = re.sub(pattern, "", plain)
    assert not re.findall(r"\d+", plain)
    targets = {"cross_country": {"figure_ns": {"assistance_vs_economic_perception": 1234}}}
    assert fill("N = {cross_country.figure_ns.assistance_vs_economic_perception}.", targets) == (
        "N = 1,234."
    )
    with pytest.raises(KeyError, match="not in the published targets"):
        fill("{cross_country.nothing}", targets)


def test_figure_4_note_explains_its_n(notes_csv, repo):
    notes = load_figure_notes(notes_csv, repo / "config" / "published" / "targets.yaml")
    for stem, published in (
        ("figure_04_assistance_vs_economic_satisfaction", "2,817"),
        ("figure_08_assistance_vs_network_quality", "2,696"),
        ("figure_13_assistance_vs_psych_support_wish", "2,657"),
    ):
        note = notes[stem]
        assert published in note["original_shows"]
        assert "Annex 3 programme" in note["this_differs"]


def test_note_is_escaped_html():
    note = {"original_figure": "Figure 1", "original_shows": "a <b>", "this_differs": "c & d"}
    out = note_html(note)
    assert "a &lt;b&gt;" in out and "c &amp; d" in out and 'class="figure-note"' in out

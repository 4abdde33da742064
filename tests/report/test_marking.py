"""The synthetic-data marking: figures, tables, copies and pages (real files, no mocks)."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from PIL import Image
from reintegration.figures.style import save_figure
from reintegration.report import marking, pages

matplotlib.use("Agg")


def _figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["a", "b"], [1, 2])
    ax.set_xlabel("answer")
    return fig


def test_save_figure_draws_the_footer_only_for_synthetic_data(tmp_path):
    save_figure(_figure(), tmp_path / "syn.png", data_source="synthetic")
    save_figure(_figure(), tmp_path / "raw.png", data_source="raw")
    save_figure(_figure(), tmp_path / "none.png")
    assert marking.png_is_marked(tmp_path / "syn.png")
    assert marking.svg_is_marked(tmp_path / "syn.svg")
    for name in ("raw", "none"):
        assert not marking.png_is_marked(tmp_path / f"{name}.png")
        assert not marking.svg_is_marked(tmp_path / f"{name}.svg")
    # The footer is drawn below the figure: the same figure grows by a line of text.
    with Image.open(tmp_path / "syn.png") as syn, Image.open(tmp_path / "raw.png") as raw:
        assert syn.height > raw.height + 15
    # Real-data figures are what they were before the keyword existed.
    assert (tmp_path / "raw.png").read_bytes() == (tmp_path / "none.png").read_bytes()


def test_unknown_data_source_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="synthetic, raw"):
        marking.is_synthetic("demo")


def test_csv_marking_appends_a_column_and_keeps_cells_verbatim():
    text = 'country,note,estimate\nGIN,"a, b",0.1234567891\nSEN,,1e-05\n'
    marked = marking.mark_csv_text(text, "synthetic")
    assert marked.splitlines() == [
        "country,note,estimate,data_source",
        'GIN,"a, b",0.1234567891,synthetic',
        "SEN,,1e-05,synthetic",
    ]
    assert marking.mark_csv_text(marked, "synthetic") == marked  # never twice
    assert marking.mark_csv_text(text, "raw") == text
    df = marking.mark_table(pd.DataFrame({"x": [1, 2]}), "synthetic")
    assert df["data_source"].tolist() == ["synthetic", "synthetic"]
    assert list(marking.mark_table(pd.DataFrame({"x": [1]}), "raw").columns) == ["x"]


def test_copies_are_stamped_once_and_real_copies_are_byte_identical(tmp_path):
    save_figure(_figure(), tmp_path / "plain.png")
    save_figure(_figure(), tmp_path / "marked.png", data_source="synthetic")
    marking.copy_marked(tmp_path / "plain.png", tmp_path / "out" / "plain.png", "synthetic")
    marking.copy_marked(tmp_path / "plain.svg", tmp_path / "out" / "plain.svg", "synthetic")
    marking.copy_marked(tmp_path / "marked.png", tmp_path / "out" / "marked.png", "synthetic")
    marking.copy_marked(tmp_path / "plain.png", tmp_path / "real" / "plain.png", "raw")
    assert marking.png_is_marked(tmp_path / "out" / "plain.png")
    assert marking.svg_is_marked(tmp_path / "out" / "plain.svg")
    with Image.open(tmp_path / "plain.png") as a, Image.open(tmp_path / "out" / "plain.png") as b:
        assert b.width == a.width and b.height > a.height  # a footer line was added
    # Already marked by save_figure: copied as it is, not stamped a second time.
    assert (tmp_path / "out" / "marked.png").read_bytes() == (tmp_path / "marked.png").read_bytes()
    assert (tmp_path / "real" / "plain.png").read_bytes() == (tmp_path / "plain.png").read_bytes()


def test_navigation_links_home_previous_and_next():
    chapters = ["data_audit", "chapter2", "chapter3"]
    nav = pages.nav_bar("02_chapter2.html", chapters)
    assert 'href="index.html"' in nav
    assert 'rel="prev" href="01_data_audit.html"' in nav
    assert 'rel="next" href="03_chapter3.html"' in nav
    last = pages.nav_bar("data_dictionary.html", chapters)
    assert 'rel="prev" href="03_chapter3.html"' in last and 'rel="next"' not in last
    assert 'rel="next" href="01_data_audit.html"' in pages.nav_bar("index.html", chapters)
    with pytest.raises(ValueError, match="not part of the report"):
        pages.nav_bar("07_other.html", chapters)


def test_banner_only_for_synthetic_and_toc_lists_the_sections():
    assert marking.SYNTHETIC_NOTE in pages.banner("synthetic")
    assert pages.banner("raw") == ""
    body = '<h1 id="T">T</h1><p>x</p><h2 id="A-b">A b<a class="anchor-link">\u00b6</a></h2><h2 id="C">C</h2>'
    out = pages.add_toc(body)
    assert out.index("</h1>") < out.index('<nav class="toc"') < out.index("<p>x</p>")
    assert '<a href="#A-b">A b</a>' in out and '<a href="#C">C</a>' in out


def test_foreign_page_gets_banner_and_navigation():
    text = "<html><head><title>D</title></head><body class='x'><h1>D</h1></body></html>"
    out = pages.wrap_foreign_page(
        text, current="data_dictionary.html", chapters=["chapter2"], data_source="synthetic"
    )
    assert (
        out.index("<body class='x'>")
        < out.index('<div class="synthetic-banner"')
        < out.index("<h1>")
    )
    assert 'href="index.html"' in out and "<style>" in out
    with pytest.raises(ValueError, match="no <body>"):
        pages.wrap_foreign_page(
            "<p>x</p>", current="data_dictionary.html", chapters=[], data_source="raw"
        )

"""Figures true to the original and without overlapping text (issue 15 item 5), and the
figure jobs' parallel drawing (issue 16 item 2): the same bytes on one core or two."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from reintegration.chapter2.labels import load_labels
from reintegration.chapter3.figure_common import answer_order
from reintegration.chapter3.figures import (
    figure_country_composite,
    figure_country_dimensions,
    figure_morocco_answers,
    figure_overlap,
    figure_retrospective,
    figure_selection,
)
from reintegration.figures.jobs import draw_jobs
from reintegration.figures.style import SIGNIFICANCE_SHADES, apply_style, significance_colour

NAMES = {"GIN": "Guinea"}


@pytest.fixture(autouse=True)
def _style():
    apply_style()
    yield
    plt.close("all")


def _box(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def _means() -> pd.DataFrame:
    rows = []
    for dim in ("economic", "social", "psychosocial", "composite"):
        for group, base in (("mentored", 0.45), ("not mentored", 0.48)):
            for time, step in (("first", 0.0), ("last", 0.05)):
                m = base + step
                rows.append(
                    dict(
                        country="GIN",
                        dimension=dim,
                        group=group,
                        time=time,
                        mean=m,
                        n=40,
                        conf_low=m - 0.04,
                        conf_high=m + 0.04,
                        suppressed=False,
                    )
                )
    return pd.DataFrame(rows)


def test_significance_shading_is_paler_the_more_significant():
    # "the paler the blue, the more statistically significant the finding" (original report)
    lightness = [sum(to_rgb(significance_colour(p))) for p in (0.0001, 0.005, 0.03, 0.4)]
    assert lightness == sorted(lightness, reverse=True) and len(set(lightness)) == 4
    assert [lab for _, lab, _ in SIGNIFICANCE_SHADES][0] == "p < 0.001"


def test_answer_order_follows_the_scale_not_the_alphabet(repo):
    labels = load_labels(repo / "config" / "codebook")
    scales = {item: labels.scale(item) for item in ("eco_satisfaction", "psy_belonging")}
    assert list(scales["eco_satisfaction"]) == [
        "very_satisfied",
        "satisfied",
        "neutral",
        "dissatisfied",
        "very_dissatisfied",
    ]
    order, labels = answer_order(scales["psy_belonging"], ["somewhat", "fully", "odd_value"])
    assert order == ["fully", "mostly", "somewhat", "not_really", "not_at_all", "odd_value"]
    assert labels[0] == "Yes, fully" and labels[-1] == "odd value"


def test_figure_31_answers_in_scale_order_suppressed_named(repo):
    scale = load_labels(repo / "config" / "codebook").scale("eco_satisfaction")
    table = pd.DataFrame(
        {
            "country": "MAR",
            "item": "eco_satisfaction",
            "answer": ["dissatisfied", "neutral", "very_dissatisfied"],  # alphabetical
            "n": 24,
            "count": [np.nan, np.nan, 13],
            "share": [np.nan, np.nan, 13 / 24],
            "suppressed": [True, True, False],
        }
    )
    fig = figure_morocco_answers(table, item="eco_satisfaction", title="t", scale=scale)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == list(scale.values())
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["0", "0", "suppressed", "suppressed", "54% (13)"]


def test_figure_15_value_labels_sit_above_the_error_bars():
    fig = figure_country_composite(_means(), country="GIN", min_cell=5, names=NAMES)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text()[:1] == "0"]
    assert len(labels) == 4
    for t in labels:
        x, y = t.get_position()
        assert y > float(t.get_text()) + 0.04  # the CI's top is mean + 0.04 in the fixture


def test_figure_17_title_and_legend_cover_nothing():
    fig = figure_country_dimensions(_means(), country="GIN", min_cell=5, names=NAMES)
    title = _box(fig._suptitle, fig)
    legend = _box(fig.legends[0], fig)
    for ax in fig.axes:
        assert not title.overlaps(_box(ax.title, fig))
        assert not legend.overlaps(ax.get_tightbbox(fig.canvas.get_renderer()))


def test_figure_22_note_below_the_legend(repo):
    scale = load_labels(repo / "config" / "codebook").scale("psy_belonging")
    rows = [
        dict(item="psy_belonging", country="GIN", time=t, answer=a, share=s, n=50, suppressed=sp)
        for t in ("before", "after")
        for a, s, sp in (
            ("fully", 0.5, False),
            ("mostly", 0.45, False),
            ("not_at_all", np.nan, True),
        )
    ]
    fig = figure_retrospective(
        pd.DataFrame(rows), item="psy_belonging", title="t", min_cell=5, names=NAMES, scale=scale
    )
    legend = _box(fig.axes[0].get_legend(), fig)
    notes = [t for t in fig.texts if "suppressed" in t.get_text()]
    assert len(notes) == 1 and _box(notes[0], fig).y1 < legend.y0
    # every step of the scale is in the legend, in order
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(scale.values())


def test_selection_legend_off_the_intervals():
    table = pd.DataFrame(
        [
            dict(
                dimension=d,
                method=m,
                estimate=0.06,
                conf_low=0.0,
                conf_high=0.12,
                ri_p_value=0.01,
                B_requested=99,
            )
            for d in ("economic", "composite")
            for m in ("plain", "ipw", "dr")
        ]
    )
    fig = figure_selection(table)
    ax = fig.axes[0]
    assert not _box(ax.get_legend(), fig).overlaps(ax.get_window_extent())


def test_overlap_draws_published_counts_and_marks_blanked_bins():
    rows = []
    for group, counts in (("treated", [0, 3, 12]), ("control", [7, 20, 0])):
        for (lo, hi), count in zip(((0.0, 0.3), (0.3, 0.6), (0.6, 1.0)), counts, strict=True):
            small = 0 < count < 5
            rows.append(
                dict(
                    table="overlap",
                    dimension="composite",
                    group=group,
                    p_low=lo,
                    p_high=hi,
                    count=np.nan if small else count,
                    n=sum(counts),
                    suppressed=small,
                )
            )
    fig = figure_overlap(pd.DataFrame(rows), min_cell=5)
    heights = sorted(p.get_height() for p in fig.axes[0].patches if p.get_fill())
    assert heights == [-20, -7, 0, 0, 0, 12]  # controls drawn downwards; blanked bin as 0
    hatched = [p for p in fig.axes[0].patches if not p.get_fill()]
    assert len(hatched) == 1 and hatched[0].get_x() == 0.3
    assert any("count not published (fewer than 5" in t.get_text() for t in fig.texts)


def _line(k):
    def draw():
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(np.arange(5), np.arange(5) ** k, label=f"k = {k}")
        ax.legend()
        return fig

    return draw


def test_two_processes_write_the_bytes_of_one(tmp_path):
    jobs = [(f"f{k}", _line(k)) for k in range(5)]
    serial = draw_jobs(jobs, out_dir=tmp_path / "one", data_source="synthetic", threads=1)
    pooled = draw_jobs(jobs, out_dir=tmp_path / "two", data_source="synthetic", threads=2)
    assert [p.name for p in pooled] == [f"f{k}.png" for k in range(5)]
    for p in serial:
        for suffix in (".png", ".svg"):
            a, b = p.with_suffix(suffix), tmp_path / "two" / p.with_suffix(suffix).name
            assert a.read_bytes() == b.read_bytes(), b
    # different inputs do give different files (the comparison can fail)
    assert serial[1].read_bytes() != serial[2].read_bytes()

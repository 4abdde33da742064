"""save_figure's short cuts (the note's box reused, no extra layout pass for a figure that
tight_layout left a placeholder layout engine on) write the bytes of matplotlib's own full
procedure."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from reintegration.figures.style import apply_style, note_below, save_figure
from reintegration.report.marking import METADATA_KEY, SYNTHETIC_NOTE

matplotlib.use("Agg")


def _panels():
    """Two panels, a figure legend below them and tight_layout (leaves a placeholder engine)."""
    fig, axes = plt.subplots(1, 2, figsize=(6, 3), sharey=True)
    for ax, k in zip(axes, (1, 2), strict=True):
        ax.plot([0, 1, 2], [0, k, 2 * k], label=f"k = {k}")
        ax.set_title(f"panel {k}")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def _heatmap():
    """An image, cell labels and a colour bar (an axes locator), laid out tight."""
    fig, ax = plt.subplots(figsize=(5, 4))
    im = ax.imshow(np.arange(12.0).reshape(3, 4) / 11, vmin=0, vmax=1, aspect="auto")
    for i, j in np.ndindex(3, 4):
        ax.text(j, i, f"{i}{j}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def _plain():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["a", "b"], [1, 2])
    return fig


def _reference_save(fig, png_path):
    """The unhurried way: the note, then the tight box and savefig as matplotlib does them."""
    note_below(fig, SYNTHETIC_NOTE, fontsize=9, color="#8a1c00")
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    note = {METADATA_KEY: SYNTHETIC_NOTE}
    fig.savefig(png_path, format="png", bbox_inches=box, metadata={"Software": None, **note})
    fig.savefig(
        png_path.with_suffix(".svg"),
        format="svg",
        bbox_inches=box,
        metadata={"Date": None, "Creator": None, **note},
    )
    plt.close(fig)


@pytest.mark.parametrize("make", [_panels, _heatmap, _plain])
def test_note_box_is_the_tight_box_with_the_note(make):
    apply_style()
    fig = make()
    box = note_below(fig, "a note wider than the drawing above it, to widen the box" * 2)
    again = fig.get_tightbbox(fig.canvas.get_renderer())
    assert box.bounds == again.bounds  # exact: the same floats, not merely close
    plt.close(fig)


@pytest.mark.parametrize("make", [_panels, _heatmap, _plain])
def test_save_figure_writes_the_bytes_of_the_full_procedure(make, tmp_path):
    apply_style()
    save_figure(make(), tmp_path / "fast.png", data_source="synthetic")
    _reference_save(make(), tmp_path / "slow.png")
    for suffix in (".png", ".svg"):
        fast = (tmp_path / "fast").with_suffix(suffix).read_bytes()
        slow = (tmp_path / "slow").with_suffix(suffix).read_bytes()
        assert fast == slow, suffix


@pytest.mark.parametrize(("make", "expected"), [(_panels, 2), (_heatmap, 3), (_plain, 2)])
def test_each_file_is_drawn_once_unless_it_holds_an_image(make, expected, tmp_path, monkeypatch):
    apply_style()
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(r), original(self, r)))
    save_figure(make(), tmp_path / "f.png", data_source="synthetic")
    # the heat map's SVG (an image, drawn at 150 dpi) keeps the placeholder's layout pass
    assert len(draws) == expected

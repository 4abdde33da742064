"""One look for every figure, colour-blind safe, and byte-stable PNG/SVG output."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; also makes rendering independent of the machine's backend

import matplotlib.pyplot as plt
from matplotlib.image import AxesImage, BboxImage, FigureImage
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox, TransformedBbox

#: Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
#: Tiers of Figure 1 (the report used red/orange/green; these keep the order and stay distinguishable).
TIER_COLOURS = {"A": OKABE_ITO["green"], "B": OKABE_ITO["orange"], "C": OKABE_ITO["vermillion"]}
#: Mentored vs not (Chapter III).
GROUP_COLOURS = {"mentored": OKABE_ITO["blue"], "not mentored": OKABE_ITO["orange"]}
DIMENSION_COLOURS = {
    "economic": OKABE_ITO["blue"],
    "social": OKABE_ITO["green"],
    "psychosocial": OKABE_ITO["purple"],
    "composite": OKABE_ITO["black"],
}

#: Significance shading of the coefficient figures (3, 3b, 20), in the original report's
#: direction: "the paler the blue, the more statistically significant the finding".
#: (upper bound of p, legend label, colour), most significant first.
SIGNIFICANCE_SHADES = (
    (0.001, "p < 0.001", "#DEEBF7"),
    (0.01, "p < 0.01", "#9ECAE1"),
    (0.05, "p < 0.05", "#4292C6"),
    (1.01, "p >= 0.05", "#08306B"),
)


def significance_colour(p) -> str:
    """The shade of :data:`SIGNIFICANCE_SHADES` for p-value ``p`` (grey when missing)."""
    if p is None or p != p:  # NaN
        return OKABE_ITO["grey"]
    return next(c for cut, _, c in SIGNIFICANCE_SHADES if p < cut)


#: Report width in inches at 100 dpi in the HTML report (figures are saved at 150 dpi).
REPORT_WIDTH = 9.0


def apply_style() -> None:
    """Set the shared matplotlib style (call once before drawing)."""
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
            "svg.hashsalt": "reintegration",  # stable SVG element ids
            "svg.fonttype": "path",
            "path.simplify": True,
        }
    )


def note_below(fig, text: str, *, fontsize: float = 8, color: str = OKABE_ITO["grey"]):
    """Draw ``text`` below everything already drawn (axes, labels, legends, earlier notes),
    left-aligned with the drawing, so it overlaps nothing.

    Returns the figure's tight box (inches) with the note: the box before it united with the
    note's own, which is what ``fig.get_tightbbox`` would lay the whole figure out again to find.
    """
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches
    width, height = fig.get_size_inches()
    label = fig.text(
        box.x0 / width,
        (box.y0 - 0.08) / height,
        text,
        ha="left",
        va="top",
        fontsize=fontsize,
        color=color,
    )
    # the union in display units, scaled to inches as get_tightbbox does (min and max commute
    # with the scaling, so the box is the same to the last bit)
    label_box = TransformedBbox(label.get_tightbbox(renderer), fig.dpi_scale_trans.inverted())
    return Bbox.union([box, label_box])


def save_figure(fig, png_path: str | Path, *, data_source: str | None = None) -> None:
    """Save ``fig`` as PNG and, beside it, SVG, without timestamps or software versions.

    ``data_source``: the release's ``config["data"]["source"]``. With ``"synthetic"`` a footer
    line "Synthetic data - not IOM returnee data" is drawn into both files (and recorded in
    their metadata), so a figure lifted out of the report does not read as real data; with
    ``"raw"`` or ``None`` nothing is added.
    """
    from reintegration.report.marking import METADATA_KEY, SYNTHETIC_NOTE, is_synthetic

    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    note = {}
    if is_synthetic(data_source):
        box = note_below(fig, SYNTHETIC_NOTE, fontsize=9, color="#8a1c00")
        note = {METADATA_KEY: SYNTHETIC_NOTE}
    else:
        box = fig.get_tightbbox(fig.canvas.get_renderer())
    # The tight box once (layout of the Agg renderer), for both files: "tight" would lay the
    # figure out again for each format before drawing it.
    box = box.padded(plt.rcParams["savefig.pad_inches"])
    # fig.tight_layout() leaves a placeholder layout engine behind, and with any engine set
    # savefig draws the whole figure once more (to lay it out) before drawing it for the file.
    # The placeholder lays nothing out, so the PNG is saved without it: one draw, not two.
    placeholder = fig.get_layout_engine()
    laid_out = isinstance(placeholder, PlaceHolderLayoutEngine)
    if laid_out:
        fig.set_layout_engine(None)
    fig.savefig(png_path, format="png", bbox_inches=box, metadata={"Software": None, **note})
    svg_dpi = None  # savefig.dpi
    if laid_out:
        svg_dpi = _svg_dpi_of_the_extra_pass(fig, placeholder)
    fig.savefig(
        png_path.with_suffix(".svg"),
        format="svg",
        dpi=svg_dpi,
        bbox_inches=box,
        metadata={"Date": None, "Creator": None, **note},
    )
    plt.close(fig)


def _svg_dpi_of_the_extra_pass(fig, placeholder) -> float | None:
    """The SVG's savefig dpi that gives the bytes of the extra pass without drawing it.

    The extra pass leaves the figure at the SVG's 72 dpi when savefig crops it, so the clip
    boxes (and their ids) carry that rounding; saving at 72 dpi crops the same way and draws
    the same vectors. Only images and rasterized artists are drawn at the savefig dpi (150):
    for those the placeholder is put back and the pass is paid for.
    """
    rastered = fig.findobj(
        lambda a: isinstance(a, AxesImage | BboxImage | FigureImage) or a.get_rasterized()
    )
    if rastered:
        fig.set_layout_engine(placeholder)
        return None
    return 72

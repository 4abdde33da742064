"""The Chapter III output specification: every table and figure of the chapter, named once.

Kept free of heavy imports: ``workflow/rules/chapter3.smk`` imports it at parse time.

Tables: the rules' table outputs (with their exhibit title and report chapter), the scripts'
``--<key>`` arguments and the keys of the stage functions' ``out`` mappings are derived from
:data:`TABLES`: adding a table is one entry here plus the code computing it under its key.

Figures: the figure rule's inputs and outputs, the script's arguments, the exhibit list and the
drawing loop (:func:`reintegration.chapter3.stage.make_figures`) are derived from
:data:`FIGURE_INPUTS` and :data:`FIGURES`: adding a figure is one entry here plus its function.
"""

from __future__ import annotations

from typing import NamedTuple


class Table(NamedTuple):
    """One table (``tables/<stem>.csv``): the rule writing it (its script calls the stage
    function of the same name: ``chapter3_panel`` -> ``make_panel``), its name in that rule's
    output, script argument (``--<key>``) and stage ``out`` mapping, its exhibit title and
    report chapter."""

    rule: str
    key: str
    title: str
    chapter: str


CH3, RETRO = "chapter3", "retrospective_morocco"


def _panel_table(key: str) -> Table:
    return Table("chapter3_panel_tables", key, f"Panel table: {key.replace('_', ' ')}", CH3)


#: Table file stem (under tables/) -> its specification, in the order of the exhibit list.
TABLES = {
    "chapter3_table4": Table("chapter3_panel", "table4", "Table 4", CH3),
    "chapter3_phone_match": Table("chapter3_panel", "match", "Phone survey match (Table 3)", CH3),
    **{
        f"chapter3_{key}": _panel_table(key)
        for key in (
            "means",
            "indicator_shares",
            "balance",
            "change_regression",
            "change_regression_glance",
            "did",
            "effect_sizes",
        )
    },
    "chapter3_did_selection_adjusted": Table(
        "chapter3_selection", "table", "Selection-adjusted DiD table", CH3
    ),
    "chapter3_selection_diagnostics": Table(
        "chapter3_selection",
        "diagnostics",
        "Selection-adjusted DiD diagnostics (overlap, balance, ESS, estimators, trimming)",
        CH3,
    ),
    "chapter3_retrospective_tests": Table(
        "chapter3_retrospective", "tests", "Retrospective tests", RETRO
    ),
    "chapter3_retrospective_distributions": Table(
        "chapter3_retrospective", "distributions", "Retrospective distributions", RETRO
    ),
    "chapter3_morocco_summary": Table("chapter3_morocco", "summary", "Morocco snapshot", RETRO),
    "chapter3_morocco_answers": Table("chapter3_morocco", "answers", "Morocco answers", RETRO),
    "chapter3_morocco_change": Table(
        "chapter3_morocco", "change", "Morocco indicative change", RETRO
    ),
    "reproduction_chapter3": Table(
        "chapter3_reproduction", "table", "Reproduction check: Chapter III part", "reproduction"
    ),
}


def tables_of(rule: str) -> dict[str, str]:
    """Output key -> file stem of the tables ``rule`` writes (in :data:`TABLES` order)."""
    return {t.key: stem for stem, t in TABLES.items() if t.rule == rule}


def table_arguments(rule: str) -> str:
    """The table arguments of ``rule``'s script as a Snakemake shell fragment
    (``--table4 {output.table4:q} --match {output.match:q}``)."""
    return " ".join(f"--{k.replace('_', '-')} {{output.{k}:q}}" for k in tables_of(rule))


def check_out(rule: str, out) -> None:
    """Raise unless the keys of a stage's ``out`` mapping are exactly ``rule``'s tables."""
    expected = set(tables_of(rule))
    if set(out) != expected:
        raise ValueError(
            f"{rule}: out must name the tables {sorted(expected)} (chapter3/outputs.py "
            f"TABLES); got {sorted(out)}"
        )


#: Input name -> (rule, output) it comes from; the figure functions get these tables by name.
FIGURE_INPUTS = {
    "panel": ("chapter3_panel", "panel"),
    "means": ("chapter3_panel_tables", "means"),
    "indicator_shares": ("chapter3_panel_tables", "indicator_shares"),
    "change_regression": ("chapter3_panel_tables", "change_regression"),
    "did": ("chapter3_panel_tables", "did"),
    "did_selection_adjusted": ("chapter3_selection", "table"),
    "selection_diagnostics": ("chapter3_selection", "diagnostics"),
    "retrospective_distributions": ("chapter3_retrospective", "distributions"),
    "morocco_change": ("chapter3_morocco", "change"),
    "morocco_answers": ("chapter3_morocco", "answers"),
}
#: Input name -> (rule, output) of the tables the reproduction check reads (same idiom).
REPRODUCTION_INPUTS = {
    "table4": ("chapter3_panel", "table4"),
    "means": ("chapter3_panel_tables", "means"),
    "did": ("chapter3_panel_tables", "did"),
    "effect_sizes": ("chapter3_panel_tables", "effect_sizes"),
    "change_regression": ("chapter3_panel_tables", "change_regression"),
    "indicator_shares": ("chapter3_panel_tables", "indicator_shares"),
    "retrospective": ("chapter3_retrospective", "data"),
    "retrospective_tests": ("chapter3_retrospective", "tests"),
    "morocco_summary": ("chapter3_morocco", "summary"),
    "morocco_change": ("chapter3_morocco", "change"),
    "phone_match": ("chapter3_panel", "match"),
}
#: Inputs stored as parquet (the others are csv tables).
PARQUET_INPUTS = ("panel",)
#: Arguments the stage supplies from the run: the disclosure minimum, country names, and
#: ``scale``: the codebook's answers (scale order) of the figure's ``item`` argument.
CONTEXT = ("min_cell", "names", "scale")


class Figure(NamedTuple):
    """One figure: exhibit title, report chapter, caption (None: none), the figure function
    (name in chapter3/figures.py), the tables it is drawn from (keys of
    :data:`FIGURE_INPUTS`, passed in this order), its keyword arguments and the run's
    arguments it takes (of :data:`CONTEXT`)."""

    title: str
    chapter: str
    caption: str | None
    draw: str
    tables: tuple[str, ...]
    args: dict
    context: tuple[str, ...] = ()


CELLS = ("min_cell", "names")
SCALED_CELLS = ("min_cell", "names", "scale")


def _indicator(number: int, indicators, title: str) -> Figure:
    return Figure(
        f"Figure {number}",
        CH3,
        None,
        "figure_indicator",
        ("indicator_shares",),
        {"indicators": indicators, "title": title},
        CELLS,
    )


#: Figure file stem (under figures/) -> its specification; numbers follow the report's figures.
FIGURES = {
    "figure_15_composite_guinea": Figure(
        "Figure 15", CH3, None, "figure_country_composite", ("means",), {"country": "GIN"}, CELLS
    ),
    "figure_16_composite_senegal": Figure(
        "Figure 16", CH3, None, "figure_country_composite", ("means",), {"country": "SEN"}, CELLS
    ),
    "figure_17_dimensions_guinea": Figure(
        "Figure 17", CH3, None, "figure_country_dimensions", ("means",), {"country": "GIN"}, CELLS
    ),
    "figure_18_dimensions_senegal": Figure(
        "Figure 18", CH3, None, "figure_country_dimensions", ("means",), {"country": "SEN"}, CELLS
    ),
    "figure_19_boxplots": Figure(
        "Figure 19", CH3, None, "figure_boxplots", ("panel",), {}, ("names",)
    ),
    "figure_20_change_regression": Figure(
        "Figure 20", CH3, None, "figure_change_regression", ("change_regression",), {}
    ),
    "figure_21_did": Figure("Figure 21", CH3, None, "figure_did", ("panel", "did"), {}),
    "figure_22_belonging_before_after": Figure(
        "Figure 22",
        RETRO,
        None,
        "figure_retrospective",
        ("retrospective_distributions",),
        {
            "item": "psy_belonging",
            "title": "Do you feel part of the community where you live? Before migration vs after return",
        },
        SCALED_CELLS,
    ),
    "figure_23_distress_before_after": Figure(
        "Figure 23",
        RETRO,
        None,
        "figure_retrospective",
        ("retrospective_distributions",),
        {
            "item": "psy_distress",
            "title": "How often do you feel psychosocial distress? Before migration vs after return",
        },
        SCALED_CELLS,
    ),
    "figure_24_working": _indicator(24, "working", "Do you currently work?"),
    "figure_25_reduced_food": _indicator(
        25, "reduced_food", "Reduced food quantity or quality in the last month"
    ),
    "figure_26_borrowing": _indicator(
        26, ["can_borrow", "frequent_borrowing"], "Ability to borrow money, and frequent borrowing"
    ),
    "figure_27_social_activities": _indicator(
        27, "social_activities", "Invited to social activities often or very often"
    ),
    "figure_28_remigration": _indicator(28, "wish_to_remigrate", "Wish or need to migrate again"),
    "figure_29_morocco_change": Figure(
        "Figure 29", RETRO, None, "figure_morocco_change", ("morocco_change",), {}
    ),
    "figure_30_morocco_work": Figure(
        "Figure 30",
        RETRO,
        None,
        "figure_morocco_answers",
        ("morocco_answers",),
        {"item": "eco_working", "title": "Morocco: do you currently work?"},
        ("scale",),
    ),
    "figure_31_morocco_satisfaction": Figure(
        "Figure 31",
        RETRO,
        None,
        "figure_morocco_answers",
        ("morocco_answers",),
        {"item": "eco_satisfaction", "title": "Morocco: satisfaction with economic situation"},
        ("scale",),
    ),
    "figure_did_selection_adjusted": Figure(
        "Selection-adjusted DiD", CH3, None, "figure_selection", ("did_selection_adjusted",), {}
    ),
    "figure_selection_overlap": Figure(
        "Selection-adjusted DiD: propensity overlap",
        CH3,
        None,
        "figure_overlap",
        ("selection_diagnostics",),
        {},
        ("min_cell",),
    ),
}


def script_arguments(inputs: dict = FIGURE_INPUTS) -> str:
    """A script's input arguments (default: the figure script's) as a Snakemake shell
    fragment (``--means {input.means:q}``)."""
    return " ".join(f"--{k.replace('_', '-')} {{input.{k}:q}}" for k in inputs)


def add_table_arguments(parser, rule: str) -> None:
    """Add one required ``--<key>`` argument per table of ``rule`` to an argparse parser."""
    for key in tables_of(rule):
        parser.add_argument(f"--{key.replace('_', '-')}", required=True, help=f"{key} table (csv)")


def table_paths(args, rule: str) -> dict[str, str]:
    """Key -> path of ``rule``'s tables from parsed arguments (the stage's ``out`` mapping)."""
    return {key: getattr(args, key) for key in tables_of(rule)}

"""The Chapter III pipeline steps: read inputs, call the analysis functions, write outputs.
Each workflow/scripts/chapter3_*.py shell calls one of these (one per Snakemake rule)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from reintegration.io import write_csv, write_parquet

__all__ = [
    "run_figures",
    "run_morocco",
    "run_panel",
    "run_panel_tables",
    "run_reproduction",
    "run_retrospective",
    "run_selection",
]


def _read(path) -> pd.DataFrame:
    return pd.read_parquet(path)


def _log_warnings(caught) -> None:
    for w in caught:
        print(f"warning: {w.category.__name__}: {w.message}")


def run_panel(
    *,
    records: str | Path,
    panel_out: str | Path,
    table4_out: str | Path,
    match_out: str | Path,
    countries: list[str],
    min_records: int,
    max_unmatched_phone_share: float,
    morocco_country: str,
    min_cell: int,
    require_follow_up: bool = True,
) -> pd.DataFrame:
    """data/panel.parquet, Table 4 and the phone-survey match report (panel countries with
    the asserted pattern; Morocco reported only)."""
    from reintegration.chapter3.panel import build_panel, phone_match_report, table4

    recs = _read(records)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = build_panel(
            recs,
            countries=countries,
            min_records=min_records,
            max_unmatched_phone_share=max_unmatched_phone_share,
            require_follow_up=require_follow_up,
        )
        match = res.match.assign(asserted=True)
        if morocco_country in set(recs["country"].dropna()):
            extra = phone_match_report(recs, countries=[morocco_country], max_unmatched_share=None)
            match = pd.concat([match, extra.assign(asserted=False)], ignore_index=True)
    _log_warnings(caught)
    write_parquet(res.panel, panel_out)
    t4 = table4(res.panel, min_cell=min_cell)
    write_csv(t4, table4_out)
    write_csv(match, match_out)
    print(t4.to_string(index=False))
    print(match.to_string(index=False))
    return res.panel


def run_panel_tables(
    *, panel: str | Path, out: dict[str, str | Path], min_cell: int, vcov: str = "HC3"
) -> None:
    """Means, indicator shares, balance, change regression (+ glance), DiD, effect sizes."""
    from reintegration.chapter3 import descriptives, did, effect_sizes

    p = _read(panel)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = {
            "means": descriptives.score_means(p, min_cell=min_cell),
            "indicator_shares": descriptives.indicator_shares(p, min_cell=min_cell),
            "balance": descriptives.balance_table(p, min_cell=min_cell),
        }
        tidy, glance = did.change_regression(p, vcov=vcov)
        tables["change_regression"] = tidy
        tables["change_regression_glance"] = glance
        tables["did"] = did.did_table(p)
        tables["effect_sizes"] = effect_sizes.annex4_table(p)
    _log_warnings(caught)
    for name, table in tables.items():
        write_csv(table, out[name])
    print(tables["did"].to_string(index=False))
    print(tables["effect_sizes"].to_string(index=False))


def run_selection(
    *,
    panel: str | Path,
    out: str | Path,
    ipw_methods: list[str],
    ipw_B: int,
    ipw_seed: int,
    ri_B: int,
    ri_seed: int,
) -> None:
    from reintegration.chapter3.selection import selection_adjusted_did

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = selection_adjusted_did(
            _read(panel),
            methods=ipw_methods,
            ipw_B=ipw_B,
            ipw_seed=ipw_seed,
            ri_B=ri_B,
            ri_seed=ri_seed,
        )
    _log_warnings(caught)
    write_csv(table, out)
    print(table.to_string(index=False))


def run_retrospective(
    *,
    records: str | Path,
    codebook: str | Path,
    data_out: str | Path,
    tests_out: str | Path,
    distributions_out: str | Path,
    countries: list[str],
    min_cell: int,
) -> None:
    from reintegration.chapter3 import retrospective as r

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        retro = r.build_retrospective(_read(records), countries=countries)
        tests = r.retrospective_tests(
            retro, binary_items=r.binary_items_from_codebook(codebook), min_cell=min_cell
        )
        dist = r.retrospective_distributions(retro, min_cell=min_cell)
    _log_warnings(caught)
    write_parquet(retro, data_out)
    write_csv(tests, tests_out)
    write_csv(dist, distributions_out)
    print(tests.to_string(index=False))


def run_morocco(
    *, records: str | Path, out: dict[str, str | Path], country: str, min_cell: int
) -> None:
    from reintegration.chapter3.morocco import morocco_snapshot

    tables = morocco_snapshot(_read(records), country=country, min_cell=min_cell)
    for name, table in tables.items():
        write_csv(table, out[name])
        print(table.to_string(index=False))


def run_figures(*, inputs: dict[str, str | Path], out_dir: str | Path, min_cell: int) -> None:
    from reintegration.chapter3.figures import draw_all

    def csv(name):
        return pd.read_csv(inputs[name])

    draw_all(
        out_dir=out_dir,
        panel=_read(inputs["panel"]),
        means=csv("means"),
        shares=csv("indicator_shares"),
        regression=csv("change_regression"),
        did=csv("did"),
        selection=csv("did_selection_adjusted"),
        distributions=csv("retrospective_distributions"),
        morocco_change=csv("morocco_change"),
        morocco_answers=csv("morocco_answers"),
        min_cell=min_cell,
    )


def run_reproduction(
    *, inputs: dict[str, str | Path], out: str | Path, targets: str | Path | None = None
) -> pd.DataFrame:
    from reintegration.chapter3.reproduction import chapter3_reproduction
    from reintegration.published import TARGETS, load_targets

    def csv(name):
        return pd.read_csv(inputs[name], keep_default_na=True)

    table = chapter3_reproduction(
        load_targets(targets or TARGETS),
        table4=csv("table4"),
        means=csv("means"),
        did=csv("did"),
        effect_sizes=csv("effect_sizes"),
        regression=csv("change_regression"),
        shares=csv("indicator_shares"),
        retrospective=_read(inputs["retrospective"]),
        retrospective_tests=csv("retrospective_tests"),
        morocco_summary=csv("morocco_summary"),
        morocco_change=csv("morocco_change"),
        phone_match=csv("phone_match"),
    )
    write_csv(table, out)
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string(index=False))
    return table

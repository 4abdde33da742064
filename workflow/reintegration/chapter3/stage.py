"""The Chapter III pipeline steps: read inputs, call the analysis functions, write outputs.
Each workflow/scripts/chapter3_*.py shell calls one of these (one per Snakemake rule)."""

from __future__ import annotations

import warnings
from functools import partial
from pathlib import Path

import pandas as pd

from reintegration.chapter3.outputs import check_out
from reintegration.data.io import Parts, read_parquet, read_rows_where
from reintegration.estimable import count_list, require, require_inputs, run_stage
from reintegration.io import write_csv

__all__ = [
    "make_figures",
    "make_morocco",
    "make_panel",
    "make_panel_tables",
    "make_reproduction",
    "make_retrospective",
    "make_selection",
]


def _read(path) -> pd.DataFrame:
    return pd.read_parquet(path)


def _read_countries(path, countries) -> pd.DataFrame:
    """The pooled records of ``countries`` only (each analysis below starts by keeping them;
    at 100x the pooled file holds ~10^6 records of 17 countries)."""
    return read_rows_where(path, "country", countries)


def _column(path: Parts, column: str) -> pd.Series:
    """One column of every pooled record (what a message says about the other countries)."""
    return read_parquet(path, columns=[column])[column]


def _log_warnings(caught) -> None:
    for w in caught:
        print(f"warning: {w.category.__name__}: {w.message}")


def make_panel(
    *,
    records: Parts,
    panel_out: str | Path,
    out: dict[str, str | Path],
    countries: list[str],
    min_records: int,
    max_unmatched_phone_share: float,
    morocco_country: str,
    min_cell: int,
    require_follow_up: bool,
) -> None:
    """data/panel.parquet, Table 4 and the phone-survey match report (panel countries with
    the threshold ``max_unmatched_phone_share``; Morocco reported only). ``out``: the
    tables of ``chapter3_panel`` in chapter3/outputs.py TABLES.

    The unmatched share is a reported quantity: above the threshold the panel is not
    estimable (the match table says by how much), the run goes on.
    """
    from reintegration.chapter3.panel import build_panel, table4

    check_out("chapter3_panel", out)
    recs = _read_countries(records, [*countries, morocco_country])
    present = [c for c in countries if c in set(recs["country"].dropna())]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        match = _phone_match(recs, present, max_unmatched_phone_share, morocco_country)
        res = None
        if present:
            res = build_panel(
                recs,
                countries=present,
                min_records=min_records,
                max_unmatched_phone_share=None,
                require_follow_up=require_follow_up,
            )
    _log_warnings(caught)
    write_csv(match, out["match"])
    print(match.to_string(index=False))

    def compute():
        _require_panel(res, match, countries, present, min_cell, max_unmatched_phone_share)
        return {"panel": res.panel, "table4": table4(res.panel, min_cell=min_cell)}

    run_stage("chapter3 panel", compute, {"panel": panel_out, "table4": out["table4"]})


def _phone_match(recs, present, limit, morocco_country) -> pd.DataFrame:
    """The match report of the panel countries against ``limit`` (+ Morocco, report only)."""
    from reintegration.chapter3.panel import phone_match_report

    match = phone_match_report(recs, countries=present, max_unmatched_share=None)
    match["max_unmatched_share"] = limit
    match["holds"] = match["unmatched_share"] <= limit + 1e-12
    match = match.assign(asserted=True)
    if morocco_country in set(recs["country"].dropna()):
        extra = phone_match_report(recs, countries=[morocco_country], max_unmatched_share=None)
        match = pd.concat([match, extra.assign(asserted=False)], ignore_index=True)
    return match


def _require_panel(res, match, countries, present, min_cell, limit) -> None:
    """The panel's preconditions: a panel country, linked phone survey, both groups."""
    analysis = "chapter3 panel"
    require(
        bool(present),
        analysis,
        f"no records of the panel countries {', '.join(countries)} (panel.countries)",
    )
    bad = match.loc[match["asserted"] & ~match["holds"]]
    require(
        bad.empty,
        analysis,
        "phone-survey respondents without an earlier RSS record of the same person above "
        f"panel.max_unmatched_phone_share = {limit}: "
        + "; ".join(
            f"{r.country} {r.unmatched} of {r.follow_up_respondents} ({r.unmatched_share:.0%})"
            for r in bad.itertuples()
        ),
    )
    panel = res.panel
    groups = {
        f"{c} {g}": int(((panel["country"] == c) & (panel["mentored"] == (g == "mentored"))).sum())
        for c in present
        for g in ("mentored", "not mentored")
    }
    small = {k: v for k, v in groups.items() if v < min_cell}
    require(
        not small,
        analysis,
        "the panel (returnees with at least panel.min_records dated RSS records, one of them "
        "the follow-up when panel.require_follow_up) needs mentored and non-mentored "
        f"returnees in every panel country, each at least disclosure.min_cell_size = {min_cell}; "
        f"panel returnees: {count_list(groups, min_cell=min_cell)}",
    )


def make_panel_tables(
    *,
    panel: str | Path,
    codebook: str | Path,
    out: dict[str, str | Path],
    min_cell: int,
    vcov: str,
    min_clusters: int = 10,
) -> None:
    """Means, indicator shares (the codebook's indicators.csv), balance, change regression
    (+ glance), DiD, effect sizes; ``out``: the tables of ``chapter3_panel_tables``."""
    from reintegration.chapter2.labels import load_labels
    from reintegration.chapter3 import descriptives, did, effect_sizes

    check_out("chapter3_panel_tables", out)
    p = _read(panel)
    definitions = load_labels(codebook).indicators("chapter3")

    def compute():
        require_inputs("chapter3 panel tables", panel=p)
        tables = {
            "means": descriptives.score_means(p, min_cell=min_cell),
            "indicator_shares": descriptives.indicator_shares(
                p, definitions=definitions, min_cell=min_cell
            ),
            "balance": descriptives.balance_table(p, min_cell=min_cell),
        }
        tidy, glance = did.change_regression(p, vcov=vcov, min_programme_count=min_cell)
        tables["change_regression"] = tidy
        tables["change_regression_glance"] = glance
        tables["did"] = did.did_table(p, min_clusters=min_clusters)
        tables["effect_sizes"] = effect_sizes.annex4_table(p)
        print(tables["did"].to_string(index=False))
        print(tables["effect_sizes"].to_string(index=False))
        return tables

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_stage("chapter3 panel tables", compute, out)
    _log_warnings(caught)


def make_selection(
    *,
    panel: str | Path,
    out: dict[str, str | Path],
    ipw_methods: list[str],
    ipw_B: int,
    ipw_seed: int,
    ri_B: int,
    ri_seed: int,
    min_cell: int,
    max_failure_share: float = 0.01,
    workers: int = 1,
) -> None:
    """Selection-adjusted DiD (``out["table"]``) and its DR-DiD diagnostics
    (``out["diagnostics"]``); programmes held by fewer than ``min_cell`` are left out;
    ``workers`` processes fit the bootstrap resamples."""
    from reintegration.chapter3.selection import selection_adjusted_did
    from reintegration.chapter3.selection_diagnostics import selection_diagnostics

    check_out("chapter3_selection", out)
    p = _read(panel)

    def compute():
        require_inputs("chapter3 selection-adjusted DiD", panel=p)
        table = selection_adjusted_did(
            p,
            methods=ipw_methods,
            ipw_B=ipw_B,
            ipw_seed=ipw_seed,
            ri_B=ri_B,
            ri_seed=ri_seed,
            min_programme_count=min_cell,
            max_failure_share=max_failure_share,
            workers=workers,
        )
        print(table.to_string(index=False))
        diagnostics = selection_diagnostics(p, min_programme_count=min_cell, min_cell=min_cell)
        return {"table": table, "diagnostics": diagnostics}

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_stage("chapter3 selection-adjusted DiD", compute, out)
    _log_warnings(caught)


def make_retrospective(
    *,
    records: Parts,
    codebook: str | Path,
    data_out: str | Path,
    out: dict[str, str | Path],
    countries: list[str],
    min_cell: int,
) -> None:
    """data/retrospective.parquet and the tables of ``chapter3_retrospective`` (``out``)."""
    from reintegration.chapter3 import retrospective as r

    check_out("chapter3_retrospective", out)
    recs = _read_countries(records, countries)

    def compute():
        analysis = "chapter3 retrospective"
        pre = recs.loc[(recs["record_type"] == "premigration") & recs["country"].isin(countries)]
        require(
            bool(r.pre_items(recs)) and len(pre) > 0,
            analysis,
            f"no pre-migration module records (record type premigration with pre_<item> "
            f"answers) of the panel countries {', '.join(countries)} (panel.countries) in this "
            f"release; pre-migration records in any country: "
            f"{int((_column(records, 'record_type') == 'premigration').sum())}",
        )
        retro = r.build_retrospective(recs, countries=countries)
        require(
            len(retro) >= min_cell,
            analysis,
            f"{len(retro)} pre-migration record(s) link to a dated post-return RSS record of the "
            f"same person, fewer than disclosure.min_cell_size = {min_cell}",
        )
        tests = r.retrospective_tests(
            retro, binary_items=r.binary_items_from_codebook(codebook), min_cell=min_cell
        )
        print(tests.to_string(index=False))
        dist = r.retrospective_distributions(retro, min_cell=min_cell)
        return {"data": retro, "tests": tests, "distributions": dist}

    paths = {"data": data_out, **out}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_stage("chapter3 retrospective", compute, paths)
    _log_warnings(caught)


def make_morocco(
    *,
    records: Parts,
    codebook: str | Path,
    out: dict[str, str | Path],
    country: str,
    min_cell: int,
) -> None:
    from reintegration.chapter2.labels import load_labels
    from reintegration.chapter3.morocco import morocco_snapshot

    check_out("chapter3_morocco", out)
    recs = _read_countries(records, [country])
    definitions = load_labels(codebook).indicators("chapter3")

    def compute():
        present = _column(records, "country").dropna().astype(str)
        require(
            country in set(present),
            "chapter3 Morocco",
            f"no records of {country} (panel.morocco_country) in this release; countries "
            f"with records: {', '.join(sorted(set(present))) or 'none'}",
        )
        tables = morocco_snapshot(recs, definitions=definitions, country=country, min_cell=min_cell)
        for table in tables.values():
            print(table.to_string(index=False))
        return tables

    run_stage("chapter3 Morocco", compute, out)


def _country_names(codebook: str | Path) -> dict[str, str]:
    """Code -> English name of every country, from the codebook's countries list."""
    from reintegration.chapter2.labels import load_labels

    return dict(load_labels(codebook).choices["countries"])


def make_figures(
    *,
    inputs: dict[str, str | Path],
    codebook: str | Path,
    out_dir: str | Path,
    min_cell: int,
    data_source: str,
    threads: int = 1,
) -> list[Path]:
    """Every figure of :data:`reintegration.chapter3.outputs.FIGURES`, drawn by its function
    in chapter3/figures.py from the tables it names and saved as ``out_dir/<stem>.png`` (+ .svg),
    on ``threads`` processes (the files do not depend on it)."""
    from reintegration.chapter2.labels import load_labels
    from reintegration.chapter3 import figures
    from reintegration.chapter3.outputs import FIGURES, PARQUET_INPUTS
    from reintegration.figures.jobs import draw_jobs

    needed = sorted({t for spec in FIGURES.values() for t in spec.tables})
    tables = {
        k: _read(inputs[k]) if k in PARQUET_INPUTS else pd.read_csv(inputs[k]) for k in needed
    }
    labels = load_labels(codebook)
    names = {**dict(labels.choices["countries"]), "all": "both countries"}
    jobs = []
    for stem, spec in FIGURES.items():
        item = spec.args.get("item")
        context = {
            "min_cell": min_cell,
            "names": names,
            # answers in the codebook's scale order (value -> English label)
            "scale": labels.scale(item) if item else None,
        }
        draw = partial(
            getattr(figures, spec.draw),
            *(tables[t] for t in spec.tables),
            **spec.args,
            **{c: context[c] for c in spec.context},
        )
        jobs.append((stem, draw))
    return draw_jobs(jobs, out_dir=out_dir, data_source=data_source, threads=threads)


def make_reproduction(
    *,
    inputs: dict[str, str | Path],
    codebook: str | Path,
    out: str | Path,
    targets: str | Path,
    checks: str | Path,
) -> pd.DataFrame:
    from reintegration.chapter3.reproduction import chapter3_reproduction
    from reintegration.published import load_checks, load_targets

    def csv(name):
        return pd.read_csv(inputs[name], keep_default_na=True)

    names = {"regression": "change_regression", "shares": "indicator_shares"}
    tables = {
        k: csv(names.get(k, k))
        for k in (
            "table4",
            "means",
            "did",
            "effect_sizes",
            "regression",
            "shares",
            "retrospective_tests",
            "morocco_summary",
            "morocco_change",
            "phone_match",
        )
    }
    tables["retrospective"] = _read(inputs["retrospective"])
    table = chapter3_reproduction(
        load_targets(targets),
        checks=load_checks(checks),
        iso={name: code for code, name in _country_names(codebook).items()},
        tables=tables,
    )
    write_csv(table, out)
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string(index=False))
    return table

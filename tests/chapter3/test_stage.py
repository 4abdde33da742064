"""The stage functions the scripts call: files written, byte-identical on a rerun."""

from __future__ import annotations

import pandas as pd
import pytest
from reintegration.chapter3 import stage
from reintegration.chapter3.outputs import FIGURES, tables_of
from reintegration.io import write_parquet


def _run(tmp, records_path, repo, *, figures=False):
    t = tmp / "tables"
    stage.make_panel(
        records=records_path,
        panel_out=tmp / "data" / "panel.parquet",
        out={"table4": t / "table4.csv", "match": t / "phone_match.csv"},
        countries=["GIN", "SEN"],
        min_records=2,
        max_unmatched_phone_share=0.0,
        morocco_country="MAR",
        min_cell=5,
        require_follow_up=True,
    )
    names = list(tables_of("chapter3_panel_tables"))  # the specification's panel tables
    stage.make_panel_tables(
        panel=tmp / "data" / "panel.parquet",
        codebook=repo / "config" / "codebook",
        out={n: t / f"{n}.csv" for n in names},
        min_cell=5,
        vcov="HC3",
    )
    stage.make_selection(
        panel=tmp / "data" / "panel.parquet",
        out={
            "table": t / "did_selection_adjusted.csv",
            "diagnostics": t / "selection_diagnostics.csv",
        },
        max_failure_share=0.01,
        ipw_methods=["ipw", "dr"],
        ipw_B=20,
        ipw_seed=1,
        ri_B=99,
        ri_seed=2,
        min_cell=5,
    )
    stage.make_retrospective(
        records=records_path,
        codebook=repo / "config" / "codebook",
        data_out=tmp / "data" / "retrospective.parquet",
        out={k: t / f"retrospective_{k}.csv" for k in ("tests", "distributions")},
        countries=["GIN", "SEN"],
        min_cell=5,
    )
    stage.make_morocco(
        records=records_path,
        codebook=repo / "config" / "codebook",
        out={k: t / f"morocco_{k}.csv" for k in ("summary", "answers", "change")},
        country="MAR",
        min_cell=5,
    )
    inputs = {
        n: t / f"{n}.csv"
        for n in [
            *names,
            "did_selection_adjusted",
            "selection_diagnostics",
            "retrospective_distributions",
            "retrospective_tests",
            "table4",
            "phone_match",
            "morocco_change",
            "morocco_answers",
            "morocco_summary",
        ]
    }
    inputs.update(
        panel=tmp / "data" / "panel.parquet", retrospective=tmp / "data" / "retrospective.parquet"
    )
    stage.make_reproduction(
        inputs=inputs,
        codebook=repo / "config" / "codebook",
        out=t / "reproduction_chapter3.csv",
        targets=repo / "config" / "published" / "targets.yaml",
        checks=repo / "config" / "published" / "checks.csv",
    )
    if figures:
        stage.make_figures(
            inputs=inputs,
            codebook=repo / "config" / "codebook",
            out_dir=tmp / "figures",
            min_cell=5,
            data_source="synthetic",
        )


@pytest.mark.slow
def test_stages_write_everything_deterministically(tmp_path, records, repo):
    records_path = tmp_path / "records.parquet"
    write_parquet(records, records_path)
    _run(tmp_path / "a", records_path, repo, figures=True)
    _run(tmp_path / "b", records_path, repo)
    files = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert len(files) == 19
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    pngs = {p.stem for p in (tmp_path / "a" / "figures").glob("*.png")}
    assert pngs == set(FIGURES)
    panel = pd.read_parquet(tmp_path / "a" / "data" / "panel.parquet")
    keys = set(records["person_key"])
    for frame in (panel, pd.read_parquet(tmp_path / "a" / "data" / "retrospective.parquet")):
        assert not any(frame[c].astype(str).isin(keys).any() for c in frame.columns)


def test_a_stage_refuses_an_out_mapping_other_than_its_tables(tmp_path, repo):
    # the panel-tables stage writes exactly the tables TABLES gives its rule: one missing
    # (a stale script) or one unknown (a typo) stops it before any work
    wanted = tables_of("chapter3_panel_tables")
    assert "effect_sizes" in wanted
    for out in (
        {k: tmp_path / f"{k}.csv" for k in wanted if k != "effect_sizes"},
        {**{k: tmp_path / f"{k}.csv" for k in wanted}, "didd": tmp_path / "didd.csv"},
    ):
        with pytest.raises(ValueError, match="chapter3_panel_tables"):
            stage.make_panel_tables(
                panel=tmp_path / "absent.parquet",
                codebook=repo / "config" / "codebook",
                out=out,
                min_cell=5,
                vcov="HC3",
            )
    assert not list(tmp_path.iterdir())

"""The design study (benchmarks/design_study.py) on a tiny setting: R = 3, two panel sizes.

Checks the shape and ranges of what it writes (shares in [0, 1], Monte Carlo SEs >= 0, the
analytic power rising with the panel size) and that the report's Design page renders them.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest
from reintegration.paths import REPO_DIR

SHARES = [
    "coverage_did_95",
    "coverage_cohen_d_95",
    "size_cr1_t_17_clusters",
    "size_wild_webb_17_clusters",
]


def _module():
    spec = importlib.util.spec_from_file_location(
        "design_study", REPO_DIR / "benchmarks" / "design_study.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    from reintegration.synthetic.parameters import load_synthetic_config

    ds = _module()
    cfg = load_synthetic_config(REPO_DIR / "config" / "synthetic.yaml")
    table, curve = ds.run(3, 5, cfg, power_sizes=(100, 300), wild_B=99)
    out = tmp_path_factory.mktemp("design") / "results" / "design"
    ds.write_results(out, table, curve, {"R": 3, "seed": 5, "config": "c.yaml", "wall_time_s": 1.5})
    return out


def test_design_table_columns_and_ranges(design):
    table = pd.read_csv(design / "design_study.csv").set_index("quantity")
    assert list(table.columns) == ["value", "mc_se", "planted", "note", "R"]
    assert (table["R"] == 3).all()
    shares = table.loc[SHARES]
    assert shares["value"].between(0, 1).all() and (shares["mc_se"] >= 0).all()
    # a share of 3 replications is a multiple of 1/3
    np.testing.assert_allclose(shares["value"] * 3, np.round(shares["value"] * 3), atol=1e-12)
    for key in ("bias_plain_did_selection", "bias_ipw_did_selection", "bias_dr_did_selection"):
        assert np.isfinite(table.loc[key, "value"]) and table.loc[key, "planted"] == 0.0
    assert table.loc["size_cr1_t_17_clusters", "planted"] == 0.05
    n80 = table.loc["n_for_80pct_power_d034", "value"]
    # two-sample t at d = 0.34, equal groups: about 2 x 137 persons (Cohen 1988, Table 2.4.1)
    assert 250 <= n80 <= 300
    curve = pd.read_csv(design / "design_power.csv")
    assert list(curve.columns) == ["n_persons", "power_simulated", "power_analytic"]
    assert list(curve["n_persons"]) == [100, 300]
    assert curve["power_simulated"].between(0, 1).all()
    assert curve["power_analytic"].is_monotonic_increasing
    assert (design / "design_study.png").is_file() and (design / "design_study.svg").is_file()
    assert json.loads((design / "design_run.json").read_text())["R"] == 3


@pytest.mark.slow
def test_design_page_shows_the_results(design):
    from reintegration.report.notebooks import run_chapter

    workdir = design.parent.parent
    html = workdir / "07_design.html"
    run_chapter(
        REPO_DIR / "notebooks" / "07_design.py",
        workdir / "07_design.ipynb",
        html,
        parameters={
            "release": "t",
            "release_dir": "results/releases/t",
            "report_dir": "results/releases/t/report",
            "exhibits_csv": "results/releases/t/exhibits.csv",
            "chapter": "design",
            "waves": [],
            "data_source": "synthetic",
            "design_dir": "results/design",
        },
        title="Design study",
        cwd=workdir,
    )
    page = html.read_text(encoding="utf-8")
    assert "R = <strong>3</strong>" in page and "seed <strong>5</strong>" in page
    assert "wall time <strong>2 s</strong>" in page  # 1.5 s, rounded
    assert "coverage_did_95" in page and "data:image/png" in page

"""The chapter notebooks run under papermill on a hand-made release and give stable bytes."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest
from reintegration.paths import REPO_DIR
from reintegration.report.exhibits import CHAPTERS
from reintegration.report.notebooks import read_source, run_chapter

matplotlib.use("Agg")

NOTEBOOKS = REPO_DIR / "notebooks"


def test_every_chapter_is_a_percent_notebook_with_a_parameters_cell():
    for stem, _ in CHAPTERS.values():
        nb = read_source(NOTEBOOKS / f"{stem}.py")
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, stem
        for name in ("release", "release_dir", "report_dir", "exhibits_csv", "chapter"):
            assert f"{name} = " in tagged[0].source, (stem, name)
        assert nb.cells[0].cell_type == "markdown", stem


@pytest.fixture
def release(tmp_path):
    """A release folder with one figure and two tables of Chapter III and its exhibit list."""
    import matplotlib.pyplot as plt
    from reintegration.figures.style import save_figure

    folder = "results/releases/t"
    base = tmp_path / folder
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0.4, 0.6])
    save_figure(fig, base / "figures" / "figure_21_did.png")
    (base / "tables").mkdir(parents=True)
    pd.DataFrame(
        {"dimension": ["composite"], "term": ["mentored:post"], "estimate": [0.081234]}
    ).to_csv(base / "tables" / "chapter3_did.csv", index=False)
    pd.DataFrame({"country": ["GIN", "SEN"], "returnees": [110, 98]}).to_csv(
        base / "tables" / "chapter3_table4.csv", index=False
    )
    pd.DataFrame(
        {
            "scope": ["pooled"],
            "dimension": ["composite"],
            "type": ["hedges_g"],
            "estimate": [None],
            "status": ["not estimable"],
            "reason": ["1 mentored returnee (at least 2 needed; panel.min_group)"],
        }
    ).to_csv(base / "tables" / "chapter3_effect_sizes.csv", index=False)
    # The report folder's copies, as the rule report_files makes them.
    from reintegration.report.marking import copy_marked

    for name in (
        "figures/figure_21_did.png",
        "figures/figure_21_did.svg",
        "tables/chapter3_did.csv",
        "tables/chapter3_table4.csv",
        "tables/chapter3_effect_sizes.csv",
    ):
        copy_marked(base / name, base / "report" / name, "synthetic")
    pd.DataFrame(
        [
            [
                "Effect sizes",
                f"{folder}/tables/chapter3_effect_sizes.csv",
                "chapter3_panel_tables",
                "chapter3",
            ],
            ["Figure 21", f"{folder}/figures/figure_21_did.png", "chapter3_figures", "chapter3"],
            ["DiD", f"{folder}/tables/chapter3_did.csv", "chapter3_did", "chapter3"],
            ["Table 4", f"{folder}/tables/chapter3_table4.csv", "chapter3_panel", "chapter3"],
        ],
        columns=["exhibit", "file", "rule", "chapter"],
    ).to_csv(base / "exhibits.csv", index=False)
    return tmp_path, folder


@pytest.mark.slow
def test_chapter_runs_and_a_rerun_gives_the_same_bytes(release):
    workdir, folder = release
    parameters = {
        "release": "t",
        "release_dir": folder,
        "report_dir": f"{folder}/report",
        "exhibits_csv": f"{folder}/exhibits.csv",
        "chapter": "chapter3",
        "waves": ["w1"],
        "data_source": "synthetic",
    }
    outputs = []
    for run in ("a", "b"):
        notebook = workdir / run / "03_chapter3.ipynb"
        html = workdir / run / "03_chapter3.html"
        run_chapter(
            NOTEBOOKS / "03_chapter3.py",
            notebook,
            html,
            parameters=parameters,
            title="Chapter III",
            cwd=workdir,
        )
        outputs.append((notebook.read_bytes(), html.read_bytes()))
    assert outputs[0] == outputs[1]
    nb = json.loads(outputs[0][0])
    assert "papermill" not in nb["metadata"]
    assert [c["id"] for c in nb["cells"]][:2] == ["cell-000", "cell-001"]
    page = outputs[0][1].decode("utf-8")
    # The figure is linked from the report folder (stamped "synthetic"), not stored in the page.
    assert page.count('<img alt="Figure 21" src="figures/figure_21_did.png"/>') == 1
    assert "data:image/png" not in page and "image/png" not in outputs[0][0].decode("utf-8")
    assert "0.081" in page and "0.0812" not in page and "GIN" in page  # 3 decimals
    assert 'href="tables/chapter3_did.csv"' in page  # link to the full table, inside report/
    assert 'href="figures/figure_21_did.svg"' in page
    # A "not estimable" table shows its reason in plain words, in the table and the findings.
    reason = "1 mentored returnee (at least 2 needed; panel.min_group)"
    assert f"Not estimable in this release: {reason}." in page
    assert f"The effect size on the composite is not estimable: {reason}." in page
    # Sections whose exhibits are not in this release say so instead of failing.
    assert "Not in this release: Figures 15 to 19" in page
    outputs_of_cells = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [
        o for o in outputs_of_cells if o["output_type"] == "error" or o.get("name") == "stderr"
    ]
    assert "<pre>0</pre>" not in page and "<pre>None</pre>" not in page  # no stray values

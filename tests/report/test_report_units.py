"""Report building blocks without Snakemake: normalising, exhibits, manifest guard, comparison."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from reintegration.report import audit, compare, exhibits, manifest, notebooks
from reintegration.report.index import render_index
from reintegration.report.present import format_value, table_html


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 1.5}
    nb.metadata["jupytext"] = {"text_representation": {"format_name": "percent"}}
    code = nbformat.v4.new_code_cell("1 + 1", execution_count=7)
    code.metadata["papermill"] = {"duration": 0.1, "start_time": "x", "end_time": "y"}
    code.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    code.metadata["tags"] = ["parameters"]
    code.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=7)
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), code]
    return nb


def test_normalise_strips_what_varies_between_runs():
    nb = notebooks.normalise(executed_notebook())
    assert "papermill" not in nb.metadata and "jupytext" not in nb.metadata
    assert [c.id for c in nb.cells] == ["cell-000", "cell-001"]
    code = nb.cells[1]
    assert code.execution_count is None and code.outputs[0]["execution_count"] is None
    assert "papermill" not in code.metadata and "execution" not in code.metadata
    assert code.metadata["tags"] == ["parameters"]  # content metadata is kept
    nbformat.validate(nb)


def test_normalise_is_idempotent_and_the_written_bytes_are_stable(tmp_path):
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    notebooks.write_notebook(notebooks.normalise(executed_notebook()), first)
    notebooks.write_notebook(notebooks.normalise(notebooks.normalise(executed_notebook())), second)
    assert first.read_bytes() == second.read_bytes()
    assert b"2026-01-01" not in first.read_bytes()


def test_html_page_fetches_nothing_from_the_network():
    html = notebooks.to_html(notebooks.normalise(executed_notebook()), "A chapter")
    assert "<title>A chapter</title>" in html
    assert "<script src=" not in html
    assert "cdnjs" not in html and "mathjax" not in html.lower()
    assert 'href="index.html"' in html  # back to the index
    assert "1 + 1" not in html  # code cells are hidden in the reader's page


def test_the_shared_page_exporter_renders_each_page_as_a_fresh_one_would():
    # One exporter renders every page of a job: nothing of one page may reach the next.
    other = notebooks.normalise(executed_notebook())
    other.cells[0].source = "# Another title\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    page = notebooks.normalise(executed_notebook())
    notebooks._html_exporter.cache_clear()
    fresh = notebooks.to_html(page, "A chapter", page="02_chapter2.html", chapters=["chapter2"])
    notebooks._warm_html_exporter()
    notebooks.to_html(other, "Another", page="01_data_audit.html", chapters=["data_audit"])
    shared = notebooks.to_html(page, "A chapter", page="02_chapter2.html", chapters=["chapter2"])
    assert shared == fresh
    assert "Another" not in shared and "<title>A chapter</title>" in shared


@pytest.mark.parametrize(
    ("file", "chapter"),
    [
        ("results/releases/r/figures/figure_01_country_means.png", "chapter2"),
        ("results/releases/r/figures/figure_14_x.png", "chapter2"),
        ("results/releases/r/figures/figure_21_did.png", "chapter3"),
        ("results/releases/r/figures/figure_22_belonging.png", "retrospective_morocco"),
        ("results/releases/r/figures/figure_30_morocco_work.png", "retrospective_morocco"),
        ("results/releases/r/tables/chapter3_morocco_summary.csv", "retrospective_morocco"),
        ("results/releases/r/tables/chapter3_did.csv", "chapter3"),
        ("results/releases/r/tables/reproduction.csv", "reproduction"),
        ("results/releases/r/tables/audit_ledger.csv", "data_audit"),
        ("results/releases/r/tables/release_comparison.csv", "release_comparison"),
    ],
)
def test_chapter_is_inferred_from_the_file_name(file, chapter):
    assert exhibits.infer_chapter(file) == chapter


def test_exhibit_entries_take_the_rule_from_the_workflow():
    entries = [
        ("Figure 21", "r/figures/figure_21_did.png", "chapter3_figures"),
        {"exhibit": "Table 4", "file": "r/tables/chapter3_table4.csv", "chapter": "chapter3"},
        {"exhibit": "Figure 1", "file": "r/figures/figure_01_means.png"},
    ]
    rules = {
        "r/tables/chapter3_table4.csv": "chapter3_panel",
        "r/figures/figure_01_means.png": "c2",
    }
    table = exhibits.normalise_entries(entries, rules)
    assert list(table.columns) == ["exhibit", "file", "rule", "chapter"]
    assert table.to_dict("records") == [
        {
            "exhibit": "Figure 1",
            "file": "r/figures/figure_01_means.png",
            "rule": "c2",
            "chapter": "chapter2",
        },
        {
            "exhibit": "Figure 21",
            "file": "r/figures/figure_21_did.png",
            "rule": "chapter3_figures",
            "chapter": "chapter3",
        },
        {
            "exhibit": "Table 4",
            "file": "r/tables/chapter3_table4.csv",
            "rule": "chapter3_panel",
            "chapter": "chapter3",
        },
    ]  # fmt: skip  (chapter order, then file)


def test_an_exhibit_no_rule_declares_is_an_error():
    with pytest.raises(ValueError, match="no rule declares r/tables/x.csv"):
        exhibits.normalise_entries([{"exhibit": "X", "file": "r/tables/x.csv"}], {})


def test_unregistered_final_tables_and_figures_are_listed_once():
    files = [
        "r/tables/chapter3_did.csv",
        "r/figures/figure_21_did.png",
        "r/figures/figure_21_did.svg",
        "r/internal/panel.parquet",
    ]
    extra = exhibits.unregistered_entries(files, registered=["r/figures/figure_21_did.png"])
    assert extra == [
        {"exhibit": "chapter3_did", "file": "r/tables/chapter3_did.csv", "chapter": "chapter3"}
    ]


# --- manifest and the release guard -----------------------------------------------------


@pytest.fixture
def release_inputs(tmp_path):
    codebook = tmp_path / "codebook"
    codebook.mkdir()
    (codebook / "variables.csv").write_text("name\nx\n")
    raw = tmp_path / "raw"
    (raw / "w1").mkdir(parents=True)
    (raw / "w1" / "a.csv").write_text("id\n1\n")
    (raw / "w1" / "notes.txt").write_text("not an export")
    return {"config": {"release": {"name": "r1"}, "b": [1, 2]}, "codebook": codebook, "raw": raw}


def fingerprint_of(inputs, waves=("w1",)):
    return manifest.fingerprint(
        inputs["config"],
        [inputs["codebook"] / "variables.csv"],
        manifest.raw_files(inputs["raw"], list(waves)),
    )


def test_fingerprint_hashes_exports_codebook_and_config(release_inputs):
    fp = fingerprint_of(release_inputs)
    # Every file extraction accounts for, read or listed as not read: a changed note is a
    # changed delivery (its inventory and extract report change with it).
    assert [r["file"] for r in fp["raw_files"]] == ["a.csv", "notes.txt"]
    assert set(fp["codebook"]) == {"variables.csv"}
    # The config hash ignores key order.
    reordered = {"b": [1, 2], "release": {"name": "r1"}}
    assert manifest.config_hash(reordered) == fp["config_sha256"]


def test_guard_passes_for_the_same_inputs_and_names_every_difference(release_inputs, tmp_path):
    path = tmp_path / "release" / "r1" / "manifest.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"fingerprint": fingerprint_of(release_inputs)}))
    manifest.check_release(path, fingerprint_of(release_inputs))  # same inputs: no error

    release_inputs["config"]["b"] = [1, 3]
    (release_inputs["raw"] / "w1" / "a.csv").write_text("id\n2\n")
    (release_inputs["raw"] / "w1" / "b.csv").write_text("id\n3\n")
    (release_inputs["codebook"] / "variables.csv").write_text("name\ny\n")
    with pytest.raises(manifest.ReleaseConflict) as err:
        manifest.check_release(path, fingerprint_of(release_inputs))
    message = str(err.value)
    assert "release 'r1'" in message
    assert "the configuration differs" in message
    assert "codebook file variables.csv differs" in message
    assert "raw file w1/a.csv changed" in message and "raw file w1/b.csv is new" in message
    assert "new release name" in message


def test_guard_ignores_waves_not_on_disk_yet(release_inputs, tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"fingerprint": fingerprint_of(release_inputs)}))
    # Synthetic exports are generated by the run: a missing wave folder is no conflict.
    current = fingerprint_of(release_inputs, waves=())
    manifest.check_release(path, current, raw_waves_present=[])
    with pytest.raises(manifest.ReleaseConflict, match="w1/a.csv is gone"):
        manifest.check_release(path, current, raw_waves_present=["w1"])


def test_no_manifest_means_nothing_to_guard(tmp_path, release_inputs):
    manifest.check_release(tmp_path / "absent.json", fingerprint_of(release_inputs))


def test_build_manifest_hashes_outputs_relative_to_the_release(tmp_path, release_inputs):
    release_dir = tmp_path / "results" / "releases" / "r1"
    (release_dir / "tables").mkdir(parents=True)
    table = release_dir / "tables" / "t.csv"
    table.write_text("a\n1\n")
    result = manifest.build_manifest(
        release="r1",
        waves=["w1"],
        previous=None,
        config=release_inputs["config"],
        fingerprint=fingerprint_of(release_inputs),
        extract_reports={"w1": {"files": [{"file": "a.csv", "sha256": "abc", "rows_read": 1}]}},
        outputs=[table],
        wave_outputs=[],
        release_dir=release_dir,
    )
    assert result["outputs"] == {"tables/t.csv": manifest.sha256_file(table)}
    assert result["raw_files_extracted"] == [
        {"wave": "w1", "file": "a.csv", "sha256": "abc", "rows_read": 1}
    ]
    assert result["packages"]["snakemake"] == "9.27.1"
    assert set(result["code"]) == {"package", "version", "git_commit", "git_dirty"}
    assert "time" not in json.dumps(result).lower()


# --- release comparison ------------------------------------------------------------------


def write(path, df):
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)
    return path


def test_comparison_sets_key_estimates_side_by_side(tmp_path):
    def release(name, mean_gin, did, n, extra_country):
        tables = tmp_path / name / "tables"
        means = pd.DataFrame(
            {
                "country": ["GIN", extra_country],
                "dimension": "composite",
                "mean": [mean_gin, 0.5],
                "n": [60, 55],
            }
        )
        did_table = pd.DataFrame(
            {
                "dimension": ["composite"],
                "term": ["mentored:post"],
                "estimate": [did],
                "std_error": [0.02],
                "p_value": [0.01],
            }
        )
        return [
            write(tables / "chapter2_country_means.csv", means),
            write(tables / "chapter3_did.csv", did_table),
            write(tables / "chapter3_table4.csv", pd.DataFrame({"country": ["GIN"], "returnees": [n]})),
            write(tables / "chapter2_other.csv", pd.DataFrame({"x": [1.0]})),
            write(tables / "audit_ledger.csv", pd.DataFrame({"wave": ["all"], "rows_read": [n + 10], "rows_kept": [n], "blank_rows": [n % 7], "holds": [True]})),
        ]  # fmt: skip

    previous = release("r1", 0.6, 0.10, 100, "SEN")
    current = release("r2", 0.65, 0.08, 120, "MLI")
    table = compare.compare_releases(previous, current)
    assert list(table.columns) == ["section", "quantity", "previous", "current", "difference"]
    rows = table.set_index("quantity")
    gin = rows.loc["chapter2_country_means: country=GIN, dimension=composite | mean"]
    assert (gin["previous"], gin["current"]) == (0.6, 0.65)
    assert gin["difference"] == pytest.approx(0.05)
    did = rows.loc["chapter3_did: dimension=composite, term=mentored:post | estimate"]
    assert did["difference"] == pytest.approx(-0.02)
    assert rows.loc["chapter3_table4: country=GIN | returnees", "current"] == 120
    # Other numbers of a row (blank_rows) are not part of its name: the totals still match.
    assert rows.loc["audit_ledger: wave=all | rows_kept", "difference"] == 20
    # A country in one release only keeps an empty cell for the other; unrelated tables ignored.
    assert pd.isna(
        rows.loc["chapter2_country_means: country=SEN, dimension=composite | mean", "current"]
    )
    assert pd.isna(
        rows.loc["chapter2_country_means: country=MLI, dimension=composite | mean", "previous"]
    )
    assert not table["quantity"].str.startswith("chapter2_other").any()
    assert table["section"].iloc[0] == "sample sizes"
    summary = compare.summary(table).set_index("section")
    assert summary.loc["country means", "only_previous"] == 1  # the SEN mean
    assert summary.loc["country means", "only_current"] == 1
    # Counts go to "sample sizes" whatever table they come from.
    n_row = "chapter2_country_means: country=GIN, dimension=composite | n"
    assert rows.loc[n_row, "section"] == "sample sizes"


# --- audit tables, presentation, index -------------------------------------------------------


def test_audit_tables_account_for_every_wave(tmp_path):
    for wave, kept in (("w1", 8), ("w2", 5)):
        folder = tmp_path / wave
        folder.mkdir()
        (folder / "extract_report.json").write_text(
            json.dumps({"files": [{"file": "a.csv", "sha256": "f" * 64, "rows_read": 10, "blank_rows": 1, "source_format": "case_management"}]})
        )  # fmt: skip
        (folder / "ledger.json").write_text(
            json.dumps({"wave": wave, "rows_read": 10, "rows_kept": kept, "rows_quarantined": 10 - kept - 1, "duplicates_merged": 1, "blank_rows": 1, "files_skipped": 0, "holds": True})
        )  # fmt: skip
        pd.DataFrame({"rule": ["INVALID_DATE"] * (9 - kept), "reason": "bad date"}).to_csv(
            folder / "quarantine.csv", index=False
        )
        pd.DataFrame(
            {
                "action": ["recode"],
                "variable": ["sex"],
                "from": ["F"],
                "to": ["female"],
                "count": [3],
            }
        ).to_csv(folder / "cleaning_log.csv", index=False)
    tables = audit.audit_tables(["w1", "w2"], tmp_path)
    ledger = tables["ledger"].set_index("wave")
    assert ledger.loc["all", "rows_read"] == 20 and ledger.loc["all", "rows_kept"] == 13
    assert bool(ledger.loc["all", "holds"]) is True
    assert tables["files"]["format"].tolist() == ["case_management", "case_management"]
    assert tables["quarantine"]["records"].tolist() == [1, 4]
    assert tables["cleaning"]["count"].tolist() == [3, 3]


def test_values_are_formatted_stably():
    assert [format_value(v) for v in (3.0, 0.123456, None, float("nan"), 7, "GIN", True)] == [
        "3",
        "0.123",
        "",
        "",
        "7",
        "GIN",
        "yes",
    ]
    assert format_value(0.0004, p_value=True) == "< 0.001"
    assert format_value(0.0123, p_value=True) == "0.012"
    # 5 rows at once, the other 45 behind a plain-HTML "show all": no row is cut.
    html = table_html(pd.DataFrame({"a": range(50)}), max_rows=5)
    assert html.count("<tr>") == 2 + 50
    assert "<details><summary>Show all 50 rows</summary>" in html
    assert "<td>49</td>" in html.split("<details>")[1]


def test_index_links_chapters_dictionary_exhibits_and_manifest():
    exhibit_table = pd.DataFrame(
        [["Figure 21", "results/releases/r2/figures/figure_21_did.png", "chapter3_figures", "chapter3"]],
        columns=exhibits.COLUMNS,
    )  # fmt: skip
    html = render_index(
        release="r2",
        waves=["w1", "w2"],
        data_source="synthetic",
        chapters=["data_audit", "chapter3", "release_comparison"],
        exhibits=exhibit_table,
        manifest={"fingerprint": {"raw_files": [{"wave": "w1", "file": "a.csv", "sha256": "ab"}]}},
        report_dir="results/releases/r2/report",
        release_dir="results/releases/r2",
        previous="r1",
        comparison_summary=pd.DataFrame({"section": ["country means"], "quantities": [3]}),
    )
    for link in (
        "01_data_audit.html",
        "03_chapter3.html",
        "06_release_comparison.html",
        "data_dictionary.html",
        "exhibits.csv",
        "manifest.json",
        "figures/figure_21_did.png",
        "tables/release_comparison.csv",
    ):
        assert f'href="{link}"' in html, link
    assert 'href="../' not in html  # every link stays inside the report folder
    assert "w1, w2" in html and "synthetic" in html and "r1" in html
    assert "<script" not in html


def test_files_table_shows_every_inventory_entry_and_dropped_columns_with_reason():
    reports = {
        "w1": {
            "files": [
                {"file": "a.xlsx", "sheet": "RSS", "encoding": None, "rows_read": 7, "sha256": "e" * 64,
                 "format": "case_management", "headers_dropped_identifier": ["Phone number"],
                 "headers_dropped_drop": ["Entered by"], "headers_dropped_unlisted": ["Extra"]},
            ],
            "inventory": [
                {"path": "a.xlsx", "kind": "xlsx", "status": "read", "reason": "", "format": "case_management",
                 "sheet": "RSS", "sheet_state": "read", "rows": 7},
                {"path": "a.xlsx", "kind": "xlsx", "status": "skipped", "reason": "hidden sheet",
                 "format": None, "sheet": "Old", "sheet_state": "hidden", "rows": None},
                {"path": "~$a.xlsx", "kind": "system", "status": "skipped", "reason": "Office lock file",
                 "format": None, "sheet": "", "sheet_state": "", "rows": None},
            ],
        },
        "w2": {"files": [{"file": "b.csv", "delimiter": ";", "rows_read": 3}], "files_skipped": ["notes.txt"]},
    }  # fmt: skip
    files = audit.files_table(reports)
    assert files[["wave", "file", "sheet", "status"]].values.tolist() == [
        ["w1", "a.xlsx", "RSS", "read"],
        ["w1", "a.xlsx", "Old", "skipped"],
        ["w1", "~$a.xlsx", "", "skipped"],
        ["w2", "b.csv", "", "read"],
        ["w2", "notes.txt", "", "skipped"],
    ]
    assert files["rows_read"].iloc[0] == 7 and pd.isna(files["rows_read"].iloc[1])
    assert files["sha256"].iloc[0] == "e" * 64
    assert files["reason"].iloc[1] == "hidden sheet" and files["delimiter"].iloc[3] == ";"
    dropped = audit.dropped_table(reports)
    assert dropped["column"].tolist() == ["Phone number", "Entered by", "Extra"]
    assert dropped["reason"].str.split(":").str[0].tolist()[0] == "direct identifier"
    assert "allow_unlisted_columns" in dropped["reason"].iloc[2]


def test_tables_read_like_tables_not_dumps():
    from reintegration.report.present import (
        exhibit_title,
        label,
        not_estimable_reason,
        sort_for_reading,
    )

    df = pd.DataFrame(
        {
            "outcome": ["economic"] * 3 + ["composite"] * 3,
            "country": ["A", "B", "C"] * 2,
            "mean": [0.5, 0.7, 0.6, 0.9, 0.1, None],
        }
    )
    # By score, highest first, within each outcome (outcomes kept in the table's order).
    assert sort_for_reading(df)[["outcome", "country"]].values.tolist() == [
        ["economic", "B"], ["economic", "C"], ["economic", "A"],
        ["composite", "A"], ["composite", "B"], ["composite", "C"],
    ]  # fmt: skip
    assert label("p_value") == "p-value" and label("n_treated") == "N treated"
    html = table_html(pd.DataFrame({"p_value": [0.0001, 0.5], "data_source": ["synthetic"] * 2}))
    assert "<td>&lt; 0.001</td>" in html and "<td>0.500</td>" in html
    assert "data_source" not in html  # the page's banner says it once
    assert (
        not_estimable_reason(
            pd.DataFrame(
                {"status": ["not estimable"], "reason": ["2 mentored (< 5); panel.min_group"]}
            )
        )
        == "2 mentored (< 5); panel.min_group"
    )
    assert not_estimable_reason(pd.DataFrame({"status": ["ok"], "reason": [""]})) is None
    assert exhibit_title("chapter2_country_means", "t/chapter2_country_means.csv") == (
        "Table: country means"
    )
    assert exhibit_title("Figure 1: composite", "f/figure_01.png") == "Figure 1: composite"


def test_portable_report_drops_absolute_paths_from_html_and_zip(tmp_path):
    import zipfile

    from reintegration.report.portable import relativise, relativise_report

    base, work = tmp_path / "repo", tmp_path / "repo" / "run"
    text = f'["{base}/workflow/scripts/a.py", "{work}/results/x.csv", "{work}", "{base}2/b"]'
    assert relativise(text, [base, work]) == (
        f'["workflow/scripts/a.py", "results/x.csv", ".", "{base}2/b"]'
    )
    report = tmp_path / "report.zip"
    with zipfile.ZipFile(report, "w") as archive:
        archive.writestr("r/report.html", text)
        archive.writestr("r/data/x.csv", "a\n1\n")
    assert relativise_report(report, [base, work]) == 1
    with zipfile.ZipFile(report) as archive:
        assert str(work) not in archive.read("r/report.html").decode()
        assert archive.read("r/data/x.csv") == b"a\n1\n"
    with pytest.raises(ValueError, match=r"\.html or \.zip"):
        relativise_report(tmp_path / "report.pdf", [base])


def test_quarantine_examples_quote_no_dates_or_raw_rows():
    from reintegration.report.audit import quarantine_table

    q = pd.DataFrame(
        {
            "rule": ["IMPOSSIBLE_DATE", "IMPOSSIBLE_DATE", "AGE_OUT_OF_RANGE"],
            "reason": [
                "date_of_birth 2020-01-13 is after interview_date 2019-02-06",
                "other",
                "age 95 is outside [15, 80]; as cms_export_ETH_2019-07.xlsx row 186",
            ],
        }
    )
    table = quarantine_table({"2019-07": q})
    assert table["records"].tolist() == [1, 2]  # rules sorted: AGE_..., IMPOSSIBLE_...
    assert table["example_reason"].tolist() == [
        "age 95 is outside [15, 80]; as cms_export_ETH_2019-07.xlsx row [n]",
        "date_of_birth [date] is after interview_date [date]",
    ]

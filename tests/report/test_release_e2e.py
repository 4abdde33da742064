"""Releases, the report and a new wave through real Snakemake on the tiny configuration.

One working directory for the whole module, built up in order (tests depend on the previous
ones' state and are written to run top to bottom, which is pytest's order):

1. the tiny synthetic exports are generated once, then used as real exports (`data.source:
   raw`); part of wave 2020-07's files (the Chapter II-only countries) is held back as a new
   delivery, wave 2020-08, with new records;
2. release r1 is built from waves 2019-07, 2020-01, 2020-07: report, exhibits, manifest,
   `snakemake --report`, the release guard, the headless-browser check, a forced rerun that
   must give byte-identical outputs;
3. wave 2020-08 arrives: release r2 (previous r1) over the four waves; the dry run must list
   only the new wave's extract/clean/score jobs and release-level jobs; r2 is built, r1 is left
   untouched and tables/release_comparison.csv sets both releases side by side.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from snakemake_runner import (
    TINY,
    run_snakemake,
    snakemake_command,
    snakemake_env,
    tiny_workdir,
)

from report.browser import check_pages, chromium_path, problems
from report.pagecheck import broken_or_outside_links, marking

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FIRST_WAVES = ["2019-07", "2020-01", "2020-07"]
NEW_WAVE = "2020-08"
#: Exports of 2020-07 held back and delivered later as wave 2020-08: the countries of Chapter II
#: only (Chapter III's panel, Guinea, Senegal and Morocco, stays complete in release r1).
LATE = (
    "cms_export_*_2020-07.*",
    "formulaire_rss_[BCN]??_2020-07.csv",  # BFA, CIV, CMR, NER
    "formulaire_rss_MLI_2020-07.csv",
)
CORES = "4"
CHAPTERS = [
    "01_data_audit",
    "02_chapter2",
    "03_chapter3",
    "04_retrospective_morocco",
    "05_reproduction",
]

if not (TINY / "config.yaml").exists():  # pragma: no cover - depends on the tiny configuration
    pytest.skip(
        "tests/config/tiny/config.yaml (tiny configuration) not present", allow_module_level=True
    )


def snakemake(workdir: Path, *args: str, check: bool = True):
    return run_snakemake(
        workdir, "--cores", CORES, *args, "--quiet", "rules", check=check, timeout=2400
    )


def dry_run_jobs(workdir: Path) -> list[dict]:
    """The jobs a dry run schedules: rule, wildcards and outputs of each (not quiet)."""
    cmd = snakemake_command(workdir, "--cores", "1", "--dry-run")
    env = snakemake_env()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = []
    for match in re.finditer(r"^(?:local)?rule (\w+):\n((?:[ \t]+.*\n?)*)", result.stdout, re.M):
        body = match.group(2)
        fields = dict(re.findall(r"^\s+(\w+): (.*)$", body, re.M))
        jobs.append(
            {
                "rule": match.group(1),
                "wildcards": fields.get("wildcards", ""),
                "output": [o.strip() for o in fields.get("output", "").split(",") if o.strip()],
            }
        )
    return jobs


def set_config(workdir: Path, *, name: str, waves: list[str], previous: str | None) -> None:
    config = workdir / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  name: .*$", f"  name: {name}", text, count=1)
    text = re.sub(r"(?m)^  waves: .*$", f"  waves: [{', '.join(waves)}]", text, count=1)
    text = re.sub(r"(?m)^  previous: .*$", f"  previous: {previous or 'null'}", text, count=1)
    text = re.sub(r"(?m)^  source: synthetic$", "  source: raw", text, count=1)
    config.write_text(text, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Working directory with the tiny exports as raw data and release r1 built."""
    workdir = tmp_path_factory.mktemp("release")
    tiny_workdir(workdir)
    # The tiny synthetic exports, generated once.
    snakemake(workdir, "resources/synthetic/manifest.json")
    raw = workdir / "resources" / "raw"
    waves = sorted(p.name for p in raw.iterdir() if p.is_dir())
    assert waves == FIRST_WAVES
    incoming = workdir / "incoming" / NEW_WAVE
    incoming.mkdir(parents=True)
    late = sorted({p for pattern in LATE for p in (raw / "2020-07").glob(pattern)})
    assert len(late) >= 3
    for path in late:
        shutil.move(path, incoming / path.name.replace("2020-07", NEW_WAVE))
    shutil.rmtree(workdir / "resources" / "synthetic")
    set_config(workdir, name="r1", waves=FIRST_WAVES, previous=None)
    snakemake(workdir)
    return workdir


def release_dir(site: Path, name: str) -> Path:
    return site / "results" / "releases" / name


def test_release_report_index_links_everything(site):
    report = release_dir(site, "r1") / "report"
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "r1" in index and "2019-07, 2020-01" in index
    for chapter in CHAPTERS:
        assert f'href="{chapter}.html"' in index
        page = (report / f"{chapter}.html").read_text(encoding="utf-8")
        assert "<script src=" not in page
        nb = json.loads((report / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        assert any("parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
        assert all(
            c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code"
        )
        assert "papermill" not in nb["metadata"]
    assert not (report / "06_release_comparison.html").exists()  # no previous release
    assert (report / "data_dictionary.html").exists() and 'href="data_dictionary.html"' in index
    assert 'href="manifest.json"' in index and 'href="exhibits.csv"' in index
    # Figures are linked from the report folder's copies: the report opens without a server.
    chapter3 = (report / "03_chapter3.html").read_text(encoding="utf-8")
    assert chapter3.count(' src="figures/figure_') >= 5
    assert "data:image/png;base64," not in chapter3  # no image is stored twice


def test_real_source_report_is_self_contained_and_not_marked_synthetic(site):
    report = release_dir(site, "r1") / "report"
    assert broken_or_outside_links(report) == []
    state = marking(report)
    assert state["marked"] == []
    assert {"index.html", "02_chapter2.html", "figures/figure_21_did.png"} <= set(state["unmarked"])
    assert "data_source" not in pd.read_csv(release_dir(site, "r1") / "tables" / "audit_files.csv")


def test_exhibit_list_traces_every_file_to_its_rule(site):
    exhibits = pd.read_csv(release_dir(site, "r1") / "exhibits.csv", dtype=str)
    assert list(exhibits.columns) == ["exhibit", "file", "rule", "chapter"]
    assert exhibits["file"].is_unique and exhibits["rule"].notna().all()
    for file in exhibits["file"]:
        assert (site / file).exists(), file
    assert {"audit_tables", "reproduction"} <= set(exhibits["rule"])
    assert set(exhibits["chapter"]) >= {"data_audit", "chapter3", "reproduction"}
    tables = {
        p.relative_to(site).as_posix() for p in (release_dir(site, "r1") / "tables").glob("*.csv")
    }
    pngs = {
        p.relative_to(site).as_posix() for p in (release_dir(site, "r1") / "figures").glob("*.png")
    }
    assert (tables | pngs) <= set(exhibits["file"])  # every final table and figure is listed


def test_manifest_ties_outputs_to_inputs(site):
    folder = release_dir(site, "r1")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["release"] == "r1" and manifest["waves"] == FIRST_WAVES
    raw = manifest["fingerprint"]["raw_files"]
    assert {r["wave"] for r in raw} == set(FIRST_WAVES) and all(len(r["sha256"]) == 64 for r in raw)
    assert set(manifest["fingerprint"]["codebook"]) >= {"variables.csv", "choices.csv"}
    assert len(manifest["fingerprint"]["config_sha256"]) == 64
    assert manifest["packages"]["snakemake"] == "9.27.1"
    assert manifest["code"]["version"]
    import hashlib

    for relative, digest in manifest["outputs"].items():
        assert hashlib.sha256((folder / relative).read_bytes()).hexdigest() == digest, relative
    assert "report/03_chapter3.html" in manifest["outputs"]
    assert "tables/reproduction.csv" in manifest["outputs"]
    assert "manifest.json" not in manifest["outputs"]
    assert "report/index.html" not in manifest["outputs"]
    assert any(p.endswith("2019-07/ledger.json") for p in manifest["wave_outputs"])


def test_snakemake_report_builds_with_captions(site):
    target = site / "snakemake_report.zip"
    snakemake(site, "--report", str(target))
    with zipfile.ZipFile(target) as archive:
        names = {Path(n).name for n in archive.namelist()}
    folder = release_dir(site, "r1")
    finals = {p.name for p in (folder / "tables").glob("*.csv")}
    finals |= {p.name for p in (folder / "figures").glob("*.png")}
    assert "audit_ledger.csv" in names and "exhibits.csv" in names
    # Post-processed, the report holds no absolute path of this machine (README).
    from snakemake_runner import REPO

    subprocess.run(
        [sys.executable, str(REPO / "workflow/scripts/portable_report.py"), str(target),
         "--directory", str(site)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    with zipfile.ZipFile(target) as archive:
        page = next(archive.read(n) for n in archive.namelist() if n.endswith("report.html"))
    text = page.decode("utf-8")
    assert str(REPO) not in text and str(site) not in text
    assert "workflow/scripts/report_index.py" in text
    assert "Synthetic data" not in text  # real-source release: captions carry no marking
    # Every final table and figure is in Snakemake's report (flagged with a caption).
    assert sorted(finals - names) == []


def test_release_guard_stops_a_changed_release_and_lets_a_rerun_through(site):
    config = site / "config" / "config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(
        original.replace("min_answered_share: 0.5", "min_answered_share: 0.6"), encoding="utf-8"
    )
    result = snakemake(site, "--dry-run", check=False)
    config.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "release 'r1'" in message and "the configuration differs" in message
    assert "new release name" in message

    extra = site / "resources" / "raw" / FIRST_WAVES[0] / "late_delivery.csv"
    shutil.copy(next((site / "incoming" / NEW_WAVE).glob("*.csv")), extra)
    result = snakemake(site, "--dry-run", check=False)
    extra.unlink()
    assert result.returncode != 0
    assert f"raw file {FIRST_WAVES[0]}/late_delivery.csv is new" in result.stdout + result.stderr

    # Same inputs again: the guard lets the run through (nothing to do, unless code changed).
    result = snakemake(site, "--dry-run")
    assert "built from other inputs" not in result.stdout + result.stderr


@pytest.mark.skipif(
    chromium_path() is None, reason="chromium not installed (apt-get install chromium)"
)
def test_report_pages_render_in_headless_chromium(site):
    report = release_dir(site, "r1") / "report"
    pages = [report / "index.html", report / "data_dictionary.html"] + [
        report / f"{c}.html" for c in CHAPTERS
    ]
    outcome = check_pages(pages)
    # No console error, broken image, external request or horizontal overflow on any page.
    assert {page: problems(result) for page, result in outcome.items() if problems(result)} == {}
    assert outcome[str(report / "03_chapter3.html")]["images"] >= 5


def test_forced_rerun_is_byte_identical(site):
    folder = release_dir(site, "r1")
    kinds = ("tables/", "figures/", "report/", "exhibits.csv", "manifest.json")
    before = {k: v for k, v in snapshot(folder).items() if k.startswith(kinds)}
    snakemake(site, "--forceall")
    after = {k: v for k, v in snapshot(folder).items() if k.startswith(kinds)}
    assert sorted(before) == sorted(after)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
    assert any(k.startswith("report/notebooks/") for k in before)


def test_new_wave_builds_a_new_release_and_says_what_changed(site):
    r1_before = snapshot(release_dir(site, "r1"))
    shutil.move(site / "incoming" / NEW_WAVE, site / "resources" / "raw" / NEW_WAVE)
    set_config(site, name="r2", waves=[*FIRST_WAVES, NEW_WAVE], previous="r1")

    jobs = dry_run_jobs(site)
    per_wave = sorted(
        (j["rule"], j["wildcards"]) for j in jobs if j["rule"] in ("extract", "clean", "score")
    )
    assert per_wave == [
        ("clean", f"wave={NEW_WAVE}"),
        ("extract", f"wave={NEW_WAVE}"),
        ("score", f"wave={NEW_WAVE}"),
    ]
    for job in jobs:
        if job["rule"] == "all":
            continue
        assert job["output"], job
        for output in job["output"]:
            # the new wave's files, the new release and its exact-date pooled working file
            mine = (f"results/waves/{NEW_WAVE}/", "results/releases/r2/", "results/pooled/r2/")
            assert output.startswith(mine), job
    rules = {j["rule"] for j in jobs}
    assert {"pool_records", "compare_releases", "release_manifest", "report_index"} <= rules
    assert not rules & {"check_codebook", "data_dictionary", "generate_synthetic"}
    print("new-wave dry run:", sorted((j["rule"], j["wildcards"]) for j in jobs))

    snakemake(site)
    r2 = release_dir(site, "r2")
    assert snapshot(release_dir(site, "r1")) == r1_before  # the previous release is untouched
    comparison = pd.read_csv(r2 / "tables" / "release_comparison.csv")
    assert list(comparison.columns) == ["section", "quantity", "previous", "current", "difference"]
    assert len(comparison) > 0
    both = comparison.dropna(subset=["previous", "current"])
    assert len(both) > 0
    scale = both[["previous", "current"]].abs().max(axis=1) + 1e-12
    error = (both["difference"] - (both["current"] - both["previous"])).abs() / scale
    assert error.max() < 1e-8  # difference = current - previous (CSV keeps 10 digits)
    # The new wave adds records: some sample size grew.
    sizes = both[both["section"] == "sample sizes"]
    assert (sizes["current"] > sizes["previous"]).any()
    index = (r2 / "report" / "index.html").read_text(encoding="utf-8")
    assert "What changed since release <code>r1</code>" in index
    assert 'href="06_release_comparison.html"' in index
    assert (r2 / "report" / "06_release_comparison.html").exists()
    manifest = json.loads((r2 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_release"] == "r1"
    assert {r["wave"] for r in manifest["fingerprint"]["raw_files"]} == {*FIRST_WAVES, NEW_WAVE}

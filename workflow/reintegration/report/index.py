"""The report's index page: one self-contained HTML file (inline CSS, no script, no network).

It names the release and its waves, links every chapter page, the data dictionary, the exhibit
list and the manifest, and summarises the manifest (inputs by hash, code and package versions).
Links are relative, so the page works when opened from disk.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from reintegration.report import pages
from reintegration.report.exhibits import CHAPTERS
from reintegration.report.findings import findings_html
from reintegration.report.present import exhibit_title
from reintegration.report.privacy_page import PAGE as PRIVACY_PAGE

TITLE = "Reintegration outcomes: a reproducible re-run of IOM's 2020 \u201cMentoring Returnees\u201d study"

CHAPTER_BLURBS = {
    "data_audit": "Every file of every wave (read or not, and why), the columns dropped, the "
    "ledger of every record (kept, quarantined, merged), quarantine reasons, the recodes "
    "applied and the privacy scan.",
    "chapter2": "Returnees in the 17 countries: country means and tiers, scores over time, the "
    "regression of scores on programmes and characteristics, indicators by country.",
    "chapter3": "The ORION mentoring pilot in Guinea and Senegal: the panel, first vs last survey, "
    "difference-in-differences, effect sizes, selection-adjusted estimates.",
    "retrospective_morocco": "Pre-migration conditions against the first survey after return; the "
    "Morocco snapshot (indicative only).",
    "reproduction": "Every number published in the study beside the value this run produced.",
    "release_comparison": "Key estimates of this release beside those of the previous release.",
    "design": "Coverage, test size, bias and power from replications of the calibrated "
    "generator (`make design`, not part of the release run).",
}

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1a1a1a; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5em 1.5em 4em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code { font-size: 0.92em; }
.note { background: #fff8e1; border-left: 4px solid #E69F00; padding: 0.6em 1em; }
.meta td:first-child { font-weight: 600; white-space: nowrap; }
.hash { font-family: monospace; font-size: 0.85em; }
.wide { overflow-x: auto; max-width: 100%; }
details > summary { cursor: pointer; color: #0b5394; margin: 0.3em 0; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _rel(path: str, report_dir: Path) -> str:
    """Link to a release file through its copy inside the report folder (self-contained)."""
    if Path(path).is_relative_to(report_dir.parent):
        path = str(report_dir / Path(path).relative_to(report_dir.parent))
    return Path(os.path.relpath(path, report_dir)).as_posix()


def _table(df: pd.DataFrame, cells=None) -> str:
    """A DataFrame as HTML; ``cells(column, value, row) -> html`` may override a cell."""
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    body = []
    for row in df.to_dict("records"):
        tds = []
        for column in df.columns:
            value = row[column]
            custom = cells(column, value, row) if cells else None
            tds.append(f"<td>{custom if custom is not None else _e(_fmt(value))}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    return str(value)


def _head(release: str, data_source: str, chapters: list[str]) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(release)}: {_e(TITLE)}</title>",
        f"<style>{CSS}{pages.CSS}</style>",
        "</head>",
        "<body>",
        pages.banner(data_source),
        pages.nav_bar("index.html", chapters),
        "<main>",
        f"<h1>{_e(TITLE)}</h1>",
    ]


def _meta(release, waves, data_source, previous, manifest) -> list[str]:
    parts = [
        '<table class="meta">',
        f"<tr><td>Release</td><td><code>{_e(release)}</code></td></tr>",
        f"<tr><td>Waves included</td><td>{_e(', '.join(waves))}</td></tr>",
        f"<tr><td>Data</td><td>{_e(data_source)}</td></tr>",
    ]
    if previous:
        parts.append(f"<tr><td>Previous release</td><td><code>{_e(previous)}</code></td></tr>")
    code = manifest.get("code", {})
    parts += [
        f"<tr><td>Code</td><td>{_e(code.get('package'))} {_e(code.get('version'))}, commit "
        f'<span class="hash">{_e(code.get("git_commit"))}</span>'
        f"{' (with uncommitted changes)' if code.get('git_dirty') else ''}</td></tr>",
        "</table>",
    ]
    if data_source == "synthetic":
        parts.append(
            '<p class="note">This release is built from <strong>synthetic</strong> survey exports '
            "calibrated to the published study (real RSS microdata are confidential). Numbers "
            "illustrate the pipeline; they are not findings about real returnees.</p>"
        )
    parts.append(
        '<p class="note">Caveats that apply throughout: IOM\u2019s official indicator weights are '
        "not public, so scores use equal weights within each dimension and a composite equal to "
        "the mean of the three dimensions; mentoring in the ORION pilot was not randomly "
        "assigned (priority to low baseline scores, location, voluntariness), so the plain "
        "difference-in-differences is shown beside selection-adjusted estimates.</p>"
    )
    return parts


def _chapters(chapters: list[str]) -> list[str]:
    parts = ["<h2>Chapters</h2><ol>"]
    for key in chapters:
        stem, title = CHAPTERS[key]
        parts.append(
            f'<li><a href="{_e(stem)}.html">{_e(title)}</a><br><small>{_e(CHAPTER_BLURBS[key])}'
            "</small></li>"
        )
    parts.append("</ol>")
    return parts


def _reference(dictionary: str, release_dir: Path, report_dir: Path) -> list[str]:
    return [
        "<h2>Reference</h2><ul>",
        f'<li><a href="{_e(dictionary)}">Data dictionary</a>: every question, answer, score and '
        "weight of the codebook.</li>",
        f'<li><a href="{_rel(str(release_dir / "exhibits.csv"), report_dir)}">exhibits.csv</a>: '
        "every table and figure, its file and the rule that made it (below).</li>",
        f'<li><a href="{_rel(str(release_dir / "manifest.json"), report_dir)}">manifest.json</a>: '
        "hashes of every input and output, code and package versions (summary below).</li>",
        f'<li><a href="{PRIVACY_PAGE}">Privacy scan</a>: files scanned and findings (none, '
        "or the release would have failed).</li>",
        "</ul>",
    ]


def _exhibits(exhibits: pd.DataFrame, chapters: list[str], report_dir: Path) -> list[str]:
    chapter_pages = {key: f"{CHAPTERS[key][0]}.html" for key in chapters}

    def exhibit_cell(column, value, row):
        if column == "exhibit":
            return _e(exhibit_title(value, row["file"]))
        if column == "file":
            link = _rel(value, report_dir)
            return f'<a href="{_e(link)}"><code>{_e(link)}</code></a>'
        if column == "chapter" and value in chapter_pages:
            return f'<a href="{_e(chapter_pages[value])}">{_e(CHAPTERS[value][1])}</a>'
        return None

    return [
        "<h2>Exhibits</h2>",
        f"<p>{len(exhibits)} tables and figures, each with the page that shows it and its file "
        "inside this folder.</p>"
        f"<details><summary>Show all {len(exhibits)} exhibits</summary>"
        f'<div class="wide">{_table(exhibits, exhibit_cell)}</div></details>',
    ]


def _hash_cell(column, value, row):
    return f'<span class="hash">{_e(value)}</span>' if column == "sha256" else None


def _manifest(manifest: dict) -> list[str]:
    fingerprint = manifest.get("fingerprint", {})
    raw = pd.DataFrame(fingerprint.get("raw_files", []), columns=["wave", "file", "sha256"])
    parts = [
        "<h2>Manifest summary</h2>",
        f'<p>Configuration hash <span class="hash">{_e(fingerprint.get("config_sha256"))}'
        f"</span>; {len(fingerprint.get('codebook', {}))} codebook files, {len(raw)} raw files, "
        f"{len(manifest.get('outputs', {}))} release outputs and "
        f"{len(manifest.get('wave_outputs', {}))} per-wave outputs hashed (SHA-256); "
        f"{len(manifest.get('packages', {}))} pinned packages.</p>",
        "<h3>Raw files</h3>",
        f"<details><summary>Show all {len(raw)} raw files with their SHA-256</summary>"
        f'<div class="wide">{_table(raw, _hash_cell)}</div></details>',
    ]
    codebook = pd.DataFrame(
        sorted(fingerprint.get("codebook", {}).items()), columns=["codebook file", "sha256"]
    )
    parts += ["<h3>Codebook</h3>", _table(codebook, _hash_cell)]
    packages = manifest.get("packages", {})
    key_packages = [
        p
        for p in ("snakemake", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "papermill")
        if p in packages
    ]
    if key_packages:
        parts.append(
            "<p>Main packages: "
            + ", ".join(f"{_e(p)} {_e(packages[p])}" for p in key_packages)
            + " (all pins in the manifest).</p>"
        )
    return parts


def render_index(
    *,
    release: str,
    waves: list[str],
    data_source: str,
    chapters: list[str],
    exhibits: pd.DataFrame,
    manifest: dict,
    report_dir: str | Path,
    release_dir: str | Path,
    previous: str | None = None,
    comparison_summary: pd.DataFrame | None = None,
    dictionary: str = "data_dictionary.html",
    findings: list[str] | None = None,
) -> str:
    """The index page as a string. ``chapters``: keys of the chapters built for this release."""
    report_dir = Path(report_dir)
    release_dir = Path(release_dir)
    parts = _head(release, data_source, chapters)
    parts.append(findings_html(findings or []))
    parts += _meta(release, waves, data_source, previous, manifest)
    parts += _chapters(chapters)
    if previous and comparison_summary is not None:
        parts.append(f"<h2>What changed since release <code>{_e(previous)}</code></h2>")
        parts.append(
            "<p>Key estimates of both releases side by side: "
            '<a href="06_release_comparison.html">the comparison page</a>, '
            f'<a href="{_rel(str(release_dir / "tables/release_comparison.csv"), report_dir)}">'
            "tables/release_comparison.csv</a>.</p>"
        )
        parts.append(_table(comparison_summary))
    parts += _reference(dictionary, release_dir, report_dir)
    parts += _exhibits(exhibits, chapters, report_dir)
    parts += _manifest(manifest)
    parts += ["</main>", pages.nav_bar("index.html", chapters), "</body></html>"]
    return "\n".join(parts) + "\n"

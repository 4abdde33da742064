# Helpers of report.smk (kept apart so that report.smk holds only rules). Paths of the
# release record, the release guard (run at parse time), and the input/parameter functions.
import json
import shlex
import sys

from snakemake.exceptions import WorkflowError

from reintegration.report import manifest as release_manifest
from reintegration.report import privacy_page, shared_waves
from reintegration.report.compare import section_of
from reintegration.report.exhibits import (
    CHAPTERS,
    chapter_of_stem,
    normalise_entries,
    unregistered_entries,
)

REPORT_DIR = f"{RELEASE_DIR}/report"
MANIFEST = f"{RELEASE_DIR}/manifest.json"
# Written by privacy.smk after every other release file (so neither hashed nor listed here).
PRIVACY_SCAN = f"{RELEASE_DIR}/privacy_scan.json"
# The scan's summary page, written after the scan (neither scanned, hashed nor listed).
PRIVACY_PAGE = f"{RELEASE_DIR}/report/{privacy_page.PAGE}"
REPORT_INDEX = f"{REPORT_DIR}/index.html"
# A copy of the manifest inside report/ (written with the index, after the manifest).
REPORT_MANIFEST = f"{REPORT_DIR}/manifest.json"
COMPARISON = f"{RELEASE_DIR}/tables/release_comparison.csv"
# Caption notes on departures from the original report, shown under the numbered figures.
FIGURE_NOTES = "config/published/figure_notes.csv"
FIGURE_CHAPTERS = ("chapter2", "chapter3", "retrospective_morocco")
NOTEBOOKS = Path(workflow.basedir) / "notebooks"
PREVIOUS = config["release"]["previous"]
PREVIOUS_DIR = f"results/releases/{PREVIOUS}" if PREVIOUS else None
# The design study's results (`make design`, benchmarks/design_study.py): the "Design" page
# exists only when they do; they are never made by a release run.
DESIGN_DIR = "results/design"
DESIGN_FILES = [
    f"{DESIGN_DIR}/{n}"
    for n in ("design_study.csv", "design_power.csv", "design_study.png", "design_run.json")
]
HAVE_DESIGN = all(Path(f).is_file() for f in DESIGN_FILES)
REPORT_CHAPTERS = [
    key
    for key in CHAPTERS
    if (key != "release_comparison" or PREVIOUS) and (key != "design" or HAVE_DESIGN)
]
REPORT_RAW_DIR = Path(config["data"]["raw_dir"])
SYNTHETIC_CONFIG = (
    config["data"]["synthetic_config"] if config["data"]["source"] == "synthetic" else None
)
REPORT_CODE = package_files("report/", "io") + sorted(
    str(p) for p in (PACKAGE / "report" / "templates").rglob("*") if p.is_file()
)


# A release never overwrites another: stop before any job runs when the release folder holds a
# manifest recording other inputs (config, codebook, raw files, links file, published targets,
# design study results, key). A rerun with the same inputs, forced or not, passes. The fingerprint the run started
# from is written when jobs start (onstart, in the Snakefile) and compared with the inputs at the manifest step.
# The design study's results are among them: its page is part of the release once it exists.
RELEASE_INPUT_FILES = [CASE_ID_LINKS, "config/published/targets.yaml", *DESIGN_FILES]
RELEASE_FINGERPRINT = release_manifest.fingerprint(
    config,
    CODEBOOK_FILES,
    release_manifest.raw_files(REPORT_RAW_DIR, WAVES),
    synthetic_config=SYNTHETIC_CONFIG,
    inputs=[f for f in RELEASE_INPUT_FILES if f],
    key=release_manifest.available_key(PSEUDONYM_KEY_FILE),
)
RELEASE_LOG_DIR = f"logs/releases/{RELEASE}"
FINGERPRINT_AT_START = f"{RELEASE_LOG_DIR}/inputs_at_start.json"
RAW_WAVES_PRESENT = [w for w in WAVES if (REPORT_RAW_DIR / w).is_dir()]
try:
    release_manifest.check_release(
        MANIFEST, RELEASE_FINGERPRINT, raw_waves_present=RAW_WAVES_PRESENT
    )
except release_manifest.ReleaseConflict as err:
    raise WorkflowError(str(err)) from None
# Per-wave files are shared: refuse to change bytes another (intact) release recorded.
SHARED_WAVE_CONFLICTS = shared_waves.shared_wave_conflicts(
    "results",
    RELEASE,
    WAVES,
    RELEASE_FINGERPRINT,
    raw_waves_present=RAW_WAVES_PRESENT,
    wave_inputs=[CASE_ID_LINKS] if CASE_ID_LINKS else [],
)
if any(c.intact for c in SHARED_WAVE_CONFLICTS):
    message = shared_waves.conflict_message(SHARED_WAVE_CONFLICTS, RELEASE)
    if not config["release"]["rebuild_shared_waves"]:
        raise WorkflowError(message)
    print(f"WARNING (release.rebuild_shared_waves: true): {message}", file=sys.stderr)


if PREVIOUS:
    if PREVIOUS == RELEASE:
        raise WorkflowError(
            f"release.previous is the release itself ({RELEASE}); name an earlier release"
        )
    if not Path(PREVIOUS_DIR, "manifest.json").is_file():
        raise WorkflowError(
            f"release.previous = {PREVIOUS}: {PREVIOUS_DIR}/manifest.json does not exist; "
            "build that release first or set release.previous: null"
        )


def exhibit_table():
    """EXHIBITS as a table; the rule of each file is the rule declaring it as an output.

    Final tables and figures of the release that no module registered are listed too (named
    after their file), so that exhibits.csv covers every one of them.
    """
    rule_of_file = {}
    for r in workflow.rules:
        for f in r.output:
            rule_of_file.setdefault(str(f), r.name)
    finals = [
        str(f)
        for f in FINAL_TARGETS
        if str(f).startswith((f"{RELEASE_DIR}/tables/", f"{RELEASE_DIR}/figures/"))
    ]
    extra = unregistered_entries(finals, [e["file"] if isinstance(e, dict) else e[1] for e in EXHIBITS])
    return normalise_entries(list(EXHIBITS) + extra, rule_of_file)


def report_copy(path):
    """The copy of a release file inside report/ (the report folder is self-contained)."""
    return f"{REPORT_DIR}/{Path(path).relative_to(RELEASE_DIR).as_posix()}"


def report_sources():
    """Release files the report links or embeds, copied into report/ by `report_files`."""
    finals = {
        str(f)
        for f in FINAL_TARGETS
        if str(f).startswith((f"{RELEASE_DIR}/tables/", f"{RELEASE_DIR}/figures/"))
    }
    return sorted(finals | {f"{RELEASE_DIR}/exhibits.csv"} | ({COMPARISON} if PREVIOUS else set()))


def chapter_exhibit_files(stem):
    """The report copies of the chapter's exhibits (and of their SVG twins)."""
    key = chapter_of_stem(stem)
    if key == "design":
        return DESIGN_FILES
    files = exhibit_table().query("chapter == @key")["file"].tolist()
    files += [COMPARISON] if key == "release_comparison" else []
    sources = set(report_sources())
    twins = [str(Path(f).with_suffix(".svg")) for f in files if f.endswith(".png")]
    return [report_copy(f) for f in files + twins if f in sources]


def chapters_exhibit_files(wildcards):
    """The exhibit files of every chapter of the report (input of `report_chapters`)."""
    return sorted({f for key in REPORT_CHAPTERS for f in chapter_exhibit_files(CHAPTERS[key][0])})


def chapter_parameters(stem):
    """Papermill parameters: explicit paths, relative to the working directory."""
    key = chapter_of_stem(stem)
    parameters = {
        "release": RELEASE,
        "release_dir": RELEASE_DIR,
        "report_dir": REPORT_DIR,
        "exhibits_csv": f"{RELEASE_DIR}/exhibits.csv",
        "chapter": key,
        "waves": list(WAVES),
        "data_source": config["data"]["source"],
    }
    if key in FIGURE_CHAPTERS:
        parameters.update(figure_notes=FIGURE_NOTES, targets=config["published"]["targets"])
    if key == "release_comparison":
        parameters.update(previous=PREVIOUS, comparison_csv=COMPARISON)
    if key == "design":
        parameters.update(design_dir=DESIGN_DIR)
    return parameters


def chapter_pages(wildcards):
    """The pages `report_chapters` makes, as the JSON its script reads (shell-quoted)."""
    pages = [
        {
            "source": str(NOTEBOOKS / f"{stem}.py"),
            "parameters": chapter_parameters(stem),
            "title": title,
            "notebook": f"{REPORT_DIR}/notebooks/{stem}.ipynb",
            "html": f"{REPORT_DIR}/{stem}.html",
        }
        for stem, title in (CHAPTERS[key] for key in REPORT_CHAPTERS)
    ]
    return shlex.quote(json.dumps(pages, sort_keys=True))


def release_outputs(wildcards=None):
    """Every file of the release the manifest hashes (all but the manifest and the index)."""
    files = {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/")}
    files |= {f"{RELEASE_DIR}/exhibits.csv", f"{REPORT_DIR}/data_dictionary.html"}
    for key in REPORT_CHAPTERS:
        stem = CHAPTERS[key][0]
        files |= {f"{REPORT_DIR}/notebooks/{stem}.ipynb", f"{REPORT_DIR}/{stem}.html"}
    return sorted(files - {MANIFEST, REPORT_INDEX, REPORT_MANIFEST, PRIVACY_SCAN, PRIVACY_PAGE})


def wave_outputs(wildcards=None):
    """The per-wave files the release used (shared between releases)."""
    prefixes = tuple(f"results/waves/{w}/" for w in WAVES)
    return sorted({str(f) for f in FINAL_TARGETS if str(f).startswith(prefixes)})


def key_tables(paths):
    return sorted(p for p in paths if p.endswith(".csv") and section_of(Path(p).name))


def current_key_tables(wildcards):
    return key_tables(
        [str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/tables/")]
    )


def previous_key_tables(wildcards):
    return key_tables([str(p) for p in Path(PREVIOUS_DIR, "tables").glob("*.csv")])


def option_list(option, files):
    return " ".join(f"{option} {shlex.quote(str(f))}" for f in files)

# Shared helpers (input paths every stage may depend on), included before the stage modules.
from pathlib import Path

PACKAGE = Path(workflow.basedir) / "workflow" / "reintegration"
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"
SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
CODEBOOK_DIR = Path(config["codebook"]["dir"])
CODEBOOK_TABLES = ["variables", "choices", "weights", "sources", "formats", "indicators"]
CODEBOOK_FILES = [str(CODEBOOK_DIR / f"{t}.csv") for t in CODEBOOK_TABLES]
RELEASE = config["release"]["name"]
RELEASE_DIR = f"results/releases/{RELEASE}"
# Who may see what (README "Who may see what"): internal/ holds the record-level analysis
# datasets (analysts only; dates to month), publish/ what may be handed over (report, tables,
# figures, exhibit list, its manifest). The exact-date pooled records the chapters compute
# from are a working file outside the release, personal data like results/waves/ (POOLED_EXACT,
# data_helpers.smk).
INTERNAL_DIR = f"{RELEASE_DIR}/internal"
PUBLISH_DIR = f"{RELEASE_DIR}/publish"

# Every stage module appends its final outputs here; the Snakefile's `all` rule asks for them.
FINAL_TARGETS = []

# Each chapter appends its part of the reproduction check (a csv with the standard columns of
# reintegration.reproduction); release.smk combines them into tables/reproduction.csv.
REPRODUCTION_PARTS = []


def package_files(*modules):
    """Source files of package modules a rule uses, so that editing them reruns the rule.

    Snakemake reruns a rule when its script changes, not when a module it imports
    changes; listing the modules as inputs closes that gap. A name ending in '/' means
    every module of that sub-package.
    """
    files = []
    for module in modules:
        if module.endswith("/"):
            files += sorted(str(p) for p in (PACKAGE / module).glob("*.py"))
        else:
            files.append(str(PACKAGE / f"{module}.py"))
    return files

# Report exhibits (every final table and figure a reader sees): each stage module registers its
# own, e.g. `EXHIBITS.append(("Figure 1", f"{RELEASE_DIR}/figures/figure_01_country_means.png",
# "figure_01"))` -- (exhibit, file, rule) -- or uses `exhibit(...)` in a rule's output, which also
# flags the file for `snakemake --report`. report.smk turns the list into exhibits.csv and the
# report's chapter pages (README: "The report").
EXHIBITS = []

# Report chapters: key -> category shown by `snakemake --report` (notebooks/<NN>_<key>.py).
REPORT_CATEGORIES = {
    "data_audit": "1 Data and cleaning audit",
    "chapter2": "2 Chapter II: 17 countries",
    "chapter3": "3 Chapter III: ORION mentoring panel",
    "retrospective_morocco": "4 Retrospective and Morocco",
    "reproduction": "5 Reproduction check",
    "release_comparison": "6 Release comparison",
}


def exhibit(path, name, chapter, caption=None):
    """Register an output as a report exhibit and flag it for `snakemake --report`.

    Use inside a rule's `output:`, e.g.
    `fig=exhibit(f"{RELEASE_DIR}/figures/figure_01_country_means.png", "Figure 1", "chapter2",
    caption="../report/figure_01.rst")`. The caption is an .rst file relative to the rule module
    (default: the chapter's caption, workflow/report/<chapter>.rst). The rule column of
    exhibits.csv is filled in from the rule that declares the file.
    """
    if chapter not in REPORT_CATEGORIES:
        raise ValueError(
            f"exhibit {name!r}: unknown chapter {chapter!r}; allowed: {', '.join(REPORT_CATEGORIES)}"
        )
    EXHIBITS.append({"exhibit": name, "file": str(path), "chapter": chapter})
    return report(
        path,
        caption=caption or f"../report/{chapter}.rst",
        category=REPORT_CATEGORIES[chapter],
    )


def folder_of(name, of="output"):
    """A `params:` function giving the folder of one named input or output file.

    Scripts that write (or read) a whole folder of files get the folder from a declared path,
    so the path is written once, in `input:` or `output:`.
    """

    def folder(wildcards, input, output):
        files = (input if of == "input" else output)[name]
        first = files if isinstance(files, str) else files[0]
        return str(Path(first).parent)

    return folder


# Job resources of every rule, from one table (workflow/resources.yaml; README "Running on a
# cluster"): each rule's threads come from rule_threads("name") and its resources from
# **rule_resources("name"); a name without a row in the table stops the parse, naming it.
from reintegration import resources as _resources

RESOURCE_TABLE = _resources.load_table()
RESOURCE_SCALE = _resources.data_scale(config)


def rule_resources(name):
    """mem_mb and runtime (minutes) of rule `name`, scaled with the data's scale."""
    return _resources.rule_resources(RESOURCE_TABLE, name, scale=RESOURCE_SCALE)


def rule_threads(name):
    """Threads of rule `name` at the data's scale (also the OMP/BLAS threads of its job)."""
    return _resources.rule_threads(RESOURCE_TABLE, name, scale=RESOURCE_SCALE)

# Shared helpers (input paths every stage may depend on), included before the stage modules.
from pathlib import Path

PACKAGE = Path(workflow.basedir) / "workflow" / "reintegration"
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"
SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
CODEBOOK_DIR = Path(config["codebook"]["dir"])
CODEBOOK_TABLES = ["variables", "choices", "weights", "sources", "formats"]
CODEBOOK_FILES = [str(CODEBOOK_DIR / f"{t}.csv") for t in CODEBOOK_TABLES]
RELEASE = config["release"]["name"]
RELEASE_DIR = f"results/releases/{RELEASE}"

# Every stage module appends its final outputs here; the Snakefile's `all` rule asks for them.
FINAL_TARGETS = []


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

# Release-level tables that combine the chapters' parts. Chapter modules append their part of the
# reproduction check to REPRODUCTION_PARTS (common.smk); the input is a function, so it is read
# after every module has been parsed, whatever the include order.

PUBLISHED = config["published"]


rule check_published:
    """targets.yaml + checks.csv valid (ids, references, numbers): every problem at once."""
    threads: rule_threads("check_published")
    resources:
        **rule_resources("check_published"),
    input:
        targets=PUBLISHED["targets"],
        checks=PUBLISHED["checks"],
        code=package_files("published", "reproduction", "chapter2/quantities", "chapter3/quantities"),
        script=SCRIPTS / "check_published.py",
    output:
        "results/published/check_published.json",
    log:
        "logs/check_published.log",
    shell:
        "python {input.script:q} --targets {input.targets:q} --checks {input.checks:q}"
        " --out {output:q} > {log:q} 2>&1"


rule reproduction:
    """Every published number beside this run's value: the chapters' parts, combined."""
    threads: rule_threads("reproduction")
    resources:
        **rule_resources("reproduction"),
    input:
        parts=lambda wildcards: REPRODUCTION_PARTS,
        code=package_files("reproduction", "io"),
        script=SCRIPTS / "release_reproduction.py",
    output:
        table=exhibit(
            f"{RELEASE_DIR}/tables/reproduction.csv",
            "Reproduction check",
            "reproduction",
            caption="../report/reproduction.rst",
        ),
        summary=exhibit(
            f"{RELEASE_DIR}/tables/reproduction_summary.csv",
            "Reproduction check: summary",
            "reproduction",
            caption="../report/reproduction.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/reproduction.log",
    shell:
        "python {input.script:q} --parts {input.parts:q} --out {output.table:q}"
        " --summary {output.summary:q} > {log:q} 2>&1"


FINAL_TARGETS.extend([rules.reproduction.output.table, rules.reproduction.output.summary])

# Release-level tables that combine the chapters' parts. Chapter modules append their part of the
# reproduction check to REPRODUCTION_PARTS (common.smk); the input is a function, so it is read
# after every module has been parsed, whatever the include order.


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
        "logs/release/reproduction.log",
    shell:
        "python {input.script} --parts {input.parts} --out {output.table}"
        " --summary {output.summary} > {log} 2>&1"


FINAL_TARGETS.extend([rules.reproduction.output.table, rules.reproduction.output.summary])

# The codebook stage: validate the CSV codebook, then render it as the data dictionary.


rule check_codebook:
    """Check the codebook tables (schemas and cross-table rules); fail listing every problem."""
    threads: rule_threads("check_codebook")
    resources:
        **rule_resources("check_codebook"),
    input:
        tables=CODEBOOK_FILES,
        schemas=expand(
            "{schemas}/codebook/{table}.schema.yaml",
            schemas=SCHEMAS,
            table=CODEBOOK_TABLES,
        ),
        code=package_files("codebook/", "problems", "text"),
        script=SCRIPTS / "check_codebook.py",
    output:
        report="results/codebook/codebook_check.json",
    log:
        "logs/check_codebook.log",
    params:
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} --codebook {params.codebook:q} --out {output.report:q} > {log:q} 2>&1"


rule data_dictionary:
    """Render the codebook as a readable data dictionary (HTML and Markdown)."""
    threads: rule_threads("data_dictionary")
    resources:
        **rule_resources("data_dictionary"),
    input:
        check=rules.check_codebook.output.report,
        tables=CODEBOOK_FILES,
        code=package_files("codebook/", "text"),
        script=SCRIPTS / "render_dictionary.py",
    output:
        html="results/codebook/data_dictionary.html",
        markdown="results/codebook/data_dictionary.md",
    log:
        "logs/data_dictionary.log",
    params:
        codebook=CODEBOOK_DIR,
        min_answered_share=config["scoring"]["min_answered_share"],
    shell:
        "python {input.script:q} --codebook {params.codebook:q}"
        " --min-answered-share {params.min_answered_share:q}"
        " --html {output.html:q} --markdown {output.markdown:q} > {log:q} 2>&1"


FINAL_TARGETS.extend(
    [
        rules.check_codebook.output.report,
        rules.data_dictionary.output.html,
        rules.data_dictionary.output.markdown,
    ]
)

# The release record and the report, included last: audit tables, exhibit list, chapter
# notebooks (papermill), release comparison, manifest, index page (README: "The report",
# "Releases", "A new survey wave"). Everything under results/releases/<release>/.


include: "report_helpers.smk"


wildcard_constraints:
    stem=r"0[1-9]_[a-z0-9_]+",


rule audit_tables:
    """The data chapter's tables: raw files read, ledgers, quarantine and recodes per wave."""
    threads: rule_threads("audit_tables")
    resources:
        **rule_resources("audit_tables"),
    input:
        reports=expand("results/waves/{wave}/extract_report.json", wave=WAVES),
        ledgers=expand("results/waves/{wave}/ledger.json", wave=WAVES),
        quarantine=expand("results/waves/{wave}/quarantine.csv", wave=WAVES),
        cleaning=expand("results/waves/{wave}/cleaning_log.csv", wave=WAVES),
        pooling=f"{RELEASE_DIR}/data/records_pooling.json",
        code=package_files("report/audit", "io"),
        script=SCRIPTS / "report_audit.py",
    output:
        files=exhibit(
            f"{RELEASE_DIR}/tables/audit_files.csv",
            "Audit: raw files read",
            "data_audit",
            caption="../report/audit_files.rst",
        ),
        ledger=exhibit(
            f"{RELEASE_DIR}/tables/audit_ledger.csv",
            "Audit: ledger of records per wave",
            "data_audit",
            caption="../report/audit_ledger.rst",
        ),
        quarantine=exhibit(
            f"{RELEASE_DIR}/tables/audit_quarantine.csv",
            "Audit: quarantined records by rule",
            "data_audit",
            caption="../report/audit_quarantine.rst",
        ),
        cleaning=exhibit(
            f"{RELEASE_DIR}/tables/audit_cleaning.csv",
            "Audit: corrections and recodes",
            "data_audit",
            caption="../report/audit_cleaning.rst",
        ),
    log:
        f"logs/report/{RELEASE}/audit_tables.log",
    params:
        waves=option_list("--wave", WAVES),
    shell:
        "python {input.script} --waves-dir results/waves {params.waves}"
        " --pooling {input.pooling} --files {output.files} --ledger {output.ledger}"
        " --quarantine {output.quarantine} --cleaning {output.cleaning} > {log} 2>&1"


rule exhibit_list:
    """exhibits.csv: every registered table and figure, its file, its rule, its chapter."""
    threads: rule_threads("exhibit_list")
    resources:
        **rule_resources("exhibit_list"),
    input:
        code=package_files("report/exhibits", "io"),
        script=SCRIPTS / "report_exhibits.py",
    output:
        exhibits=report(
            f"{RELEASE_DIR}/exhibits.csv",
            caption="../report/exhibits.rst",
            category="7 Provenance",
        ),
    log:
        f"logs/report/{RELEASE}/exhibit_list.log",
    params:
        # A function, so that modules included after this one are listed too.
        entries=lambda wc: shlex.quote(json.dumps(exhibit_table().to_dict("records"))),
    shell:
        "python {input.script} --entries {params.entries} --out {output.exhibits} > {log} 2>&1"


rule report_chapter:
    """One chapter of the report: notebooks/<stem>.py executed by papermill, normalised, HTML."""
    threads: rule_threads("report_chapter")
    resources:
        **rule_resources("report_chapter"),
    input:
        source=NOTEBOOKS / "{stem}.py",
        exhibits=rules.exhibit_list.output.exhibits,
        files=chapter_exhibit_files,
        code=REPORT_CODE,
        script=SCRIPTS / "report_notebook.py",
    output:
        notebook=f"{REPORT_DIR}/notebooks/{{stem}}.ipynb",
        html=f"{REPORT_DIR}/{{stem}}.html",
    log:
        f"logs/report/{RELEASE}/{{stem}}.log",
    params:
        parameters=chapter_parameters,
        title=lambda wc: shlex.quote(CHAPTERS[chapter_of_stem(wc.stem)][1]),
    shell:
        "python {input.script} --source {input.source} --parameters {params.parameters}"
        " --title {params.title} --notebook {output.notebook} --html {output.html} > {log} 2>&1"


rule report_dictionary:
    """A copy of the data dictionary inside the report folder (the report is self-contained)."""
    threads: rule_threads("report_dictionary")
    resources:
        **rule_resources("report_dictionary"),
    input:
        rules.data_dictionary.output.html,
    output:
        f"{REPORT_DIR}/data_dictionary.html",
    log:
        f"logs/report/{RELEASE}/report_dictionary.log",
    shell:
        "cp {input} {output} > {log} 2>&1"


if PREVIOUS:

    rule compare_releases:
        """Key estimates of the previous release and this one side by side."""
        threads: rule_threads("compare_releases")
        resources:
            **rule_resources("compare_releases"),
        input:
            previous=previous_key_tables,
            current=current_key_tables,
            code=package_files("report/compare", "io"),
            script=SCRIPTS / "report_compare.py",
        output:
            comparison=exhibit(
                COMPARISON,
                "Key estimates: previous vs this release",
                "release_comparison",
                caption="../report/release_comparison.rst",
            ),
        log:
            f"logs/report/{RELEASE}/compare_releases.log",
        shell:
            "python {input.script} --previous {input.previous} --current {input.current}"
            " --out {output.comparison} > {log} 2>&1"


rule release_manifest:
    """manifest.json: hashes of raw files, codebook, config and every output; versions."""
    threads: rule_threads("release_manifest")
    resources:
        **rule_resources("release_manifest"),
    input:
        outputs=release_outputs,
        wave_outputs=wave_outputs,
        reports=expand("results/waves/{wave}/extract_report.json", wave=WAVES),
        codebook=CODEBOOK_FILES,
        lock=Path(workflow.basedir) / "requirements.lock",
        code=package_files("report/manifest", "io"),
        script=SCRIPTS / "report_manifest.py",
    output:
        manifest=report(MANIFEST, caption="../report/manifest.rst", category="7 Provenance"),
    log:
        f"logs/report/{RELEASE}/release_manifest.log",
    params:
        waves=option_list("--wave", WAVES),
        previous=shlex.quote(PREVIOUS or ""),
        config=lambda wc: shlex.quote(json.dumps(config, sort_keys=True, default=str)),
        codebook=option_list("--codebook-file", CODEBOOK_FILES),
        synthetic=f"--synthetic-config {SYNTHETIC_CONFIG}" if SYNTHETIC_CONFIG else "",
        outputs=lambda wc, input: option_list("--output", input.outputs),
        wave_outputs=lambda wc, input: option_list("--wave-output", input.wave_outputs),
        raw_dir=REPORT_RAW_DIR,
        release=RELEASE,
        release_dir=folder_of("manifest"),
    shell:
        "python {input.script} --release {params.release} {params.waves} --previous {params.previous}"
        " --config-json {params.config} {params.codebook} --raw-dir {params.raw_dir}"
        " {params.synthetic} --waves-dir results/waves --release-dir {params.release_dir}"
        " {params.outputs} {params.wave_outputs} --out {output.manifest} > {log} 2>&1"


rule report_index:
    """The report's index page: release, waves, chapters, dictionary, exhibits, manifest."""
    threads: rule_threads("report_index")
    resources:
        **rule_resources("report_index"),
    input:
        manifest=rules.release_manifest.output.manifest,
        exhibits=rules.exhibit_list.output.exhibits,
        dictionary=rules.report_dictionary.output,
        chapters=[f"{REPORT_DIR}/{CHAPTERS[key][0]}.html" for key in REPORT_CHAPTERS],
        comparison=[COMPARISON] if PREVIOUS else [],
        code=package_files("report/index", "report/exhibits", "report/compare", "io"),
        script=SCRIPTS / "report_index.py",
    output:
        index=REPORT_INDEX,
    log:
        f"logs/report/{RELEASE}/report_index.log",
    params:
        waves=option_list("--wave", WAVES),
        chapters=option_list("--chapter", REPORT_CHAPTERS),
        previous=f"--previous {PREVIOUS} --comparison {COMPARISON}" if PREVIOUS else "",
        source=config["data"]["source"],
        release=RELEASE,
        release_dir=folder_of("manifest", of="input"),
    shell:
        "python {input.script} --release {params.release} {params.waves}"
        " --data-source {params.source} {params.chapters} --exhibits {input.exhibits}"
        " --manifest {input.manifest} --release-dir {params.release_dir} {params.previous}"
        " --out {output.index} > {log} 2>&1"


FINAL_TARGETS.extend(
    [
        getattr(rules.audit_tables.output, name)
        for name in ("files", "ledger", "quarantine", "cleaning")
    ]
    + [rules.exhibit_list.output.exhibits, rules.report_dictionary.output[0]]
    + [f"{REPORT_DIR}/notebooks/{CHAPTERS[k][0]}.ipynb" for k in REPORT_CHAPTERS]
    + [f"{REPORT_DIR}/{CHAPTERS[k][0]}.html" for k in REPORT_CHAPTERS]
    + ([COMPARISON] if PREVIOUS else [])
    + [MANIFEST, REPORT_INDEX]
)

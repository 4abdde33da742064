# The release record and the report, included last: audit tables, exhibit list, chapter
# notebooks (papermill), release comparison, manifest, index page (README: "The report",
# "Releases", "A new survey wave"). Everything under results/releases/<release>/.


include: "report_helpers.smk"


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
        pooling=f"{INTERNAL_DIR}/records_pooling.json",
        code=package_files("report/audit", "io"),
        script=SCRIPTS / "report_audit.py",
    output:
        files=exhibit(
            f"{RELEASE_DIR}/tables/audit_files.csv",
            "Audit: raw files read",
            "data_audit",
            caption="../report/audit_files.rst",
        ),
        dropped=exhibit(
            f"{RELEASE_DIR}/tables/audit_dropped_columns.csv",
            "Audit: raw columns dropped at extraction",
            "data_audit",
            caption="../report/audit_dropped_columns.rst",
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
        f"logs/releases/{RELEASE}/audit_tables.log",
    params:
        waves=option_list("--wave", WAVES),
        source=config["data"]["source"],
    shell:
        "python {input.script:q} --waves-dir results/waves {params.waves}"
        " --pooling {input.pooling:q} --files {output.files:q} --ledger {output.ledger:q}"
        " --quarantine {output.quarantine:q} --cleaning {output.cleaning:q}"
        " --dropped {output.dropped:q} --data-source {params.source:q} > {log:q} 2>&1"


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
        f"logs/releases/{RELEASE}/exhibit_list.log",
    params:
        # A function, so that modules included after this one are listed too.
        entries=lambda wc: shlex.quote(json.dumps(exhibit_table().to_dict("records"))),
    shell:
        "python {input.script:q} --entries {params.entries} --out {output.exhibits:q} > {log:q} 2>&1"


# The audit tables join FINAL_TARGETS at the end of this module: add them here.
REPORT_SOURCES = sorted(set(report_sources()) | {str(f) for f in rules.audit_tables.output})


rule report_files:
    """Copies of the release's tables and figures inside report/, marked when synthetic."""
    threads: rule_threads("report_files")
    resources:
        **rule_resources("report_files"),
    input:
        files=REPORT_SOURCES,
        code=package_files("report/marking", "io"),
        script=SCRIPTS / "report_files.py",
    output:
        [report_copy(f) for f in REPORT_SOURCES],
    log:
        f"logs/releases/{RELEASE}/report_files.log",
    params:
        files=" ".join(shlex.quote(str(Path(f).relative_to(RELEASE_DIR))) for f in REPORT_SOURCES),
        source=config["data"]["source"],
        release_dir=RELEASE_DIR,
        report_dir=REPORT_DIR,
    shell:
        "python {input.script:q} --release-dir {params.release_dir:q} --report-dir"
        " {params.report_dir:q} --data-source {params.source:q} {params.files} > {log:q} 2>&1"


rule report_chapters:
    """The report's chapters: notebooks/<stem>.py executed by papermill, normalised, HTML.

    One job for all pages (imports and template loaded once, workers forked from it); each
    page runs in a kernel of its own (reintegration.report.notebooks.run_chapters).
    """
    threads: rule_threads("report_chapters")
    resources:
        **rule_resources("report_chapters"),
    input:
        sources=[NOTEBOOKS / f"{CHAPTERS[key][0]}.py" for key in REPORT_CHAPTERS],
        exhibits=rules.exhibit_list.output.exhibits,
        files=chapters_exhibit_files,
        # Key findings read any table of the release (e.g. the reproduction rows of a chapter).
        tables=[f for f in REPORT_SOURCES if f.startswith(f"{RELEASE_DIR}/tables/")],
        copies=[report_copy(f) for f in REPORT_SOURCES if f.startswith(f"{RELEASE_DIR}/tables/")],
        figure_notes=FIGURE_NOTES,
        targets=config["published"]["targets"],
        code=REPORT_CODE,
        script=SCRIPTS / "report_notebook.py",
    output:
        notebooks=[f"{REPORT_DIR}/notebooks/{CHAPTERS[key][0]}.ipynb" for key in REPORT_CHAPTERS],
        html=[f"{REPORT_DIR}/{CHAPTERS[key][0]}.html" for key in REPORT_CHAPTERS],
    log:
        f"logs/releases/{RELEASE}/report_chapters.log",
    params:
        pages=chapter_pages,
        chapters=option_list("--chapter", REPORT_CHAPTERS),
        # One page more than the job's cores: a page's worker waits while its kernel starts
        # and runs, so `threads` pages leave the cores idle about a quarter of the job
        # (issue 16: 6.3 -> 5.3 s at 100x, mean of four alternating runs).
        pages_at_a_time=lambda wildcards, threads: threads + 1,
    shell:
        "python {input.script:q} --pages {params.pages} {params.chapters}"
        " --workers {params.pages_at_a_time} > {log:q} 2>&1"


rule report_dictionary:
    """The data dictionary inside the report folder, with the report's banner and navigation."""
    threads: rule_threads("report_dictionary")
    resources:
        **rule_resources("report_dictionary"),
    input:
        page=rules.data_dictionary.output.html,
        code=package_files("report/pages", "report/marking", "io"),
        script=SCRIPTS / "report_dictionary.py",
    output:
        f"{REPORT_DIR}/data_dictionary.html",
    log:
        f"logs/releases/{RELEASE}/report_dictionary.log",
    params:
        chapters=option_list("--chapter", REPORT_CHAPTERS),
        source=config["data"]["source"],
    shell:
        "python {input.script:q} --page {input.page:q} {params.chapters}"
        " --data-source {params.source:q} --out {output:q} > {log:q} 2>&1"


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
            f"logs/releases/{RELEASE}/compare_releases.log",
        shell:
            "python {input.script:q} --previous {input.previous:q} --current {input.current:q}"
            " --out {output.comparison:q} > {log:q} 2>&1"


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
        f"logs/releases/{RELEASE}/release_manifest.log",
    params:
        waves=option_list("--wave", WAVES),
        previous=["--previous", PREVIOUS] if PREVIOUS else [],  # :q of "" is no argument
        config=lambda wc: shlex.quote(json.dumps(config, sort_keys=True, default=str)),
        codebook=option_list("--codebook-file", CODEBOOK_FILES),
        synthetic=["--synthetic-config", SYNTHETIC_CONFIG] if SYNTHETIC_CONFIG else [],
        # Fingerprint check after the run: the inputs the run started from (onstart).
        inputs=option_list("--input-file", [f for f in RELEASE_INPUT_FILES if f]),
        key_file=PSEUDONYM_KEY_FILE,
        started_from=FINGERPRINT_AT_START,
        outputs=lambda wc, input: option_list("--output", input.outputs),
        wave_outputs=lambda wc, input: option_list("--wave-output", input.wave_outputs),
        raw_dir=REPORT_RAW_DIR,
        release=RELEASE,
        release_dir=folder_of("manifest"),
    shell:
        "python {input.script:q} --release {params.release:q} {params.waves} {params.previous:q}"
        " --config-json {params.config} {params.codebook} --raw-dir {params.raw_dir:q}"
        " {params.synthetic:q} --waves-dir results/waves --release-dir {params.release_dir:q}"
        " {params.inputs} --key-file {params.key_file:q} --started-from {params.started_from:q}"
        " {params.outputs} {params.wave_outputs} --out {output.manifest:q} > {log:q} 2>&1"
        " || (cat {log:q} >&2; exit 1)"


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
        code=package_files(
            "report/index",
            "report/exhibits",
            "report/compare",
            "report/findings",
            "report/pages",
            "report/present",
            "report/marking",
            "io",
        ),
        script=SCRIPTS / "report_index.py",
    output:
        index=REPORT_INDEX,
        manifest=REPORT_MANIFEST,
    log:
        f"logs/releases/{RELEASE}/report_index.log",
    params:
        waves=option_list("--wave", WAVES),
        chapters=option_list("--chapter", REPORT_CHAPTERS),
        previous=["--previous", PREVIOUS, "--comparison", COMPARISON] if PREVIOUS else [],
        source=config["data"]["source"],
        release=RELEASE,
        release_dir=folder_of("manifest", of="input"),
    shell:
        "(python {input.script:q} --release {params.release:q} {params.waves}"
        " --data-source {params.source:q} {params.chapters} --exhibits {input.exhibits:q}"
        " --manifest {input.manifest:q} --release-dir {params.release_dir:q} {params.previous:q}"
        " --out {output.index:q} && cp {input.manifest:q} {output.manifest:q}) > {log:q} 2>&1"


rule report_privacy:
    """The privacy scan's summary page in report/, after the scan (from its counts only)."""
    threads: rule_threads("report_privacy")
    resources:
        **rule_resources("report_privacy"),
    input:
        scan=PRIVACY_SCAN,
        code=package_files("report/privacy_page", "report/pages", "report/marking", "io"),
        script=SCRIPTS / "report_privacy.py",
    output:
        PRIVACY_PAGE,
    log:
        f"logs/releases/{RELEASE}/report_privacy.log",
    params:
        release=RELEASE,
        source=config["data"]["source"],
    shell:
        "python {input.script:q} --scan {input.scan:q} --release {params.release:q}"
        " --data-source {params.source:q} --out {output:q} > {log:q} 2>&1"


FINAL_TARGETS.extend(
    [
        getattr(rules.audit_tables.output, name)
        for name in ("files", "dropped", "ledger", "quarantine", "cleaning")
    ]
    + [rules.exhibit_list.output.exhibits, rules.report_dictionary.output[0]]
    + [report_copy(f) for f in REPORT_SOURCES]
    + [f"{REPORT_DIR}/notebooks/{CHAPTERS[k][0]}.ipynb" for k in REPORT_CHAPTERS]
    + [f"{REPORT_DIR}/{CHAPTERS[k][0]}.html" for k in REPORT_CHAPTERS]
    + ([COMPARISON] if PREVIOUS else [])
    + [MANIFEST, REPORT_INDEX, REPORT_MANIFEST, PRIVACY_PAGE]
)

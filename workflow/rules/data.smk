# The data stages, per wave: extract -> clean (+ ledger) -> score; per release: pooled records.
# Outputs under results/waves/<wave>/ and results/releases/<release>/internal/ (STUDY.md §6).
# Wave list and raw inputs: data_helpers.smk.
from reintegration.data.dates import WaveDateError, wave_ends

wildcard_constraints:
    wave=r"[A-Za-z0-9][A-Za-z0-9._-]*",


rule extract:
    """Read every export of a wave (inventory of every path); map headers; drop identifiers;
    pseudonymise ids. Reruns when a raw, codebook or links file's content changes (params)."""
    threads: rule_threads("extract")
    resources:
        **rule_resources("extract"),
    priority: wave_priority
    input:
        raw=wave_raw_inputs,
        links=case_id_links_input,
        check=rules.check_codebook.output.report,
        codebook=CODEBOOK_FILES,
        code=package_files("data/", "codebook/", "problems", "text"),
        script=SCRIPTS / "extract_wave.py",
    output:
        records="results/waves/{wave}/records.parquet",
        report="results/waves/{wave}/extract_report.json",
    log:
        "logs/extract/{wave}.log",
    params:
        wave_dir=lambda wc: RAW_DIR / wc.wave,
        key_file=PSEUDONYM_KEY_FILE,
        links=lambda wc, input: ["--case-id-links", input.links[0]] if input.links else [],
        pattern=lambda wc: EXTRACT_CFG["case_id_pattern"],
        flags=[
            flag
            for flag, on in (
                ("--allow-unlisted-columns", EXTRACT_CFG["allow_unlisted_columns"]),
                ("--skip-bad-files", EXTRACT_CFG["skip_bad_files"]),
                ("--skip-unknown-files", EXTRACT_CFG["skip_unknown_files"]),
            )
            if on
        ]
        + ["--max-file-mb", str(int(EXTRACT_CFG["max_file_mb"]))]
        + ["--max-header-fields", str(int(EXTRACT_CFG["max_header_fields"]))],
        raw_sha256=wave_raw_digest,
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} --wave-dir {params.wave_dir:q} --wave {wildcards.wave:q}"
        " --codebook {params.codebook:q} --key-file {params.key_file:q} {params.links:q}"
        " --case-id-pattern {params.pattern:q} {params.flags:q}"
        " --records {output.records:q} --report {output.report:q} > {log:q} 2>&1"


# Every wave's dates need an upper bound (STUDY.md §6): stop here, before extraction, naming
# each wave without one and how to give it (never "today": same inputs, same outputs).
try:
    wave_ends(WAVES, config["release"]["wave_dates"])
except WaveDateError as error:
    raise WorkflowError(str(error)) from None


rule clean:
    """Labels to values, typed dates, validation rules, duplicates; quarantine; ledger check."""
    threads: rule_threads("clean")
    resources:
        **rule_resources("clean"),
    priority: wave_priority
    input:
        records=rules.extract.output.records,
        report=rules.extract.output.report,
        codebook=CODEBOOK_FILES,
        code=package_files("data/", "codebook/", "problems", "text"),
        script=SCRIPTS / "clean_wave.py",
    output:
        clean="results/waves/{wave}/clean.parquet",
        quarantine="results/waves/{wave}/quarantine.csv",
        log_table="results/waves/{wave}/cleaning_log.csv",
        ledger="results/waves/{wave}/ledger.json",
    log:
        "logs/clean/{wave}.log",
    params:
        codebook=CODEBOOK_DIR,
        age_range=[str(a) for a in CLEANING_CFG["age_range"]],
        earliest=CLEANING_CFG["earliest_date"],
        tolerance=CLEANING_CFG["age_dob_tolerance_years"],
        wave_date=lambda wc: (
            ["--wave-date", config["release"]["wave_dates"][wc.wave]]
            if wc.wave in config["release"]["wave_dates"]
            else []
        ),
    shell:
        "python {input.script:q} --records {input.records:q} --extract-report {input.report:q}"
        " --wave {wildcards.wave:q} --codebook {params.codebook:q} --age-range {params.age_range:q}"
        " --earliest-date {params.earliest:q} --age-dob-tolerance {params.tolerance:q}"
        " {params.wave_date:q} --clean {output.clean:q}"
        " --quarantine {output.quarantine:q} --log-table {output.log_table:q}"
        " --ledger {output.ledger:q} > {log:q} 2>&1"


rule score:
    """Item, dimension and composite scores of every kept record of a wave."""
    threads: rule_threads("score")
    resources:
        **rule_resources("score"),
    priority: wave_priority
    input:
        clean=rules.clean.output.clean,
        codebook=CODEBOOK_FILES,
        code=package_files("data/", "codebook/", "text"),
        script=SCRIPTS / "score_wave.py",
    output:
        scores="results/waves/{wave}/scores.parquet",
    log:
        "logs/score/{wave}.log",
    params:
        codebook=CODEBOOK_DIR,
        min_share=config["scoring"]["min_answered_share"],
    shell:
        "python {input.script:q} --clean {input.clean:q} --codebook {params.codebook:q}"
        " --min-answered-share {params.min_share:q} --scores {output.scores:q} > {log:q} 2>&1"


rule pool_records:
    """The release's scored waves stacked (cross-wave duplicates dropped), release-scoped keys."""
    threads: rule_threads("pool_records")
    resources:
        **rule_resources("pool_records"),
    input:
        scores=expand("results/waves/{wave}/scores.parquet", wave=WAVES),
        # Key fingerprints of the waves: pooling stops when they differ (issue 17).
        reports=expand("results/waves/{wave}/extract_report.json", wave=WAVES),
        code=package_files("data/"),
        script=SCRIPTS / "pool_records.py",
    output:
        exact=POOLED_EXACT,
        records=f"{INTERNAL_DIR}/records.parquet",
        summary=f"{INTERNAL_DIR}/records_pooling.json",
    log:
        f"logs/releases/{RELEASE}/pool_records.log",
    params:
        waves=[a for w in WAVES for a in ("--wave", w, f"results/waves/{w}/scores.parquet")],
        exact=[a for w, part in POOLED_PARTS.items() for a in ("--exact", w, part)],
        key_file=PSEUDONYM_KEY_FILE,
        release=RELEASE,
    shell:
        "python {input.script:q} --release {params.release:q} {params.waves:q} --key-file {params.key_file:q}"
        " {params.exact:q} --out {output.records:q} --summary {output.summary:q}"
        " --workers {threads} > {log:q} 2>&1"


FINAL_TARGETS.extend(
    expand(
        "results/waves/{wave}/{name}",
        wave=WAVES,
        name=[
            "records.parquet",
            "extract_report.json",
            "clean.parquet",
            "quarantine.csv",
            "cleaning_log.csv",
            "ledger.json",
            "scores.parquet",
        ],
    )
    + [rules.pool_records.output.records, rules.pool_records.output.summary]
)

# The data stages, per wave: extract -> clean (+ ledger) -> score; per release: pooled records.
# Outputs under results/waves/<wave>/ and results/releases/<release>/data/ (STUDY.md §6).
# Wave list and raw inputs: data_helpers.smk.

wildcard_constraints:
    wave=r"[A-Za-z0-9][A-Za-z0-9._-]*",


rule extract:
    """Read every csv/xlsx export of a wave; map headers; drop identifiers; pseudonymise ids."""
    threads: rule_threads("extract")
    resources:
        **rule_resources("extract"),
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
        links=lambda wc, input: f"--case-id-links {input.links[0]}" if input.links else "",
        pattern=lambda wc: EXTRACT_CFG["case_id_pattern"],
        flags=" ".join(
            flag
            for flag, on in (
                ("--allow-unlisted-columns", EXTRACT_CFG["allow_unlisted_columns"]),
                ("--skip-bad-files", EXTRACT_CFG["skip_bad_files"]),
            )
            if on
        ),
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script} --wave-dir {params.wave_dir} --wave {wildcards.wave}"
        " --codebook {params.codebook} --key-file {params.key_file} {params.links}"
        " --case-id-pattern '{params.pattern}' {params.flags}"
        " --records {output.records} --report {output.report} > {log} 2>&1"


rule clean:
    """Labels to values, typed dates, validation rules, duplicates; quarantine; ledger check."""
    threads: rule_threads("clean")
    resources:
        **rule_resources("clean"),
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
        age_range=" ".join(str(a) for a in CLEANING_CFG["age_range"]),
        earliest=CLEANING_CFG["earliest_date"],
    shell:
        "python {input.script} --records {input.records} --extract-report {input.report}"
        " --wave {wildcards.wave} --codebook {params.codebook} --age-range {params.age_range}"
        " --earliest-date {params.earliest} --clean {output.clean}"
        " --quarantine {output.quarantine} --log-table {output.log_table}"
        " --ledger {output.ledger} > {log} 2>&1"


rule score:
    """Item, dimension and composite scores of every kept record of a wave."""
    threads: rule_threads("score")
    resources:
        **rule_resources("score"),
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
        "python {input.script} --clean {input.clean} --codebook {params.codebook}"
        " --min-answered-share {params.min_share} --scores {output.scores} > {log} 2>&1"


rule pool_records:
    """The release's scored waves stacked (cross-wave duplicates dropped), release-scoped keys."""
    threads: rule_threads("pool_records")
    resources:
        **rule_resources("pool_records"),
    input:
        scores=expand("results/waves/{wave}/scores.parquet", wave=WAVES),
        code=package_files("data/"),
        script=SCRIPTS / "pool_records.py",
    output:
        records=f"{RELEASE_DIR}/data/records.parquet",
        summary=f"{RELEASE_DIR}/data/records_pooling.json",
    log:
        f"logs/pool_records/{RELEASE}.log",
    params:
        waves=" ".join(f"--wave {w} results/waves/{w}/scores.parquet" for w in WAVES),
        key_file=PSEUDONYM_KEY_FILE,
        release=RELEASE,
    shell:
        "python {input.script} --release {params.release} {params.waves} --key-file {params.key_file}"
        " --out {output.records} --summary {output.summary} > {log} 2>&1"


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

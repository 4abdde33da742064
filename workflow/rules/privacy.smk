# The privacy stage of the release (STUDY.md §8, issue 17), included after report.smk:
# - suppression_log: every suppressed cell of the published tables (primary/secondary, never a
#   value; the gate is reintegration.stats.disclosure);
# - k_anonymity: the share of records of the record-level release data whose quasi-identifiers
#   are shared by fewer than 5 persons, with exact and month-coarsened return dates;
# - privacy_scan: every release file is read, and the release fails when it finds a phone
#   number, a raw case id, a raw identifier, a wave pseudonym or the key. It runs last.
# Shell strings quote every path and config value ({x:q}).

SUPPRESSION_LOG = f"{RELEASE_DIR}/tables/suppression_log.csv"
K_ANONYMITY = f"{RELEASE_DIR}/tables/audit_k_anonymity.csv"


def published_tables(wildcards):
    """The release's published tables (csv under tables/), this stage's own left out."""
    return sorted(
        {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/tables/")}
        - {SUPPRESSION_LOG, K_ANONYMITY}
        - {str(f) for f in FINAL_TARGETS if not str(f).endswith(".csv")}
    )


rule suppression_log:
    """The release's suppression log: table, cell, primary/secondary (never a value)."""
    input:
        tables=published_tables,
        code=package_files("stats/", "io"),
        script=SCRIPTS / "suppression_log.py",
    output:
        log_table=SUPPRESSION_LOG,
    log:
        f"logs/releases/{RELEASE}/suppression_log.log",
    shell:
        "python {input.script:q} --tables {input.tables:q} --out {output.log_table:q}"
        " > {log:q} 2>&1"


rule k_anonymity:
    """Share of records with k < 5 on (country, sex, age band, return month, return type)."""
    input:
        records=f"{RELEASE_DIR}/data/records.parquet",
        cross_country=f"{RELEASE_DIR}/data/cross_country.parquet",
        code=package_files("privacy", "io", "data/"),
        script=SCRIPTS / "k_anonymity.py",
    output:
        table=K_ANONYMITY,
    log:
        f"logs/releases/{RELEASE}/k_anonymity.log",
    params:
        k=config["disclosure"]["min_cell_size"],
    shell:
        "python {input.script:q} --data records {input.records:q}"
        " --data cross_country {input.cross_country:q} --k {params.k:q}"
        " --out {output.table:q} > {log:q} 2>&1"


FINAL_TARGETS.extend([SUPPRESSION_LOG, K_ANONYMITY])


rule privacy_scan:
    """Scan every release file for identifiers, pseudonyms and the key; fail if any is found."""
    input:
        # Every release output (the manifest and the index page follow all the others).
        outputs=lambda wc: sorted(
            {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/")}
            - {PRIVACY_SCAN}
        ),
        manifest=MANIFEST,
        index=REPORT_INDEX,
        records=expand("results/waves/{wave}/records.parquet", wave=WAVES),
        reports=expand("results/waves/{wave}/extract_report.json", wave=WAVES),
        codebook=CODEBOOK_FILES,
        code=package_files("privacy", "data/", "codebook/", "text", "io"),
        script=SCRIPTS / "privacy_scan.py",
    output:
        scan=PRIVACY_SCAN,
    log:
        f"logs/releases/{RELEASE}/privacy_scan.log",
    params:
        waves=[arg for w in WAVES for arg in ("--wave", w)],
        raw_dir=RAW_DIR,
        codebook=CODEBOOK_DIR,
        key_file=PSEUDONYM_KEY_FILE,
        pattern=lambda wc: EXTRACT_CFG["case_id_pattern"],
        release_dir=folder_of("manifest", of="input"),
    shell:
        "python {input.script:q} --release-dir {params.release_dir:q} {params.waves:q}"
        " --raw-dir {params.raw_dir:q} --codebook {params.codebook:q}"
        " --key-file {params.key_file:q} --case-id-pattern {params.pattern:q}"
        " --out {output.scan:q} > {log:q} 2>&1 || (cat {log:q} >&2; exit 1)"


FINAL_TARGETS.append(PRIVACY_SCAN)

# Disclosure bookkeeping of the release (STUDY.md §8, issue 17), included before report.smk so
# the report shows (and copies) both tables:
# - suppression_log: every suppressed cell of the published tables (primary/secondary, never a
#   value; the gate is reintegration.stats.disclosure);
# - k_anonymity: the share of records of the record-level release data whose quasi-identifiers
#   are shared by fewer than 5 persons: as released (dates to month) and before coarsening;
# Shell strings quote every path and config value ({x:q}).

from reintegration.privacy import DISCLOSURE_FILES

SUPPRESSION_LOG = f"{RELEASE_DIR}/{DISCLOSURE_FILES['suppression_log']}"
K_ANONYMITY = f"{RELEASE_DIR}/{DISCLOSURE_FILES['k_anonymity']}"


def published_tables(wildcards):
    """The release's published tables (csv under tables/), this stage's own left out."""
    return sorted(
        {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/tables/")}
        - {SUPPRESSION_LOG, K_ANONYMITY}
        - {str(f) for f in FINAL_TARGETS if not str(f).endswith(".csv")}
    )


rule suppression_log:
    """The release's suppression log: table, cell, primary/secondary (never a value)."""
    threads: rule_threads("suppression_log")
    resources:
        **rule_resources("suppression_log"),
    input:
        tables=published_tables,
        code=package_files("stats/", "io"),
        script=SCRIPTS / "suppression_log.py",
    output:
        log_table=exhibit(
            SUPPRESSION_LOG,
            "Suppression log",
            "data_audit",
            caption="../report/audit_suppression_log.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/suppression_log.log",
    shell:
        "python {input.script:q} --tables {input.tables:q} --out {output.log_table:q}"
        " > {log:q} 2>&1"


rule k_anonymity:
    """Share of records with k < 5 on (country, sex, age band, return month, return type)."""
    threads: rule_threads("k_anonymity")
    resources:
        **rule_resources("k_anonymity"),
    input:
        records=f"{INTERNAL_DIR}/records.parquet",
        cross_country=f"{INTERNAL_DIR}/cross_country.parquet",
        # The exact-date working table: k before coarsening (only the share is published).
        exact=POOLED_EXACT,
        code=package_files("privacy", "anonymity", "io", "data/"),
        script=SCRIPTS / "k_anonymity.py",
    output:
        table=exhibit(
            K_ANONYMITY,
            "k-anonymity of the record-level data",
            "data_audit",
            caption="../report/audit_k_anonymity.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/k_anonymity.log",
    params:
        k=config["disclosure"]["min_cell_size"],
    shell:
        "python {input.script:q} --data records {input.records:q}"
        " --data cross_country {input.cross_country:q}"
        " --before-coarsening records {input.exact:q} --k {params.k:q}"
        " --out {output.table:q} > {log:q} 2>&1"


FINAL_TARGETS.extend([SUPPRESSION_LOG, K_ANONYMITY])

# The privacy scan of the release (STUDY.md §8), included after report.smk: it reads every
# file the other modules write under results/releases/<release>/, so it runs last, and the
# release fails when it finds a phone number, a raw case id, a raw identifier, a wave
# pseudonym or the key (README: "Reliability and privacy").


rule privacy_scan:
    """Scan every release file for identifiers, pseudonyms and the key; fail if any is found."""
    threads: rule_threads("privacy_scan")
    resources:
        **rule_resources("privacy_scan"),
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
        f"logs/privacy/{RELEASE}.log",
    params:
        waves=" ".join(f"--wave {w}" for w in WAVES),
        raw_dir=RAW_DIR,
        codebook=CODEBOOK_DIR,
        key_file=PSEUDONYM_KEY_FILE,
        pattern=lambda wc: EXTRACT_CFG["case_id_pattern"],
        release_dir=folder_of("manifest", of="input"),
    shell:
        "python {input.script} --release-dir {params.release_dir} {params.waves}"
        " --raw-dir {params.raw_dir} --codebook {params.codebook} --key-file {params.key_file}"
        " --case-id-pattern '{params.pattern}' --out {output.scan} > {log} 2>&1"
        " || (cat {log} >&2; exit 1)"


FINAL_TARGETS.append(PRIVACY_SCAN)

# The privacy scan of the release (STUDY.md §8), included last: every release file is read, and
# the release fails when it finds a phone number, a raw case id, a raw identifier, a wave
# pseudonym or the key. Shell strings quote every path and config value ({x:q}).

rule privacy_scan:
    """Scan every release file for identifiers, pseudonyms and the key; fail if any is found."""
    threads: rule_threads("privacy_scan")
    resources:
        **rule_resources("privacy_scan"),
    input:
        # Every release output (the manifest and the index page follow all the others).
        outputs=lambda wc: sorted(
            {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{RELEASE_DIR}/")}
            - {PRIVACY_SCAN, PRIVACY_PAGE}
        ),
        manifest=MANIFEST,
        index=REPORT_INDEX,
        # publish/ as it will be handed over (publish.smk; sealed after this scan passes).
        published=PUBLISH_COPIES,
        records=expand("results/waves/{wave}/records.parquet", wave=WAVES),
        reports=expand("results/waves/{wave}/extract_report.json", wave=WAVES),
        codebook=CODEBOOK_FILES,
        code=package_files("privacy", "release_text", "data/", "codebook/", "text", "io"),
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
        # written after the scan from its result: the privacy page and publish/'s seal
        written_after=[
            arg
            for f in (PRIVACY_PAGE, *PUBLISH_LATE_COPIES, PUBLISH_MANIFEST)
            for arg in ("--written-after", f)
        ],
    shell:
        "python {input.script:q} --release-dir {params.release_dir:q} {params.waves:q}"
        " {params.written_after:q}"
        " --raw-dir {params.raw_dir:q} --codebook {params.codebook:q}"
        " --key-file {params.key_file:q} --case-id-pattern {params.pattern:q}"
        " --out {output.scan:q} --workers {threads} > {log:q} 2>&1"
        " || (cat {log:q} >&2; exit 1)"


FINAL_TARGETS.append(PRIVACY_SCAN)

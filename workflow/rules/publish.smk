# publish/: what may be handed over (README "Who may see what", issue 17), included after
# report.smk (it copies the report folder) and before privacy.smk (the scan reads the copies):
# - publish_files: the report folder (pages, notebooks, tables, figures, exhibit list, release
#   manifest) copied to publish/, refused whole if a file is record-level or a small cell of a
#   table is left unsuppressed (after the suppression log: the disclosure gate has run);
# - publish_manifest: publish/publish_manifest.json, the SHA-256 of exactly those files,
#   written only after the privacy scan of the release (publish/ included) passed; the
#   privacy page (the scan's counts, written after it) is copied in at this step.
# Shell strings quote every path and config value ({x:q}).

from reintegration import publish as publish_lib


def _published_copy(source):
    return f"{PUBLISH_DIR}/{Path(source).relative_to(REPORT_DIR).as_posix()}"


# The privacy page is written from the scan's counts after the scan, which reads publish/:
# it joins publish/ when the folder is sealed (publish_manifest), not with the other files.
PUBLISH_SOURCES = sorted(
    {str(f) for f in FINAL_TARGETS if str(f).startswith(f"{REPORT_DIR}/")} - {PRIVACY_PAGE}
)
PUBLISH_COPIES = [_published_copy(f) for f in PUBLISH_SOURCES]
PUBLISH_LATE_COPIES = [_published_copy(PRIVACY_PAGE)]
PUBLISH_MANIFEST = f"{PUBLISH_DIR}/{publish_lib.MANIFEST_NAME}"


rule publish_files:
    """publish/: the report folder copied, after the record-level and small-cell checks."""
    threads: rule_threads("publish_files")
    resources:
        **rule_resources("publish_files"),
    input:
        files=PUBLISH_SOURCES,
        suppression_log=SUPPRESSION_LOG,
        code=package_files("publish", "io"),
        script=SCRIPTS / "publish_release.py",
    output:
        PUBLISH_COPIES,
    log:
        f"logs/releases/{RELEASE}/publish_files.log",
    params:
        files=option_list("--file", PUBLISH_SOURCES),
        source_dir=REPORT_DIR,
        publish_dir=PUBLISH_DIR,
        min_cell=config["disclosure"]["min_cell_size"],
    shell:
        "python {input.script:q} copy --source-dir {params.source_dir:q} {params.files}"
        " --min-cell {params.min_cell:q} --publish-dir {params.publish_dir:q} > {log:q} 2>&1"
        " || (cat {log:q} >&2; exit 1)"


rule publish_manifest:
    """publish/publish_manifest.json: SHA-256 of every published file, after the scan passed."""
    threads: rule_threads("publish_manifest")
    resources:
        **rule_resources("publish_manifest"),
    input:
        files=PUBLISH_COPIES,
        scan=PRIVACY_SCAN,
        privacy_page=PRIVACY_PAGE,
        code=package_files("publish", "io"),
        script=SCRIPTS / "publish_release.py",
    output:
        manifest=PUBLISH_MANIFEST,
        late=PUBLISH_LATE_COPIES,
    log:
        f"logs/releases/{RELEASE}/publish_manifest.log",
    params:
        publish_dir=PUBLISH_DIR,
        source_dir=REPORT_DIR,
        release=RELEASE,
        min_cell=config["disclosure"]["min_cell_size"],
    shell:
        "python {input.script:q} seal --publish-dir {params.publish_dir:q}"
        " --source-dir {params.source_dir:q} --file {input.privacy_page:q}"
        " --min-cell {params.min_cell:q}"
        " --release {params.release:q} --scan {input.scan:q} --out {output.manifest:q}"
        " > {log:q} 2>&1 || (cat {log:q} >&2; exit 1)"


# Asked for by the `all` rule beside FINAL_TARGETS (FINAL_TARGETS feeds the release manifest,
# which the report folder, and so publish/, contains).
PUBLISH_TARGETS = [*PUBLISH_COPIES, *PUBLISH_LATE_COPIES, PUBLISH_MANIFEST]

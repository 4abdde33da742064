# Helpers of the data stages (kept apart from the rules, as snakemake --lint asks): the
# release's waves and what extraction of a wave reads.
from snakemake.exceptions import WorkflowError

from reintegration.data.inventory import console_summary, wave_digest, wave_files
from reintegration.data.pseudonym import check_key_sources
from reintegration.data.wave_order import raw_wave_sizes, synthetic_wave_sizes, wave_priorities
from reintegration.privacy import check_names

RAW_DIR = Path(config["data"]["raw_dir"])
SYNTHETIC_MANIFEST = "resources/synthetic/manifest.json"
EXTRACT_CFG = config["extract"]
CLEANING_CFG = config["cleaning"]
CASE_ID_LINKS = EXTRACT_CFG["case_id_links"]
PSEUDONYM_KEY_FILE = EXTRACT_CFG["pseudonym_key_file"]
check_key_sources(PSEUDONYM_KEY_FILE)  # variable vs key file, permissions (issue 17)


def release_waves():
    """The release's waves: config release.waves, or every sub-folder of data.raw_dir."""
    waves = config["release"]["waves"]
    if waves != "discover":
        return list(waves)
    found = sorted(p.name for p in RAW_DIR.glob("*") if p.is_dir() and not p.name.startswith("."))
    found = check_names(found, what="wave", where=f"the folders of {RAW_DIR}/")  # issue 17
    if not found:
        raise WorkflowError(
            f"release.waves is 'discover' but {RAW_DIR}/ holds no wave folder; "
            "list the waves in config release.waves (needed before synthetic data exist)"
        )
    return found


WAVES = release_waves()
# The exact-date pooled records: a parquet dataset partitioned by wave, one file a wave, which
# read in wave order (the pooled order: by wave name) is the pooled table (data.io.ParquetParts).
POOLED_PARTS = {wave: f"results/pooled/{RELEASE}/records/{wave}.parquet" for wave in sorted(WAVES)}
POOLED_EXACT = list(POOLED_PARTS.values())


def _wave_sizes():
    if config["data"]["source"] == "synthetic":
        return synthetic_wave_sizes(config["data"]["synthetic_config"], WAVES)
    return raw_wave_sizes(RAW_DIR, WAVES)


#: Largest wave first (reintegration.data.wave_order): the priority of its data-stage jobs.
WAVE_PRIORITY = wave_priorities(_wave_sizes())


def wave_priority(wildcards):
    return WAVE_PRIORITY.get(wildcards.wave, 0)


def wave_raw_inputs(wildcards):
    """What extraction of a wave reads: the generator's manifest (synthetic data), or every
    file of the wave folder, subfolders included, that the inventory looks at (raw data; a
    missing or empty folder fails here). Same walk as extraction: reintegration.data.inventory."""
    if config["data"]["source"] == "synthetic":
        return [SYNTHETIC_MANIFEST]
    folder = RAW_DIR / wildcards.wave
    if not folder.is_dir():
        raise WorkflowError(f"wave {wildcards.wave}: raw folder {folder} does not exist")
    files = [str(p) for p in wave_files(folder)]
    if not files:
        raise WorkflowError(f"wave {wildcards.wave}: raw folder {folder} holds no file to read")
    return files


def wave_raw_digest(wildcards):
    """SHA-256 of the wave's raw files (synthetic or raw) and the codebook and links files:
    a params value, so extraction reruns when a content changes, also with an old mtime."""
    links = [CASE_ID_LINKS] if CASE_ID_LINKS else []
    return wave_digest(RAW_DIR / wildcards.wave, [*CODEBOOK_FILES, *links])


def case_id_links_input(wildcards):
    return [CASE_ID_LINKS] if CASE_ID_LINKS and Path(CASE_ID_LINKS).is_file() else []


def files_not_read_lines():
    """Every path or sheet the waves' extraction did not read, with its reason (printed at
    the end of a run, by onsuccess in the Snakefile)."""
    import json

    reports = {}
    for wave in WAVES:
        path = Path("results/waves") / wave / "extract_report.json"
        if path.is_file():
            reports[wave] = json.loads(path.read_text(encoding="utf-8"))
    return console_summary(reports)

# Helpers of the data stages (kept apart from the rules, as snakemake --lint asks): the
# release's waves and what extraction of a wave reads.
from snakemake.exceptions import WorkflowError

from reintegration.data.pseudonym import check_key_sources
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


def wave_raw_inputs(wildcards):
    """What extraction of a wave reads: the generator's manifest (synthetic data), or the
    sorted csv/xlsx files of the wave folder (raw data; a missing or empty folder fails here)."""
    if config["data"]["source"] == "synthetic":
        return [SYNTHETIC_MANIFEST]
    folder = RAW_DIR / wildcards.wave
    if not folder.is_dir():
        raise WorkflowError(f"wave {wildcards.wave}: raw folder {folder} does not exist")
    files = sorted(
        str(p) for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
    )
    if not files:
        raise WorkflowError(f"wave {wildcards.wave}: raw folder {folder} holds no .csv or .xlsx file")
    return files


def case_id_links_input(wildcards):
    return [CASE_ID_LINKS] if CASE_ID_LINKS and Path(CASE_ID_LINKS).is_file() else []

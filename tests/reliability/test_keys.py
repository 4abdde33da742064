"""Keys that cannot split a person (issue 17): fingerprint per wave, lost / changed key,
variable and file disagreeing, loose permissions. Real scripts on hand-made exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from data.fixtures import RECORD_A, write_csv
from reintegration.data.pseudonym import (
    FINGERPRINT_FIELD,
    KEY_ENV,
    PseudonymKeyError,
    check_same_key,
    key_fingerprint,
    load_key,
)
from snakemake_runner import REPO

SCRIPTS = REPO / "workflow" / "scripts"
PATTERN = r"^[A-Z]{3}-[0-9]{4}-[0-9]+$"


def env_without_key() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def extract(root: Path, wave: str, key_file: Path, env=None) -> subprocess.CompletedProcess:
    """Run scripts/extract_wave.py on a one-record wave under ``root``."""
    raw = root / "raw" / wave
    if not raw.exists():
        write_csv(raw / "cases.csv", "case_management", [RECORD_A])
    out = root / "results" / "waves" / wave
    return subprocess.run(
        [
            sys.executable, str(SCRIPTS / "extract_wave.py"), "--wave-dir", str(raw),
            "--wave", wave, "--codebook", str(REPO / "config" / "codebook"),
            "--key-file", str(key_file), "--case-id-pattern", PATTERN,
            "--records", str(out / "records.parquet"), "--report", str(out / "extract_report.json"),
        ],
        capture_output=True, text=True, env=env or env_without_key(),
    )  # fmt: skip


def pool(root: Path, waves: list[str], key_file: Path) -> subprocess.CompletedProcess:
    args = []
    for w in waves:  # the records stand in for scores: the key check runs before any reading
        args += ["--wave", w, str(root / "results" / "waves" / w / "records.parquet")]
        args += ["--exact", w, str(root / "exact" / f"{w}.parquet")]
    return subprocess.run(
        [
            sys.executable, str(SCRIPTS / "pool_records.py"), "--release", "r", *args,
            "--key-file", str(key_file),
            "--out", str(root / "pooled.parquet"),
            "--summary", str(root / "pooled.json"),
        ],
        capture_output=True, text=True, env=env_without_key(),
    )  # fmt: skip


def report(root: Path, wave: str) -> dict:
    return json.loads((root / "results/waves" / wave / "extract_report.json").read_text())


def test_fingerprint_is_keyed_hash_of_fixed_text_never_the_key():
    import hashlib
    import hmac

    key = b"k" * 64
    expected = hmac.new(key, b"reintegration:pseudonym-key-fingerprint:v1", hashlib.sha256)
    assert key_fingerprint(key) == "fp-" + expected.hexdigest()[:16]
    assert key_fingerprint(key) != key_fingerprint(b"other")
    assert "k" * 8 not in key_fingerprint(key)


def test_each_wave_report_carries_the_fingerprint_and_same_key_pools(tmp_path):
    key_file = tmp_path / ".pseudonym_key"
    for wave in ("2019-07", "2020-01"):
        run = extract(tmp_path, wave, key_file)
        assert run.returncode == 0, run.stderr
    key = key_file.read_text().strip().encode()
    fp = key_fingerprint(key)
    assert report(tmp_path, "2019-07")[FINGERPRINT_FIELD] == fp
    assert report(tmp_path, "2020-01")[FINGERPRINT_FIELD] == fp
    text = (tmp_path / "results/waves/2019-07/extract_report.json").read_text()
    assert key.decode() not in text
    run = pool(tmp_path, ["2019-07", "2020-01"], key_file)
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "pooled.json").read_text())["rows_stacked"] == 2


def test_lost_key_stops_instead_of_creating_a_new_one(tmp_path):
    key_file = tmp_path / ".pseudonym_key"
    assert extract(tmp_path, "2019-07", key_file).returncode == 0
    key_file.unlink()  # the key is lost
    run = extract(tmp_path, "2020-01", key_file)
    assert run.returncode == 1
    assert "missing" in run.stderr and "2019-07" in run.stderr
    assert "Restore the key file" in run.stderr
    assert not key_file.exists(), "a new key was created silently"
    assert not (tmp_path / "results/waves/2020-01/records.parquet").exists()


def test_changed_key_stops_pooling_naming_the_waves(tmp_path):
    key_file = tmp_path / ".pseudonym_key"
    assert extract(tmp_path, "2019-07", key_file).returncode == 0
    assert extract(tmp_path, "2020-01", key_file).returncode == 0
    old = key_file.read_text()
    key_file.write_text("a-different-key-0123456789abcdef\n")  # e.g. a colleague's key file
    assert extract(tmp_path, "2020-01", key_file).returncode == 0  # one wave rebuilt
    run = pool(tmp_path, ["2019-07", "2020-01"], key_file)
    assert run.returncode == 1
    assert "wave 2019-07" in run.stderr and "wave 2020-01" in run.stderr
    assert "results/waves/2019-07/" in run.stderr and "results/waves/2020-01/" not in run.stderr
    assert old.strip() not in run.stderr and "a-different-key" not in run.stderr
    assert not (tmp_path / "pooled.parquet").exists()


def test_check_same_key_refuses_reports_without_fingerprint(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({FINGERPRINT_FIELD: key_fingerprint(b"k")}))
    (tmp_path / "b.json").write_text(json.dumps({"rows_read": 3}))
    check_same_key({"a": tmp_path / "a.json"}, b"k")  # passes
    with pytest.raises(PseudonymKeyError, match="wave b: key fingerprint not recorded"):
        check_same_key({"a": tmp_path / "a.json", "b": tmp_path / "b.json"}, b"k")


def test_env_and_file_disagreeing_is_an_error(tmp_path, monkeypatch):
    path = tmp_path / ".pseudonym_key"
    path.write_text("file-key-0123456789\n")
    path.chmod(0o600)
    monkeypatch.setenv(KEY_ENV, "env-key-0123456789")
    with pytest.raises(PseudonymKeyError, match="hold different keys") as error:
        load_key(path)
    assert "env-key" not in str(error.value) and "file-key" not in str(error.value)
    monkeypatch.setenv(KEY_ENV, "file-key-0123456789")  # the same key: fine
    assert load_key(path) == b"file-key-0123456789"
    # The script run the same way stops too (a dry run can no longer hide it).
    run = extract(tmp_path, "2019-07", path, env={**env_without_key(), KEY_ENV: "env-key-x"})
    assert run.returncode == 1 and "hold different keys" in run.stderr


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_key_file_readable_by_others_refused_with_the_chmod(tmp_path, monkeypatch, mode):
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / ".pseudonym_key"
    path.write_text("some-key-0123456789\n")
    path.chmod(mode)
    with pytest.raises(PseudonymKeyError, match=r"chmod 600 .*\.pseudonym_key"):
        load_key(path)
    path.chmod(0o600)
    assert load_key(path) == b"some-key-0123456789"


# --- k-anonymity (reintegration.privacy) -------------------------------------------------------


def test_k_anonymity_counts_persons_per_quasi_identifier_class():
    import pandas as pd
    from reintegration.privacy import k_anonymity, k_anonymity_table

    base = {"country": "GIN", "sex": "male", "age": 30, "return_type": "avrr"}
    # Six persons in the same class by month (May 2019), two days apart: with exact dates each
    # is alone; person p0 has two records (counts once). One more person elsewhere (alone).
    rows = [
        {**base, "person_key": f"p{i}", "return_date": f"2019-05-{i + 1:02d}"} for i in range(6)
    ]
    rows.append({**base, "person_key": "p0", "return_date": "2019-05-01"})
    rows.append({**base, "country": "SEN", "person_key": "q", "return_date": "2019-05-01"})
    df = pd.DataFrame(rows)
    exact = k_anonymity(df, k=5, dates="exact")
    assert exact["records_k_below"] == 8 and exact["persons"] == 7  # all below 5
    month = k_anonymity(df, k=5, dates="month")
    # the 7 GIN records share one class of 6 persons (>= 5); the SEN record is alone
    assert month["records_k_below"] == 1 and month["share_k_below"] == 1 / 8
    assert month["classes"] == 2 and month["persons_unique"] == 1
    # age bands: 30 and 34 are one band (25-34), 35 is the next
    df2 = df.assign(age=[30, 34, 30, 34, 30, 35, 30, 30])
    assert k_anonymity(df2, k=5, dates="month")["records_k_below"] == 2
    table = k_anonymity_table({"records": df}, k=5)
    assert table["return_date"].tolist() == ["exact", "month", "year"]
    with pytest.raises(ValueError, match="exact"):
        k_anonymity(df, dates="week")


def test_k_anonymity_table_passes_on_a_not_estimable_dataset():
    """A first delivery whose cross-country dataset was not built (no country above the
    minimum) still gets its k-anonymity table: the dataset's row states the reason."""
    import pandas as pd
    from reintegration.privacy import k_anonymity_table

    records = pd.DataFrame(
        [
            {
                "country": "GIN",
                "sex": "male",
                "age": 30,
                "return_type": "avrr",
                "person_key": f"p{i}",
                "return_date": "2019-05-01",
            }
            for i in range(5)
        ]
    )
    skipped = pd.DataFrame({"status": ["not estimable"], "reason": ["no country above 50"]})
    table = k_anonymity_table({"records": records, "cross_country": skipped}, k=5)
    row = table[table["dataset"] == "cross_country"]
    assert len(row) == 1 and row["status"].iloc[0] == "not estimable"
    assert "no country above 50" in row["reason"].iloc[0]
    assert table.loc[table["dataset"] == "records", "records_k_below"].tolist() == [0, 0, 0]


@pytest.mark.e2e
def test_dry_run_reports_env_and_file_disagreeing(tmp_path):
    """The issue: a dry run said "Nothing to be done" with a different key in the file."""
    import snakemake_runner as runner

    workdir = runner.tiny_workdir(tmp_path / "work")
    key_file = workdir / ".pseudonym_key"
    key_file.write_text("file-key-0123456789abcdef\n")
    key_file.chmod(0o600)
    env = runner.snakemake_env(**{KEY_ENV: "env-key-0123456789abcdef"})
    run = runner.run_snakemake(workdir, "--dry-run", check=False, env=env)
    assert run.returncode != 0 and "hold different keys" in run.stdout + run.stderr
    assert "file-key" not in run.stdout + run.stderr

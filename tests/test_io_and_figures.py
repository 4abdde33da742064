"""Deterministic writers and figure saving: the same input gives the same bytes."""

from __future__ import annotations

import hashlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from reintegration.figures.style import apply_style, save_figure
from reintegration.io import write_csv, write_json, write_parquet


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_is_byte_stable_and_round_trips(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.1, float("nan")]}, index=[5, 7])
    write_parquet(df, tmp_path / "one.parquet")
    write_parquet(df, tmp_path / "two.parquet")
    assert digest(tmp_path / "one.parquet") == digest(tmp_path / "two.parquet")
    back = pd.read_parquet(tmp_path / "one.parquet")
    assert back["a"].tolist() == [1, 2] and back.index.tolist() == [0, 1]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_csv_and_json_writers(tmp_path):
    write_csv(pd.DataFrame({"x": [1 / 3]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b"x\n0.3333333333333333\n"  # full precision
    write_json({"b": 1, "a": "é"}, tmp_path / "t.json")
    assert (tmp_path / "t.json").read_text(encoding="utf-8") == '{\n  "a": "é",\n  "b": 1\n}\n'


def test_failed_write_leaves_no_partial_file(tmp_path):
    class Boom:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_json({"a": Boom()}, tmp_path / "t.json")
    assert list(tmp_path.iterdir()) == []


def test_figures_are_byte_stable(tmp_path):
    apply_style()
    for name in ("one", "two"):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1], label="line")
        ax.set_title("Côte d'Ivoire")
        ax.legend()
        save_figure(fig, tmp_path / f"{name}.png")
    assert digest(tmp_path / "one.png") == digest(tmp_path / "two.png")
    assert digest(tmp_path / "one.svg") == digest(tmp_path / "two.svg")
    assert b"<dc:date>" not in (tmp_path / "one.svg").read_bytes()


def test_outputs_are_readable_by_others(tmp_path):
    write_csv(pd.DataFrame({"x": [1]}), tmp_path / "t.csv")
    write_parquet(pd.DataFrame({"x": [1]}), tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def _heavy_modules_after(code: str) -> list[str]:
    """pandas, pyarrow and numpy as far as a fresh interpreter has imported them after ``code``."""
    import json
    import subprocess
    import sys

    heavy = "[m for m in ('numpy', 'pandas', 'pyarrow') if m in sys.modules]"
    probe = f"{code}\nimport json, sys\nprint(json.dumps({heavy}))\n"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "script", ["report_manifest.py", "report_privacy.py", "report_dictionary.py", "report_files.py"]
)
def test_report_bookkeeping_jobs_start_without_pandas(script):
    """Jobs that write JSON, HTML and copies import no pandas (0.45 s of a 0.6 s job, issue 16):
    the writers import it where a table is written."""
    from pathlib import Path

    path = str(Path(__file__).resolve().parents[1] / "workflow" / "scripts" / script)
    start = (
        f"import runpy, sys\nsys.argv = [{path!r}, '--help']\n"
        f"try:\n    runpy.run_path({path!r}, run_name='__main__')\nexcept SystemExit:\n    pass"
    )
    assert _heavy_modules_after(start) == []


def test_release_manifest_reads_the_raw_inventory_and_key_without_pandas():
    """The manifest job hashes the raw files (data.inventory) and fingerprints the key
    (data.pseudonym) on the serial tail of every run: neither pulls in pandas."""
    imports = (
        "import reintegration.data.inventory, reintegration.data.pseudonym\n"
        "import reintegration.report.manifest"
    )
    assert _heavy_modules_after(imports) == []

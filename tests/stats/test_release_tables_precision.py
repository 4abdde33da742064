"""Every table of a tiny release holds its floats at full precision (issue 14, Build 3).

Builds the tiny release with real Snakemake, then for each ``tables/*.csv``: every float cell is
the shortest round-trip text of its double (``repr(float(text)) == text``), and reading the table
with :func:`reintegration.io.read_csv` and writing it again gives the same bytes (nothing is
lost between the in-memory table the rule wrote and the file; reruns are byte-identical).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reintegration.io import csv_float_problems, read_csv, write_csv

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tiny_release(tiny_synthetic_study) -> Path:
    return tiny_synthetic_study / "results" / "releases" / "study-2020"


def test_every_release_table_round_trips_at_full_precision(tiny_release, tmp_path):
    tables = sorted((tiny_release / "tables").glob("*.csv"))
    assert len(tables) >= 10
    problems: list[str] = []
    for path in tables:
        problems += csv_float_problems(path)
        again = tmp_path / path.name
        write_csv(read_csv(path), again)
        if again.read_bytes() != path.read_bytes():
            problems.append(f"{path.name}: read + write does not give the same bytes")
    assert problems == []

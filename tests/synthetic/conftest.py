"""One 1x generation per session (into a temporary folder), shared by the synthetic tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from reintegration.published import load_targets
from reintegration.synthetic.generate import generate

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def study(tmp_path_factory) -> dict:
    """The default configuration (scale 1) generated once; paths and truth tables."""
    root = tmp_path_factory.mktemp("synthetic")
    manifest = generate(
        REPO / "config" / "synthetic.yaml",
        REPO / "config" / "codebook",
        root / "raw",
        root / "truth",
        root / "manifest.json",
    )
    truth = root / "truth"
    return {
        "root": root,
        "manifest": manifest,
        "parameters": json.loads((truth / "parameters.json").read_text()),
        "returnees": pd.read_parquet(truth / "returnees.parquet"),
        "records": pd.read_parquet(truth / "records.parquet"),
        "defects": pd.read_csv(truth / "defects.csv", dtype=str, keep_default_na=False),
    }


@pytest.fixture(scope="session")
def targets() -> dict:
    """The published numbers: the repository's copy config/published/targets.yaml (a test in
    tests/test_reproduction_helpers.py checks it equals shared/study/targets.yaml)."""
    return load_targets()


@pytest.fixture(scope="session")
def synthetic_config() -> dict:
    return yaml.safe_load((REPO / "config" / "synthetic.yaml").read_text(encoding="utf-8"))

"""The study's published numbers (config/published/targets.yaml), as data."""

from __future__ import annotations

from pathlib import Path

import yaml

from reintegration.paths import REPO_DIR

TARGETS = REPO_DIR / "config" / "published" / "targets.yaml"


def load_targets(path: str | Path = TARGETS) -> dict:
    """Return the published numbers: sections cross_country, regression, panel, ..."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)

"""YAML read with libyaml's parser when PyYAML was built with it.

Every Snakemake start and many jobs parse the configuration, its schemas and targets.yaml; the
pure-Python parser took ~150 ms of that on each start, libyaml ~15 ms. Both use PyYAML's safe
constructor and resolver, so the values are the same.
"""

from __future__ import annotations

from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str):
    """The value of a YAML document (safe types only)."""
    return yaml.load(text, Loader=_LOADER)


def read_yaml(path: str | Path):
    """The value of the YAML file at ``path`` (UTF-8)."""
    return parse_yaml(Path(path).read_text(encoding="utf-8"))

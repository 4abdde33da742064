"""Configuration validation: defaults, and clear errors naming the key and allowed values."""

from __future__ import annotations

import copy

import pytest
import yaml
from reintegration.config import ConfigError, load_config, load_schema, validate_config


@pytest.fixture
def shipped(repo):
    with open(repo / "config" / "config.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_shipped_config_is_valid(repo):
    config = load_config(repo / "config" / "config.yaml")
    assert config["data"]["source"] == "synthetic"
    assert 0 <= config["scoring"]["min_answered_share"] <= 1


def test_every_schema_key_is_in_the_shipped_config_and_commented(repo, shipped):
    """config.yaml documents every key: each one present, each preceded by a comment."""
    from reintegration.config import load_schema

    schema = load_schema()
    lines = (repo / "config" / "config.yaml").read_text(encoding="utf-8").splitlines()

    def walk(spec, node, prefix):
        for key, sub in spec.get("properties", {}).items():
            assert key in node, f"config.yaml lacks {prefix}{key}"
            index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
            assert lines[index - 1].strip().startswith("#") or index == 0, (
                f"{prefix}{key} has no comment"
            )
            assert "description" in sub and "default" in sub, (
                f"schema lacks description/default for {prefix}{key}"
            )
            if sub.get("type") == "object":
                walk(sub, node[key], f"{prefix}{key}.")

    walk(schema, shipped, "")


def test_defaults_are_filled(shipped):
    del shipped["scoring"]["min_answered_share"]
    del shipped["release"]["previous"]
    config = validate_config(shipped)
    assert config["scoring"]["min_answered_share"] == 0.5
    assert config["release"]["previous"] is None


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda c: c["release"].update(nmae="x"),
            "unknown key 'release.nmae'; allowed keys under 'release': name, previous, "
            "rebuild_shared_waves, wave_dates, waves",
        ),
        (
            lambda c: c["release"].update(wave_dates={"guinee": "15/04/2021"}),
            "key 'release.wave_dates.guinee' = '15/04/2021' must match the pattern",
        ),
        (
            lambda c: c["cleaning"].update(age_dob_tolerance_years=-1),
            "key 'cleaning.age_dob_tolerance_years' = -1 must be >= 0",
        ),
        (
            lambda c: c.update(extra=1),
            "unknown key 'extra'; allowed keys: " + ", ".join(sorted(load_schema()["properties"])),
        ),
        (
            lambda c: c["data"].update(source="real"),
            "key 'data.source' = 'real' is not allowed; allowed values: synthetic, raw",
        ),
        (
            lambda c: c["scoring"].update(min_answered_share=1.5),
            "key 'scoring.min_answered_share' = 1.5 must be <= 1",
        ),
        (
            lambda c: c["scoring"].update(min_answered_share="half"),
            "key 'scoring.min_answered_share' = 'half' must be of type number",
        ),
        (lambda c: c["release"].update(waves="all"), "key 'release.waves' = 'all' is not valid"),
        (
            lambda c: c["release"].update(name="my release/2"),
            "key 'release.name' = 'my release/2' must match the pattern",
        ),
    ],
)
def test_bad_config_names_key_and_allowed_values(shipped, edit, expected):
    bad = copy.deepcopy(shipped)
    edit(bad)
    with pytest.raises(ConfigError) as info:
        validate_config(bad)
    assert expected in str(info.value)


def test_all_config_problems_reported_together(shipped):
    shipped["data"]["source"] = "real"
    shipped["release"]["nmae"] = "x"
    shipped["scoring"]["min_answered_share"] = -1
    with pytest.raises(ConfigError) as info:
        validate_config(shipped)
    assert str(info.value).count("\n  - ") == 3


def test_waves_discover_is_allowed(shipped):
    shipped["release"]["waves"] = "discover"
    assert validate_config(shipped)["release"]["waves"] == "discover"

"""Reading and validating the pipeline configuration against its JSON Schema."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

from jsonschema import Draft202012Validator

from reintegration.paths import CONFIG_SCHEMA
from reintegration.yamlfile import read_yaml


class ConfigError(ValueError):
    """The configuration breaks its schema; the message lists every problem."""


def load_schema(path: str | Path = CONFIG_SCHEMA) -> dict:
    return read_yaml(path)


def _fill_defaults(config: dict, schema: dict) -> None:
    """Insert schema defaults for absent keys, recursively (objects only)."""
    for key, spec in schema.get("properties", {}).items():
        if key not in config and "default" in spec:
            config[key] = copy.deepcopy(spec["default"])
        if isinstance(config.get(key), dict) and spec.get("type") == "object":
            _fill_defaults(config[key], spec)


def _key(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _subschema(schema: dict, path) -> dict:
    for part in path:
        schema = schema.get("properties", {}).get(part, {})
    return schema


def _message(error, schema: dict) -> list[str]:
    """Plain-language messages naming the key and what is allowed."""
    key = _key(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unexpected = sorted(set(error.instance) - set(allowed))
        prefix = f"{key}." if error.absolute_path else ""
        return [
            f"unknown key '{prefix}{name}'; allowed keys"
            f"{' under ' + repr(key) if error.absolute_path else ''}: {', '.join(allowed)}"
            for name in unexpected
        ]
    if error.validator == "required":
        return [f"{key}: {error.message}"]
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return [f"key '{key}' = {error.instance!r} is not allowed; allowed values: {allowed}"]
    if error.validator == "oneOf":
        description = _subschema(schema, error.absolute_path).get("description", "")
        return [
            f"key '{key}' = {error.instance!r} is not valid. Expected: {' '.join(description.split())}"
        ]
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return [
            f"key '{key}' = {error.instance!r} must be {bound[error.validator]} {error.validator_value}"
        ]
    if error.validator == "type":
        return [f"key '{key}' = {error.instance!r} must be of type {error.validator_value}"]
    if error.validator == "pattern":
        return [f"key '{key}' = {error.instance!r} must match the pattern {error.validator_value}"]
    return [f"key '{key}': {error.message}"]


def _get(config: dict, key: str):
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def cross_checks(config: dict) -> list[str]:
    """Constraints between keys (or on a value's meaning) that the JSON Schema cannot state.

    Each message names the key; run after the schema check passed, so types are right.
    """
    problems = []
    age = _get(config, "cleaning.age_range")
    if isinstance(age, list) and len(age) == 2 and age[0] > age[1]:
        problems.append(
            f"key 'cleaning.age_range' = {age!r}: the minimum ({age[0]}) is above the maximum "
            f"({age[1]}); write [min, max], e.g. [{age[1]}, {age[0]}]"
        )
    pattern = _get(config, "extract.case_id_pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as err:
            problems.append(
                f"key 'extract.case_id_pattern' = {pattern!r} is not a valid regular "
                f"expression: {err}"
            )
    earliest = _get(config, "cleaning.earliest_date")
    if isinstance(earliest, str):
        try:
            dt.date.fromisoformat(earliest)
        except ValueError as err:
            problems.append(
                f"key 'cleaning.earliest_date' = {earliest!r} is not a calendar date ({err}); "
                "write YYYY-MM-DD, e.g. 2000-01-01"
            )
    a_above = _get(config, "cross_country.tiers.a_above")
    c_at = _get(config, "cross_country.tiers.c_at_or_below")
    if isinstance(a_above, int | float) and isinstance(c_at, int | float) and c_at >= a_above:
        problems.append(
            f"keys 'cross_country.tiers.c_at_or_below' = {c_at} and 'cross_country.tiers.a_above'"
            f" = {a_above}: tier C's threshold must be below tier A's"
        )
    name, previous = _get(config, "release.name"), _get(config, "release.previous")
    if previous is not None and previous == name:
        problems.append(
            f"key 'release.previous' = {previous!r} is the release itself (release.name); "
            "name an earlier release or null"
        )
    return problems


def validate_config(config: dict, schema_path: str | Path = CONFIG_SCHEMA) -> dict:
    """Return a copy of ``config`` with defaults filled in, or raise :class:`ConfigError`.

    Every problem is reported at once, each naming its key and the allowed keys or values.
    """
    schema = load_schema(schema_path)
    config = copy.deepcopy(dict(config))
    _fill_defaults(config, schema)
    errors = sorted(
        Draft202012Validator(schema).iter_errors(config),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    messages = [m for e in errors for m in _message(e, schema)]
    if not messages:
        messages = cross_checks(config)
    if messages:
        raise ConfigError(
            "invalid configuration (see config/config.yaml and workflow/schemas/config.schema.yaml):\n"
            + "\n".join(f"  - {m}" for m in messages)
        )
    return config


def load_config(path: str | Path, schema_path: str | Path = CONFIG_SCHEMA) -> dict:
    """Read a YAML config file and validate it."""
    return validate_config(read_yaml(path) or {}, schema_path)

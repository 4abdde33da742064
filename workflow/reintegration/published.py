"""The study's published numbers (config/published/targets.yaml) and the reproduction checks'
readings of its prose (config/published/checks.csv), as data.

Each finding in targets.yaml is ``{id, text}``: code refers to a finding by its id, never by
its position, so inserting or reordering findings changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from reintegration.paths import REPO_DIR

TARGETS = REPO_DIR / "config" / "published" / "targets.yaml"
CHECKS = REPO_DIR / "config" / "published" / "checks.csv"
CHECK_COLUMNS = ("id", "finding", "quantity", "value", "why")


def load_targets(path: str | Path = TARGETS) -> dict:
    """Return the published numbers: sections cross_country, regression, panel, ..."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def findings(section: dict) -> dict[str, str]:
    """A targets section's findings as ``{id: text}``."""
    return {f["id"]: f["text"] for f in section.get("findings", [])}


def without_ids(targets: dict) -> dict:
    """``targets`` with each finding back to its text (the shared original's form)."""
    out = {}
    for key, section in targets.items():
        if isinstance(section, dict) and "findings" in section:
            section = {**section, "findings": [f["text"] for f in section["findings"]]}
        out[key] = section
    return out


def load_checks(path: str | Path = CHECKS) -> dict[str, float]:
    """The numeric readings and thresholds of the checks: ``{id: value}``."""
    table = pd.read_csv(path, dtype={"value": float}, keep_default_na=False)
    return dict(zip(table["id"], table["value"], strict=True))


def validate(targets: dict, checks: pd.DataFrame) -> list[str]:
    """Every problem of targets.yaml + checks.csv at once (empty list: valid)."""
    problems = []
    ids: dict[str, str] = {}
    for key, section in targets.items():
        if not isinstance(section, dict):
            continue
        for i, f in enumerate(section.get("findings", [])):
            where = f"targets.yaml: {key}.findings[{i}]"
            if not isinstance(f, dict) or set(f) != {"id", "text"}:
                problems.append(f"{where}: a finding must be {{id, text}}; got {f!r}")
                continue
            if f["id"] in ids:
                problems.append(f"{where}: id {f['id']!r} also used in {ids[f['id']]}")
            ids[f["id"]] = where
    missing = [c for c in CHECK_COLUMNS if c not in checks.columns]
    if missing:
        return [*problems, f"checks.csv: missing columns {missing}; expected {list(CHECK_COLUMNS)}"]
    for line, row in enumerate(checks.itertuples(index=False), start=2):
        where = f"checks.csv line {line}"
        if not str(row.id).strip():
            problems.append(f"{where}: empty id")
        if row.finding not in ids and not _resolves(targets, str(row.finding)):
            problems.append(
                f"{where}: finding {row.finding!r} is neither a finding id nor a key path "
                "(e.g. panel.effect_sizes) of targets.yaml"
            )
        try:
            float(row.value)
        except (TypeError, ValueError):
            problems.append(f"{where}: value {row.value!r} is not a number")
        if not str(row.why).strip():
            problems.append(f"{where}: empty `why` (say where the number comes from)")
    dup = checks["id"][checks["id"].duplicated()].tolist()
    problems += [f"checks.csv: id {d!r} appears more than once" for d in dup]
    return problems


def _resolves(targets: dict, dotted: str) -> bool:
    node = targets
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True

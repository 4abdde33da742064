"""Job resources of every rule (threads, memory, wall time), read from one table.

The table is ``workflow/resources.yaml``; each rule declares
``threads: rule_threads("extract")`` and ``resources: **rule_resources("extract")``
(helpers in ``workflow/rules/common.smk``). The local run uses ``threads``; the SLURM executor
turns them into ``--cpus-per-task``, ``--mem`` and ``--time``. Rules whose work grows with the
data carry a ``per_scale`` part: at the synthetic generator's ``scale`` s > 1 a value is
``base + per_scale * (s - 1)`` (linear between the measurements at scale 1 and 10); below 1 the
base applies (tiny test data need no less than the interpreter and its imports).
"""

from __future__ import annotations

import math
from pathlib import Path

from reintegration.paths import WORKFLOW_DIR
from reintegration.yamlfile import read_yaml

RESOURCE_TABLE = WORKFLOW_DIR / "resources.yaml"
#: What every rule of the table must give; ``per_scale`` may scale the last two.
REQUIRED = ("threads", "mem_mb", "runtime")
SCALED = ("mem_mb", "runtime")


def _positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: must be a whole number >= 1, got {value!r}")
    return value


def _check_rule(name: str, entry, path: Path) -> dict:
    """One rule's entry, checked: the three required keys, an optional ``per_scale``."""
    where = f"{path}: rules.{name}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping of {', '.join(REQUIRED)}")
    unknown = sorted(set(entry) - {*REQUIRED, "per_scale"})
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: "
            f"{', '.join(REQUIRED)}, per_scale"
        )
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    checked = {key: _positive_int(entry[key], f"{where}.{key}") for key in REQUIRED}
    per_scale = entry.get("per_scale") or {}
    bad = sorted(set(per_scale) - set(SCALED))
    if bad:
        raise ValueError(
            f"{where}.per_scale: unknown key(s) {', '.join(bad)}; allowed: {', '.join(SCALED)}"
        )
    for key, value in per_scale.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{where}.per_scale.{key}: must be a number >= 0, got {value!r}")
    checked["per_scale"] = dict(per_scale)
    return checked


def load_table(path: Path = RESOURCE_TABLE) -> dict[str, dict]:
    """The table's rules, each checked; a bad entry raises ``ValueError`` naming file and key."""
    path = Path(path)
    data = read_yaml(path) or {}
    rules = data.get("rules")
    if not isinstance(rules, dict) or not rules:
        raise ValueError(f"{path}: expected a non-empty mapping under 'rules'")
    return {name: _check_rule(name, entry, path) for name, entry in rules.items()}


def data_scale(config: dict) -> float:
    """The generator's ``scale`` when the data are synthetic, else 1 (real exports of the study)."""
    if config["data"]["source"] != "synthetic":
        return 1.0
    path = Path(config["data"]["synthetic_config"])
    if not path.is_file():
        return 1.0
    synthetic = read_yaml(path) or {}
    return float(synthetic.get("scale", 1.0))


def _entry(table: dict[str, dict], rule: str) -> dict:
    if rule not in table:
        raise ValueError(
            f"rule {rule!r} has no row in {RESOURCE_TABLE.name}: add threads, mem_mb and "
            f"runtime for it under 'rules' (measured peak memory and wall time)"
        )
    return table[rule]


def rule_resources(table: dict[str, dict], rule: str, scale: float = 1.0) -> dict[str, int]:
    """``{"mem_mb": ..., "runtime": ...}`` of ``rule`` at the data's ``scale``."""
    entry = _entry(table, rule)
    extra = max(scale - 1.0, 0.0)
    return {
        key: int(math.ceil(entry[key] + entry["per_scale"].get(key, 0) * extra)) for key in SCALED
    }


def rule_threads(table: dict[str, dict], rule: str) -> int:
    """Threads of ``rule`` (Snakemake caps them at ``--cores``)."""
    return _entry(table, rule)["threads"]

"""Job resources of every rule (threads, memory, wall time), read from one table.

The table is ``workflow/resources.yaml``; each rule declares
``threads: rule_threads("extract")`` and ``resources: **rule_resources("extract")``
(helpers in ``workflow/rules/common.smk``). The local run uses ``threads``; the SLURM executor
turns them into ``--cpus-per-task``, ``--mem`` and ``--time``. Rules whose work grows with the
data carry a ``per_scale`` part: at the data's scale s > 1 a value is
``base + per_scale * (s - 1)`` (linear between the measurements at scale 1 and 10); below 1 the
base applies (tiny test data need no less than the interpreter and its imports). Rules whose
second thread only pays on large data carry ``threads_from_scale``: below that scale they run
one thread, because a job holding two cores waits until both are free while one-core jobs fill
them, and at the default study's size that wait cost more than the second process saved.
The scale is the synthetic generator's ``scale``, or for real exports their size on disk
relative to the default study's (:data:`RAW_BYTES_AT_SCALE_ONE`).
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
OPTIONAL = ("per_scale", "threads_from_scale")
#: Bytes of the default study's raw exports (17 countries, three waves, csv and xlsx as the
#: field offices deliver them; the synthetic generator at scale 1 writes 3,984,671): a real
#: delivery's scale is its size over this, so its jobs ask for memory and time as the
#: synthetic data of that size do.
RAW_BYTES_AT_SCALE_ONE = 4_000_000


def _positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: must be a whole number >= 1, got {value!r}")
    return value


def _check_rule(name: str, entry, path: Path) -> dict:
    """One rule's entry, checked: the three required keys, an optional ``per_scale``."""
    where = f"{path}: rules.{name}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping of {', '.join(REQUIRED)}")
    unknown = sorted(set(entry) - {*REQUIRED, *OPTIONAL})
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: "
            f"{', '.join(REQUIRED + OPTIONAL)}"
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
    from_scale = entry.get("threads_from_scale", 0)
    if isinstance(from_scale, bool) or not isinstance(from_scale, int | float) or from_scale < 0:
        raise ValueError(f"{where}.threads_from_scale: must be a number >= 0, got {from_scale!r}")
    checked["threads_from_scale"] = from_scale
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
    """The generator's ``scale`` when the data are synthetic; for real exports, the bytes of
    the release's wave folders under ``data.raw_dir`` (``release.waves``, or every folder when
    it is ``discover``) over :data:`RAW_BYTES_AT_SCALE_ONE`, and 1 when there are none."""
    if config["data"]["source"] != "synthetic":
        raw_dir = Path(config["data"]["raw_dir"])
        waves = config.get("release", {}).get("waves", "discover")
        if waves == "discover":
            # every folder but hidden ones, as the release's wave discovery (release_waves)
            folders = [p for p in raw_dir.glob("*") if p.is_dir()]
            waves = sorted(p.name for p in folders if not p.name.startswith("."))
        return raw_scale(raw_dir, list(waves))
    path = Path(config["data"]["synthetic_config"])
    if not path.is_file():
        return 1.0
    synthetic = read_yaml(path) or {}
    return float(synthetic.get("scale", 1.0))


def raw_scale(raw_dir: Path, waves: list[str]) -> float:
    """The size of the waves' exports (every file below ``raw_dir/<wave>/``) in units of the
    default study's; 1 when there are none."""
    files = [p for wave in waves for p in (Path(raw_dir) / wave).rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    return size / RAW_BYTES_AT_SCALE_ONE if size else 1.0


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


def rule_threads(table: dict[str, dict], rule: str, scale: float = 1.0) -> int:
    """Threads of ``rule`` at the data's ``scale``: 1 below its ``threads_from_scale``
    (Snakemake caps them at ``--cores``)."""
    entry = _entry(table, rule)
    return entry["threads"] if scale >= entry["threads_from_scale"] else 1

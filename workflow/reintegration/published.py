"""The study's published numbers (config/published/targets.yaml) and the reproduction checks
(config/published/checks.csv), as data.

Each finding in targets.yaml is ``{id, text}``: code refers to a finding by its id, never by
its position, so inserting or reordering findings changes nothing.

checks.csv holds one row per comparison (columns :data:`CHECK_COLUMNS`):

* ``finding``: a finding id, or a key path of targets.yaml (``panel.effect_sizes``);
* ``quantity``: the name of a chapter's quantity extractor (``chapterN/quantities.py``);
* ``where``: the extractor's arguments, ``name=value`` separated by ``;`` (``{key}`` is the
  ``for_each`` key, ``=path`` a targets.yaml value);
* ``for_each``: a targets.yaml mapping (or list) the row is repeated over;
* ``published``: ``=path`` (a targets.yaml number), ``@`` / ``@0`` (the ``for_each`` value or
  its first element), ``sum(path)`` / ``len(path)``, else the numeric reading of the prose or
  the statement checked;
* ``compare`` (:data:`reintegration.reproduction.COMPARATORS`) and its ``tolerance``
  (numbers separated by ``;``);
* ``why``: the tolerance rule in words, as printed in ``tables/reproduction.csv``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from reintegration.paths import REPO_DIR

TARGETS = REPO_DIR / "config" / "published" / "targets.yaml"
CHECKS = REPO_DIR / "config" / "published" / "checks.csv"
CHECK_COLUMNS = (
    "id",
    "section",
    "finding",
    "quantity",
    "where",
    "for_each",
    "published",
    "compare",
    "tolerance",
    "why",
)
#: The reproduction sections, in the order of the report (one name per chapter part).
SECTIONS = (
    "Chapter II: sample",
    "Chapter II: tiers",
    "Chapter II: assistance",
    "Chapter II: figure Ns",
    "Chapter II: Annex 3",
    "Chapter II: findings",
    "Chapter III: panel",
    "Chapter III: indicator trends",
    "Chapter III: retrospective",
    "Chapter III: Morocco",
    "Chapter III: phone survey",
)
_FUNCTION = re.compile(r"^(sum|len)\((.+)\)$")


def load_targets(path: str | Path = TARGETS) -> dict:
    """Return the published numbers: sections cross_country, regression, panel, ..."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def findings(section: dict) -> dict[str, str]:
    """A targets section's findings as ``{id: text}``."""
    return {f["id"]: f["text"] for f in section.get("findings", [])}


def all_findings(targets: dict) -> dict[str, str]:
    """Every finding of targets.yaml as ``{id: text}``."""
    out: dict[str, str] = {}
    for section in targets.values():
        if isinstance(section, dict):
            out.update(findings(section))
    return out


def without_ids(targets: dict) -> dict:
    """``targets`` with each finding back to its text (the shared original's form)."""
    out = {}
    for key, section in targets.items():
        if isinstance(section, dict) and "findings" in section:
            section = {**section, "findings": [f["text"] for f in section["findings"]]}
        out[key] = section
    return out


def load_checks(path: str | Path = CHECKS) -> pd.DataFrame:
    """checks.csv as strings (empty cells are empty strings)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


class Missing(KeyError):
    """A key path that does not resolve in targets.yaml."""


def locate(targets: dict, dotted: str) -> tuple:
    """The keys of the targets.yaml value at ``dotted`` (keys may hold dots: ``A_above_0.70``)."""
    node, parts, keys = targets, dotted.strip().split("."), []
    while parts:
        if not isinstance(node, dict):
            raise Missing(dotted)
        for take in range(len(parts), 0, -1):
            key = ".".join(parts[:take])
            if key in node:
                node, parts = node[key], parts[take:]
                keys.append(key)
                break
        else:
            raise Missing(dotted)
    return tuple(keys)


def resolve(targets: dict, dotted: str):
    """The targets.yaml value at ``dotted``."""
    node = targets
    for key in locate(targets, dotted):
        node = node[key]
    return node


def _items(node) -> list[tuple[str, object]]:
    if isinstance(node, dict):
        return [(str(k), v) for k, v in node.items()]
    if isinstance(node, list):
        return [(str(v), v) for v in node]
    raise Missing("not a mapping or list")


def expand(targets: dict, row: dict) -> list[dict]:
    """One checks.csv row as concrete checks: ``{**row, key, item}`` per ``for_each`` entry."""
    if not row["for_each"].strip():
        return [{**row, "key": "", "item": None}]
    return [{**row, "key": k, "item": v} for k, v in _items(resolve(targets, row["for_each"]))]


def _fill(text: str, key: str) -> str:
    return text.replace("{key}", key)


def published_value(targets: dict, check: dict):
    """The published side of one expanded check (number, list or the statement's text)."""
    cell = _fill(check["published"].strip(), check["key"])
    if cell.startswith("="):
        return resolve(targets, cell[1:])
    if cell.startswith("@"):
        item = check["item"]
        return item if cell == "@" else item[int(cell[1:])]
    if m := _FUNCTION.match(cell):
        node = resolve(targets, m.group(2))
        values = list(node.values()) if isinstance(node, dict) else list(node)
        return sum(values) if m.group(1) == "sum" else len(values)
    try:
        return float(cell)
    except ValueError:
        return cell


def where_args(targets: dict, check: dict) -> dict[str, object]:
    """The extractor's arguments of one expanded check."""
    args: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in check["where"].split(";"))):
        name, _, value = part.partition("=")
        value = _fill(value.strip(), check["key"])
        args[name.strip()] = resolve(targets, value[1:]) if value.startswith("=") else value
    return args


def tolerance_values(cell: str) -> list:
    """The ``tolerance`` cell as a list: numbers, or codes for a rank (``;``-separated)."""
    out: list = []
    for part in filter(None, (p.strip() for p in str(cell).split(";"))):
        try:
            out.append(float(part))
        except ValueError:
            out.append(part)
    return out


# --- validation ---------------------------------------------------------------------------


def _leaves(node, path=()) -> list[tuple]:
    """The paths of the numbers under ``node`` (list positions as ints; findings left out)."""
    if isinstance(node, bool):
        return []
    if isinstance(node, (int, float)):
        return [path]
    if isinstance(node, dict):
        return [p for k, v in node.items() if k != "findings" for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return []


def _used(targets: dict, check: dict) -> list[tuple]:
    """The targets.yaml paths an expanded check reads (its published side and ``where``)."""
    refs = []
    cell = _fill(check["published"].strip(), check["key"])
    if cell.startswith("="):
        refs.append(locate(targets, cell[1:]))
    elif cell.startswith("@"):
        base = (*locate(targets, check["for_each"]), check["key"])
        refs.append(base if cell == "@" else (*base, int(cell[1:])))
    elif m := _FUNCTION.match(cell):
        refs.append(locate(targets, m.group(2)))
    for part in filter(None, (p.strip() for p in check["where"].split(";"))):
        value = _fill(part.partition("=")[2].strip(), check["key"])
        if value.startswith("="):
            refs.append(locate(targets, value[1:]))
    return refs


def _check_row(targets, row, where, ids, quantities, comparators) -> tuple[list[str], list]:
    problems, used = [], []
    if not row["id"].strip():
        problems.append(f"{where}: empty id")
    if row["section"] not in SECTIONS:
        problems.append(f"{where}: section {row['section']!r} is not one of {list(SECTIONS)}")
    if row["finding"] not in ids:
        try:
            locate(targets, row["finding"])
        except Missing:
            problems.append(
                f"{where}: finding {row['finding']!r} is neither a finding id nor a key path "
                "(e.g. panel.effect_sizes) of targets.yaml"
            )
    if quantities is not None and row["quantity"] not in quantities:
        problems.append(f"{where}: unknown quantity {row['quantity']!r}")
    if row["compare"] not in comparators:
        problems.append(f"{where}: compare {row['compare']!r} is not one of {sorted(comparators)}")
    if not row["why"].strip():
        problems.append(f"{where}: empty `why` (say where the tolerance comes from)")
    try:
        for check in expand(targets, row):
            used += _used(targets, check)
            published_value(targets, check)
            where_args(targets, check)
    except (Missing, IndexError, TypeError, ValueError) as e:
        problems.append(f"{where}: bad reference ({e})")
    return problems, used


def validate(targets: dict, checks: pd.DataFrame, quantities=None) -> list[str]:
    """Every problem of targets.yaml + checks.csv at once (empty list: valid).

    ``quantities`` is the set of extractor names (None: not checked). Checked: finding ids
    unique, columns, sections, references (finding, for_each, published, where), quantity and
    comparator names, a ``why`` on every row, every finding with a check and every number of
    targets.yaml read by one.
    """
    from reintegration.reproduction import COMPARATORS

    problems, ids = [], {}
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
    used: list[tuple] = []
    for line, row in enumerate(checks.astype(str).to_dict("records"), start=2):
        found, reads = _check_row(
            targets, row, f"checks.csv line {line}", ids, quantities, COMPARATORS
        )
        problems += found
        used += reads
    dup = checks["id"][checks["id"].duplicated()].tolist()
    problems += [f"checks.csv: id {d!r} appears more than once" for d in dup]
    checked = set(checks["finding"])
    problems += [
        f"{w}: finding {i!r} has no check in checks.csv" for i, w in ids.items() if i not in checked
    ]
    for leaf in _leaves(targets):
        if not any(leaf[: len(u)] == u for u in used):
            path = ".".join(str(k) for k in leaf)
            problems.append(f"targets.yaml: number {path} is read by no check of checks.csv")
    return problems

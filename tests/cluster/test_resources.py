"""Every rule declares threads, mem_mb and runtime from workflow/resources.yaml (one table)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from reintegration import resources
from snakemake_runner import REPO, snakemake_command, snakemake_env, tiny_workdir

RULE_FILES = sorted((REPO / "workflow" / "rules").glob("*.smk")) + [REPO / "Snakefile"]
# Target-only rules run nothing, so no job is ever scheduled or submitted for them.
TARGET_ONLY = {"all"}


def _rule_blocks() -> dict[str, str]:
    """Every `rule NAME:` of the rule files (also those defined only under a condition)."""
    blocks = {}
    for path in RULE_FILES:
        text = path.read_text(encoding="utf-8")
        starts = [
            (m.start(), m.group(1), m.group(2))
            for m in re.finditer(r"^([ ]*)rule (\w+):", text, re.M)
        ]
        for i, (start, indent, name) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
            body = text[start:end]
            # the rule's body: lines indented deeper than `rule`
            lines = body.splitlines()[1:]
            kept = []
            for line in lines:
                if line.strip() and not line.startswith(indent + " "):
                    break
                kept.append(line)
            blocks[name] = "\n".join(kept)
    return blocks


def test_every_rule_in_the_rule_files_declares_its_row():
    blocks = _rule_blocks()
    assert len(blocks) > 20, sorted(blocks)
    missing = [
        name
        for name, body in blocks.items()
        if name not in TARGET_ONLY
        and not (f'rule_threads("{name}")' in body and f'**rule_resources("{name}")' in body)
    ]
    assert not missing, (
        f"rules without `threads: rule_threads(...)` and `resources: **rule_resources(...)`: "
        f"{missing} (add a row to workflow/resources.yaml and the two lines to the rule)"
    )
    table = resources.load_table()
    assert sorted(set(blocks) - TARGET_ONLY - set(table)) == []
    assert sorted(set(table) - set(blocks)) == [], "rows of resources.yaml naming no rule"


def test_parsed_workflow_gives_every_job_rule_mem_runtime_and_threads(tmp_path):
    """The rules as Snakemake parses them (tiny config), read through its API in a subprocess."""
    workdir = tiny_workdir(tmp_path)
    probe = tmp_path / "probe.py"
    probe.write_text(
        f"""
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings
with SnakemakeApi(OutputSettings(quiet=None)) as api:
    wf = api.workflow(
        ResourceSettings(cores=4),
        ConfigSettings(configfiles=[Path({str(workdir / "config" / "config.yaml")!r})]),
        snakefile=Path({str(REPO / "Snakefile")!r}),
        workdir=Path({str(workdir)!r}),
    )
    rules = {{}}
    for rule in wf._workflow.rules:
        value = lambda key: getattr(rule.resources.get(key), "value", rule.resources.get(key))
        rules[rule.name] = {{
            "has_job": not rule.norun,
            "mem_mb": value("mem_mb"), "runtime": value("runtime"), "threads": value("_cores"),
        }}
print("RULES=" + json.dumps(rules, default=str))
""",
        encoding="utf-8",
    )
    out = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("RULES="))
    parsed = yaml.safe_load(line.removeprefix("RULES="))
    table = resources.load_table()
    job_rules = {name: r for name, r in parsed.items() if r["has_job"]}
    assert "extract" in job_rules and "report_index" in job_rules
    for name, r in job_rules.items():
        assert r["mem_mb"] is not None and r["runtime"] is not None, f"rule {name}: {r}"
        # the tiny data have scale < 1: the table's base values, unscaled
        assert int(r["mem_mb"]) == table[name]["mem_mb"], name
        assert int(r["runtime"]) == table[name]["runtime"], name
        # ... and one thread wherever the table starts a second one at a larger scale
        threads = 1 if table[name]["threads_from_scale"] > 0.2 else table[name]["threads"]
        assert int(r["threads"]) == threads, name
    assert job_rules["chapter3_selection"]["threads"] == 1
    assert table["chapter3_selection"]["threads"] == 2


def test_scaled_values_are_base_plus_slope_times_scale_above_one():
    table = {"extract": {"threads": 1, "mem_mb": 400, "runtime": 3, "per_scale": {"mem_mb": 50}}}
    # by hand: 400 + 50 * (10 - 1) = 850 MB; runtime has no slope, stays 3
    assert resources.rule_resources(table, "extract", scale=10) == {"mem_mb": 850, "runtime": 3}
    # 400 + 50 * 0.5 = 425
    assert resources.rule_resources(table, "extract", scale=1.5)["mem_mb"] == 425
    # test data below scale 1 get the base
    assert resources.rule_resources(table, "extract", scale=0.02) == {"mem_mb": 400, "runtime": 3}


def test_threads_below_threads_from_scale_are_one():
    row = {"threads": 2, "mem_mb": 500, "runtime": 10, "threads_from_scale": 10}
    table = {"fit": resources._check_rule("fit", row, Path("resources.yaml"))}
    assert resources.rule_threads(table, "fit", scale=1) == 1
    assert resources.rule_threads(table, "fit", scale=9.99) == 1
    assert resources.rule_threads(table, "fit", scale=10) == 2
    assert resources.rule_threads(table, "fit", scale=100) == 2
    # without the key the threads hold at every scale, the tiny test data's included
    plain = {"draw": resources._check_rule("draw", {**row, "threads_from_scale": 0}, Path("r"))}
    assert resources.rule_threads(plain, "draw", scale=0.2) == 2


def test_real_exports_scale_is_their_size_over_the_default_studys(tmp_path):
    raw = tmp_path / "raw"
    for wave, size in (("2019-07", 3_000_000), ("2020-01", 5_000_000), ("other", 10**9)):
        (raw / wave / "sub").mkdir(parents=True)
        (raw / wave / "sub" / "export.csv").write_bytes(b"x" * (size // 2))
        (raw / wave / "export.xlsx").write_bytes(b"x" * (size // 2))
    (raw / ".cache").mkdir()  # not a wave, as the release's wave discovery has it
    (raw / ".cache" / "big").write_bytes(b"x" * 4_000_000)
    config = {"data": {"source": "raw", "raw_dir": str(raw)}}
    # by hand: (3 + 5) MB of the release's two waves over 4 MB; the unlisted folder is not read
    waves = {"release": {"waves": ["2019-07", "2020-01"]}}
    assert resources.data_scale({**config, **waves}) == 2.0
    # "discover": every wave folder, 1008 MB / 4 MB
    assert resources.data_scale({**config, "release": {"waves": "discover"}}) == 252.0
    # no exports (yet): the base values
    empty = {"data": {"source": "raw", "raw_dir": str(tmp_path / "none")}}
    assert resources.data_scale({**empty, **waves}) == 1.0


def test_a_rule_without_a_row_names_the_rule_and_the_table():
    with pytest.raises(ValueError, match=r"'brand_new_rule' has no row in resources.yaml"):
        resources.rule_threads({}, "brand_new_rule")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"threads": 1, "mem_mb": 100}, r"rules.r: missing runtime"),
        ({"threads": 1, "mem_mb": 100, "runtime": 5, "gpus": 1}, r"unknown key\(s\) gpus"),
        ({"threads": 0, "mem_mb": 100, "runtime": 5}, r"rules.r.threads: must be a whole number"),
        ({"threads": 1, "mem_mb": "1G", "runtime": 5}, r"rules.r.mem_mb: must be a whole number"),
        (
            {"threads": 1, "mem_mb": 100, "runtime": 5, "per_scale": {"threads": 1}},
            r"rules.r.per_scale: unknown key\(s\) threads",
        ),
        (
            {"threads": 2, "mem_mb": 100, "runtime": 5, "threads_from_scale": "big"},
            r"rules.r.threads_from_scale: must be a number >= 0",
        ),
    ],
)
def test_bad_rows_are_rejected_naming_file_rule_and_key(tmp_path, entry, message):
    path = tmp_path / "resources.yaml"
    path.write_text(yaml.safe_dump({"rules": {"r": entry}}), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        resources.load_table(path)
    assert str(path) in str(error.value)


def test_scale_is_read_from_the_synthetic_config(tmp_path):
    synthetic = tmp_path / "synthetic.yaml"
    synthetic.write_text("scale: 10\n", encoding="utf-8")
    config = {"data": {"source": "synthetic", "synthetic_config": str(synthetic)}}
    assert resources.data_scale(config) == 10.0


def test_slurm_profile_groups_name_existing_rules():
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    rules = set(_rule_blocks())
    grouped = {entry.split("=")[0] for entry in profile["groups"]}
    assert sorted(grouped - rules) == []
    groups = {entry.split("=")[1] for entry in profile["groups"]}
    assert {entry.split("=")[0] for entry in profile["group-components"]} <= groups
    # the bootstraps stay jobs of their own
    assert not grouped & {"chapter2_regression", "chapter3_selection"}


def test_default_profile_is_picked_up_without_asking(tmp_path):
    """`snakemake` with no --cores, from another directory: profiles/default gives it 4."""
    workdir = tiny_workdir(tmp_path)
    result = subprocess.run(
        snakemake_command(workdir, "--printshellcmds", "results/codebook/codebook_check.json"),
        cwd=workdir,
        env=snakemake_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert f"workflow specific profile {REPO / 'profiles' / 'default'}" in log
    assert "Provided cores: 4" in log

"""The largest wave's data stages start first (reintegration.data.wave_order): the sizes, the
priorities, and a real Snakemake run on one core extracting the largest wave first."""

from __future__ import annotations

import re

import pytest
from reintegration.data.wave_order import raw_wave_sizes, synthetic_wave_sizes, wave_priorities
from snakemake_runner import run_snakemake, snakemake_env, tiny_workdir


def test_priorities_rank_the_sizes_and_tie_equal_sizes():
    assert wave_priorities({"a": 10, "b": 30, "c": 10, "d": 20}) == {"a": 0, "b": 2, "c": 0, "d": 1}
    assert wave_priorities({"only": 0}) == {"only": 0}
    assert wave_priorities({}) == {}


def test_raw_sizes_are_the_bytes_extraction_reads(tmp_path):
    (tmp_path / "w1" / "sub").mkdir(parents=True)
    (tmp_path / "w1" / "a.csv").write_bytes(b"x" * 100)
    (tmp_path / "w1" / "sub" / "b.xlsx").write_bytes(b"y" * 250)
    (tmp_path / "w1" / "~$b.xlsx").write_bytes(b"z" * 5000)  # an Office lock file: not read
    (tmp_path / "w2").mkdir()
    (tmp_path / "w2" / "c.csv").write_bytes(b"x" * 7)
    assert raw_wave_sizes(tmp_path, ["w1", "w2", "missing"]) == {"w1": 350, "w2": 7, "missing": 0}


def test_synthetic_sizes_are_the_days_of_each_window(tmp_path):
    config = tmp_path / "synthetic.yaml"
    config.write_text(
        "waves:\n"
        '  - {name: "2019-07", start: "2018-01-01", end: "2019-06-30"}\n'
        '  - {name: "2020-01", start: 2019-07-01, end: 2019-12-31}\n'  # YAML dates
        '  - {name: "2020-07", start: "2020-01-01", end: "2020-06-30"}\n',
        encoding="utf-8",
    )
    waves = ["2019-07", "2020-01", "2020-07", "2021-01"]
    # 365 + 181; July-December; a leap year's first half (31 + 29 + 31 + 30 + 31 + 30)
    sizes = synthetic_wave_sizes(config, waves)
    assert sizes == {"2019-07": 546, "2020-01": 184, "2020-07": 182, "2021-01": 0}
    assert synthetic_wave_sizes(tmp_path / "missing.yaml", waves) == dict.fromkeys(waves, 0)


def _jobs(output: str, rule: str) -> list[tuple[str, int]]:
    """(wave, priority) of each ``rule`` job Snakemake printed, in the order printed."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        if re.match(rf"(?:local)?rule {rule}:", block.strip()):
            wave = re.search(r"wildcards: wave=(\S+)", block).group(1)
            priority = re.search(r"priority: (\d+)", block)
            jobs.append((wave, int(priority.group(1)) if priority else 0))
    return jobs


@pytest.mark.e2e
def test_snakemake_extracts_the_largest_synthetic_wave_first(tmp_path):
    workdir = tiny_workdir(tmp_path)
    targets = [f"results/waves/{w}/extract_report.json" for w in ("2020-07", "2020-01", "2019-07")]
    env = snakemake_env(REINTEGRATION_PSEUDONYM_KEY="k")
    dry = run_snakemake(workdir, "--dry-run", "--cores", "1", *targets, env=env)
    planned = dict(_jobs(dry.stdout + dry.stderr, "extract"))
    assert planned == {"2019-07": 2, "2020-01": 1, "2020-07": 0}
    run = run_snakemake(workdir, "--cores", "1", *targets, env=env)
    order = [wave for wave, _ in _jobs(run.stdout + run.stderr, "extract")]
    assert order == ["2019-07", "2020-01", "2020-07"]


@pytest.mark.e2e
def test_raw_waves_are_ranked_by_their_files(tmp_path):
    workdir = tiny_workdir(tmp_path)
    config = workdir / "config" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "source: synthetic" in text
    config.write_text(text.replace("source: synthetic", "source: raw"), encoding="utf-8")
    for wave, size in (("2019-07", 10), ("2020-01", 3000), ("2020-07", 200)):
        (workdir / "resources" / "raw" / wave).mkdir(parents=True)
        (workdir / "resources" / "raw" / wave / "export.csv").write_bytes(b"a\n" * size)
    dry = run_snakemake(workdir, "--dry-run", "--cores", "1",
                        env=snakemake_env(REINTEGRATION_PSEUDONYM_KEY="k"))  # fmt: skip
    out = dry.stdout + dry.stderr
    for rule in ("extract", "clean", "score"):
        assert dict(_jobs(out, rule)) == {"2019-07": 0, "2020-01": 2, "2020-07": 1}, rule

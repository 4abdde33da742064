"""The pinned environment: one lock file, mirrored exactly in environment.yml."""

from __future__ import annotations

import re
import tomllib

import yaml


def lock_pins(repo) -> dict[str, str]:
    pins = {}
    for line in (repo / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_lock_line_is_an_exact_pin(repo):
    for line in (repo / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line.strip()), line


def test_environment_yml_mirrors_the_lock(repo):
    env = yaml.safe_load((repo / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {p.split("==")[0].lower().replace("_", "-"): p.split("==")[1] for p in pip_section}
    assert conda_pins == lock_pins(repo)
    assert "python=3.11" in env["dependencies"]


def test_top_level_dependencies_pinned_at_the_locked_version(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    declared = project["dependencies"] + extras["dev"] + extras["cluster"]
    pins = lock_pins(repo)
    for requirement in declared:
        name, version = requirement.split("==")
        assert pins.get(name.lower()) == version, (
            f"{name}: pyproject {version}, lock {pins.get(name.lower())}"
        )
    assert pins["snakemake"].startswith("9.")


def test_installed_versions_match_the_lock(repo):
    from importlib.metadata import version

    pins = lock_pins(repo)
    for name in ("snakemake", "pandas", "statsmodels", "pyarrow", "papermill", "seaborn"):
        assert version(name) == pins[name], name

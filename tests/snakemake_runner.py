"""Running the repository's Snakefile in a temporary working directory: real Snakemake, no mocks.

Shared by the end-to-end, report and reliability tests (imported as a plain module: ``tests/``
is on ``sys.path`` when pytest runs from the repository).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "config" / "tiny"


def snakemake_env(**extra: str) -> dict[str, str]:
    """This process's environment with the test environment's Python first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def snakemake_command(workdir: Path, *args: str) -> list[str]:
    """The command line running the repository's Snakefile in ``workdir`` with its config."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config" / "config.yaml"),
        *args,
    ]


def run_snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """Run Snakemake; with ``check``, fail the test with its output when it fails."""
    result = subprocess.run(
        snakemake_command(workdir, *args),
        capture_output=True,
        text=True,
        env=env or snakemake_env(),
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def merged(base: dict, overlay: dict) -> dict:
    """``base`` with ``overlay`` on top, key by key (as Snakemake merges --configfile files)."""
    out = dict(base)
    for key, value in overlay.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        out[key] = merged(base[key], value) if both else value
    return out


def _leaves(node: dict, path: tuple = ()) -> list[tuple[tuple, object]]:
    out = []
    for key, value in node.items():
        if isinstance(value, dict):
            out += _leaves(value, (*path, key))
        else:
            out.append(((*path, key), value))
    return out


_KEY = re.compile(r"^( *)([A-Za-z_][\w-]*):( ?)(.*?)$")


def overlay_text(text: str, overlay: dict) -> str:
    """The YAML ``text`` (block style) with each leaf of ``overlay`` put in its line; comments
    and layout kept, so tests may still edit the result line by line."""
    lines = text.splitlines()
    for path, value in _leaves(overlay):
        stack: list[tuple[int, str]] = []
        for i, line in enumerate(lines):
            m = _KEY.match(line)
            if not m:
                continue
            indent = len(m.group(1))
            stack = [(d, k) for d, k in stack if d < indent] + [(indent, m.group(2))]
            if tuple(k for _, k in stack) == path:
                flow = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
                lines[i] = f"{m.group(1)}{m.group(2)}: {flow.removesuffix('...').strip()}"
                break
        else:
            raise KeyError(f"tiny overlay key {'.'.join(path)} is not in config/config.yaml")
    return "\n".join(lines) + "\n"


def tiny_config_text() -> str:
    """config/config.yaml with the tiny overlay (tests/config/tiny/config.yaml) applied."""
    base = (REPO / "config" / "config.yaml").read_text(encoding="utf-8")
    overlay = yaml.safe_load((TINY / "config.yaml").read_text(encoding="utf-8"))
    text = overlay_text(base, overlay)
    if yaml.safe_load(text) != merged(yaml.safe_load(base), overlay):
        raise AssertionError("tiny overlay: the patched text does not equal the merged config")
    return text


def tiny_config() -> dict:
    """The tiny test configuration as a mapping."""
    return yaml.safe_load(tiny_config_text())


def tiny_workdir(workdir: Path) -> Path:
    """``workdir`` with the repository's config/ and the tiny configuration as config.yaml:
    config/config.yaml with the overlay tests/config/tiny/config.yaml applied in place (one
    complete file, so a test may edit it; its comments and layout are the default's)."""
    shutil.copytree(REPO / "config", workdir / "config")
    shutil.copytree(TINY, workdir / "tests" / "config" / "tiny")
    (workdir / "config" / "config.yaml").write_text(tiny_config_text(), encoding="utf-8")
    return workdir


def copy_of_study(study: Path, target: Path) -> Path:
    """A private copy of a built working directory (mtimes, modes and Snakemake's metadata kept,
    so Snakemake sees it up to date) for a test that changes inputs and reruns."""
    shutil.copytree(study, target, symlinks=True)
    return target

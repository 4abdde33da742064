"""Input checksums hashed once per file, with the metadata Snakemake records unchanged.

A real Snakemake run of a job with 30 outputs and 20 inputs, once with the wrapper of
:mod:`reintegration.snakemake_checksums` and once without: the recorded input checksums are
the SHA-256 of the inputs (computed here) in both runs, and the wrapped run hashes each input
once instead of once per output.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys

import pytest
import snakemake
from reintegration.snakemake_checksums import PATCHED_VERSIONS, cache_input_checksums

N_IN, N_OUT = 20, 30

SNAKEFILE = f"""
import hashlib, json, os
from reintegration.snakemake_checksums import cache_input_checksums

PATCHED = cache_input_checksums() if os.environ.get("WRAP") == "1" else False
HASHES = [0]
_file_digest = hashlib.file_digest

def counting_file_digest(f, digest):
    HASHES[0] += 1
    return _file_digest(f, digest)

hashlib.file_digest = counting_file_digest

rule all:
    input: expand("out/{{i}}.txt", i=range({N_OUT}))

rule inputs:
    output: expand("in/{{i}}.txt", i=range({N_IN}))
    shell: "for f in {{output}}; do echo $f > $f; done"

rule fan_out:
    input: expand("in/{{i}}.txt", i=range({N_IN}))
    output: expand("out/{{i}}.txt", i=range({N_OUT}))
    shell: "for f in {{output}}; do cat {{input}} > $f; done"

onsuccess:
    with open("counts.json", "w") as handle:
        json.dump({{"patched": PATCHED, "hashes": HASHES[0]}}, handle)
"""


def _run(workdir, wrap: str) -> dict:
    workdir.mkdir()
    (workdir / "Snakefile").write_text(SNAKEFILE, encoding="utf-8")
    env = {"WRAP": wrap, "PATH": f"{sys.executable.rsplit('/', 1)[0]}:/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "snakemake", "-c1", "--directory", str(workdir), "-q"],
        cwd=workdir, env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    counts = json.loads((workdir / "counts.json").read_text())
    recorded = {}
    for i in range(N_OUT):
        name = base64.b64encode(f"out/{i}.txt".encode()).decode()
        record = json.loads((workdir / ".snakemake" / "metadata" / name).read_text())
        recorded[f"out/{i}.txt"] = record["input_checksums"]
    counts["recorded"] = recorded
    return counts


@pytest.mark.skipif(
    snakemake.__version__ not in PATCHED_VERSIONS, reason="wrapper applies to the pinned version"
)
def test_each_input_hashed_once_and_the_same_checksums_recorded(tmp_path):
    plain, wrapped = _run(tmp_path / "plain", "0"), _run(tmp_path / "wrapped", "1")
    expected = {
        f"in/{i}.txt": "sha256:" + hashlib.sha256(f"in/{i}.txt\n".encode()).hexdigest()
        for i in range(N_IN)
    }
    assert plain["recorded"] == wrapped["recorded"] == dict.fromkeys(plain["recorded"], expected)
    assert not plain["patched"] and wrapped["patched"]
    assert plain["hashes"] >= N_IN * N_OUT  # Snakemake alone: every input once per output
    assert wrapped["hashes"] == N_IN  # each input once


def test_other_versions_are_left_alone(monkeypatch):
    from snakemake.io import _IOFile

    before = _IOFile.checksum
    monkeypatch.setattr(snakemake, "__version__", "0.0.0")
    assert cache_input_checksums() is False
    assert _IOFile.checksum is before

"""Same seed, byte-identical files (xlsx included); another seed, other data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from reintegration.config import ConfigError
from reintegration.synthetic.generate import generate
from reintegration.synthetic.parameters import load_synthetic_config

REPO = Path(__file__).resolve().parents[2]


def _run(tmp: Path, workers: int = 1, **overrides) -> dict:
    cfg = yaml.safe_load((REPO / "config" / "synthetic.yaml").read_text(encoding="utf-8"))
    cfg.update({"scale": 0.05, **overrides})
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "synthetic.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    generate(
        path, REPO / "config" / "codebook", tmp / "raw", tmp / "truth", tmp / "manifest.json",
        workers,
    )  # fmt: skip
    files = {
        p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted(tmp.rglob("*")) if p.is_file()
    }
    files.pop("synthetic.yaml")
    return files


def test_same_seed_byte_identical_and_other_seed_differs(tmp_path):
    a = _run(tmp_path / "a")
    b = _run(tmp_path / "b")
    assert a.keys() == b.keys()
    assert any(k.endswith(".xlsx") for k in a)
    assert [k for k in a if a[k] != b[k]] == []
    c = _run(tmp_path / "c", seed=1)
    raw = [k for k in a if k.startswith("raw/") and not k.endswith(".synthetic.json")]
    assert all(a[k] != c.get(k) for k in raw)


def test_chunks_drawn_in_two_processes_give_the_same_bytes(tmp_path):
    # chunks of 100 records: several per country (files *_partNN), truth rows from every chunk
    one = _run(tmp_path / "one", chunk_size=100, scale=0.2)
    two = _run(tmp_path / "two", workers=2, chunk_size=100, scale=0.2)
    assert any("_part02" in k for k in one)
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


def test_rerun_replaces_own_files_but_not_foreign_ones(tmp_path):
    _run(tmp_path)
    (tmp_path / "raw" / "2020-07" / "real_export.csv").write_text("x\n")
    with pytest.raises(FileExistsError, match="real_export.csv"):
        _run(tmp_path)


def test_unknown_key_is_rejected(tmp_path):
    cfg = yaml.safe_load((REPO / "config" / "synthetic.yaml").read_text(encoding="utf-8"))
    cfg["scael"] = 2
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="scael"):
        load_synthetic_config(path)


def test_tiny_config_is_valid():
    cfg = load_synthetic_config(REPO / "tests" / "config" / "tiny" / "synthetic.yaml")
    assert cfg["scale"] < 1

"""Privacy: no identifier, pseudonym or key reaches a release; the scan catches planted leaks.

- the scan (reintegration.privacy, rule privacy_scan) finds each kind of leak in a fake release
  and names file and kind, never the value; the script exits 1;
- identifiers planted in the raw exports of a tiny release (conftest.py) reach no release file
  (checked by the scan and by a plain byte search for every planted value and spelling);
- the pseudonym key file is created with mode 0600 whatever the umask, and is git-ignored.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pytest
from data.fixtures import REPO
from reintegration.codebook import load_codebook
from reintegration.data.pseudonym import KEY_ENV, canonical_case_id, load_key
from reintegration.privacy import (
    KINDS,
    identifier_sequences,
    scan_release,
    wave_pseudonyms,
)
from reintegration.privacy_raw import raw_identifiers

from reliability.conftest import KEY, PLANTED, PLANTED_WAVE

PATTERN = r"^[A-Z]{3}-[0-9]{4}-[0-9]+$"
PSEUDONYM = "a1b2c3d4e5f60718"


def png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + text.encode("latin-1"))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def fake_release(tmp_path) -> Path:
    """A release folder with clean files and one planted leak of each kind."""
    release = tmp_path / "results" / "releases" / "r"
    (release / "tables").mkdir(parents=True)
    (release / "figures").mkdir()
    (release / "data").mkdir()
    (release / "report").mkdir()
    # Clean files (must not be flagged): numbers, hashes, a base64 image, a person_key.
    pd.DataFrame({"country": ["GIN"], "n": [12], "mean": [0.61]}).to_csv(
        release / "tables" / "clean.csv", index=False
    )
    (release / "report" / "page.html").write_text(
        '<img src="data:image/png;base64,iVBORw0KGgo+2246991234567890AAAA==">'
        "<p>sha256 9f2c0e1d5b7a4c3e9f2c0e1d5b7a4c3e9f2c0e1d5b7a4c3e9f2c0e1d5b7a4c3e</p>",
        encoding="utf-8",
    )
    pd.DataFrame({"person_key": ["fedcba9876543210"], "score": [0.5]}).to_parquet(
        release / "data" / "clean.parquet"
    )
    # Leaks.
    (release / "tables" / "leak_phone.csv").write_text(
        f"country,contact\nGIN,{PLANTED['phones'][0]}\n", encoding="utf-8"
    )
    (release / "tables" / "leak_pseudonym.csv").write_text(
        f"person,score\n{PSEUDONYM},0.5\n", encoding="utf-8"
    )
    (release / "report" / "leak_key.json").write_text(json.dumps({"k": KEY}), encoding="utf-8")
    pd.DataFrame({"note": [f"visited {PLANTED['names'][0].upper()} at home"]}).to_parquet(
        release / "data" / "leak_name.parquet"
    )
    (release / "figures" / "leak_case_id.png").write_bytes(png_with_text("case GIN-2020-990001"))
    (release / "report" / "leak_address.md").write_text(
        "Lives at rue plantee 42 - KALOUM.\n", encoding="utf-8"
    )
    return release


EXPECTED = {
    "tables/leak_phone.csv": {"phone_number", "raw_identifier"},
    "tables/leak_pseudonym.csv": {"wave_pseudonym"},
    "report/leak_key.json": {"pseudonym_key"},
    "data/leak_name.parquet": {"raw_identifier"},
    "figures/leak_case_id.png": {"case_id", "raw_identifier"},
    "report/leak_address.md": {"raw_identifier"},
}


def planted_values() -> list[str]:
    return [v for values in PLANTED.values() for v in values]


@pytest.mark.parametrize("workers", [1, 3])
def test_scan_finds_every_planted_leak_and_nothing_else(fake_release, workers):
    """The same findings, in file order, whether one process or three scan the files."""
    result = scan_release(
        fake_release,
        case_id_pattern=PATTERN,
        identifiers=planted_values(),
        pseudonyms={PSEUDONYM},
        key=KEY.encode(),
        workers=workers,
    )
    files = [f["file"] for f in result.findings]
    assert files == sorted(files)
    found: dict[str, set[str]] = {}
    for f in result.findings:
        found.setdefault(f["file"], set()).add(f["kind"])
    assert found == EXPECTED
    assert result.files_scanned == 9 and not result.passed
    assert set(result.by_kind()) == set(KINDS)
    # The report names files and kinds, never a value.
    text = result.message() + json.dumps(result.to_dict())
    for value in [*planted_values(), PSEUDONYM, KEY]:
        assert value not in text
    assert "tables/leak_phone.csv" in result.message()


def test_scan_script_fails_naming_file_and_kind(fake_release, tmp_path):
    waves = tmp_path / "results" / "waves" / "w"
    waves.mkdir(parents=True)
    pd.DataFrame({"person_id": [PSEUDONYM]}).to_parquet(waves / "records.parquet")
    out = fake_release / "privacy_scan.json"
    env = dict(os.environ, **{KEY_ENV: KEY})
    result = subprocess.run(
        [sys.executable, str(REPO / "workflow" / "scripts" / "privacy_scan.py"),
         "--release-dir", str(fake_release), "--wave", "w",
         "--waves-dir", str(tmp_path / "results" / "waves"), "--raw-dir", str(tmp_path / "raw"),
         "--codebook", str(REPO / "config" / "codebook"), "--key-file", str(tmp_path / "nokey"),
         "--case-id-pattern", PATTERN, "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "tables/leak_pseudonym.csv: 1 wave pseudonym finding(s)" in result.stderr
    assert "report/leak_key.json: 1 pseudonym key finding(s)" in result.stderr
    for value in [PSEUDONYM, KEY, PLANTED["phones"][0]]:
        assert value not in result.stderr + result.stdout + out.read_text(encoding="utf-8")


def test_identifier_sequences_cover_spellings():
    seqs = identifier_sequences(["GIN-2020-990001", "Zebulon Quaxworth", "Ali", "+224 699 12"])
    assert ("gin", "2020", "990001") in seqs and ("gin2020990001",) in seqs
    assert ("zebulon", "quaxworth") in seqs
    assert ("ali",) not in seqs  # too short to search as one word


def test_a_joined_sequence_needs_a_digit_and_six_characters():
    """Several words are also searched joined (a case id's canonical form) when they hold a
    digit (a superscript two normalises to one; an Arabic-Indic three is dropped) and the
    joined form has at least six characters."""
    seqs = identifier_sequences(
        ["Rue des Écoles", "lot ٣ 12", "ab 1", "Kankan ², quartier", "note: 7 rue X", "N° 45-A"]
    )
    assert ("rue", "des", "ecoles") in seqs and ("ruedesecoles",) not in seqs  # no digit
    assert ("lot", "12") in seqs and ("lot12",) not in seqs  # five characters
    assert ("ab", "1") in seqs and ("ab1",) not in seqs
    assert ("kankan2quartier",) in seqs and ("note7ruex",) in seqs
    assert ("n", "45", "a") in seqs and ("n45a",) not in seqs


@pytest.mark.parametrize(
    "text",
    [
        "Philomène VRABLIKOVA, rue plantée 42",
        "PHILOMENE\u0301 x\u00a0y ﬁnal ｆｕｌｌ ½ Straße ǅemal İstanbul",
        "café’s naïve—coöperate\tline\nnext ´quoted` 12ª",
        "ascii only: Zebulon_Quaxworth +224 699",
        "",
    ],
)
def test_tokens_are_the_words_of_the_normalised_text(text):
    """The scan normalises only the non-ASCII runs; the words are those of the whole text."""
    from reintegration.privacy import TOKEN, tokens
    from reintegration.text import normalise

    assert tokens(text) == TOKEN.findall(normalise(text))


def test_copies_with_the_same_bytes_are_each_reported(tmp_path):
    """A page, a CSV and a parquet string column with an identifier, in report/ and publish/."""
    release = tmp_path / "r"
    name = PLANTED["names"][1]  # accented: "Philomène Vrablikova"
    for folder in ("report", "publish"):
        (release / folder).mkdir(parents=True)
        (release / folder / "page.html").write_text(
            f"<p>Été: {name.upper()} — vu à Conakry</p>", encoding="utf-8"
        )
        (release / folder / "t.csv").write_text(f"n,who\n3,{name}\n", encoding="utf-8")
        pd.DataFrame({"n": [1, 2], "who": ["x", f"dear {name.lower()}"]}).to_parquet(
            release / folder / "t.parquet"
        )
    result = scan_release(release, identifiers=planted_values())
    assert result.files_scanned == 6
    assert sorted((f["file"], f["kind"], f["count"]) for f in result.findings) == [
        (f"{folder}/{file}", "raw_identifier", 1)
        for folder in ("publish", "report")
        for file in ("page.html", "t.csv", "t.parquet")
    ]


def test_key_file_created_owner_only_whatever_the_umask(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    old = os.umask(0)  # most permissive: a plain open() would create a world-readable file
    try:
        path = tmp_path / "keys" / ".pseudonym_key"
        key = load_key(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64
    assert not list(path.parent.glob("*.tmp"))  # the temporary file is gone


def test_key_file_is_git_ignored():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert any(line.strip().lstrip("/") == ".pseudonym_key" for line in ignored)


# --- the seeded tiny release -------------------------------------------------------------------


def release_bytes(release_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release_dir).as_posix(): p.read_bytes()
        for p in sorted(release_dir.rglob("*"))
        if p.is_file()
    }


@pytest.mark.e2e
@pytest.mark.slow
def test_seeded_identifiers_reach_extraction_but_no_release_file(seeded_release):
    workdir, release_dir = seeded_release["workdir"], seeded_release["release_dir"]
    files = release_bytes(release_dir)
    assert any(n.startswith("internal/") for n in files), seeded_release["output"][-3000:]
    assert any(n.startswith("tables/") for n in files)
    # The planted records were read and kept (so they did flow into the release) ...
    report = json.loads(
        (workdir / "results/waves" / PLANTED_WAVE / "extract_report.json").read_text()
    )
    planted = [f for f in report["files"] if f["file"] == "zz_planted_identifiers.csv"]
    assert planted and planted[0]["rows_read"] == 3
    # ... but no planted value, in any spelling, is in any release file (plain byte search).
    needles = set()
    for value in planted_values():
        needles |= {value, value.upper(), value.lower()}
    needles |= {canonical_case_id(v) for v in PLANTED["case_ids"]}
    needles |= {v.replace(" ", "") for v in PLANTED["phones"]}
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        hits = [n for n in needles if n in text]
        assert hits == [], f"{name} holds planted identifier(s)"
    # The wave pseudonyms and the key are absent too: the scan, as the rule runs it.
    codebook = load_codebook(REPO / "config" / "codebook")
    waves = sorted(p.name for p in (workdir / "resources" / "raw").iterdir())
    identifiers = raw_identifiers([workdir / "resources" / "raw" / w for w in waves], codebook)
    # read in two processes (issue 16): the same set
    raw = [workdir / "resources" / "raw" / w for w in waves]
    assert raw_identifiers(raw, codebook, workers=2) == identifiers
    pseudonyms = wave_pseudonyms(workdir / "results/waves" / w / "records.parquet" for w in waves)
    assert len(pseudonyms) > 50 and len(identifiers) > 100
    result = scan_release(
        release_dir,
        case_id_pattern=PATTERN,
        identifiers=identifiers,
        pseudonyms=pseudonyms,
        key=KEY,
    )
    assert result.passed, result.message()
    assert result.files_scanned >= 20


@pytest.mark.e2e
@pytest.mark.slow
def test_privacy_scan_rule_is_part_of_the_pipeline(seeded_release):
    """The rule runs after every other release output; when the release completes, its scan
    passed (counts only). When an unrelated stage fails, the scan rule must not have run."""
    release_dir = seeded_release["release_dir"]
    scan = release_dir / "privacy_scan.json"
    index = release_dir / "report" / "index.html"
    if seeded_release["returncode"] == 0:
        assert index.exists() and scan.exists()
        summary = json.loads(scan.read_text(encoding="utf-8"))
        assert summary["passed"] and summary["findings"] == []
        assert summary["files_scanned"] >= 20
        assert set(summary["findings_by_kind"]) == set(KINDS)
    else:
        assert not scan.exists(), "the scan ran before the release was complete"
        pytest.xfail(
            "the tiny release did not complete (a stage unrelated to privacy failed); the scan "
            "was checked directly on the files built: " + seeded_release["output"][-600:]
        )

"""Privacy scan of a release: no identifier, pseudonym or key in any file (STUDY.md §8).

:func:`scan_release` reads every file under ``results/releases/<release>/`` as text (parquet:
every column name and distinct cell value; csv, json, md, html, svg, ipynb and other text
files as text, with embedded base64 images left out; png: its text chunks) and looks for:

- ``phone_number``: anything shaped like an international phone number (``+224 620 11 22 33``);
- ``case_id``: anything matching the configured raw case-id pattern (``extract.case_id_pattern``,
  unanchored);
- ``raw_identifier``: a value of a raw export's direct-identifier columns (names, phone numbers,
  addresses, GPS, notes) or case-id column, in any spelling differing only in case, accents,
  spacing or punctuation (matched as whole word sequences);
- ``wave_pseudonym``: a wave pseudonym (``person_id`` of the waves' records);
- ``pseudonym_key``: the pseudonymisation key itself.

**Where the raw identifiers come from.** They are read from the raw exports at scan time with
the extraction's own readers and held in memory only (normalised word sequences in a set), never
written anywhere, not even hashed. The alternative, extraction writing keyed hashes of identifier
values to a wave-level file for the scan to compare against hashed tokens of release text, was
rejected: it would add a file derived from direct identifiers to the outputs (hashes of names and
phone numbers from a small space can be brute-forced by anyone holding the key), it only finds
whole values cut at the same token boundaries, and it would tie extraction to the scan. Reading
the raw files again costs about as much as extraction and happens once per release.

The result holds counts only: which file, which kind of finding, how many; never a matched value.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reintegration.forked import forked_map
from reintegration.release_text import file_text
from reintegration.text import normalise

if TYPE_CHECKING:  # re-exported below, from the module k-anonymity lives in
    from reintegration.anonymity import (
        AGE_BANDS,
        QUASI_IDENTIFIERS,
        age_band,
        k_anonymity,
        k_anonymity_table,
        quasi_identifiers,
    )

#: Re-exported from reintegration.anonymity, imported when first asked for: the jobs that only
#: need this module's other names (the release manifest, publish/'s seal) do not load pandas.
_ANONYMITY = (
    "AGE_BANDS", "QUASI_IDENTIFIERS", "age_band", "k_anonymity", "k_anonymity_table",
    "quasi_identifiers",
)  # fmt: skip


def __getattr__(name: str):
    if name in _ANONYMITY:
        from reintegration import anonymity

        return getattr(anonymity, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGE_BANDS",
    "QUASI_IDENTIFIERS",
    "age_band",
    "check_names",
    "file_text",
    "k_anonymity",
    "k_anonymity_table",
    "quasi_identifiers",
    "scan_release",
]

KINDS = ("phone_number", "case_id", "raw_identifier", "wave_pseudonym", "pseudonym_key")
#: International phone numbers: ``+`` country code, then 7-12 digits with optional separators.
PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .\-]?\d){7,12}(?!\d)")
HEX16 = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{16}(?![0-9a-fA-F])")
TOKEN = re.compile(r"[0-9a-z]+")
#: A digit among the words of a sequence (TOKEN matches: ASCII digits only).
DIGIT = re.compile(r"[0-9]")
TEXT_SUFFIXES = {".csv", ".json", ".md", ".html", ".htm", ".svg", ".txt", ".rst", ".tsv", ".yaml"}
#: Identifier values shorter than this (letters and digits) as a single word are not searched:
#: too short to be identifying, too likely to be an ordinary word.
MIN_SINGLE_WORD = 6
SCAN_FILE = "privacy_scan.json"
#: The release's disclosure bookkeeping (relative to the release folder; rule module
#: disclosure.smk writes them, the release manifest lists them under ``disclosure_control``).
DISCLOSURE_FILES = {
    "suppression_log": "tables/suppression_log.csv",
    "k_anonymity": "tables/audit_k_anonymity.csv",
}
#: A key shorter than this is not searched for (it would match ordinary text); such keys are
#: weak anyway (the key file holds 64 hex characters).
MIN_KEY_LENGTH = 8


@dataclass
class ScanResult:
    release_dir: str
    files_scanned: int = 0
    findings: list[dict] = field(default_factory=list)  # {"file", "kind", "count"}
    checked: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, int]:
        counts = Counter()
        for f in self.findings:
            counts[f["kind"]] += f["count"]
        return {k: int(counts.get(k, 0)) for k in KINDS}

    def to_dict(self) -> dict:
        return {
            "files_scanned": self.files_scanned,
            "files_with_findings": len({f["file"] for f in self.findings}),
            "findings_by_kind": self.by_kind(),
            "findings": self.findings,
            "checked": self.checked,
            "passed": self.passed,
        }

    def message(self) -> str:
        lines = [
            f"  - {f['file']}: {f['count']} {f['kind'].replace('_', ' ')} finding(s)"
            for f in self.findings
        ]
        return (
            f"privacy scan of {self.release_dir} failed: {len(self.findings)} finding(s) "
            "(values not shown)\n" + "\n".join(lines)
        )


class PrivacyError(RuntimeError):
    """Identifiers, pseudonyms or the key found in a release."""


# --- what to look for -------------------------------------------------------------------------


#: A run of letters, digits and non-ASCII characters holding at least one non-ASCII character.
#: ASCII punctuation and spaces are left alone by :func:`normalise` and end a token, so the text
#: outside such runs is tokenised as lower-cased ASCII and only the runs are normalised.
NON_ASCII_RUN = re.compile(r"[0-9A-Za-z]*[^\x00-\x7f][^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*")


def tokens(text: str) -> list[str]:
    """The words of ``normalise(text)``; only the non-ASCII runs go through :func:`normalise`
    (the same words: it acts character by character, and ASCII punctuation ends a word)."""
    if text.isascii():
        return TOKEN.findall(text.lower())
    words: list[str] = []
    start = 0
    for run in NON_ASCII_RUN.finditer(text):
        words += TOKEN.findall(text[start : run.start()].lower())
        words += TOKEN.findall(normalise(run.group()))
        start = run.end()
    words += TOKEN.findall(text[start:].lower())
    return words


def identifier_sequences(
    values: Iterable[object], into: set | None = None, words: dict | None = None
) -> set[tuple[str, ...]]:
    """Normalised word sequences of identifier values (case ids: also their canonical form),
    added to ``into`` (a new set by default). ``words`` shares one string per distinct word
    among the sequences (names repeat: at 100x it halves the scan's memory)."""
    out: set[tuple[str, ...]] = set() if into is None else into
    words = {} if words is None else words
    # millions of values at 100x (notes and addresses among them): names bound once, and the
    # digit test a regex over the joined words (TOKEN matches, so ASCII), not a loop per char
    add, intern, has_digit = out.add, words.setdefault, DIGIT.search
    for value in values:
        if value is None or (isinstance(value, float) and value != value):
            continue
        seq = tuple([intern(w, w) for w in tokens(str(value))])
        if not seq:
            continue
        if len(seq) == 1 and len(seq[0]) < MIN_SINGLE_WORD:
            continue
        add(seq)
        joined = "".join(seq)
        if len(seq) > 1 and len(joined) >= MIN_SINGLE_WORD and has_digit(joined):
            add((joined,))  # GIN-2019-000123 -> gin2019000123, +224 620 11 -> 22462011
    return out


def wave_pseudonyms(paths: Iterable[str | Path]) -> set[str]:
    """The ``person_id`` values of wave tables (records.parquet / scores.parquet)."""
    import pandas as pd

    out: set[str] = set()
    for path in paths:
        if Path(path).is_file():
            ids = pd.read_parquet(path, columns=["person_id"])["person_id"]
            out.update(str(x) for x in ids.dropna().unique())
    return out


# --- the scan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sequences:
    """Identifier word sequences indexed for the scan: the lengths of the sequences starting
    with each word, and the set of all sequences (a hit is a lookup, not a comparison with every
    sequence sharing the first word)."""

    lengths: dict[str, tuple[int, ...]]
    members: AbstractSet[tuple[str, ...]]

    @classmethod
    def of(cls, sequences: Iterable[tuple[str, ...]]) -> Sequences:
        """Indexes ``sequences``; a set is used as it is (not copied, not changed)."""
        lengths: dict[str, set[int]] = {}
        members = sequences if isinstance(sequences, AbstractSet) else frozenset(sequences)
        for seq in members:
            lengths.setdefault(seq[0], set()).add(len(seq))
        return cls({w: tuple(sorted(n)) for w, n in lengths.items()}, members)

    def __bool__(self) -> bool:
        return bool(self.members)


def _sequence_hits(words: list[str], sequences: Sequences) -> int:
    """Positions of ``words`` where an identifier sequence starts (one hit per position)."""
    lengths, members = sequences.lengths, sequences.members
    if lengths.keys().isdisjoint(words):
        return 0
    return sum(
        1
        for i in [i for i, word in enumerate(words) if word in lengths]
        if any(tuple(words[i : i + n]) in members for n in lengths[words[i]])
    )


def scan_text(
    text: str,
    *,
    case_id: re.Pattern | None,
    sequences: Sequences,
    pseudonyms: set[str],
    key: str | None,
) -> dict[str, int]:
    """Counts of each kind of finding in ``text``."""
    counts = {
        "phone_number": len(PHONE.findall(text)),
        "case_id": len(case_id.findall(text)) if case_id else 0,
        "raw_identifier": _sequence_hits(tokens(text), sequences) if sequences else 0,
        "wave_pseudonym": (
            sum(1 for h in HEX16.findall(text) if h in pseudonyms) if pseudonyms else 0
        ),
        "pseudonym_key": text.count(key) if key else 0,
    }
    return counts


def unanchored(pattern: str) -> re.Pattern:
    """A case-id pattern (``^...$``) as a search pattern bounded by non-alphanumerics."""
    core = pattern.removeprefix("^").removesuffix("$")
    return re.compile(rf"(?<![A-Za-z0-9])(?:{core})(?![A-Za-z0-9])")


def _reading_of(path: Path) -> str:
    """How :func:`file_text` reads the file (its suffix decides)."""
    suffix = path.suffix.lower()
    return suffix if suffix in (".parquet", ".png", ".ipynb") else "text"


def _scan_file(path: Path, data: bytes, scan) -> tuple[dict[str, int], str | None]:
    """The counts of the file whose bytes are ``data``, and the error if it could not be read
    as its kind (its bytes are then scanned as text)."""
    try:
        return scan(file_text(path, data)), None
    except Exception as error:  # unreadable parquet etc.: scan its bytes as text instead
        return scan(data.decode("utf-8", errors="replace")), type(error).__name__


def scan_release(
    release_dir: str | Path,
    *,
    case_id_pattern: str | None = None,
    identifiers: set[tuple[str, ...]] | Iterable[str] = (),
    pseudonyms: Iterable[str] = (),
    key: bytes | str | None = None,
    exclude: Iterable[str] = (SCAN_FILE,),
    workers: int = 1,
) -> ScanResult:
    """Scan every file under ``release_dir``; see the module docstring.

    Args:
        case_id_pattern: the configured raw case-id pattern (anchors allowed).
        identifiers: raw identifier values, or word sequences from :func:`raw_identifiers`.
        pseudonyms: the wave pseudonyms (``person_id``) of the release's waves.
        key: the pseudonymisation key.
        exclude: file names (relative to ``release_dir``) not scanned: the scan's own output.
        workers: processes scanning the files (forked; the result does not depend on it).
    """
    release_dir = Path(release_dir)
    if not isinstance(identifiers, AbstractSet):
        identifiers = list(identifiers)
    if identifiers and not isinstance(next(iter(identifiers)), tuple):
        identifiers = identifier_sequences(identifiers)
    sequences = Sequences.of(identifiers)
    pseudonyms = set(pseudonyms)
    key_text = key.decode("utf-8") if isinstance(key, bytes) else key
    if key_text and len(key_text) < MIN_KEY_LENGTH:
        key_text = None  # too short to search without matching ordinary text
    case_id = unanchored(case_id_pattern) if case_id_pattern else None
    result = ScanResult(
        str(release_dir),
        checked={
            "phone_number_pattern": PHONE.pattern,
            "case_id_pattern": case_id_pattern or "",
            "raw_identifier_values": len(identifiers),
            "wave_pseudonyms": len(pseudonyms),
            "pseudonym_key": bool(key_text),
        },
    )
    skip = set(exclude)

    def scan(text: str) -> dict[str, int]:
        return scan_text(
            text, case_id=case_id, sequences=sequences, pseudonyms=pseudonyms, key=key_text
        )

    files = []  # (relative name, content): copies (report/, publish/) are scanned once
    first_of: dict[tuple[str, bytes], Path] = {}
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(release_dir).as_posix()
        if relative not in skip:
            content = (_reading_of(path), hashlib.sha256(path.read_bytes()).digest())
            files.append((relative, content))
            first_of.setdefault(content, path)
    found = forked_map(lambda p: _scan_file(p, p.read_bytes(), scan), first_of.values(), workers)
    scanned = dict(zip(first_of, found, strict=True))
    for relative, content in files:
        result.files_scanned += 1
        counts, error = scanned[content]
        if error:
            result.checked.setdefault("read_as_bytes", []).append(f"{relative} ({error})")
        for kind in KINDS:
            if counts[kind]:
                result.findings.append({"file": relative, "kind": kind, "count": counts[kind]})
    return result


# --- names that reach paths and commands (issue 17) --------------------------------------------

#: Wave and release names: what the config schema allows for both.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_names(names, *, what: str, where: str) -> list[str]:
    """``names`` unchanged if each is a safe wave/release name (no ``/``, ``..`` start, space,
    shell metacharacter); else ``ValueError`` listing the bad ones and where they came from."""
    names = [str(n) for n in names]
    bad = [n for n in names if not SAFE_NAME.fullmatch(n)]
    if bad:
        raise ValueError(
            f"{what} name(s) {bad!r} from {where} are not allowed: use letters, digits, '.', '_' "
            "and '-' only, starting with a letter or digit (rename the folder)"
        )
    return names

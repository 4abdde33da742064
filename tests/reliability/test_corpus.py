"""Every case of the bad-input corpus (corpus.py) meets its expected outcome, the ledger holds.

The stages run through the package functions (extract -> clean -> score), as the rules call
them, without Snakemake. ``test_corpus_summary`` prints the outcome counts by class and
format (run with ``-s`` to see them).
"""

from __future__ import annotations

from collections import Counter

import pytest
from data.fixtures import REPO
from reintegration.codebook import load_codebook
from reintegration.data.clean import RULES, clean_wave
from reintegration.data.extract import ExtractOptions, extract_wave
from reintegration.data.ledger import build_ledger, check_ledger
from reintegration.data.score import score_records
from reintegration.problems import ProblemsError

from reliability.corpus import CASES, FORMATS, WAVE, Case

KEY = b"reliability-corpus-key"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(REPO / "config" / "codebook")


def run_case(case: Case, folder, codebook):
    """Run a case; return ``("fail", message)`` or ``("ok", records, report, result, scores)``."""
    case.build(folder)
    try:
        records, report = extract_wave(folder, WAVE, codebook, KEY, ExtractOptions(**case.options))
        result = clean_wave(records, codebook, wave=WAVE, extract_report=report)
    except ProblemsError as error:
        return ("fail", str(error))
    scores = score_records(result.clean, codebook)
    return ("ok", records, report, result, scores)


def params() -> list:
    return [
        pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.slow else [])
        for case in CASES
    ]


@pytest.mark.parametrize("case", params())
def test_case(case: Case, tmp_path, codebook):
    folder = tmp_path / "raw" / WAVE
    folder.mkdir(parents=True)
    outcome = run_case(case, folder, codebook)
    if case.outcome == "fail":
        assert outcome[0] == "fail", f"{case.name}: expected a failure, the run went through"
        message = outcome[1]
        assert f"[{case.rule}]" in message, message[:2000]
        for fragment in case.fragments:
            assert fragment in message, (fragment, message[:2000])
        assert len(message) < 5000, "problem messages stay readable (long cells are clipped)"
        return
    assert outcome[0] == "ok", f"{case.name}: unexpected failure\n{outcome[1][:3000]}"
    _, records, report, result, scores = outcome
    # The ledger holds, and every record is in exactly one place.
    ledger = build_ledger(
        report, len(records), len(result.clean), len(result.quarantine), result.duplicates_merged
    )
    check_ledger(ledger)
    assert records["record_id"].is_unique
    kept, quarantined = set(result.clean["record_id"]), set(result.quarantine["record_id"])
    log = result.log
    merged = set(log.loc[log["action"] == "duplicate_merged", "from"])
    assert not (kept & quarantined) and not (kept & merged) and not (quarantined & merged)
    assert kept | quarantined | merged == set(records["record_id"])
    # Every kept record is scored exactly once.
    assert scores["record_id"].tolist() == result.clean["record_id"].tolist()
    # Quarantine rows name the file, row, rule and a reason, never an identifier column.
    q = result.quarantine
    assert set(q["rule"]) <= set(RULES)
    assert q["reason"].str.len().gt(0).all()
    if case.outcome == "quarantine":
        hit = q[(q["source_file"] == case.file) & (q["source_row"] == case.row)]
        assert len(hit) == 1, q[["source_file", "source_row", "rule", "reason"]]
        assert hit["rule"].iloc[0] == case.rule, hit["reason"].iloc[0]
        for fragment in case.fragments:
            assert fragment in hit["reason"].iloc[0], (fragment, hit["reason"].iloc[0])
        assert len(q) == (case.quarantined or 1), q[["source_row", "rule", "reason"]]
    else:
        assert len(q) == 0, q[["source_file", "source_row", "rule", "reason"]]
        if case.rule:
            assert (log["action"] == case.rule).any(), log
    if case.check is not None:
        case.check(records, report, result, scores)


def test_corpus_size_and_coverage():
    """At least 40 distinct malformed inputs, across the four source formats and all classes."""
    assert len(CASES) >= 40
    assert {c.format for c in CASES} == set(FORMATS)
    by_class = Counter(c.outcome for c in CASES)
    assert by_class["fail"] >= 10 and by_class["quarantine"] >= 10 and by_class["correct"] >= 10
    covered = {c.rule for c in CASES if c.outcome == "quarantine"}
    assert set(RULES) - covered == set(), f"quarantine rules without a case: {set(RULES) - covered}"


def test_corpus_summary(capsys):
    classes = Counter(c.outcome for c in CASES)
    formats = Counter((c.format, c.outcome) for c in CASES)
    with capsys.disabled():
        print(f"\nbad-input corpus: {len(CASES)} cases; by class: {dict(sorted(classes.items()))}")
        for fmt in FORMATS:
            print(f"  {fmt}: " + ", ".join(f"{o} {formats[(fmt, o)]}" for o in sorted(classes)))

"""Nothing personal in the workflow's own bookkeeping (issue 17 Build 5).

The seeded tiny release (conftest.py) plants names, phone numbers, addresses and raw case ids
in a raw export. Every file the run writes outside ``resources/raw`` -- logs/, .snakemake/
metadata and logs, wave outputs, executed notebooks, the release -- is read (parquet and png
via the privacy scan's reader, everything else as bytes) and must hold none of them, in any
spelling the scan knows (case, separators, canonical case id, phone without spaces).
"""

from __future__ import annotations

import pytest
from reintegration.data.pseudonym import canonical_case_id
from reintegration.privacy import file_text

from reliability.conftest import PLANTED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: What the pipeline may legitimately hold: the raw exports themselves and the config copies.
SKIP_PREFIXES = ("resources/raw/", "config/", "tests/config/")


def needles() -> set[str]:
    out = set()
    for kind in ("names", "phones", "addresses", "case_ids"):
        for value in PLANTED[kind]:
            out |= {value, value.upper(), value.lower()}
    out |= {canonical_case_id(v) for v in PLANTED["case_ids"]}
    out |= {v.replace(" ", "") for v in PLANTED["phones"]}
    return out


def test_no_planted_identifier_in_any_file_the_run_wrote(seeded_release):
    workdir = seeded_release["workdir"]
    files = [
        p
        for p in sorted(workdir.rglob("*"))
        if p.is_file() and not p.relative_to(workdir).as_posix().startswith(SKIP_PREFIXES)
    ]
    names = {p.relative_to(workdir).as_posix() for p in files}
    assert any(n.startswith("logs/") for n in names), sorted(names)[:20]
    assert any(n.startswith(".snakemake/") for n in names)
    assert any(n.startswith("results/waves/") for n in names)
    wanted = needles()
    leaks = {}
    for path in files:
        try:
            text = file_text(path)
        except Exception:  # a file the scan cannot parse: search its bytes
            text = path.read_bytes().decode("utf-8", errors="replace")
        hits = sorted(n for n in wanted if n in text)
        if hits:
            leaks[path.relative_to(workdir).as_posix()] = len(hits)
    assert leaks == {}, f"planted identifiers (counts, values not shown) in: {leaks}"
    print(f"\n{len(files)} bookkeeping and output files searched, none holds a planted value")

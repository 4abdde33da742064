"""Extraction's faster paths (issue 16) against the plain Python they replace.

Blank cells are found by Arrow's whitespace trim instead of ``str.strip`` per cell, and a sheet
part is searched for a formula tag only where one can start; both must decide exactly as the
per-cell and regex-only code did. The collector setting is checked in a child process (it is
process-wide).
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pandas as pd
import pytest
from reintegration.data.extract import _text_column
from reintegration.data.spreadsheets import _FORMULA_TAG, _has_formula_tag

#: Every code point ``str.strip`` removes (surrogates cannot be stored as UTF-8).
PY_WHITESPACE = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and chr(c).isspace()]


def per_cell(values) -> pd.api.extensions.ExtensionArray:
    """The specification: one ``str.strip`` per cell, blank cells missing."""
    return pd.array([v if v.strip() else None for v in values], dtype="string")


def test_python_whitespace_is_what_the_test_covers():
    # a fixed fact of Unicode (and of str.isspace): 25 White_Space characters + 4 separators
    assert len(PY_WHITESPACE) == 29
    assert {"\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", " ", "\x85", "\xa0"} <= set(
        PY_WHITESPACE
    )


@pytest.mark.parametrize("blank", PY_WHITESPACE)
def test_each_whitespace_character_alone_or_around_text_is_judged_as_strip_does(blank):
    values = ("", blank, blank * 3, f"{blank}a", f"a{blank}", f"a{blank}b", "a", blank + " ")
    got = _text_column(values)
    assert got.dtype == per_cell(values).dtype
    assert got.equals(per_cell(values))
    assert got.isna().tolist() == [True, True, True, False, False, False, False, True]


def test_look_alike_characters_that_are_not_whitespace_stay_text():
    # zero-width space and joiner, BOM, word joiner, Mongolian vowel separator, braille blank
    values = ("\u200b", "\u200d", "\ufeff", "\u2060", "\u180e", "\u2800", "\x00", "Guinée")
    got = _text_column(values)
    assert got.equals(per_cell(values))
    assert not got.isna().any()
    assert got.tolist() == list(values)  # text kept as it was, untrimmed


def test_random_mixtures_match_the_per_cell_column():
    rng = random.Random(16)
    alphabet = [*PY_WHITESPACE, "a", "é", "1", "-", "\u200b", "😀"]
    values = tuple("".join(rng.choices(alphabet, k=rng.randint(0, 4))) for _ in range(5000))
    assert _text_column(values).equals(per_cell(values))
    assert _text_column(()).equals(per_cell(()))


def test_non_text_cells_are_refused_as_before():
    with pytest.raises((TypeError, AttributeError, ValueError)):
        per_cell(("a", 1))
    with pytest.raises((TypeError, ValueError)):
        _text_column(("a", 1))


@pytest.mark.parametrize(
    "xml",
    [
        b"<c><f>SUM(A1:A2)</f><v>3</v></c>",
        b'<c><f t="shared" si="0"/></c>',
        b"<x:c><x:f>A1</x:f></x:c>",
        b"<c><f\n>A1</f></c>",
        b"<font/><fill/>",  # '<f' without a formula tag
        b'<c r="A1" t="inlineStr"><is><t>http://f</t></is></c>',  # ':f' without a tag
        b"<sheetData><row><c><v>1</v></c></row></sheetData>",
        b"",
        b"<",
        b"<f",
        b":f>",
    ],
)
def test_formula_tag_found_exactly_where_the_regex_finds_one(xml):
    assert _has_formula_tag(xml) == bool(_FORMULA_TAG.search(xml))


def test_formula_tag_on_every_short_string_of_its_characters():
    pieces = [b"<", b"f", b":", b"x", b" ", b">", b"/", b"_"]
    for n in range(1, 6):
        for parts in itertools.product(pieces, repeat=n):
            xml = b"".join(parts)
            assert _has_formula_tag(xml) == bool(_FORMULA_TAG.search(xml)), xml


def test_collect_rarely_freezes_and_sets_the_thresholds():
    code = (
        "import gc\n"
        "from reintegration.collector import THRESHOLDS, collect_rarely\n"
        "before = gc.get_freeze_count()\n"
        "collect_rarely()\n"
        "assert gc.get_threshold() == THRESHOLDS != (700, 10, 10), gc.get_threshold()\n"
        "assert gc.get_freeze_count() > before, (before, gc.get_freeze_count())\n"
        "assert gc.isenabled()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from reintegration.text import _APOSTROPHES, _SPACES, normalise, split_variants


def normalise_every_step(text: str) -> str:
    """normalise's steps all applied, the ASCII shortcut not taken."""
    s = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _SPACES.sub(" ", s).strip().casefold()


def test_normalise_ignores_case_spacing_accents_and_apostrophes():
    assert normalise("  Très   Satisfait ") == "tres satisfait"
    assert normalise("Côte d’Ivoire") == normalise("cote d'ivoire")
    assert normalise(None) == ""


def test_normalise_keeps_distinct_words_distinct():
    assert normalise("Satisfied") != normalise("Dissatisfied")
    assert normalise("Suivi") != normalise("Suivi téléphonique")


@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_is_normalised_as_by_every_step(text):
    assert normalise(text) == normalise_every_step(text)


def test_ascii_shortcut_keeps_backticks_controls_and_spacing_rules():
    for text in ("`a`  B\t\n", "\x1c x \x1f", "CIV-2017-001702", " Meta/ID_cas ", "l`homme"):
        assert normalise(text) == normalise_every_step(text)
    assert normalise("l`Homme") == normalise("l’homme") == "l'homme"


def test_split_variants():
    assert split_variants("DK| Dont know ||NSP") == ["DK", "Dont know", "NSP"]
    assert split_variants(None) == []
    assert split_variants(float("nan")) == []

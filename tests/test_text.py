from hypothesis import given
from hypothesis import strategies as st
from reintegration.text import normalise, split_variants


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


def test_split_variants():
    assert split_variants("DK| Dont know ||NSP") == ["DK", "Dont know", "NSP"]
    assert split_variants(None) == []
    assert split_variants(float("nan")) == []

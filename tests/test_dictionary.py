from reintegration.codebook import load_codebook
from reintegration.codebook.dictionary import dictionary_sections, render_html, render_markdown


def test_dictionary_lists_every_indicator_with_scores_and_weights(repo):
    cb = load_codebook(repo / "config" / "codebook")
    sections = dictionary_sections(cb, min_answered_share=0.4)
    md = render_markdown(sections, title="T")
    for name in cb.items["name"]:
        assert f"| {name} |" in md
    assert "Very satisfied / Très satisfait = 1" in md
    assert "Very often / Très souvent = 0" in md  # distress-type items score 0 for "very often"
    assert "not public" in md and "0.4 of the dimension's weight" in md
    assert "(0.091)" in md  # one of 11 social items with equal weights: 1/11


def test_dictionary_html_is_self_contained_and_escaped(repo):
    cb = load_codebook(repo / "config" / "codebook")
    page = render_html(dictionary_sections(cb, min_answered_share=0.5), title="A & B")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>A &amp; B</title>" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "Côte d&#x27;Ivoire" in page or "Côte d'Ivoire" in page

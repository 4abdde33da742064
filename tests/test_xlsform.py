"""XLSForm onboarding: a small KoboToolbox-style form written here with openpyxl; every
question and choice is either matched to the codebook (as the test decides by hand) or listed
in unmatched.csv; the codebook folder is left byte-identical."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from reintegration.codebook import load_codebook
from reintegration.codebook.xlsform import XLSFormError, draft_from_xlsform, key, read_xlsform

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "config" / "codebook"

EN, FR = "label::English (en)", "label::French (fr)"
SURVEY = [
    ["type", "name", EN, FR, "required"],
    ["start", "start", "", "", ""],
    ["begin group", "meta", "Identification", "Identification", ""],
    ["text", "case_id", "Case ID", "Identifiant du cas", "yes"],
    ["select_one pays", "pays", "Country of return", "Pays de retour", "yes"],
    ["integer", "age_years", "Age in years", "", ""],
    ["date", "dob", "", "Date de naissance", ""],
    ["end group", "", "", "", ""],
    ["note", "intro", "Thank you", "Merci", ""],
    ["select_one sat", "q1",
     "1. How satisfied are you with your current economic situation ?", "", ""],
    ["select_one yn", "eco_borrow_ability", "Could you borrow money?", "", ""],
    ["text", "favourite_colour", "What is your favourite colour?", "Couleur préférée ?", ""],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", EN, FR],
    ["pays", "GIN", "Guinea", "Guinée"],
    ["pays", "sen", "Senegal", "SÉNÉGAL"],
    ["pays", "gin_cky", "Conakry region", "Région de Conakry"],
    ["sat", "1", "Very satisfied", "Très satisfait"],
    ["sat", "2", "Fairly satisfied", "Satisfait"],
    ["sat", "9", "Cannot say", "Je ne peux pas dire"],
    ["yn", "yes", "Yes", "Oui"],
    ["yn", "no", "No", "Non"],
]


def write_form(path: Path, survey=SURVEY, choices=CHOICES, sheets=("survey", "choices")) -> Path:
    wb = Workbook()
    wb.active.title = sheets[0]
    for row in survey:
        wb[sheets[0]].append(row)
    ws = wb.create_sheet(sheets[1])
    for row in choices:
        ws.append(row)
    wb.create_sheet("settings").append(["form_title", "RSS Guinée"])
    wb.save(path)
    return path


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    form = write_form(tmp_path_factory.mktemp("form") / "rss_guinee.xlsx")
    survey, choices = read_xlsform(form)
    return draft_from_xlsform(survey, choices, load_codebook(CODEBOOK), format_name="kobo_gin")


def test_key_normalises_case_accents_spacing_numbering():
    assert (
        key("1. How satisfied are you ?")
        == key("how  SATISFIED are you?")
        == "how satisfied are you"
    )
    assert key("Q12) Âge") == key("age")


def test_questions_matched_by_name_path_or_label(drafts):
    s = drafts["sources_draft"]
    by_variable = s.groupby("variable")["header"].apply(list).to_dict()
    assert set(by_variable) == {"case_id", "country", "age", "date_of_birth", "eco_satisfaction",
                                "eco_borrow_ability"}  # fmt: skip
    # every header an export may carry: group path, name, each label
    assert by_variable["country"] == ["meta/pays", "pays", "Country of return", "Pays de retour"]
    assert by_variable["date_of_birth"] == ["meta/dob", "dob", "Date de naissance"]
    assert (s["format"] == "kobo_gin").all()
    notes = s.drop_duplicates("variable").set_index("variable")["note"]
    assert notes["age"] == "from XLSForm row 6: label (en) = codebook label_en"
    assert notes["date_of_birth"] == "from XLSForm row 7: label (fr) = codebook label_fr"
    assert notes["eco_borrow_ability"] == "from XLSForm row 11: name = codebook name"
    assert notes["eco_satisfaction"].endswith("label (en) = codebook label_en")


def test_choices_matched_with_new_variants(drafts):
    c = drafts["choices_draft"].set_index(["form_list", "form_choice"])
    assert c.loc[("pays", "GIN"), "value"] == "GIN" and c.loc[("pays", "GIN"), "new_variants"] == ""
    assert c.loc[("pays", "sen"), "value"] == "SEN"  # name = value, labels known after normalising
    assert c.loc[("sat", "1"), "value"] == "very_satisfied"
    # "Fairly satisfied" is new; "Satisfait" is the codebook's French label
    assert c.loc[("sat", "2"), ["value", "new_variants"]].tolist() == [
        "satisfied",
        "Fairly satisfied",
    ]
    assert c.loc[("yn", "no"), "list_name"] == "yes_no_pos"
    assert len(c) == 6


def test_every_unmatched_question_and_choice_listed(drafts):
    u = drafts["unmatched"]
    assert u[["kind", "form_list", "name"]].values.tolist() == [
        ["choice", "pays", "gin_cky"],
        ["choice", "sat", "9"],
        ["question", "", "favourite_colour"],
    ]
    assert u.iloc[2]["labels"] == "What is your favourite colour? | Couleur préférée ?"
    assert "no option of codebook list 'countries'" in u.iloc[0]["reason"]


def test_command_writes_drafts_and_leaves_codebook_alone(tmp_path):
    form = write_form(tmp_path / "Formulaire RSS.xlsx")
    before = digest(CODEBOOK)
    result = subprocess.run(
        [sys.executable, "-m", "reintegration.codebook.xlsform", str(form),
         "--out", str(tmp_path / "draft"), "--codebook", str(CODEBOOK)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "6 questions matched, 6 choices matched, 3 unmatched" in result.stdout
    assert digest(CODEBOOK) == before
    s = pd.read_csv(tmp_path / "draft" / "sources_draft.csv", dtype=str, keep_default_na=False)
    assert list(s.columns) == ["format", "header", "variable", "note"]
    assert set(s["format"]) == {"formulaire_rss"}
    assert {p.name for p in (tmp_path / "draft").iterdir()} == {
        "sources_draft.csv", "choices_draft.csv", "unmatched.csv"}  # fmt: skip


def test_plain_label_column_and_missing_sheet(tmp_path):
    survey = [["type", "name", "label"], ["select_one s", "sexe", "Sexe"]]
    choices = [["list_name", "name", "label"], ["s", "f", "Femme"], ["s", "m", "Homme"]]
    s, c = read_xlsform(write_form(tmp_path / "a.xlsx", survey, choices))
    d = draft_from_xlsform(s, c, load_codebook(CODEBOOK), format_name="x")
    assert d["sources_draft"]["variable"].unique().tolist() == ["sex"]
    assert d["choices_draft"]["value"].tolist() == ["female", "male"]
    with pytest.raises(XLSFormError, match="no sheet 'choices'"):
        read_xlsform(write_form(tmp_path / "b.xlsx", survey, choices, ("survey", "options")))

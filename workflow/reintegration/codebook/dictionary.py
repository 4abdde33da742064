"""The data dictionary: the codebook rendered as a page a reader can open.

One structure (a list of sections, each a title, a paragraph and a table) is rendered
to Markdown and to self-contained HTML, so both say the same thing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from reintegration.codebook.load import DIMENSIONS, Codebook

WEIGHTS_NOTE = (
    "IOM's official indicator weights (Annex 3 to its General Note on M&E for AVR(R)) are not "
    "public in the sources of this study. The codebook therefore uses equal weights within each "
    "dimension and a composite that is the mean of the three dimension scores. A user with the "
    "official table replaces config/codebook/weights.csv; nothing else changes."
)


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    table: pd.DataFrame


def _answers(codebook: Codebook, list_name: str, *, scored: bool) -> str:
    options = codebook.choices[codebook.choices["list_name"] == list_name]
    parts = []
    for _, row in options.iterrows():
        label = f"{row['label_en']} / {row['label_fr']}"
        if scored and isinstance(row["score"], int | float) and not pd.isna(row["score"]):
            parts.append(f"{label} = {row['score']:g}")
        elif scored:
            parts.append(f"{label} = missing ({row['nonresponse']})")
        else:
            parts.append(label)
    return "; ".join(parts)


def dictionary_sections(codebook: Codebook, *, min_answered_share: float) -> list[Section]:
    """Build the dictionary's sections from a valid codebook."""
    v, w = codebook.variables, codebook.weights
    item_weight = dict(zip(w["component"], w["weight"], strict=True))
    sections = [
        Section(
            "Scoring",
            f"Each answer is scored in [0, 1], higher meaning more reintegrated; non-response "
            f"(don't know, refused, not applicable) is missing, never 0. A dimension score is the "
            f"weighted mean of its answered items and is missing when the answered items carry less "
            f"than {min_answered_share:g} of the dimension's weight (config: "
            f"scoring.min_answered_share). {WEIGHTS_NOTE}",
            pd.DataFrame(
                {
                    "dimension": list(DIMENSIONS),
                    "items": [int((codebook.items["dimension"] == d).sum()) for d in DIMENSIONS],
                    "weight in composite": [item_weight.get(d) for d in DIMENSIONS],
                }
            ),
        )
    ]
    for dim in DIMENSIONS:
        items = codebook.items[codebook.items["dimension"] == dim]
        total = sum(item_weight[n] for n in items["name"])
        sections.append(
            Section(
                f"{dim.capitalize()} dimension",
                f"Indicators {items['indicator'].min()}-{items['indicator'].max()} of the RSS (Annex 2 of the report).",
                pd.DataFrame(
                    {
                        "#": items["indicator"].astype(int).to_numpy(),
                        "variable": items["name"].to_numpy(),
                        "indicator": items["description"].to_numpy(),
                        "question (en / fr)": (
                            items["label_en"] + " / " + items["label_fr"]
                        ).to_numpy(),
                        "answers = score": [
                            _answers(codebook, ln, scored=True) for ln in items["list_name"]
                        ],
                        "weight (share of dimension)": [
                            f"{item_weight[n]:g} ({item_weight[n] / total:.3f})"
                            for n in items["name"]
                        ],
                    }
                ),
            )
        )
    pre = v[v["module"] == "premigration"]
    sections.append(
        Section(
            "Pre-migration module",
            "Recalled situation before departure, scored with the same choice lists as the RSS item it pairs with, so that pre and post are comparable. Not part of any dimension score.",
            pd.DataFrame(
                {
                    "variable": pre["name"].to_numpy(),
                    "compared with": pre["pairs_with"].to_numpy(),
                    "question (en / fr)": (pre["label_en"] + " / " + pre["label_fr"]).to_numpy(),
                }
            ),
        )
    )
    meta = v[v["module"] == "metadata"]
    sections.append(
        Section(
            "Metadata and direct identifiers",
            "Direct identifiers (identifier = yes) are dropped at extraction and never reach any output; the case identifier is replaced by a keyed pseudonym.",
            pd.DataFrame(
                {
                    "variable": meta["name"].to_numpy(),
                    "label (en / fr)": (meta["label_en"] + " / " + meta["label_fr"]).to_numpy(),
                    "type": meta["type"].to_numpy(),
                    "required": meta["required"].to_numpy(),
                    "direct identifier": meta["identifier"].to_numpy(),
                    "answers": [
                        _answers(codebook, ln, scored=False) if isinstance(ln, str) and ln else ""
                        for ln in meta["list_name"]
                    ],
                }
            ),
        )
    )
    f = codebook.formats
    counts = codebook.sources.groupby("format").size()
    sections.append(
        Section(
            "Source formats",
            "Raw exports are recognised by their headers (sources.csv lists every accepted header per format).",
            pd.DataFrame(
                {
                    "format": f["format"].to_numpy(),
                    "language": f["language"].to_numpy(),
                    "files": f["file_types"].to_numpy(),
                    "dates": f["date_order"].to_numpy(),
                    "headers known": [int(counts.get(x, 0)) for x in f["format"]],
                    "description": f["description"].to_numpy(),
                }
            ),
        )
    )
    return sections


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(sections: list[Section], *, title: str) -> str:
    lines = [f"# {title}", ""]
    for s in sections:
        lines += [f"## {s.title}", "", s.text, ""]
        cols = list(s.table.columns)
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for row in s.table.itertuples(index=False):
            lines.append("| " + " | ".join(_md_cell(x) for x in row) + " |")
        lines.append("")
    return "\n".join(lines)


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#222;line-height:1.4}
table{border-collapse:collapse;width:100%;margin-bottom:2rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
h2{margin-top:2.5rem}
"""


def render_html(sections: list[Section], *, title: str) -> str:
    body = [f"<h1>{html.escape(title)}</h1>", "<nav><ul>"]
    body += [f'<li><a href="#s{i}">{html.escape(s.title)}</a></li>' for i, s in enumerate(sections)]
    body.append("</ul></nav>")
    for i, s in enumerate(sections):
        body.append(f'<h2 id="s{i}">{html.escape(s.title)}</h2>')
        body.append(f"<p>{html.escape(s.text)}</p>")
        body.append(s.table.to_html(index=False, escape=True, border=0, na_rep=""))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )

"""Codebook labels used by Chapter II tables and figures (English labels, ``label_en``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reintegration.codebook import load_codebook
from reintegration.codebook.indicators import chapter_indicators

#: The six programmes printed in Annex 3, in the published order (assistance values).
PUBLISHED_PROGRAMMES = (
    "microbusiness",
    "training",
    "psychosocial",
    "material",
    "medical",
    "financial",
)
#: The six countries printed in Annex 3, in the published order (ISO3 values).
PUBLISHED_COUNTRIES = ("GNB", "ETH", "CIV", "SEN", "GIN", "NGA")
DIMENSIONS = ("economic", "social", "psychosocial")
OUTCOMES = (*DIMENSIONS, "composite")


@dataclass(frozen=True)
class Labels:
    """English labels from the codebook: ``choices[list][value]``, ``items[name]``."""

    choices: dict[str, dict[str, str]]
    choice_order: dict[str, list[str]]
    nonresponse: dict[str, set[str]]
    items: dict[str, str]
    item_lists: dict[str, str]
    #: the codebook's indicators.csv (binary readings of items, both chapters)
    indicator_table: pd.DataFrame | None = None

    def country(self, value: str) -> str:
        return self.choices["countries"].get(value, value)

    def answer(self, item: str, value: str) -> str:
        return self.choices[self.item_lists[item]].get(value, value)

    def answers(self, item: str) -> list[str]:
        """Substantive answer values of ``item`` in codebook order (non-response left out)."""
        name = self.item_lists[item]
        return [v for v in self.choice_order[name] if v not in self.nonresponse[name]]

    def indicators(self, chapter: str) -> dict[str, tuple]:
        """``{name: (item, answers counted as yes, text)}`` of ``chapter`` ("chapter2" or
        "chapter3") from this codebook's indicators.csv."""
        if self.indicator_table is None:
            raise ValueError("these labels were built without the codebook's indicators table")
        return chapter_indicators(chapter, self.indicator_table)

    def scale(self, item: str) -> dict[str, str]:
        """``{value: English label}`` of the substantive answers of ``item``, in scale order."""
        return {a: self.answer(item, a) for a in self.answers(item)}


def load_labels(codebook_dir: str | Path) -> Labels:
    """Read the labels Chapter II needs from the codebook folder."""
    cb = load_codebook(codebook_dir)
    ch = cb.choices
    choices: dict[str, dict[str, str]] = {}
    order: dict[str, list[str]] = {}
    nonresponse: dict[str, set[str]] = {}
    for list_name, rows in ch.groupby("list_name", sort=False):
        choices[list_name] = dict(zip(rows["value"], rows["label_en"], strict=True))
        order[list_name] = list(rows["value"])
        flags = rows["nonresponse"] if "nonresponse" in rows else pd.Series("", index=rows.index)
        nr = {
            v
            for v, f in zip(rows["value"], flags, strict=True)
            if isinstance(f, str) and f.strip() not in ("", "no")
        }
        nonresponse[list_name] = nr | {"dont_know", "refused", "not_applicable"}
    v = cb.variables
    items = dict(zip(v["name"], v["label_en"], strict=True))
    item_lists = {
        n: ln for n, ln in zip(v["name"], v["list_name"], strict=True) if isinstance(ln, str)
    }
    return Labels(choices, order, nonresponse, items, item_lists, cb.indicators)

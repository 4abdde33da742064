"""Answer labels -> canonical choice values, with the kind of recode each match needed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reintegration.codebook import Codebook
from reintegration.text import normalise, split_variants


def map_values(values: pd.Series, mapping: dict, dtype=object) -> pd.Series:
    """``values.map(mapping).astype(dtype)`` (``None``, or NA, where missing or unmapped).

    One dictionary look-up per distinct value (``pd.factorize``), not per row: on large waves
    this is many times faster than ``Series.map(dict)`` on string columns; with another
    ``dtype`` than object the distinct values are converted, not every cell.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    looked = [mapping.get(u) for u in uniques] + [None]
    if dtype is object:
        return pd.Series(np.array(looked, dtype=object)[codes], index=values.index, dtype=object)
    # take: code -1 (missing) is the last entry, the None
    return pd.Series(pd.array(looked, dtype=dtype).take(codes), index=values.index)


NORMALISED = "label_normalised"  # differs from a label only in case, spacing, accents
VARIANT = "label_variant"  # an accepted variant spelling (choices.csv `variants`)


@dataclass
class ChoiceList:
    """One choice list: how raw labels map to values, and the values' scores."""

    name: str
    values: list[str] = field(default_factory=list)
    exact: dict[str, str] = field(default_factory=dict)
    normalised: dict[str, str] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)
    label_en: dict[str, str] = field(default_factory=dict)
    label_fr: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    nonresponse: dict[str, str] = field(default_factory=dict)

    def classify(self, raw: str) -> tuple[str | None, str | None]:
        """``(value, action)``: action None for an exact label; value None when unknown."""
        if raw in self.exact:
            return self.exact[raw], None
        key = normalise(raw)
        if key in self.normalised:
            return self.normalised[key], NORMALISED
        if key in self.variants:
            return self.variants[key], VARIANT
        return None, None

    def nearest(self, raw: str, n: int = 3) -> list[str]:
        """Known labels closest to ``raw`` (difflib), shown as ``label (value)``."""
        keys = {**self.variants, **self.normalised}
        close = difflib.get_close_matches(normalise(raw), list(keys), n=n, cutoff=0.5)
        out = []
        for key in close:
            value = keys[key]
            text = f"{self.label_en[value]} / {self.label_fr[value]} ({value})"
            if text not in out:
                out.append(text)
        return out

    def all_labels(self) -> str:
        return ", ".join(self.label_en[v] for v in self.values)


def choice_lists(codebook: Codebook) -> dict[str, ChoiceList]:
    lists: dict[str, ChoiceList] = {}
    for row in codebook.choices.itertuples(index=False):
        cl = lists.setdefault(row.list_name, ChoiceList(row.list_name))
        value = row.value
        cl.values.append(value)
        cl.label_en[value] = row.label_en
        cl.label_fr[value] = row.label_fr or row.label_en
        for label in (row.label_en, row.label_fr):
            if label:
                cl.exact.setdefault(label, value)
                cl.normalised.setdefault(normalise(label), value)
        for variant in split_variants(row.variants):
            cl.variants.setdefault(normalise(variant), value)
        if row.score is not None and not pd.isna(row.score):
            cl.scores[value] = float(row.score)
        if row.nonresponse:
            cl.nonresponse[value] = row.nonresponse
    return lists

"""Key findings in words, computed from a release's tables (never typed).

Each finding is a function of the release's ``tables/`` folder returning one sentence, or
``None`` when the table it needs is not part of the release (a real delivery without the
panel, say). A table that follows the "not estimable" convention (``status`` and ``reason``
columns, or an ``inference`` text starting with "not estimable") gives a sentence saying so
with the reason. :data:`CHAPTER_FINDINGS` lists the findings of each chapter page;
:data:`INDEX_FINDINGS` those that open the index.
"""

from __future__ import annotations

import fnmatch
import html
import math
from pathlib import Path

import pandas as pd

#: The conventional significance level the sentences use ("distinguishable from zero").
ALPHA = 0.05


def _table(tables: Path, pattern: str) -> pd.DataFrame | None:
    names = sorted(p for p in Path(tables).glob("*.csv") if fnmatch.fnmatch(p.name, pattern))
    if not names:
        return None
    df = pd.read_csv(names[0], keep_default_na=False, na_values=[""])
    return df.drop(columns=["data_source"], errors="ignore")


def not_estimable(row) -> str | None:
    """The reason a table row holds no estimate (the "not estimable" convention), else None."""
    status = str(row.get("status", "") or "").strip().lower()
    if status == "not estimable":
        return str(row.get("reason") or "no reason recorded")
    for value in row.values():
        if isinstance(value, str) and value.lower().startswith("not estimable"):
            return value.split(":", 1)[1].strip() if ":" in value else value
    estimate = row.get("estimate", 0.0)
    if estimate is None or (isinstance(estimate, float) and math.isnan(estimate)):
        return "the table holds no estimate"
    return None


def _all_not_estimable(df: pd.DataFrame) -> str | None:
    reasons = [not_estimable(r) for r in df.to_dict("records")]
    if df.empty or any(r is None for r in reasons):
        return None
    return "; ".join(dict.fromkeys(reasons))


def _num(x: float) -> str:
    return f"{x:.3f}"


def _p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def tiers(tables: Path) -> str | None:
    """Countries per tier and the highest and lowest composite score."""
    df = _table(tables, "*country_means*")
    if df is None:
        return None
    reason = _all_not_estimable(df)
    if reason:
        return f"Country means are not estimable in this release: {reason}."
    key = "outcome" if "outcome" in df.columns else "dimension"
    comp = df[df[key].astype(str).str.lower() == "composite"].dropna(subset=["mean"])
    if comp.empty:
        return "No country has a composite score in this release."
    name = "country_label" if "country_label" in comp.columns else "country"
    counts = comp["tier"].fillna("").astype(str).value_counts()
    parts = [f"{counts.get(t, 0)} in tier {t}" for t in sorted(t for t in counts.index if t)]
    top = comp.loc[comp["mean"].idxmax()]
    bottom = comp.loc[comp["mean"].idxmin()]
    return (
        f"Of {len(comp)} countries, {', '.join(parts)}. The highest composite score is "
        f"{top[name]}'s ({_num(top['mean'])}), the lowest {bottom[name]}'s "
        f"({_num(bottom['mean'])}), on a 0-1 scale."
    )


def programmes(tables: Path) -> str | None:
    """The programme terms of the published-specification regression on the composite."""
    df = _table(tables, "*regression_published.csv")
    if df is None:
        return None
    reason = _all_not_estimable(df)
    if reason:
        return f"The Annex 3 regression is not estimable in this release: {reason}."
    rows = df[df["type"].astype(str).str.lower() == "composite"] if "type" in df else df
    rows = rows[rows["term"].astype(str).str.startswith("program")].dropna(subset=["estimate"])
    if rows.empty:
        return "The Annex 3 regression has no programme terms in this release."
    rows = rows.assign(name=rows["term"].str.removeprefix("program"))
    significant = rows[rows["p_value"] < ALPHA].sort_values("estimate", ascending=False)
    if significant.empty:
        return (
            "No programme type is associated with the composite score at the 5% level "
            "(Annex 3 specification, reference: other or no programme)."
        )
    described = [f"{r.name} ({r.estimate:+.3f}, {_p(r.p_value)})" for r in significant.itertuples()]
    return (
        "Programme types associated with the composite score, holding age, sex, time since "
        "return and country fixed (Annex 3 specification, against other or no programme): "
        + "; ".join(described)
        + ". Associations, not effects: returnees are not assigned to programmes at random."
    )


def _did_row(tables: Path) -> dict | None:
    df = _table(tables, "*did.csv")
    if df is None:
        return None
    rows = df[(df["dimension"] == "composite") & (df.get("scope", "pooled") == "pooled")]
    if "form" in rows:
        rows = rows[rows["form"] == "2x2"]
    return rows.iloc[0].to_dict() if len(rows) else None


def mentoring(tables: Path) -> str | None:
    """Plain, IPW and doubly robust DiD on the composite and randomisation inference."""
    plain = _did_row(tables)
    adjusted = _table(tables, "*did_selection_adjusted*")
    if plain is None and adjusted is None:
        return None
    parts, significant = [], {}
    if plain is not None:
        reason = not_estimable(plain)
        if reason:
            parts.append(f"the plain difference-in-differences is not estimable ({reason})")
        else:
            parts.append(
                f"plain difference-in-differences {plain['estimate']:+.3f} ({_p(plain['p_value'])})"
            )
            significant["plain"] = plain["p_value"] < ALPHA
    ri = None
    if adjusted is not None:
        comp = adjusted[adjusted["dimension"] == "composite"]
        for method, label in (("ipw", "inverse probability weighted"), ("dr", "doubly robust")):
            rows = comp[comp["method"] == method].to_dict("records")
            if not rows:
                continue
            reason = not_estimable(rows[0])
            if reason:
                parts.append(f"{label} not estimable ({reason})")
            else:
                parts.append(f"{label} {rows[0]['estimate']:+.3f} ({_p(rows[0]['p_value'])})")
                significant[method] = rows[0]["p_value"] < ALPHA
        plain_rows = comp[comp["method"] == "plain"]
        if (
            len(plain_rows)
            and "ri_p_value" in plain_rows
            and pd.notna(plain_rows["ri_p_value"].iloc[0])
        ):
            ri = float(plain_rows["ri_p_value"].iloc[0])
            parts.append(f"randomisation inference {_p(ri)}")
            significant["ri"] = ri < ALPHA
    sentence = (
        "Mentoring and the composite score (extra change of the mentored): "
        + "; ".join(parts)
        + "."
    )
    return sentence + " " + _verdict(significant)


def _verdict(significant: dict[str, bool]) -> str:
    """One honest sentence on what the estimates mean together."""
    if not significant:
        return "No estimate of the mentoring effect can be given with this release."
    adjusted = [significant[k] for k in ("ipw", "dr") if k in significant]
    if all(significant.values()):
        return (
            "All estimates point the same way and are distinguishable from zero at the 5% level, "
            "though mentoring was not randomly assigned."
        )
    if not any(significant.values()):
        return (
            "None of the estimates is distinguishable from zero at the 5% level: the data do not "
            "show a mentoring effect on the composite score."
        )
    if significant.get("plain") and adjusted and not any(adjusted):
        return (
            "The plain estimate suggests a gain, but it does not survive adjustment for who was "
            "selected into mentoring: the evidence for an effect is weak."
        )
    if significant.get("plain") and not adjusted:
        return (
            "Only the plain estimate is available: without a selection-adjusted estimate, part "
            "of the difference may come from who was selected into mentoring."
        )
    return "The estimates disagree on whether the effect is distinguishable from zero; read them as inconclusive."


def effect_size(tables: Path) -> str | None:
    df = _table(tables, "*effect_size*")
    if df is None:
        return None
    rows = df[(df["dimension"] == "composite") & (df["type"] == "hedges_g")]
    if "scope" in rows:
        rows = rows[rows["scope"] == "pooled"]
    if rows.empty:
        return None
    row = rows.iloc[0].to_dict()
    reason = not_estimable(row)
    if reason:
        return f"The effect size on the composite is not estimable: {reason}."
    return (
        f"Effect size of mentoring on the change in composite score: Hedges' g = "
        f"{row['estimate']:.3f} (95% CI {row['lower']:.3f} to {row['upper']:.3f}), "
        f"{row['magnitude']} by the usual thresholds."
    )


def panel(tables: Path) -> str | None:
    df = _table(tables, "*table4*")
    if df is None or "country" not in df:
        return None
    total = df[df["country"].astype(str) == "all"]
    if total.empty:
        return None
    row = total.iloc[0]
    return (
        f"The panel holds {int(row['returnees'])} returnees with two or more surveys, "
        f"{int(row['mentored'])} of them mentored."
    )


def reproduction(tables: Path, section: str | None = None, label: str = "") -> str | None:
    """Share of the published numbers reproduced within tolerance (optionally one section)."""
    df = _table(tables, "reproduction.csv")
    if df is None:
        return None
    if section:
        df = df[df["section"].astype(str).str.startswith(section)]
    if df.empty:
        return None
    within = df["within_tolerance"].astype(str).str.lower().eq("true")
    scope = f" for {label or section}" if section else ""
    return (
        f"{int(within.sum())} of {len(df)} published numbers{scope} ({within.mean():.0%}) are "
        "reproduced within their tolerance."
    )


def ledger(tables: Path) -> str | None:
    df = _table(tables, "audit_ledger*")
    if df is None:
        return None
    total = df[df["wave"].astype(str) == "all"]
    if total.empty:
        return None
    r = total.iloc[0]
    return (
        f"{int(r['rows_read'])} records read: {int(r['rows_kept'])} kept, "
        f"{int(r['rows_quarantined'])} quarantined, {int(r['duplicates_merged'])} identical "
        f"resubmissions merged; the ledger {'holds' if str(r['holds']) == 'True' else 'does NOT hold'}."
    )


def quarantine(tables: Path) -> str | None:
    df = _table(tables, "audit_quarantine*")
    if df is None:
        return None
    if df.empty:
        return "No record was quarantined."
    by_rule = df.groupby("rule")["records"].sum().sort_values(ascending=False, kind="stable")
    return "Quarantined by rule: " + ", ".join(f"{k} {int(v)}" for k, v in by_rule.items()) + "."


def retrospective(tables: Path) -> str | None:
    df = _table(tables, "*retrospective_tests*")
    if df is None:
        return None
    rows = df[df["country"].astype(str) == "all"].dropna(subset=["p_value"])
    if rows.empty:
        return None
    worse = rows[(rows["p_value"] < ALPHA) & (rows["mean_change"] < 0)]
    better = rows[(rows["p_value"] < ALPHA) & (rows["mean_change"] > 0)]
    return (
        f"Of {len(rows)} items compared before migration and after return, {len(worse)} are "
        f"recalled as better before migration and {len(better)} as worse (5% level); recall "
        "can be coloured by the present."
    )


def comparison(tables: Path) -> str | None:
    """What changed since the previous release, section by section (when there is one)."""
    from reintegration.report.compare import summary

    df = _table(tables, "release_comparison.csv")
    if df is None or df.empty:
        return None
    parts = []
    for row in summary(df).to_dict("records"):
        text = f"{row['section']}: {row['changed']} of {row['quantities']} changed"
        if pd.notna(row["largest_abs_difference"]) and row["changed"]:
            text += f" (largest by {row['largest_abs_difference']:.3f})"
        new = row["only_current"] + row["only_previous"]
        parts.append(text + (f", {new} in one release only" if new else ""))
    return "Since the previous release: " + "; ".join(parts) + "."


CHAPTER_FINDINGS = {
    "data_audit": [ledger, quarantine],
    "chapter2": [tiers, programmes, lambda t: reproduction(t, "Chapter II:", "Chapter II")],
    "chapter3": [
        panel,
        mentoring,
        effect_size,
        lambda t: reproduction(t, "Chapter III: panel", "the panel (Chapter III)"),
    ],
    "retrospective_morocco": [
        retrospective,
        lambda t: reproduction(t, "Chapter III: retrospective", "the retrospective comparison"),
    ],
    "reproduction": [reproduction],
    "release_comparison": [comparison],
}
INDEX_FINDINGS = [tiers, programmes, mentoring, reproduction, comparison]


def findings(tables: str | Path, functions) -> list[str]:
    """The sentences of ``functions`` for the release's ``tables`` folder (absent ones left out)."""
    out = []
    for function in functions:
        try:
            sentence = function(Path(tables))
        except KeyError as err:  # a table whose layout changed: the page says so, never breaks
            name = getattr(function, "__name__", "finding")
            sentence = f"A finding ({name}) cannot be stated: its table lacks the column {err}."
        if sentence:
            out.append(sentence)
    return out


def findings_html(sentences: list[str]) -> str:
    """The "Key findings" block (escaped); says so when the release has none to state."""
    if not sentences:
        return '<section class="findings"><h2>Key findings</h2><p>No findings can be stated from the tables of this release.</p></section>'
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return (
        '<section class="findings"><h2>Key findings</h2>'
        f"<ul>{items}</ul><p><small>Computed from this release's tables.</small></p></section>"
    )


def show_findings(chapter: str, release_dir: str | Path) -> None:
    """Display the chapter's key findings in a notebook."""
    from IPython.display import HTML, display

    functions = CHAPTER_FINDINGS.get(chapter, [])
    display(HTML(findings_html(findings(Path(release_dir) / "tables", functions))))

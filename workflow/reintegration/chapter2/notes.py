"""The notes beside the Annex 3 regression table (tables/regression_published_notes.md):
the reference categories and unit of observation the report leaves unstated, and why."""

from __future__ import annotations

from .labels import PUBLISHED_COUNTRIES

__all__ = ["regression_notes"]


def regression_notes(glance, long, df, dropped, reference, labels) -> str:
    n = int(glance["n"].iloc[0])
    n_ret = int(glance["n_returnees"].iloc[0])
    none = int((long["programme"] == "reference").sum())
    no_answer = int((~df["assistance_recorded"]).sum()) if "assistance_recorded" in df else 0
    printed = ", ".join(labels.country(c) for c in PUBLISHED_COUNTRIES)
    pooled = ", ".join(
        sorted(labels.country(c) for c in set(df["country"].unique()) - set(PUBLISHED_COUNTRIES))
    )
    drop = "; ".join(f"{k} ({v})" for k, v in dropped.items()) or "none"
    return f"""# Notes to `chapter2_regression_published.csv` (Annex 3 specification)

Model (Annex 3): `score ~ age + gender + time + country + program`, ordinary least squares
with classical (iid) standard errors, as R's `lm` and `broom::tidy` print them; one model per
outcome (`type`: Economic, Social, Psychosocial, Composite).

The report does not state the reference categories or the unit of observation. Chosen here,
with the reason:

- **Unit of observation: one row per returnee and Annex 3 programme received.** Annex 3 has
  n = 5546 for 5139 returnees: more rows than returnees is what a returnee-programme table
  gives. A returnee with none of the six printed programmes (or no assistance answer: {no_answer}
  returnees) contributes one row in the reference level. This run: {n} rows for {n_ret}
  returnees ({none} rows in the reference level); Annex 3: n = 5546. The returnee's score and
  covariates are repeated on each of their rows, so classical standard errors treat one
  person's repeated rows as independent (the `full` specification fixes this).
- **program**: reference = "Other or none" (no programme among Microbusiness, Training,
  Psychosocial Support, Material Assistance, Medical Support, Financial Services: other types
  such as education, housing or legal assistance only, or no assistance). Exactly these six
  programme terms are printed, so every other assistance type must sit in the reference.
- **country**: reference = the eleven countries that are not printed, pooled ("Other
  countries": {pooled}). Only six country terms are printed ({printed}); a 17-level factor
  would print 16 terms, and the printed signs (Ethiopia near 0, Guinea, Côte d'Ivoire and
  Senegal strongly negative) fit a comparison with the higher-scoring pooled rest.
- **gender**: reference = Male (the term printed is `genderFemale`).
- **age**: years at interview; **time**: (interview date - return date) in days / 365.25.
- Term spelling: our `countryCôte d'Ivoire` is Annex 3's `countryCôte Divoire`
  (column `term_published`).
- **Composite**: here the equal-weight mean of the three dimension scores. IOM's official
  weights are unknown, and the published composite coefficients are not a weighted mean of
  the published dimension coefficients (Guinea-Bissau: composite +0.0004 while all three
  dimension coefficients are negative), so composite rows can differ from Annex 3 for that
  reason alone (see `tables/reproduction.csv`).

`chapter2_regression_published_vs_annex3.csv` sets each estimate beside the published one,
with the difference in published standard errors.

The `full` specification (`chapter2_regression_full.csv`) is the sounder model: one row per
returnee; all countries, reference {labels.country(reference)}; each assistance type as a 0/1
indicator; HC3 and country-clustered (CR1, t with G - 1 df) standard errors; wild cluster
bootstrap (WCR) p-values for the clustered fit. Indicators left out because fewer than the
disclosure minimum of returnees have (or lack) them: {drop}.
"""

"""Human labels of the release tables' columns, as the report pages show them.

:data:`LABELS` names the columns the chapters' tables share (and the ones whose machine name
reads badly); any other column is spelled out word by word, abbreviations expanded
(:data:`WORDS`: ``n_with_programme`` -> "N with programme", ``ri_p_value`` -> "Randomisation
p-value"). The page keeps the machine name as the header's tooltip.
"""

from __future__ import annotations

__all__ = ["LABELS", "WORDS", "label"]

LABELS = {
    "estimate": "Estimate",
    "std_error": "Std. error",
    "statistic": "Statistic",
    "p_value": "p-value",
    "conf_low": "95% CI low",
    "conf_high": "95% CI high",
    "n": "N",
    "sd": "SD",
    "nobs": "N",
    "n_obs": "N",
    "r_squared": "R\u00b2",
    "adj_r_squared": "Adjusted R\u00b2",
    "term": "Term",
    "dimension": "Dimension",
    "country": "Country",
    "tier": "Tier",
    "mean": "Mean",
    "share": "Share",
    "wave": "Wave",
    "rows_read": "Rows read",
    "rows_kept": "Rows kept",
    "rows_quarantined": "Rows quarantined",
    "duplicates_merged": "Duplicates merged",
    "sha256": "SHA-256",
    "within_tolerance": "Within tolerance",
    # Chapter II
    "country_label": "Country",
    "sex_label": "Sex",
    "program": "Programme",
    "programme": "Programme",
    "n_with_programme": "N with an Annex 3 programme",
    "n_end_of_assistance": "N at end of assistance",
    "items": "Survey items",
    "item": "Survey item",
    "quantity": "Quantity",
    "fit": "Fitted score",
    "slope": "Slope per year",
    "vcov": "Standard errors",
    "vcov_type": "Standard errors",
    "p_value_boot": "p-value (wild cluster bootstrap)",
    "std_error_analytic": "Std. error (analytic)",
    "std_error_bootstrap": "Std. error (bootstrap)",
    "df_resid": "Residual df",
    "n_clusters": "Clusters",
    "term_published": "Term (as published)",
    "published_estimate": "Published estimate",
    "published_std_error": "Published std. error",
    "published_n": "Published N",
    "difference_in_published_se": "Difference (published SEs)",
    # Chapter III
    "group": "Group",
    "mentored": "Mentored",
    "mentored_share": "Share mentored",
    "n_treated": "N treated",
    "n_control": "N control",
    "mean_treated": "Mean (mentored)",
    "mean_control": "Mean (not mentored)",
    "mean_first": "Mean, first RSS",
    "mean_last": "Mean, last RSS",
    "mean_change": "Mean change",
    "mean_before": "Mean before migration",
    "mean_after": "Mean after return",
    "mean_days_between": "Mean days between surveys",
    "sd_pooled": "Pooled SD",
    "std_diff": "Standardised difference",
    "std_diff_before": "Std. difference before weighting",
    "std_diff_after": "Std. difference after weighting",
    "var_ratio_before": "Variance ratio before weighting",
    "var_ratio_after": "Variance ratio after weighting",
    "balanced_after": "Balanced after weighting",
    "ess": "Effective sample size",
    "ri_p_value": "Randomisation-inference p-value",
    "B_requested": "Draws requested",
    "B_used": "Draws used",
    "bootstrap_B": "Bootstrap draws",
    "p_low": "Propensity from",
    "p_high": "Propensity to",
    "share_trimmed_treated": "Share trimmed (mentored)",
    "share_trimmed_control": "Share trimmed (not mentored)",
    "scope": "Scope",
    "form": "Form",
    "magnitude": "Magnitude",
    # reproduction and audit
    "published": "Published",
    "reproduced": "This release",
    "tolerance_rule": "Tolerance",
    "holds": "Holds",
    "sheet_state": "Sheet state",
    "k": "k",
    "records_k_below": "Records in classes below k",
    "share_k_below": "Share of records below k",
    "quasi_identifiers": "Quasi-identifiers",
    "example_reason": "Example reason",
    "suppressed": "Suppressed",
    "suppression": "Suppression",
}

#: Abbreviations spelled out when a column is labelled word by word.
WORDS = {"n": "N", "sd": "SD", "se": "SE", "ri": "randomisation", "ess": "ESS", "ci": "CI"}


def label(column: str) -> str:
    """A column's human label."""
    if column in LABELS:
        return LABELS[column]
    words = [WORDS.get(w, w) for w in str(column).strip().split("_") if w]
    text = " ".join(words).replace("p value", "p-value")
    return text[:1].upper() + text[1:]

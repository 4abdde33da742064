"""Paired before/after tests for the retrospective (pre-migration vs first post-return) items."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_choice, check_columns, drop_incomplete

__all__ = ["mcnemar_test", "paired_ordinal_test"]

ZERO_METHODS = ("pratt", "wilcox", "zsplit")
WILCOXON_METHODS = ("auto", "exact", "asymptotic")
MCNEMAR_METHODS = ("auto", "exact", "chi2")


def _as_numeric(series: pd.Series, name: str) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        if not series.cat.ordered:
            raise ValueError(f"column {name!r} is an unordered categorical; order it or use scores")
        codes = series.cat.codes.astype(float)
        return codes.where(codes >= 0)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    if not pd.api.types.is_numeric_dtype(series):
        raise ValueError(f"column {name!r} must be numeric scores or an ordered categorical")
    return series.astype(float)


def paired_ordinal_test(
    df: pd.DataFrame,
    *,
    before: str,
    after: str,
    zero_method: str = "pratt",
    method: str = "auto",
    correction: bool = False,
) -> pd.DataFrame:
    """Wilcoxon signed-rank test of paired ordinal scores (after vs before).

    Tests H0: the differences ``d_i = after_i - before_i`` are symmetric about zero.
    Item scores take few values, so many pairs are unchanged (d_i = 0). The default
    ``zero_method="pratt"`` (Pratt 1959) ranks |d_i| including the zeros and then drops the
    zeros' ranks, so that the ranks of the changed pairs do not depend on how many pairs
    are unchanged; ``"wilcox"`` discards zeros before ranking. The p-value is scipy's
    (``scipy.stats.wilcoxon``; ``method="auto"``: exact for n <= 50 without ties/zeros,
    exhaustive permutation for n <= 13 with ties/zeros, else the normal approximation
    with tie and zero corrections). When every pair is unchanged the statistic is 0 and
    the p-value 1.

    Parameters
    ----------
    df : DataFrame
        One row per person. Pairs with a missing value are dropped with a
        :class:`RowsDroppedWarning`.
    before, after : str
        Numeric scores or ordered categoricals (compared by category code).
    zero_method : {"pratt", "wilcox", "zsplit"}
    method : {"auto", "exact", "asymptotic"}
    correction : bool
        Continuity correction of the normal approximation (R's ``correct``; default False).
        ``wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = c)`` is
        ``zero_method="wilcox", method="asymptotic", correction=c`` (tests/reference/).

    Returns
    -------
    DataFrame
        One row: ``n_pairs, n_changed, median_before, median_after, mean_diff, statistic,
        p_value, method`` (``mean_diff`` = mean of after - before).
    """
    from scipy import stats

    check_choice("zero_method", zero_method, ZERO_METHODS)
    check_choice("method", method, WILCOXON_METHODS)
    check_columns(df, [before, after])
    data = drop_incomplete(df[[before, after]], [before, after], context="paired_ordinal_test")
    x0 = _as_numeric(data[before], before).to_numpy()
    x1 = _as_numeric(data[after], after).to_numpy()
    if len(x0) == 0:
        raise ValueError("paired_ordinal_test: no complete pairs")
    diff = x1 - x0
    n_changed = int(np.count_nonzero(diff))
    if n_changed == 0:
        statistic, p_value = 0.0, 1.0
    else:
        res = stats.wilcoxon(x1, x0, zero_method=zero_method, method=method, correction=correction)
        statistic, p_value = float(res.statistic), float(res.pvalue)
    return pd.DataFrame(
        [
            {
                "n_pairs": len(x0),
                "n_changed": n_changed,
                "median_before": float(np.median(x0)),
                "median_after": float(np.median(x1)),
                "mean_diff": float(diff.mean()),
                "statistic": statistic,
                "p_value": p_value,
                "method": f"Wilcoxon signed-rank (zero_method={zero_method}, method={method})",
            }
        ]
    )


def mcnemar_test(
    df: pd.DataFrame,
    *,
    before: str,
    after: str,
    method: str = "auto",
    correct: bool = True,
) -> pd.DataFrame:
    """McNemar's test of paired binary outcomes (after vs before).

    With ``b`` = pairs 1 -> 0 and ``c`` = pairs 0 -> 1 (the discordant pairs), H0 is
    P(1 -> 0) = P(0 -> 1). Exact: two-sided binomial p = min(1, 2 P(X <= min(b, c))),
    X ~ Bin(b + c, 1/2). Chi-squared with continuity correction:
    ``(|b - c| - 1)^2 / (b + c)`` on 1 df. ``method="auto"`` uses the exact test when
    b + c < 25, else the chi-squared test. Without discordant pairs the p-value is 1.

    Parameters
    ----------
    df : DataFrame
        One row per person; ``before``/``after`` coded 0/1 or boolean. Incomplete pairs are
        dropped with a :class:`RowsDroppedWarning`.
    before, after : str
    method : {"auto", "exact", "chi2"}
    correct : bool
        Continuity correction of the chi-squared test (R's ``mcnemar.test(correct = TRUE)``,
        the default); False gives ``(b - c)^2 / (b + c)``.

    Returns
    -------
    DataFrame
        One row: ``n_pairs, n_10 (1 -> 0), n_01 (0 -> 1), prop_before, prop_after,
        statistic, p_value, method``; ``statistic`` is the chi-squared value, or ``b`` for
        the exact test.
    """
    from scipy import stats

    check_choice("method", method, MCNEMAR_METHODS)
    check_columns(df, [before, after])
    data = drop_incomplete(df[[before, after]], [before, after], context="mcnemar_test")
    values = []
    for col in (before, after):
        v = data[col]
        bad = [x for x in pd.unique(v) if x not in (0, 1)]
        if bad:
            raise ValueError(
                f"mcnemar_test: column {col!r} must be coded 0/1 or boolean; found {bad!r}"
            )
        values.append(v.astype(float).to_numpy())
    x0, x1 = values
    b = int(np.sum((x0 == 1) & (x1 == 0)))
    c = int(np.sum((x0 == 0) & (x1 == 1)))
    n_disc = b + c
    use = ("exact" if n_disc < 25 else "chi2") if method == "auto" else method
    if n_disc == 0:
        statistic, p_value = (float(b) if use == "exact" else 0.0), 1.0
    elif use == "exact":
        statistic = float(b)
        p_value = min(1.0, 2.0 * float(stats.binom.cdf(min(b, c), n_disc, 0.5)))
    else:
        statistic = (abs(b - c) - float(correct)) ** 2 / n_disc
        p_value = float(stats.chi2.sf(statistic, 1))
    label = "exact binomial" if use == "exact" else "chi-squared"
    if use != "exact":
        label += " with continuity correction" if correct else " without continuity correction"
    return pd.DataFrame(
        [
            {
                "n_pairs": len(x0),
                "n_10": b,
                "n_01": c,
                "prop_before": float(x0.mean()) if len(x0) else np.nan,
                "prop_after": float(x1.mean()) if len(x1) else np.nan,
                "statistic": statistic,
                "p_value": p_value,
                "method": f"McNemar ({label})",
            }
        ]
    )

"""Statistics layer: estimators that take a DataFrame and column names, return tidy tables.

Every public function takes keyword-only options, raises ``ValueError`` naming the allowed
values for a bad option, and warns (:class:`RowsDroppedWarning`) with counts whenever rows
are dropped. Random procedures take a ``seed`` and use their own ``numpy`` Generator.
"""

from ._design import QR_TOL, AliasedTermsWarning, LeverageOneWarning
from ._validation import (
    CellsSuppressedWarning,
    RowsDroppedWarning,
    check_choice,
    check_columns,
    drop_incomplete,
)
from .descriptives import group_means, standardised_differences
from .did import (
    FewClustersWarning,
    change_scores,
    did_2x2,
    did_change,
    did_randomisation_inference,
)
from .disclosure import suppress_small_cells
from .drdid import att_fit, did_ipw
from .drdid_diagnostics import drdid_diagnostics
from .drdid_joint import did_ipw_joint
from .effect_sizes import (
    cohen_d_ci,
    effect_size_magnitude,
    effect_sizes,
    glass_delta_ci,
    hedges_g_ci,
    hedges_j,
)
from .identification import blank_unidentified, unidentified_terms
from .paired import mcnemar_test, paired_ordinal_test
from .regression import RegressionResult, ols, ols_vcovs
from .wild_bootstrap import WildBootstrap, wild_cluster_bootstrap, wild_cluster_bootstrap_terms

__all__ = [
    "QR_TOL",
    "AliasedTermsWarning",
    "LeverageOneWarning",
    "CellsSuppressedWarning",
    "FewClustersWarning",
    "RegressionResult",
    "RowsDroppedWarning",
    "WildBootstrap",
    "change_scores",
    "check_choice",
    "check_columns",
    "att_fit",
    "att_fit",
    "blank_unidentified",
    "cohen_d_ci",
    "did_2x2",
    "did_change",
    "did_ipw",
    "did_ipw_joint",
    "drdid_diagnostics",
    "did_randomisation_inference",
    "drop_incomplete",
    "effect_size_magnitude",
    "effect_sizes",
    "glass_delta_ci",
    "group_means",
    "hedges_g_ci",
    "hedges_j",
    "mcnemar_test",
    "ols",
    "ols_vcovs",
    "paired_ordinal_test",
    "standardised_differences",
    "suppress_small_cells",
    "unidentified_terms",
    "wild_cluster_bootstrap",
    "wild_cluster_bootstrap_terms",
]

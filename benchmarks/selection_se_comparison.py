"""Bootstrap beside analytic (Sant'Anna & Zhao) SEs of the selection-adjusted DiD on a panel.

    python benchmarks/selection_se_comparison.py results/releases/study-2020/data/panel.parquet \
        --out selection_se.csv [--B 499 --seed 20200]

Builds the same persons and covariates as ``reintegration.chapter3.selection`` (baseline
composite, country, female, age, programmes held by >= 5 persons) using its helpers read-only,
and calls :func:`reintegration.stats.did_ipw` per dimension and method, stratifying the
bootstrap by country within treatment group. Prints and writes one row per dimension x method.
"""

from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from reintegration.chapter3.did import regression_programmes
from reintegration.chapter3.panel import DIMENSIONS, panel_long, score_column
from reintegration.io import write_csv
from reintegration.stats import did_ipw

COLUMNS = [
    "dimension",
    "method",
    "estimate",
    "std_error_bootstrap",
    "std_error_analytic",
    "ratio",
    "B_requested",
    "B_used",
    "n_reduced",
    "n_redrawn",
    "failures_separation",
    "failures_singular",
    "status",
    "n_units",
]


def compare(panel: pd.DataFrame, *, B: int, seed: int) -> pd.DataFrame:
    data = panel.copy()
    data["baseline_composite"] = data[f"{score_column('composite')}_first"].astype(float)
    data["female"] = data["female"].astype(float)
    programmes = regression_programmes(data, min_count=5)
    for col in programmes:
        data[col] = data[col].astype(float)
    covariates = ["baseline_composite", "country", "female", "age", *programmes]
    categorical = {"country": sorted(data["country"].unique())[-1]}
    rows = []
    for dim in DIMENSIONS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extra = [c for c in covariates if c != "country"]
            long = panel_long(data, dimension=dim, extra=extra)
            complete = long.groupby("panel_id")["baseline_composite"].transform("count") == 2
            long = long.loc[complete].dropna(subset=["female", "age"])
            for method in ("ipw", "dr"):
                res = did_ipw(
                    long,
                    outcome="score",
                    unit="panel_id",
                    treated="treated",
                    post="post",
                    covariates=covariates,
                    categorical=categorical,
                    method=method,
                    seed=seed,
                    B=B,
                    strata="country",
                ).iloc[0]
                row = {"dimension": dim, **res.to_dict()}
                row["ratio"] = res["std_error_bootstrap"] / res["std_error_analytic"]
                rows.append(row)
    return pd.DataFrame(rows)[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("panel")
    parser.add_argument("--out", required=True)
    parser.add_argument("--B", type=int, default=499)
    parser.add_argument("--seed", type=int, default=20200)
    args = parser.parse_args()
    start = time.perf_counter()
    table = compare(pd.read_parquet(args.panel), B=args.B, seed=args.seed)
    write_csv(table, args.out)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

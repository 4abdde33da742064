"""Design study: coverage, size, bias and power from the calibrated ORION panel (issue 14, Build 7).

    make design            # = python benchmarks/design_study.py results/design --R 200
    python benchmarks/design_study.py [OUT_DIR] [--R 200] [--seed 14007] [--config ...]

Writes ``OUT_DIR/design_study.csv`` (one row per quantity), ``OUT_DIR/design_power.csv`` (the
power curve), ``OUT_DIR/design_study.png`` (+ ``.svg``) and ``OUT_DIR/design_run.json`` (R,
seed, config, wall time), and prints them. ``OUT_DIR`` defaults to ``results/design``: when
that folder holds the results, the report gets a "Design" page (notebooks/07_design.py) showing
them; they are regenerated only by this command (R = 200 takes about 20 minutes on 2 cores).

The data-generating process is the generator's panel (``config/synthetic.yaml`` ``panel``, read
with :func:`reintegration.synthetic.parameters.load_synthetic_config`): per country the group
sizes (GIN 109/72 mentored, SEN 99/51), first-RSS latent means by group, mean changes by group,
person SDs and cross-dimension correlations. The generator plants the sample group means
*exactly* (person noise centred within cells, ``synthetic.scores.panel_latent``), which is right
for reproducing the report but leaves no sampling variation of the DiD; here each replication
draws the same model *without* centring (the super-population the planted sample stands for),
on the latent composite (mean of the three dimensions; no item rounding or non-response).

* coverage: 95% CIs of the pooled DiD (change-score form, HC1, as Chapter III) and of Cohen's d
  (effsize formula) for the planted values (the d of the DGP from a 10^6-person draw);
* size under a planted null with 17 clusters of unequal size (lognormal, 15-400 persons) and a
  regressor correlated within cluster: rejection at 5% of the CR1 t test (t with G-1 df) and of
  the wild cluster bootstrap (WCR, Webb weights, B = 399);
* bias under a planted selection rule (STUDY.md §7: priority to baseline composite < 0.33):
  P(mentored) = expit(0.2 + 1.6 [baseline < 0.33] - 8 (baseline - 0.5)) and a catch-up trend,
  change += 0.3 (0.45 - baseline); plain DiD vs IPW and DR adjusting for baseline composite and
  country (the generator itself plants no selection rule, so it is planted here);
* power: share of replications rejecting H0: DiD = 0 at 5% for panels of N persons (half
  mentored) at d = 0.34 (the published composite effect), with the normal-theory curve.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from reintegration.figures.style import apply_style, save_figure
from reintegration.io import write_csv
from reintegration.stats import did_change, did_ipw, effect_sizes, ols, wild_cluster_bootstrap
from reintegration.synthetic.parameters import load_synthetic_config
from scipy import stats
from scipy.special import expit

POWER_SIZES = (100, 150, 200, 250, 300, 350, 400, 500)
D_PUBLISHED = 0.34


def _noise(rng, n, sd, corr):
    sd = np.broadcast_to(np.asarray(sd, dtype=float), (3,))
    cov = (np.full((3, 3), corr) + np.eye(3) * (1 - corr)) * np.outer(sd, sd)
    return rng.multivariate_normal(np.zeros(3), cov, size=n, method="cholesky")


def draw_panel(cfg: dict, rng: np.random.Generator, *, scale: float = 1.0) -> pd.DataFrame:
    """One panel from the generator's model without centring: composite first/last by person."""
    p = cfg["panel"]
    csd = [p["change_sd"][d] for d in ("economic", "social", "psychosocial")]
    parts = []
    for iso, spec in p["countries"].items():
        n, m = round(spec["returnees"] * scale), round(spec["mentored"] * scale)
        mentored = np.arange(n) < m
        first_m = np.where(
            mentored[:, None], spec["first_mean"]["mentored"], spec["first_mean"]["control"]
        )
        change_m = np.where(
            mentored[:, None], spec["change_mean"]["mentored"], spec["change_mean"]["control"]
        )
        first = first_m + _noise(rng, n, p["first_sd"], p["first_correlation"])
        change = change_m + _noise(rng, n, csd, p["change_correlation"])
        parts.append(
            pd.DataFrame(
                {
                    "country": iso,
                    "mentored": mentored.astype(int),
                    "first": first.mean(axis=1),
                    "change": change.mean(axis=1),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["unit"] = np.arange(len(out))
    return out


def _long(wide: pd.DataFrame) -> pd.DataFrame:
    pre = wide.assign(post=0, y=wide["first"])
    post = wide.assign(post=1, y=wide["first"] + wide["change"])
    return pd.concat([pre, post], ignore_index=True)


def planted_values(cfg: dict, rng: np.random.Generator) -> dict[str, float]:
    """The DGP's pooled DiD (exact, from the means) and its Cohen's d (10^6-person draw)."""
    p = cfg["panel"]["countries"]
    n1 = sum(s["mentored"] for s in p.values())
    n0 = sum(s["returnees"] - s["mentored"] for s in p.values())
    m1 = sum(s["mentored"] * np.mean(s["change_mean"]["mentored"]) for s in p.values()) / n1
    m0 = (
        sum(
            (s["returnees"] - s["mentored"]) * np.mean(s["change_mean"]["control"])
            for s in p.values()
        )
        / n0
    )
    big = draw_panel(cfg, rng, scale=5000.0)
    sd = np.sqrt(
        (big.groupby("mentored")["change"].var(ddof=1) * big.groupby("mentored").size()).sum()
        / len(big)
    )
    return {"did": m1 - m0, "d": (m1 - m0) / sd, "change_sd": float(sd)}


def replicate_panel(cfg, rng, planted) -> dict[str, float]:
    wide = draw_panel(cfg, rng)
    long = _long(wide)
    kw = dict(outcome="y", unit="unit", treated="mentored", post="post")
    did = did_change(long, vcov="HC1", **kw).set_index("term").loc["mentored"]
    es = effect_sizes(wide, value="change", group="mentored", treated=1, control=0)
    d = es.set_index("type").loc["cohen_d"]
    return {
        "cover_did": float(did["conf_low"] <= planted["did"] <= did["conf_high"]),
        "cover_d": float(d["lower"] <= planted["d"] <= d["upper"]),
        "did_hat": float(did["estimate"]),
        "d_hat": float(d["estimate"]),
    }


def replicate_null(rng, n_clusters: int = 17, wild_B: int = 399) -> dict[str, float]:
    sizes = np.clip(np.round(np.exp(rng.normal(4.0, 0.9, n_clusters))), 15, 400).astype(int)
    g = np.repeat(np.arange(n_clusters), sizes)
    x = rng.normal(size=n_clusters)[g] + 0.5 * rng.normal(size=g.size)
    y = rng.normal(size=n_clusters)[g] * 0.5 + rng.normal(size=g.size)
    df = pd.DataFrame({"y": y, "x": x, "g": g})
    t = ols(df, outcome="y", terms=["x"], vcov="cluster", cluster="g").tidy.set_index("term")
    seed = int(rng.integers(0, 2**31))
    boot = wild_cluster_bootstrap(
        df,
        outcome="y",
        terms=["x"],
        cluster="g",
        term="x",
        seed=seed,
        B=wild_B,
        weights_type="webb",
    )
    return {
        "reject_cr1": float(t.loc["x", "p_value"] < 0.05),
        "reject_wild": float(boot["p_value_boot"].iloc[0] < 0.05),
    }


def replicate_selection(cfg, rng, planted) -> dict[str, float]:
    wide = draw_panel(cfg, rng)
    # re-assign mentoring by the planted rule and add the catch-up trend and the planted effect
    low = wide["first"] < 0.33
    prob = expit(0.2 + 1.6 * low - 8.0 * (wide["first"] - 0.5))
    wide["mentored"] = (rng.random(len(wide)) < prob).astype(int)
    control_change = wide["change"] - wide["change"].mean()
    wide["change"] = (
        control_change + 0.3 * (0.45 - wide["first"]) + planted["did"] * wide["mentored"]
    )
    long = _long(wide)
    kw = dict(outcome="y", unit="unit", treated="mentored", post="post")
    out = {"plain": float(did_change(long, **kw).set_index("term").loc["mentored", "estimate"])}
    for method in ("ipw", "dr"):
        res = did_ipw(
            long.assign(baseline=long.groupby("unit")["y"].transform("first")),
            covariates=["baseline", "country"],
            categorical={"country": "SEN"},
            method=method,
            seed=1,
            B=2,
            se="analytic",
            **kw,
        )
        out[method] = float(res["estimate"].iloc[0])
    return {f"bias_{k}": v - planted["did"] for k, v in out.items()}


def replicate_power(rng, n: int, sd: float) -> float:
    n1 = n // 2
    d = (np.arange(n) < n1).astype(int)
    change = D_PUBLISHED * sd * d + rng.normal(0.0, sd, n)
    wide = pd.DataFrame({"unit": np.arange(n), "mentored": d, "first": 0.0, "change": change})
    res = did_change(
        _long(wide), outcome="y", unit="unit", treated="mentored", post="post", vcov="HC1"
    )
    return float(res.set_index("term").loc["mentored", "p_value"] < 0.05)


def analytic_power(n: int, d: float = D_PUBLISHED) -> float:
    n1 = n // 2
    n0 = n - n1
    ncp = d / np.sqrt(1 / n1 + 1 / n0)
    df = n - 2
    q = stats.t.ppf(0.975, df)
    return float(stats.nct.sf(q, df, ncp) + stats.nct.cdf(-q, df, ncp))


def _mc(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v)))


def run(
    R: int, seed: int, cfg: dict, *, power_sizes=POWER_SIZES, wild_B: int = 399
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The design table and the power curve from R seeded replications (module docstring)."""
    rng = np.random.default_rng(seed)
    planted = planted_values(cfg, rng)
    panel, null, sel = [], [], []
    power = {n: [] for n in power_sizes}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(R):
            panel.append(replicate_panel(cfg, rng, planted))
            null.append(replicate_null(rng, wild_B=wild_B))
            sel.append(replicate_selection(cfg, rng, planted))
            for n in power_sizes:
                power[n].append(replicate_power(rng, n, planted["change_sd"]))
    panel, null, sel = pd.DataFrame(panel), pd.DataFrame(null), pd.DataFrame(sel)
    rows = [
        ("coverage_did_95", *_mc(panel["cover_did"]), planted["did"], "target 0.93-0.97"),
        ("coverage_cohen_d_95", *_mc(panel["cover_d"]), planted["d"], "target 0.93-0.97"),
        ("mean_did_hat", *_mc(panel["did_hat"]), planted["did"], "planted value in `planted`"),
        ("mean_cohen_d_hat", *_mc(panel["d_hat"]), planted["d"], "planted value in `planted`"),
        ("size_cr1_t_17_clusters", *_mc(null["reject_cr1"]), 0.05, "nominal 0.05"),
        ("size_wild_webb_17_clusters", *_mc(null["reject_wild"]), 0.05, "nominal 0.05"),
        ("bias_plain_did_selection", *_mc(sel["bias_plain"]), 0.0, "planted selection rule"),
        ("bias_ipw_did_selection", *_mc(sel["bias_ipw"]), 0.0, "planted selection rule"),
        ("bias_dr_did_selection", *_mc(sel["bias_dr"]), 0.0, "planted selection rule"),
    ]
    curve = pd.DataFrame(
        {
            "n_persons": list(power_sizes),
            "power_simulated": [np.mean(power[n]) for n in power_sizes],
            "power_analytic": [analytic_power(n) for n in power_sizes],
        }
    )
    n80 = next(n for n in range(20, 2000, 2) if analytic_power(n) >= 0.8)
    rows.append(
        ("n_for_80pct_power_d034", float(n80), np.nan, D_PUBLISHED, "analytic, half mentored")
    )
    table = pd.DataFrame(rows, columns=["quantity", "value", "mc_se", "planted", "note"])
    table["R"] = R
    return table, curve


def figure(table: pd.DataFrame, curve: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    apply_style()
    t = table.set_index("quantity")
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.4))
    panels = [
        (
            ["coverage_did_95", "coverage_cohen_d_95"],
            ["DiD", "Cohen's d"],
            "Coverage of 95% CIs",
            0.95,
        ),
        (
            ["size_cr1_t_17_clusters", "size_wild_webb_17_clusters"],
            ["CR1 t", "wild (Webb)"],
            "Rejection under H0, 17 clusters",
            0.05,
        ),
        (
            ["bias_plain_did_selection", "bias_ipw_did_selection", "bias_dr_did_selection"],
            ["plain", "IPW", "DR"],
            "Bias under planted selection",
            0.0,
        ),
    ]
    for ax, (keys, labels, title, ref) in zip(axes, panels, strict=False):
        ax.bar(labels, t.loc[keys, "value"], yerr=1.96 * t.loc[keys, "mc_se"], color="#4c72b0")
        ax.axhline(ref, color="black", lw=0.8, ls="--")
        ax.set_title(title, fontsize=10)
    ax = axes[3]
    ax.plot(curve["n_persons"], curve["power_simulated"], "o", label="simulated")
    ax.plot(curve["n_persons"], curve["power_analytic"], "-", label="noncentral t")
    ax.axhline(0.8, color="black", lw=0.8, ls="--")
    ax.set_title(f"Power at d = {D_PUBLISHED}", fontsize=10)
    ax.set_xlabel("panel size (persons, half mentored)")
    ax.legend(fontsize=8)
    fig.suptitle(f"Design study, R = {int(table['R'].iloc[0])} replications", fontsize=11)
    save_figure(fig, path, data_source="synthetic")


def write_results(out_dir: Path, table, curve, run_info: dict) -> None:
    """The design results in ``out_dir``: the two tables, the figure and ``design_run.json``."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(table, out_dir / "design_study.csv")
    write_csv(curve, out_dir / "design_power.csv")
    figure(table, curve, out_dir / "design_study.png")
    text = json.dumps(run_info, indent=1, sort_keys=True) + "\n"
    (out_dir / "design_run.json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("results/design"))
    parser.add_argument("--R", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14007)
    parser.add_argument("--config", default="config/synthetic.yaml")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table, curve = run(args.R, args.seed, load_synthetic_config(args.config))
    wall = time.perf_counter() - start
    info = {"R": args.R, "seed": args.seed, "config": args.config, "wall_time_s": round(wall, 1)}
    write_results(args.out_dir, table, curve, info)
    print(table.to_string(index=False))
    print(curve.to_string(index=False))
    print(f"wall time {wall:.1f} s for R = {args.R}; results in {args.out_dir}")


if __name__ == "__main__":
    main()

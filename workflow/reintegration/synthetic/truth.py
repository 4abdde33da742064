"""Truth files beside the raw data (never read by the pipeline) and the manifest.

parameters.json: the planted parameters and what they imply; returnees.parquet, records.parquet:
one row per returnee / generated record with latent scores and where it was written;
defects.csv: every injected defect with the raw row it hit and its expected outcome.
Parquet files are written in chunks (streaming) and carry no timestamps.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reintegration.synthetic import parameters as P

DEFECT_COLUMNS = [
    "wave",
    "source_file",
    "source_sheet",
    "source_row",
    "case_id",
    "defect",
    "column",
    "expected_outcome",
]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ParquetStream:
    """Append DataFrames with a fixed schema to one parquet file."""

    def __init__(self, path: Path):
        self.path, self.writer, self.schema = path, None, None

    def write(self, df: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self.writer is None:
            self.schema = table.schema.remove_metadata()
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self.writer.write_table(table.cast(self.schema).replace_schema_metadata(None))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class DefectLog:
    def __init__(self, path: Path):
        self.f = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.w = csv.writer(self.f, lineterminator="\n")
        self.w.writerow(DEFECT_COLUMNS)
        self.counts: dict[str, int] = {}

    def add(self, rows) -> None:
        for r in rows:
            self.w.writerow(r)
            self.counts[r[5]] = self.counts.get(r[5], 0) + 1

    def close(self) -> None:
        self.f.close()


def parameters_json(p: P.Params, counts: dict) -> dict:
    """Everything planted, plus the implied composite coefficients and expected country means."""
    cfg = p.config
    dims = P.DIMENSIONS
    return {
        "seed": p.seed,
        "scale": p.scale,
        "model": (
            "latent_d = intercept_d + age_d*age + female_d*female + time_d*t + dev_dc*(t - tbar_c)"
            " + country_dc + mean(programme_jd over received Annex 3 programmes) + e_d; clipped to [0, 1]"
        ),
        "model_choice": (
            "Programmes enter as the mean of the received programmes' coefficients so that the long-format "
            "published regression (one row per returnee and programme) recovers them: a returnee with one "
            "programme contributes one row whose expected score carries exactly that coefficient; the few "
            "returnees with two programmes contribute two rows with the mean, a small bias (see long_format_note)."
        ),
        "long_format_note": (
            "7.5% of returnees hold two programmes (all pairs include microbusiness); the long-format OLS "
            "then shifts programme estimates by share_in_pairs x (partner - own)/2, at most about 0.008 "
            "(psychosocial support, economic), under one published SE."
        ),
        "coefficients": {
            d: {
                **p.coef[d],
                "countries": {
                    c: float(p.country_effect[p.cidx(c), j]) for c in p.countries if c != P.MOROCCO
                },
                "programmes": {
                    g: float(p.programme_coef[k, j]) for k, g in enumerate(P.PROGRAMMES)
                },
                "time_slope_deviation": {
                    c: float(p.slope_dev[p.cidx(c), j]) for c in p.countries if c != P.MOROCCO
                },
            }
            for j, d in enumerate(dims)
        },
        "reference_countries": [c for c in p.countries if c not in P.PRINTED and c != P.MOROCCO],
        "residual_sd": cfg["model"]["residual_sd"],
        "residual_correlation": cfg["model"]["residual_correlation"],
        "mean_preserving_clip": cfg["model"]["mean_preserving_clip"],
        "answer_model": {
            "item_latent": (
                "clip(dimension latent + item offset + c, 0, cap) with c per record and dimension such that the "
                "weighted mean of the item latents over the items of the record's format equals the dimension "
                "latent; targeted items (country_targets on Chapter II records, panel_targets on panel first/last "
                "records) get a group offset solved so that their group mean equals the target"
            ),
            "rounding": (
                "stochastic rounding to neighbouring scale points (E[score] = item latent), Bernoulli choices "
                "balanced by systematic sampling within strata of record role (and mentoring in the panel)"
            ),
            "two_part": (
                "items in `shares`: answer in the upper part U of the scale with probability s (record-level, "
                "inside its feasible interval, at a relative position solved so that the group's mean s is the "
                "target share), then rounding within the part to means y, z with s*y + (1-s)*z = item latent"
            ),
            "country_targets": cfg["items"]["country_targets"],
            "panel_targets": cfg["items"]["panel_targets"],
            "shares": cfg["items"]["shares"],
        },
        "panel_change": {
            "first_correlation": cfg["panel"]["first_correlation"],
            "change_correlation": cfg["panel"]["change_correlation"],
            "change_programmes": cfg["panel"]["change_programmes"],
            "note": "person noise centred within mentoring group x programme cells: group means exact",
        },
        "implied_composite": P.implied_composite(p),
        "expected_country_means": {
            c: {k: round(float(v), 4) for k, v in m.items()} for c, m in p.expected.items()
        },
        "expected_tiers": P.tiers(p),
        "any_support": {c: round(v, 4) for c, v in p.any_support.items()},
        "assistance_profiles": {
            "+".join(c) or "others_only": round(float(v), 5)
            for c, v in zip(
                P.assistance_profiles(cfg)["combos"],
                P.assistance_profiles(cfg)["probs"],
                strict=True,
            )
        },
        "panel": cfg["panel"],
        "panel_change_difference_pooled": panel_differences(cfg),
        "retrospective": cfg["retrospective"],
        "morocco": cfg["morocco"],
        "nonresponse": cfg["nonresponse"],
        "counts": counts,
    }


def panel_differences(cfg: dict) -> dict:
    """Pooled mentored-minus-control mean latent change per dimension (Annex 4 d x SD)."""
    spec = cfg["panel"]["countries"]
    out = {}
    for j, d in enumerate(P.DIMENSIONS):
        m = sum(s["mentored"] * s["change_mean"]["mentored"][j] for s in spec.values())
        nm = sum(s["mentored"] for s in spec.values())
        c = sum(
            (s["returnees"] - s["mentored"]) * s["change_mean"]["control"][j] for s in spec.values()
        )
        nc = sum(s["returnees"] - s["mentored"] for s in spec.values())
        out[d] = round(m / nm - c / nc, 4)
    out["composite"] = round(float(np.mean([out[d] for d in P.DIMENSIONS])), 4)
    return out


def write_json(path: Path, obj) -> None:
    path.write_text(
        json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=_default) + "\n",
        encoding="utf-8",
    )


def _default(o):
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(type(o))

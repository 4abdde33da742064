"""The selection-adjusted DiD's bootstrap: vectorised refits against the per-resample loop.

    python benchmarks/bench_resampling.py results/releases/study-2020/data/panel.parquet

Runs :func:`reintegration.chapter3.selection.selection_adjusted_did` with the study's settings
twice: as it is (the refits of a chunk of resamples as stacked matrix operations,
``stats/_att_batch.py``) and with each resample refitted one at a time by
:func:`reintegration.stats.drdid.att_fit` (the loop of before), prints both wall times, and
checks that the two tables are identical bit for bit (every float compared by its bytes).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def loop_refits(dy, d, X, idx, method, k_full):
    """The per-resample loop: ``att_fit`` on each row of ``idx`` (the reference)."""
    from reintegration.stats.drdid import att_fit

    values = np.full(len(idx), np.nan)
    reduced = np.zeros(len(idx), dtype=bool)
    cause = np.full(len(idx), None, dtype=object)
    for c, rows in enumerate(idx):
        try:
            res = att_fit(dy[rows], d[rows], X[rows], method)
        except (ValueError, np.linalg.LinAlgError) as error:
            cause[c] = getattr(error, "cause", "singular")
            continue
        if np.isfinite(res.att):
            values[c], reduced[c] = res.att, len(res.columns) < k_full
        else:
            cause[c] = "nonfinite"
    return values, reduced, cause


def timed(panel, settings) -> tuple[pd.DataFrame, float]:
    from reintegration.chapter3.selection import selection_adjusted_did

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = selection_adjusted_did(panel, **settings)
    return table, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    import reintegration.stats._att_batch as batch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("panel")
    parser.add_argument("--B", type=int, default=499)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    panel = pd.read_parquet(args.panel)
    settings = dict(ipw_B=args.B, ipw_seed=20200, ri_B=999, ri_seed=20201, min_programme_count=5)
    fast = [timed(panel, settings) for _ in range(args.repeat)]
    vectorised = batch.att_batch
    batch.att_batch = loop_refits
    try:
        slow = [timed(panel, settings) for _ in range(args.repeat)]
    finally:
        batch.att_batch = vectorised
    a, b = fast[0][0], slow[0][0]
    same = a.columns.equals(b.columns) and all(
        a[c].to_numpy().tobytes() == b[c].to_numpy().tobytes()
        if a[c].dtype.kind == "f"
        else a[c].astype(str).equals(b[c].astype(str))
        for c in a.columns
    )
    print(f"loop refits:       best {min(t for _, t in slow):.2f} s of {args.repeat}")
    print(f"vectorised refits: best {min(t for _, t in fast):.2f} s of {args.repeat}")
    print(f"tables identical bit for bit: {same}")


if __name__ == "__main__":
    main()

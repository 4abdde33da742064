"""Bootstrap accounting: how many resamples were asked for, used, redrawn, and why any failed.

A resample that cannot be fitted is never dropped silently. Resampling is stratified within
treatment group (and an optional stratum column such as country), so every resample keeps both
groups; a covariate aliased or separating in a resample is dropped for that resample (the rule
of :func:`reintegration.stats.drdid.att_fit`, counted as ``n_reduced``); a fit that still fails
is redrawn up to ``max_redraws`` times (counted as ``n_redrawn``). Resamples still failing are
counted by cause; when their share exceeds ``max_failure_share`` the bootstrap is "not
estimable" and says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reintegration.forked import check_workers, forked_pool

__all__ = [
    "FAILURE_CAUSES",
    "BootstrapAccount",
    "account_of_draws",
    "accounted_bootstrap",
    "chunk_size",
    "joint_draws",
    "permutation_stats",
    "stratified_indices",
]

#: Causes a resample can fail for (columns ``failures_<cause>`` of the tables).
FAILURE_CAUSES = ("separation", "singular", "one_group", "nonfinite")


@dataclass
class BootstrapAccount:
    """Draws and their accounting. ``status`` is ``"ok"`` or ``"not estimable"``."""

    draws: np.ndarray
    B_requested: int
    n_redrawn: int = 0
    n_reduced: int = 0
    failures: Counter = field(default_factory=Counter)
    max_failure_share: float = 0.01
    config_key: str = ""

    @property
    def B_used(self) -> int:
        return int(np.isfinite(self.draws).sum())

    @property
    def failure_share(self) -> float:
        return (self.B_requested - self.B_used) / self.B_requested

    @property
    def status(self) -> str:
        return "ok" if self.failure_share <= self.max_failure_share else "not estimable"

    @property
    def reason(self) -> str:
        if self.status == "ok":
            return ""
        causes = ", ".join(f"{c}: {k}" for c, k in sorted(self.failures.items()))
        key = f" (config `{self.config_key}`)" if self.config_key else ""
        return (
            f"{self.B_requested - self.B_used} of {self.B_requested} bootstrap resamples could "
            f"not be fitted ({causes}), more than the allowed share {self.max_failure_share:g}"
            f"{key}"
        )

    @property
    def se(self) -> float:
        if self.status != "ok" or self.B_used < 2:
            return float("nan")
        return float(np.nanstd(self.draws, ddof=1))

    def columns(self) -> dict[str, object]:
        """The accounting columns every resampling table carries."""
        return {
            "B_requested": self.B_requested,
            "B_used": self.B_used,
            "n_redrawn": self.n_redrawn,
            "n_reduced": self.n_reduced,
            **{f"failures_{c}": int(self.failures.get(c, 0)) for c in FAILURE_CAUSES},
            "status": self.status,
            "reason": self.reason,
        }


def stratified_indices(cells: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One resample: within each cell (index array), as many draws with replacement as it holds."""
    return np.concatenate([cell[rng.integers(0, len(cell), len(cell))] for cell in cells])


def strata_cells(d: np.ndarray, strata: np.ndarray | None) -> list[np.ndarray]:
    """Index arrays of the (treatment group x stratum) cells, in a fixed order."""
    keys = d.astype(int) if strata is None else np.char.add(d.astype(int).astype(str), strata)
    _, codes = np.unique(keys, return_inverse=True)
    return [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]


#: Bytes of resampled design matrices one chunk of resamples may hold (about four copies).
CHUNK_BYTES = 64 * 2**20


def chunk_size(n: int, k: int, B: int, budget: int = CHUNK_BYTES) -> int:
    """Resamples per chunk so that ~4 stacked (n x k) float matrices stay within ``budget``."""
    return int(max(1, min(B, budget // max(1, 4 * 8 * n * max(k, 1)))))


def accounted_bootstrap(
    fit: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    cells: list[np.ndarray],
    *,
    B: int,
    seed: int,
    max_failure_share: float = 0.01,
    max_redraws: int = 10,
    config_key: str = "",
    chunk: int = 256,
    workers: int = 1,
) -> BootstrapAccount:
    """Run ``fit`` on B stratified resamples, ``chunk`` at a time, with accounting.

    ``fit(idx)`` takes a (m x n) matrix of resample indices and returns ``(values, reduced,
    cause)`` arrays of length m: the estimate (NaN when not fitted), whether the covariate set
    was reduced, and ``None`` or the failure cause (one of :data:`FAILURE_CAUSES`).

    The draws are those of a loop that fits each resample as soon as it is drawn and redraws a
    failed one at once (up to ``max_redraws`` times): resample indices are drawn one by one
    from ``numpy.random.default_rng(seed)`` exactly as that loop draws them; a chunk is fitted
    at once, and when resample f of a chunk fails, the resamples after it are discarded, the
    generator is put back to its state after drawing f, f is redrawn, and the next chunk starts
    after it. The chunk size changes the work, never the numbers; so does ``workers``: with
    more than one, ``workers`` chunks are drawn at once and fitted side by side in forked
    processes (issue 16), and a failure discards the later resamples as before.
    """
    if not 0.0 <= max_failure_share < 1.0:
        raise ValueError(f"`max_failure_share` must be in [0, 1); got {max_failure_share!r}")
    rng = np.random.default_rng(seed)
    account = BootstrapAccount(
        np.full(B, np.nan), B, max_failure_share=max_failure_share, config_key=config_key
    )
    with _SideBySide(fit, workers) as fit_chunks:
        _draw_and_fit(account, fit, fit_chunks, cells, rng, B, chunk * workers, max_redraws)
    return account


def _draw_and_fit(account, fit, fit_chunks, cells, rng, B, chunk, max_redraws) -> None:
    b = 0
    while b < B:
        size = min(chunk, B - b)
        idx, states = [], []
        for _ in range(size):
            idx.append(stratified_indices(cells, rng))
            states.append(rng.bit_generator.state)
        values, reduced, cause = fit_chunks(np.stack(idx))
        failed = np.flatnonzero(cause != None)  # noqa: E711 (elementwise)
        f = int(failed[0]) if len(failed) else size
        account.draws[b : b + f] = values[:f]
        account.n_reduced += int(np.sum(reduced[:f]))
        b += f
        if f == size:
            continue
        rng.bit_generator.state = states[f]
        _redraw(account, b, str(cause[f]), fit, cells, rng, max_redraws)
        b += 1


def joint_draws(fit, cells, *, B: int, seed: int, chunk: int = 256, workers: int = 1):
    """``fit`` of the first ``B`` resamples :func:`accounted_bootstrap` draws from ``seed``.

    ``fit(idx)`` returns arrays with one leading entry per resample (several series each, e.g.
    (C, outcomes, methods)). There are no redraws: for a series none of these resamples
    fails, they are its draws (:func:`account_of_draws`); a series with a failure must be
    bootstrapped on its own (its redraws change the resamples after it).
    """
    rng = np.random.default_rng(seed)
    parts = []
    with _SideBySide(fit, workers) as fit_chunks:
        b = 0
        while b < B:
            size = min(chunk * workers, B - b)
            parts.append(
                fit_chunks(np.stack([stratified_indices(cells, rng) for _ in range(size)]))
            )
            b += size
    return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))


def account_of_draws(
    values: np.ndarray, reduced: np.ndarray, *, max_failure_share: float, config_key: str = ""
) -> BootstrapAccount:
    """The account :func:`accounted_bootstrap` gives when none of its resamples fails."""
    return BootstrapAccount(
        np.array(values, dtype=float),
        len(values),
        n_reduced=int(np.sum(reduced)),
        max_failure_share=max_failure_share,
        config_key=config_key,
    )


class _SideBySide:
    """``fit`` of a stack of resamples, split over ``workers`` forked processes (one: here).
    Each resample's fit does not depend on the others in its stack, so the parts' results,
    concatenated, are those of one call."""

    def __init__(self, fit, workers: int):
        self.fit, self.workers, self.run = fit, check_workers(workers), None
        self._pool = forked_pool(fit, workers) if workers > 1 else None

    def __enter__(self):
        if self._pool is not None:
            self.run = self._pool.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.__exit__(*exc)

    def __call__(self, idx: np.ndarray):
        if self.run is None or len(idx) < 2:
            return self.fit(idx)
        parts = [p for p in np.array_split(idx, self.workers) if len(p)]
        results = list(self.run(parts))
        return tuple(np.concatenate([r[i] for r in results]) for i in range(3))


def _redraw(account, b, cause, fit, cells, rng, max_redraws) -> None:
    """Redraw resample b (its first draw failed with ``cause``) up to ``max_redraws`` times."""
    for _ in range(max_redraws):
        values, reduced, causes = fit(stratified_indices(cells, rng)[None, :])
        if causes[0] is None:
            account.draws[b] = values[0]
            account.n_reduced += int(reduced[0])
            account.n_redrawn += 1
            return
        cause = str(causes[0])
    account.failures[cause] += 1


#: Label cells (1 byte each) whose statistics are computed at once by :func:`permutation_stats`.
PERMUTATION_CHUNK_CELLS = 2**22
#: Rows of a chunk are a multiple of this (the whole matrix at the default study's size).
PERMUTATION_ROW_BLOCK = 256


def permutation_stats(
    dy: np.ndarray, d: np.ndarray, blocks: list[np.ndarray], B: int, seed: int
) -> np.ndarray:
    """DiD statistic under the observed labels (row 0) and B relabellings within ``blocks``.

    The labels are shuffled within each block for all B rows at once (``Generator.permuted``,
    block after block, so the draws are those of one (B x n) matrix), held as int8 (1 byte per
    cell); the statistics are computed over chunks of rows as float matrix products, each row's
    sums those of the whole-matrix product (tests/stats compare bit for bit).
    """
    rng = np.random.default_rng(seed)
    labels = np.tile(d.astype(np.int8), (B + 1, 1))
    for idx in blocks:
        labels[1:, idx] = rng.permuted(labels[1:, idx], axis=1)
    n1 = d.sum()
    n0 = len(d) - n1
    # chunks of a multiple of PERMUTATION_ROW_BLOCK rows: BLAS computes a row's sum the same
    # way wherever the row lies in a block of 4 rows; a 1-row tail would be a dot, not a
    # matrix product, so it joins the chunk before it
    block = PERMUTATION_ROW_BLOCK
    step = max(1, PERMUTATION_CHUNK_CELLS // max(1, len(d)) // block) * block
    starts = list(range(0, B + 1, step))
    if len(starts) > 1 and B + 1 - starts[-1] == 1:
        starts.pop()
    stat = np.empty(B + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for r, end in zip(starts, [*starts[1:], B + 1], strict=True):
            P = labels[r:end].astype(float)
            stat[r:end] = P @ dy / n1 - (1.0 - P) @ dy / n0
    return stat

"""Statistical disclosure control for published tables: one gate (issue 17).

**Primary suppression.** A count cell of 1 to ``min_cell - 1`` returnees is suppressed, and so
is every cell of a group (row) whose total ``n`` is below ``min_cell`` (its counts, shares,
means, quantiles alike, and ``n`` itself). Zero cells are published (they disclose nobody).
In a table of binary shares the complement ``n - count`` is a published cell too (anyone can
subtract), so it is checked like the others.

**Secondary suppression (the rule).** The table is read as a grid of count cells with its
margins: within each row (group) the answer counts sum to ``n``; along each dimension with a
total value (``ALL``/``all`` rows) the groups sum to the total row. For every such margin
equation that contains a suppressed cell:

1. it holds at least two suppressed non-zero cells (else subtraction gives the one back; a
   hidden zero protects nothing, the other cells' bounds pin it down);
2. at least one of them is not a primary cell (two primaries both known to lie in
   ``1..min_cell-1`` can be pinned down, e.g. two cells hiding 8 when ``min_cell`` is 5);
3. when the equation's total is published, the suppressed cells together hold at least
   ``min_cell`` returnees (so the hidden remainder is not itself a small cell).

While an equation breaks a condition, its smallest published non-zero cell is suppressed as
well (inner cells before totals), until every equation holds or has no such cell left. With
no published non-zero cell left, the total is 0 and pins all its hidden cells at 0 (counts
are >= 0; e.g. a small group's zero where nobody gave that answer), so that zero total is
suppressed; its other equations then need non-zero partners.

**The audit.** Equation-wise conditions miss systems that solve jointly (a hidden ``n`` whose
row has one hidden non-zero answer says ``n = answer``, and two margins then coincide). So
the gate then attacks its own result as an outsider would: for every hidden cell the least
and greatest integer >= 0 all margins allow (a primary answer count in 0..min_cell-1, as the
log tells); while one is pinned, a partner in its equations is suppressed and the rule runs
again. No suppressed cell, zero or not, can be solved from the published margins. A suppressed
``n`` blanks every share of its row (share = count / n would give ``n`` back), and a
suppressed count blanks its share. Means with an ``ALL`` row are protected the same way on
``n`` (a pooled mean and ``n`` give back a single suppressed group's mean).

**The log.** Each protected table gets a column ``suppression``: ``primary``, ``secondary``
or empty, and the flag ``suppressed``; :func:`suppression_log` turns the published tables into
the release's log (table, cell, kind; never a value).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import CellsSuppressedWarning, check_columns, check_positive_int

__all__ = [
    "PRIMARY",
    "SECONDARY",
    "protect_counts",
    "protect_means",
    "count_suppressed",
    "suppress_small_cells",
    "suppression_log",
]

PRIMARY, SECONDARY = "primary", "secondary"
#: Columns never named in the log's cell description (they hold values, not labels).
VALUE_COLUMNS = ("n", "count", "share", "value", "mean", "sd", "se", "conf_low", "conf_high")
N_CELL = "__n__"
YES, NO = "__count__", "__complement__"


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    count_col: str,
    value_cols: Sequence[str],
    min_count: int = 5,
) -> pd.DataFrame:
    """Blank the values of rows computed from fewer than ``min_count`` units.

    A row is suppressed when ``table[count_col] < min_count`` or the count is missing; its
    ``value_cols`` are set to missing and a boolean column ``suppressed`` marks it. Rows are
    never dropped. If ``table`` already has a ``suppressed`` column it is combined with
    logical OR, so the function can be applied repeatedly. The count column itself is left
    as is unless listed in ``value_cols``. Primary suppression only: published count tables
    go through :func:`protect_counts` / :func:`protect_means` (secondary suppression too).

    Returns a copy of ``table`` with the values blanked and ``suppressed`` added; a
    :class:`CellsSuppressedWarning` reports how many rows and cells were suppressed.
    """
    min_count = check_positive_int("min_count", min_count)
    value_cols = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    check_columns(table, [count_col, *value_cols])
    if "suppressed" in value_cols:
        raise ValueError("`value_cols` cannot include the 'suppressed' flag column")
    counts = pd.to_numeric(table[count_col], errors="raise")
    mask = (counts < min_count) | counts.isna()
    mask = mask.fillna(True).astype(bool)
    out = table.copy()
    for col in value_cols:
        out[col] = out[col].mask(mask)
    if "suppressed" in out.columns:
        mask = mask | out["suppressed"].fillna(False).astype(bool)
    out["suppressed"] = mask.to_numpy(dtype=bool)
    n_rows = int(((counts < min_count) | counts.isna()).fillna(True).sum())
    if n_rows:
        warnings.warn(
            f"suppress_small_cells: suppressed {n_rows * len(value_cols)} cell(s) in {n_rows} of "
            f"{len(table)} row(s) with {count_col} < {min_count} (columns: {', '.join(value_cols)})",
            CellsSuppressedWarning,
            stacklevel=2,
        )
    return out


# --- the grid and the rule -------------------------------------------------------------------


def _equations(rows: list[tuple], cols: list, totals: Sequence, splits: list) -> list[dict]:
    """Margin equations of a grid: ``{"total": cell, "parts": [cells]}``.

    ``rows``: tuples of row-dimension values; ``cols``: ``(split, answer)`` column keys plus
    :data:`N_CELL`; ``totals``: per row dimension its total value (or None); ``splits``: the
    distributions within a row sharing ``n`` (e.g. before / after).
    """
    eqs = []
    answer_cols = [c for c in cols if c != N_CELL]
    for r in rows:  # within a row: the answers of each split sum to n
        for s in splits:
            parts = [(r, c) for c in answer_cols if c[0] == s]
            if parts:
                eqs.append({"total": (r, N_CELL), "parts": parts})
    present = set(rows)
    for d, total in enumerate(totals):  # along a dimension with a total: groups sum to it
        if total is None:
            continue
        for r in rows:
            if r[d] != total:
                continue
            parts_rows = [q for q in rows if q[d] != total and _same_but(q, r, d)]
            if not parts_rows or r not in present:
                continue
            for c in cols:
                eqs.append({"total": (r, c), "parts": [(q, c) for q in parts_rows]})
    return eqs


def _same_but(q: tuple, r: tuple, d: int) -> bool:
    return all(q[i] == r[i] for i in range(len(r)) if i != d)


def _protect_grid(values: dict, eqs: list[dict], min_cell: int, primary: set) -> dict:
    """Kinds ``{cell: PRIMARY | SECONDARY}`` after the secondary rule and the audit (module
    docstring): the local rule, then while the audit solves a hidden cell, one more partner
    in that cell's equations (its smallest published cell, as in the rule)."""
    kind = {c: PRIMARY for c in primary}
    while True:
        _local_rule(values, eqs, min_cell, kind)
        solved = _solved(values, eqs, min_cell, kind)
        picks = [_partner(eq, values, kind) for c in solved for eq in eqs if c in _cells(eq)]
        picks = [c for c in picks if c is not None]
        if not picks:
            return kind  # nothing solved, or nothing left to hide
        kind[picks[0]] = SECONDARY


def _cells(eq: dict) -> list:
    return [eq["total"], *eq["parts"]]


def _local_rule(values: dict, eqs: list[dict], min_cell: int, kind: dict) -> None:
    """Conditions 1-3 of the module docstring, equation by equation (updates ``kind``)."""
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            cells = [eq["total"], *eq["parts"]]
            hidden = [c for c in cells if c in kind]
            if not hidden:
                continue
            total_shown = eq["total"] not in kind
            hidden_sum = sum(values[c] for c in hidden if c != eq["total"])
            guard = [c for c in hidden if values[c] > 0]  # a hidden zero protects nothing
            ok = (
                len(guard) >= 2
                and any(kind[c] == SECONDARY for c in guard)
                and (not total_shown or hidden_sum >= min_cell)
            )
            if ok:
                continue
            pick = _partner(eq, values, kind)
            if pick is None:
                continue
            kind[pick] = SECONDARY
            changed = True
            break  # start again from the first equation: rows before margins, fewer picks


def _solved(values: dict, eqs: list[dict], min_cell: int, kind: dict) -> list:
    """Hidden cells the published cells pin down: for each, the smallest and largest integer
    value >= 0 that all margin equations allow (HiGHS ``milp``); solved when they agree.
    A primary answer count is known to lie in 0..min_cell-1 (the log says primary); a
    binary count's complement (n - count) is hidden with it."""
    hidden = set(kind)
    hidden |= {(r, (s, YES if a == NO else NO)) for (r, c) in kind if c != N_CELL
               for (s, a) in [c] if a in (YES, NO)}  # fmt: skip
    unknown = sorted(hidden, key=str)
    if not unknown:
        return []
    index = {c: i for i, c in enumerate(unknown)}
    a_rows, rhs = [], []
    for eq in eqs:  # sum(parts) - total = 0
        coef, b = np.zeros(len(unknown)), 0.0
        for c, sign in [(p, 1.0) for p in eq["parts"]] + [(eq["total"], -1.0)]:
            if c in index:
                coef[index[c]] += sign
            else:
                b -= sign * values[c]
        if coef.any():
            a_rows.append(coef)
            rhs.append(b)
    if not a_rows:
        return []
    from scipy.optimize import Bounds, LinearConstraint, milp  # only here: 0.8 s of import

    bounded = [kind.get(c) == PRIMARY and c[1] != N_CELL and c[1][1] not in (YES, NO)
               for c in unknown]  # fmt: skip
    bounds = Bounds(np.zeros(len(unknown)), np.where(bounded, min_cell - 1, np.inf))
    cons = LinearConstraint(np.array(a_rows), rhs, rhs)
    ints = np.ones(len(unknown))
    solved = []
    for c, i in index.items():
        obj = np.zeros(len(unknown))
        obj[i] = 1.0
        lo = milp(obj, constraints=cons, integrality=ints, bounds=bounds)
        hi = milp(-obj, constraints=cons, integrality=ints, bounds=bounds)
        if lo.status == 0 and hi.status == 0 and round(lo.fun) == round(-hi.fun):
            solved.append(c)
    return solved


def _partner(eq: dict, values: dict, kind: dict):
    """The cell to suppress next in a failing equation: its smallest published non-zero cell
    (inner cells before the total). With none, the published total is 0 and pins every
    hidden cell at 0 (counts are >= 0), so the zero total itself is suppressed; its own
    equations then need non-zero partners. None when nothing published is left."""
    cells = [eq["total"], *eq["parts"]]
    shown = [c for c in cells if c not in kind and values[c] > 0]
    if shown:
        return min(shown, key=lambda c: (c == eq["total"], values[c]))
    return eq["total"] if eq["total"] not in kind else None


def _grid_kinds(block: pd.DataFrame, *, row, col, split, n, count, totals, min_cell) -> dict:
    """Kinds of the cells of one block (a table of counts with its margins; ``count=None``:
    group sizes only, as for means)."""
    values: dict = {}
    rows: list[tuple] = []
    for rec in block.to_dict("records"):
        r = tuple(rec[c] for c in row)
        if r not in rows:
            rows.append(r)
        nv = rec[n]
        values[(r, N_CELL)] = 0.0 if pd.isna(nv) else float(nv)
        if count is None:
            continue
        cv = rec[count]
        cv = 0.0 if pd.isna(cv) else float(cv)
        s = rec[split] if split else None
        if col is None:
            values[(r, (s, YES))] = cv
            values[(r, (s, NO))] = values[(r, N_CELL)] - cv
        else:
            values[(r, (s, rec[col]))] = cv
    cols = sorted({c for (_, c) in values if c != N_CELL}, key=str) + [N_CELL]
    splits = sorted({c[0] for c in cols if c != N_CELL}, key=str)
    for r in rows:  # absent combinations are zero cells (exhaustive answers)
        for c in cols:
            values.setdefault((r, c), 0.0)
    primary = {c for c, v in values.items() if 0 < v < min_cell}
    for r in rows:
        if 0 < values[(r, N_CELL)] < min_cell:
            primary |= {(r, c) for c in cols}
    eqs = _equations(rows, cols, totals, splits)
    return _protect_grid(values, eqs, min_cell, primary)


def _blank(out: pd.DataFrame, mask: pd.Series, cols: Sequence[str]) -> None:
    if not mask.any():
        return
    for c in cols:
        if c in out.columns:
            if pd.api.types.is_integer_dtype(out[c]):
                out[c] = out[c].astype("Int64")
            out[c] = out[c].mask(mask)


def _finish(out: pd.DataFrame, kinds: pd.Series, name: str) -> pd.DataFrame:
    if "suppression" in out.columns:  # applied twice: keep the stronger kind
        kinds = kinds.where(kinds != "", out["suppression"].fillna(""))
    out["suppression"] = kinds.to_numpy()
    flag = kinds != ""
    if "suppressed" in out.columns:
        flag = flag | out["suppressed"].fillna(False).astype(bool)
    out["suppressed"] = flag.to_numpy(dtype=bool)
    n_p, n_s = int((kinds == PRIMARY).sum()), int((kinds == SECONDARY).sum())
    if n_p or n_s:
        warnings.warn(
            f"{name}: suppressed {n_p} row(s) primary, {n_s} secondary of {len(out)}",
            CellsSuppressedWarning,
            stacklevel=3,
        )
    return out


def protect_counts(
    table: pd.DataFrame,
    *,
    min_cell: int,
    row: Sequence[str],
    col: str | None = None,
    split: str | None = None,
    block: Sequence[str] = (),
    totals: dict | None = None,
    count: str | None = "count",
    n: str = "n",
    share: str | None = "share",
    extra_values: Sequence[str] = (),
    name: str = "table",
) -> pd.DataFrame:
    """Primary and secondary suppression of a long table of counts (module docstring).

    Each row of ``table`` is one cell: ``block`` columns pick independent sub-tables,
    ``row`` columns the group (values in ``totals[column]``, e.g. ``"ALL"``, are the totals
    of that dimension), ``col`` the answer (``None``: binary, one row per group with its
    ``count`` of yes and the complement ``n - count``), ``split`` distributions in a group
    sharing ``n`` (e.g. before / after). Blanks ``count``, ``share`` and ``extra_values``
    of suppressed cells, ``n`` of suppressed groups (and then their shares).

    Returns a copy with ``suppression`` (primary / secondary / empty) and ``suppressed``.
    """
    min_cell = check_positive_int("min_cell", min_cell)
    row, block, totals = list(row), list(block), dict(totals or {})
    check_columns(table, [*block, *row, *([col] if col else []), *([split] if split else [])])
    check_columns(table, [c for c in (count, n) if c])
    unknown = set(totals) - set(row)
    if unknown:
        raise ValueError(f"`totals` keys must be among `row` {row!r}; got {sorted(unknown)!r}")
    out = table.reset_index(drop=True).copy()
    kinds = pd.Series([""] * len(out), index=out.index, dtype=object)
    cell_hidden = pd.Series(False, index=out.index)
    n_hidden = pd.Series(False, index=out.index)
    groups = out.groupby(block, sort=False, dropna=False) if block else [((), out)]
    for _, part in groups:
        kind = _grid_kinds(
            part, row=row, col=col, split=split, n=n, count=count,
            totals=[totals.get(c) for c in row], min_cell=min_cell,
        )  # fmt: skip
        for i, rec in zip(part.index, part.to_dict("records"), strict=True):
            r = tuple(rec[c] for c in row)
            s = rec[split] if split else None
            cells = [(r, (s, YES)), (r, (s, NO))] if col is None else [(r, (s, rec[col]))]
            cells = cells if count else []
            got = [kind[c] for c in cells if c in kind]
            cell_hidden[i] = bool(got)
            if (r, N_CELL) in kind:
                n_hidden[i] = True
                got.append(kind[(r, N_CELL)])
            if got:
                kinds[i] = PRIMARY if PRIMARY in got else SECONDARY
    _blank(out, cell_hidden, [c for c in (count, share, *extra_values) if c])
    # a hidden n blanks the shares too: share = count / n gives n back
    _blank(out, n_hidden, [c for c in (n, share, *extra_values) if c])
    return _finish(out, kinds, name)


def protect_means(
    table: pd.DataFrame,
    *,
    min_cell: int,
    row: Sequence[str],
    values: Sequence[str],
    block: Sequence[str] = (),
    totals: dict | None = None,
    n: str = "n",
    name: str = "table",
) -> pd.DataFrame:
    """Primary and secondary suppression of a table of group statistics (means, quantiles).

    A group of fewer than ``min_cell`` is primary; along a ``row`` dimension with a total
    value the groups' ``n`` (and ``n``-weighted means) sum to the total row, so the rule of
    the module docstring runs on the ``n`` cells. Blanks ``values`` and ``n`` of suppressed
    groups. Returns a copy with ``suppression`` and ``suppressed``.
    """
    return protect_counts(
        table, min_cell=min_cell, row=row, col=None, block=block, totals=totals,
        count=None, n=n, share=None, extra_values=list(values), name=name,
    )  # fmt: skip


# --- the log -------------------------------------------------------------------------------


def suppression_log(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The release's suppression log: ``table, cell, kind`` for every suppressed row of the
    published ``{name: table}`` (cell = its text columns as ``column=value``; never a value)."""
    rows = []
    for name in sorted(tables):
        df = tables[name]
        if "suppression" not in df.columns:
            continue
        keys = [
            c
            for c in df.columns
            if c not in ("suppression", "suppressed", *VALUE_COLUMNS)
            and not pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])
        ]
        for _, rec in df[df["suppression"].fillna("").isin([PRIMARY, SECONDARY])].iterrows():
            cell = "; ".join(f"{k}={rec[k]}" for k in keys if not pd.isna(rec[k]))
            rows.append({"table": name, "cell": cell, "kind": rec["suppression"]})
    out = pd.DataFrame(rows, columns=["table", "cell", "kind"])
    return out.sort_values(["table", "kind", "cell"], kind="stable", ignore_index=True)


def count_suppressed(log: pd.DataFrame) -> dict[str, int]:
    """``{"primary": .., "secondary": ..}`` of a :func:`suppression_log`."""
    return {k: int((log["kind"] == k).sum()) for k in (PRIMARY, SECONDARY)}

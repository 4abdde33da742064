"""The secondary-suppression engine of :mod:`reintegration.stats.disclosure` (issue 17).

A protected table is read as a grid of count cells with its margin equations; the rule and
the self-audit (integer bounds of every hidden cell by HiGHS ``milp``) are described in the
docstring of :mod:`reintegration.stats.disclosure`, which holds the public API.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

PRIMARY, SECONDARY = "primary", "secondary"
#: Grid keys: a row's group size, a binary count and its complement (n - count).
N_CELL = "__n__"
YES, NO = "__count__", "__complement__"


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


def hidden_cell_system(values: dict, eqs: list[dict], min_cell: int, kind: dict):
    """The margin equations over the hidden cells as ``(index, constraint, bounds)``, ``index``
    mapping each hidden cell to its column; None when no equation involves a hidden cell.
    A primary answer count is known to lie in 0..min_cell-1 (the log says primary); a
    binary count's complement (n - count) is hidden with it."""
    from scipy.optimize import Bounds, LinearConstraint  # only here: 0.8 s of import

    hidden = set(kind)
    hidden |= {(r, (s, YES if a == NO else NO)) for (r, c) in kind if c != N_CELL
               for (s, a) in [c] if a in (YES, NO)}  # fmt: skip
    unknown = sorted(hidden, key=str)
    if not unknown:
        return None
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
        return None
    bounded = [kind.get(c) == PRIMARY and c[1] != N_CELL and c[1][1] not in (YES, NO)
               for c in unknown]  # fmt: skip
    bounds = Bounds(np.zeros(len(unknown)), np.where(bounded, min_cell - 1, np.inf))
    return index, LinearConstraint(np.array(a_rows), rhs, rhs), bounds


def _solved(values: dict, eqs: list[dict], min_cell: int, kind: dict) -> list:
    """Hidden cells the published cells pin down: for each, the smallest and largest integer
    value >= 0 that all margin equations allow (HiGHS ``milp``); solved when they agree.
    Every solution found is a feasible table: a cell whose value differs between two of them
    is not solved, and its own two solves are skipped (the same answer, a fraction of the
    solves)."""
    from scipy.optimize import milp

    system = hidden_cell_system(values, eqs, min_cell, kind)
    if system is None:
        return []
    index, cons, bounds = system
    unknown = list(index)
    ints = np.ones(len(unknown))
    solved, reference, moved = [], None, np.zeros(len(unknown), dtype=bool)
    for c, i in index.items():
        ends = []
        for sign in (1.0, -1.0):  # smallest, then largest value of cell i
            if moved[i]:
                break  # two solutions found differ in cell i: not solved, skip its solves
            obj = np.zeros(len(unknown))
            obj[i] = sign
            res = milp(obj, constraints=cons, integrality=ints, bounds=bounds)
            if res.status != 0:
                break
            x = np.round(res.x)
            reference = x if reference is None else reference
            moved |= x != reference
            ends.append(sign * res.fun)
        if len(ends) == 2 and not moved[i] and round(ends[0]) == round(ends[1]):
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


def grid_kinds(block: pd.DataFrame, *, row, col, split, n, count, totals, min_cell) -> dict:
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

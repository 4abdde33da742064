"""The subtraction attack on a published table (issue 17), written apart from the gate.

The attacker knows the table's structure (which cells sum to which margin) and reads every
published value; each blank count or ``n`` is an unknown integer >= 0. With ``aware`` the
attacker also uses the log: a count flagged ``primary`` in a table of answers lies in
0..min_cell-1 (small itself, or in a group of fewer than min_cell; a zero cell is flagged only
in such a group). In binary tables a primary flag may be on either side (count or complement),
so it gives no linear bound. For every
unknown the attack solves two integer programmes (scipy's HiGHS ``milp``): the smallest and
the largest value the margins allow. The cell is recovered when both agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass
class Spec:
    """Structure of a table: ``row`` dims (with their total value in ``totals``), the answer
    column ``col`` (None: binary, count of yes and complement n - count), ``split`` (several
    distributions sharing n), independent ``block`` sub-tables."""

    row: list[str]
    col: str | None = None
    split: str | None = None
    block: list[str] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    count: str = "count"
    n: str = "n"


def _num(x) -> float | None:
    v = pd.to_numeric(pd.Series([x]), errors="coerce").iloc[0]
    return None if pd.isna(v) else float(v)


def attack_block(df: pd.DataFrame, spec: Spec, *, min_cell: int, aware: bool) -> list[dict]:
    """Recovered unknowns of one block: ``[{"cell": ..., "value": ...}]``."""
    known: dict = {}
    unknown: list = []
    primary: set = set()
    rows: dict = {}
    for rec in df.to_dict("records"):
        r = tuple(str(rec[c]) for c in spec.row)
        s = str(rec[spec.split]) if spec.split else ""
        is_primary = str(rec.get("suppression", "")) == "primary" and spec.col is not None
        rows.setdefault(r, set())
        n_cell = ("n", r)
        nv = _num(rec[spec.n])
        if nv is None:
            if n_cell not in unknown:
                unknown.append(n_cell)
        else:
            known[n_cell] = nv
        cv = _num(rec[spec.count]) if spec.count else None
        answers = [("yes",), ("no",)] if spec.col is None else [(str(rec[spec.col]),)]
        for a in answers:
            cell = ("c", r, s, a)
            rows[r].add((s, a))
            if is_primary:
                primary.add(cell)
        yes = ("c", r, s, answers[0])
        if cv is None:
            unknown.append(yes)
        else:
            known[yes] = cv
        if spec.col is None:  # the complement is never printed: known when both others are
            if cv is None or nv is None:
                unknown.append(("c", r, s, ("no",)))
            else:
                known[("c", r, s, ("no",))] = nv - cv
    if not unknown:
        return []
    equations = []
    for r, cols in rows.items():
        for s in {c[0] for c in cols}:
            parts = [("c", r, s, a) for (s2, a) in cols if s2 == s]
            equations.append((parts, ("n", r)))
    for d, col_name in enumerate(spec.row):
        total = spec.totals.get(col_name)
        if total is None:
            continue
        for r in rows:
            if r[d] != str(total):
                continue
            members = [q for q in rows if q[d] != str(total) and all(
                q[i] == r[i] for i in range(len(r)) if i != d
            )]  # fmt: skip
            if not members:
                continue
            equations.append(([("n", q) for q in members], ("n", r)))
            for s, a in rows[r]:
                parts = [("c", q, s, a) for q in members if (s, a) in rows[q]]
                equations.append((parts, ("c", r, s, a)))
    index = {u: i for i, u in enumerate(unknown)}
    a_rows, rhs = [], []
    for parts, total in equations:
        coef = np.zeros(len(unknown))
        b = 0.0
        for cell, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
            if cell in index:
                coef[index[cell]] += sign
            else:
                b -= sign * known.get(cell, 0.0)
        if coef.any():
            a_rows.append(coef)
            rhs.append(b)
    if not a_rows:
        return []
    a_eq = np.array(a_rows)
    lb = np.zeros(len(unknown))
    ub = np.full(len(unknown), np.inf)
    if aware:
        for u, i in index.items():
            if u in primary:
                lb[i], ub[i] = 0, min_cell - 1
    cons = LinearConstraint(a_eq, rhs, rhs)
    integrality = np.ones(len(unknown))
    recovered = []
    for u, i in index.items():
        c = np.zeros(len(unknown))
        c[i] = 1.0
        lo = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub))
        hi = milp(-c, constraints=cons, integrality=integrality, bounds=Bounds(lb, ub))
        if lo.status == 2:  # infeasible: the attacker's model does not hold (not a recovery)
            continue
        if lo.status == 0 and hi.status == 0 and round(lo.fun) == round(-hi.fun):
            recovered.append({"cell": u, "value": round(lo.fun)})
    return recovered


def attack(df: pd.DataFrame, spec: Spec, *, min_cell: int, aware: bool = False) -> list[dict]:
    """Recovered unknowns of every block of ``df``."""
    groups = df.groupby(spec.block, sort=False, dropna=False) if spec.block else [((), df)]
    parts = [g for _, g in groups]
    out = []
    for part in parts:
        out += attack_block(part, spec, min_cell=min_cell, aware=aware)
    return out

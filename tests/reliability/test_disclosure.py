"""Disclosure control as one gate (issue 17): primary and secondary suppression, and the
subtraction attack (tests/reliability/attack.py) recovering nothing.

Unit cases are the issue's three subtraction attacks and hand-worked tables; the end-to-end
case runs the attack on every published table of the seeded tiny release (conftest.py).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reintegration.stats.disclosure import (
    CellsSuppressedWarning,
    protect_counts,
    protect_means,
    suppression_log,
)
from snakemake_runner import tiny_config

from reliability.attack import Spec, attack

K = 5


def dist(n: int, counts: dict, item: str = "x") -> pd.DataFrame:
    df = pd.DataFrame(
        {"item": item, "answer": list(counts), "n": n, "count": list(counts.values())}
    )
    df["share"] = df["count"] / n
    return df


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CellsSuppressedWarning)
        return func(*args, **kwargs)


ISSUE_ATTACKS = {
    # Figure 31 "neutral" = 24 - 10 - 13 = 1
    "figure_31": (24, {"satisfied": 10, "dissatisfied": 13, "neutral": 1}),
    # job search "no" = 23 - 22 = 1
    "job_search": (23, {"yes": 22, "no": 1}),
    # retrospective "very dissatisfied" = 372 - 35 - 159 - 135 - 42 = 1
    "retrospective": (372, {"a": 35, "b": 159, "c": 135, "d": 42, "very_dissatisfied": 1}),
}


@pytest.mark.parametrize("name", list(ISSUE_ATTACKS))
def test_issue_subtraction_attacks_recover_nothing(name):
    n, counts = ISSUE_ATTACKS[name]
    table = dist(n, counts)
    spec = Spec(row=["item"], col="answer")
    # Before the gate (cell-only suppression, as the pipeline had it): the attack works.
    naive = table.copy()
    naive.loc[naive["count"] < K, ["count", "share"]] = np.nan
    hits = attack(naive, spec, min_cell=K)
    assert [h["value"] for h in hits] == [1]
    out = quiet(protect_counts, table, min_cell=K, row=["item"], col="answer")
    assert attack(out, spec, min_cell=K) == []
    assert attack(out, spec, min_cell=K, aware=True) == []
    assert out["suppression"].tolist().count("primary") == 1
    assert out["suppression"].tolist().count("secondary") == 1
    # the secondary cell is the next-smallest: 10 (figure 31), 22 (job search), 35
    second = out.loc[out["suppression"] == "secondary", "answer"].item()
    assert second == {"figure_31": "satisfied", "job_search": "yes", "retrospective": "a"}[name]


def test_crosstab_with_totals_hand_worked():
    """Countries A, B, C and ALL by answers y/z; n per country. A's z = 2 is small.

    By hand: row A needs a second hidden cell -> A.y (8; the other is the total n);
    column z then holds only A.z -> the smallest published z among B, C: C.z = 6;
    row C needs two -> C.y (9); column y: A.y and C.y hidden, total shown, 17 >= 5: done.
    """
    rows = [("ALL", "y", 37), ("ALL", "z", 18), ("A", "y", 8), ("A", "z", 2),
            ("B", "y", 20), ("B", "z", 10), ("C", "y", 9), ("C", "z", 6)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["country", "answer", "count"])
    df["n"] = df.groupby("country")["count"].transform("sum")
    df["share"] = df["count"] / df["n"]
    out = quiet(
        protect_counts, df, min_cell=K, row=["country"], col="answer", totals={"country": "ALL"}
    )
    got = {(r.country, r.answer): r.suppression for r in out.itertuples()}
    assert {k for k, v in got.items() if v} == {("A", "z"), ("A", "y"), ("C", "z"), ("C", "y")}
    assert got[("A", "z")] == "primary" and got[("C", "y")] == "secondary"
    assert out["n"].notna().all()  # the totals stay: they hide nothing now
    spec = Spec(row=["country"], col="answer", totals={"country": "ALL"})
    assert attack(out, spec, min_cell=K) == [] and attack(out, spec, min_cell=K, aware=True) == []


def test_small_group_hides_its_n_and_the_margin_does_not_give_it_back():
    rows = [("ALL", 50, 30), ("A", 3, 2), ("B", 20, 12), ("C", 27, 16)]
    df = pd.DataFrame(rows, columns=["country", "n", "count"])
    df["share"] = df["count"] / df["n"]
    out = quiet(protect_counts, df, min_cell=K, row=["country"], totals={"country": "ALL"})
    a = out.set_index("country")
    assert pd.isna(a.loc["A", "n"]) and pd.isna(a.loc["A", "share"])  # 3 returnees
    assert a.loc["A", "suppression"] == "primary"
    assert a.loc["B", "suppression"] == "secondary" and pd.isna(a.loc["B", "n"])  # 50-27-n_A
    spec = Spec(row=["country"], totals={"country": "ALL"})
    assert attack(out, spec, min_cell=K) == [] and attack(out, spec, min_cell=K, aware=True) == []


def test_means_with_pooled_row_suppress_a_second_group():
    df = pd.DataFrame(
        {"country": ["ALL", "A", "B", "C"], "n": [33, 3, 10, 20], "mean": [0.5, 0.1, 0.2, 0.3]}
    )
    out = quiet(
        protect_means, df, min_cell=K, row=["country"], values=["mean"], totals={"country": "ALL"}
    )
    assert out["suppression"].tolist() == ["", "primary", "secondary", ""]
    assert out["mean"].isna().tolist() == [False, True, True, False]
    assert out["n"].isna().tolist() == [False, True, True, False]


def test_random_tables_recover_nothing():
    """Seeded random cross-tabs with many small cells: neither attacker recovers a cell."""
    rng = np.random.default_rng(20201)
    for _ in range(12):
        n_rows, n_cols = rng.integers(2, 6), rng.integers(2, 5)
        counts = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30], size=(n_rows, n_cols))
        recs = [(f"r{i}", f"c{j}", int(counts[i, j])) for i in range(n_rows) for j in range(n_cols)]
        recs += [("ALL", f"c{j}", int(counts[:, j].sum())) for j in range(n_cols)]
        df = pd.DataFrame(recs, columns=["country", "answer", "count"])
        df["n"] = df.groupby("country")["count"].transform("sum")
        df["share"] = df["count"] / df["n"].where(df["n"] > 0)
        out = quiet(
            protect_counts, df, min_cell=K, row=["country"], col="answer",
            totals={"country": "ALL"},
        )  # fmt: skip
        spec = Spec(row=["country"], col="answer", totals={"country": "ALL"})
        assert attack(out, spec, min_cell=K) == [], out
        assert attack(out, spec, min_cell=K, aware=True) == [], out
        shown = pd.to_numeric(out["count"], errors="coerce")
        assert not ((shown > 0) & (shown < K)).any()


def crosstab(counts: dict) -> pd.DataFrame:
    """Long table ``country, answer, count, n, share`` of ``{country: {answer: count}}`` with
    the ``ALL`` row (column sums) added."""
    answers = list(next(iter(counts.values())))
    counts = {"ALL": {a: sum(r[a] for r in counts.values()) for a in answers}, **counts}
    recs = [(c, a, v) for c, row in counts.items() for a, v in row.items()]
    df = pd.DataFrame(recs, columns=["country", "answer", "count"])
    df["n"] = df.groupby("country")["count"].transform("sum")
    df["share"] = df["count"] / df["n"].where(df["n"] > 0)
    return df


def gate_and_attack(df: pd.DataFrame) -> tuple[pd.DataFrame, list, list]:
    out = quiet(
        protect_counts, df, min_cell=K, row=["country"], col="answer", totals={"country": "ALL"}
    )
    spec = Spec(row=["country"], col="answer", totals={"country": "ALL"})
    return out, attack(out, spec, min_cell=K), attack(out, spec, min_cell=K, aware=True)


def test_zero_column_total_gives_no_hidden_zero_back():
    """The seeded release's leak (chapter2_indicator_distributions, physical security): M has
    3 returnees, so all its cells are primary, its "very unsafe" = 0 among them; nobody
    anywhere answered "very unsafe", so the published ALL "very unsafe" = 0 pins every hidden
    cell of that column at 0 (counts are >= 0), whatever else is hidden. By hand: the column
    has no published non-zero cell to add, so only hiding the zero total frees M's zero; the
    ALL row then needs non-zero partners (its smallest two, b = 18 and a = 24)."""
    df = crosstab({"G": {"a": 10, "b": 8, "vu": 0}, "S": {"a": 12, "b": 9, "vu": 0},
                   "M": {"a": 2, "b": 1, "vu": 0}})  # fmt: skip
    out, plain, aware = gate_and_attack(df)
    assert plain == [] and aware == []
    got = {(r.country, r.answer): r.suppression for r in out.itertuples()}
    assert {a for a in ("a", "b", "vu") if got[("ALL", a)] == "secondary"} == {"a", "b", "vu"}
    assert all(got[("M", a)] == "primary" for a in ("a", "b", "vu"))


def test_hidden_n_tied_to_one_hidden_cell_gives_nothing_back():
    """Each equation holds the local conditions, yet the system solves: r2's only non-zero
    answer is c3, so hiding r2's n and c3 gives n(r2) = c3(r2), and the n margin and the c3
    margin then say the same thing: n(r5) + n(r2) = 10 = c3(r5) + c3(r2), so n(r5) = c3(r5)
    and r5's other (hidden, primary) cells are 0. The audit finds it and hides more."""
    rows = [[0, 30, 0, 0, 2], [6, 15, 0, 0, 9], [0, 0, 0, 9, 0], [9, 3, 0, 15, 4],
            [15, 3, 0, 30, 0], [0, 0, 0, 1, 0]]  # fmt: skip
    df = crosstab({f"r{i}": {f"c{j}": v for j, v in enumerate(r)} for i, r in enumerate(rows)})
    out, plain, aware = gate_and_attack(df)
    assert plain == [] and aware == []
    shown = pd.to_numeric(out["count"], errors="coerce")
    assert not ((shown > 0) & (shown < K)).any()


def test_suppression_log_names_cells_never_values():
    out = quiet(protect_counts, dist(24, {"a": 10, "b": 13, "c": 1}), min_cell=K, row=["item"],
                col="answer")  # fmt: skip
    log = suppression_log({"t": out})
    assert log.to_dict("records") == [
        {"table": "t", "cell": "item=x; answer=c", "kind": "primary"},
        {"table": "t", "cell": "item=x; answer=a", "kind": "secondary"},
    ]
    assert list(log.columns) == ["table", "cell", "kind"]


# --- every published table of the seeded tiny release ----------------------------------------

#: The structure of each gated table (what an attacker reads off the table itself).
SPECS = {
    "chapter2_indicator_distributions": Spec(
        row=["country"], col="value", block=["item"], totals={"country": "ALL"}
    ),
    "chapter2_indicator_shares": Spec(
        row=["country"], block=["indicator"], totals={"country": "ALL"}
    ),
    "chapter2_programme_indicator_shares": Spec(
        row=["country"], block=["programme"], totals={"country": "ALL"}
    ),
    "chapter3_retrospective_distributions": Spec(
        row=["country"], col="answer", split="time", block=["item"], totals={"country": "all"}
    ),
    "chapter3_morocco_answers": Spec(row=["item"], col="answer", block=["item"]),
    "chapter3_indicator_shares": Spec(
        row=["country", "group"],
        block=["indicator", "time"],
        totals={"country": "all", "group": "all"},
    ),  # fmt: skip
}


def assistance_parts(df: pd.DataFrame) -> list[tuple[pd.DataFrame, Spec]]:
    level = df["quantity"].str.startswith("level_") & (df["quantity"] != "level_collective_of_all")
    return [
        (df[~level], Spec(row=["country"], block=["quantity"], totals={"country": "ALL"})),
        (df[level], Spec(row=["country"], col="quantity", totals={"country": "ALL"})),
    ]


def selection_parts(df: pd.DataFrame) -> list[tuple[pd.DataFrame, Spec]]:
    """The stacked selection diagnostics: the overlap bins of a group sum to its n (per
    dimension); the other parts hold no count cells."""
    overlap = df[df["table"] == "overlap"]
    return [(overlap, Spec(row=["group"], col="p_low", block=["dimension"]))]


@pytest.mark.e2e
@pytest.mark.slow
def test_subtraction_attack_on_every_published_table_recovers_nothing(seeded_release):
    min_cell = tiny_config()["disclosure"]["min_cell_size"]  # the overlay merged on the default
    tables = seeded_release["release_dir"] / "tables"
    attacked, suppressed = [], 0
    for path in sorted(tables.glob("*.csv")):
        df = pd.read_csv(path)
        if "suppression" not in df.columns:
            continue
        suppressed += int(df["suppression"].notna().sum())  # the log lists every one
        if "count" not in df.columns:  # means: no count margins to attack
            continue
        if path.stem == "chapter2_assistance_shares":
            parts = assistance_parts(df)
        elif path.stem == "chapter3_selection_diagnostics":
            parts = selection_parts(df)
        else:
            assert path.stem in SPECS, f"{path.name}: a gated table without an attack spec"
            parts = [(df, SPECS[path.stem])]
        for part, spec in parts:
            for aware in (False, True):
                hits = attack(part, spec, min_cell=min_cell, aware=aware)
                assert hits == [], f"{path.name} (aware={aware}): recovered {hits[:3]}"
        # and no published count rests on 1..min_cell-1 returnees
        for col in ("count", "n"):
            shown = pd.to_numeric(df[col], errors="coerce")
            assert not ((shown > 0) & (shown < min_cell)).any(), f"{path.name}: small {col}"
        attacked.append(path.stem)
    assert {"chapter2_indicator_distributions", "chapter3_retrospective_distributions"} <= set(
        attacked
    ), attacked
    log = pd.read_csv(tables / "suppression_log.csv")
    assert set(log["kind"]) <= {"primary", "secondary"} and len(log) == suppressed
    print(f"\n{len(attacked)} tables attacked; {suppressed} suppressed cells, none recovered")


@pytest.mark.e2e
@pytest.mark.slow
def test_indicator_shares_give_no_distribution_cell_back(seeded_release):
    """Another published table of the same grouping: a binary indicator is a sum of answer
    counts of chapter2_indicator_distributions; with its count (or n - count) published, a
    single hidden answer among the counted (or the other) answers would come back."""
    from reintegration.codebook.indicators import chapter_indicators

    definitions = chapter_indicators("chapter2")

    tables = seeded_release["release_dir"] / "tables"
    dist = pd.read_csv(tables / "chapter2_indicator_distributions.csv")
    shares = pd.read_csv(tables / "chapter2_indicator_shares.csv")
    checked = 0
    for row in shares.itertuples(index=False):
        item, values, _ = definitions[row.indicator]
        d = dist[(dist["item"] == item) & (dist["country"] == row.country)]
        if d.empty or pd.isna(row.count) or pd.isna(row.n):
            continue
        checked += 1
        for part in (d[d["value"].isin(values)], d[~d["value"].isin(values)]):
            assert part["count"].isna().sum() != 1, (row.indicator, row.country)
    assert checked >= 10

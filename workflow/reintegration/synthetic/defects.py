"""Injected defects of real deliveries, each logged with its expected outcome.

Only defects that extraction/cleaning correct or quarantine are injected (contract: never an
unknown header or label that would fail the run). Defects that lead to quarantine hit only
"spare" records (a baseline or monitoring RSS that is neither a returnee's Chapter II record nor
used by the panel, retrospective or Morocco analyses), so the published counts survive cleaning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
QUARANTINE = {
    "duplicate_conflict": "quarantine:DUPLICATE_CONFLICT",
    "interview_before_return": "quarantine:INTERVIEW_BEFORE_RETURN",
    "birth_in_future": "quarantine:IMPOSSIBLE_DATE",
    "date_after_wave": "quarantine:IMPOSSIBLE_DATE",
    "age_out_of_range": "quarantine:AGE_OUT_OF_RANGE",
    "missing_required": "quarantine:MISSING_REQUIRED",
    "unknown_country": "quarantine:UNKNOWN_COUNTRY",
}
UNKNOWN_COUNTRY = {"en": "Liberia", "fr": "Libéria"}


def _count(spec: dict, eligible: int) -> int:
    if eligible == 0:
        return 0
    return min(eligible, max(int(spec.get("min", 0)), int(round(spec["rate"] * eligible))))


def case_id_variant(case_id: str, k: int) -> str:
    """The same id spelled another way (separators, case, spaces)."""
    iso, year, num = case_id.split("-")
    return [
        f"{iso.lower()}/{year}/{num}",
        f"{iso} {year} {num}",
        f"{iso}{year}{num}",
        f"{iso.lower()}_{year}_{num}",
    ][k % 4]


def inject_records(
    df: pd.DataFrame, spare: np.ndarray, cfg: dict, wave_end, items: list[str], has_dob: bool, rng
):
    """Record-level defects of one file. Returns the new frame and a log of
    (row position, defect, column, expected outcome, record_id)."""
    df = df.reset_index(drop=True).copy()
    n = len(df)
    log = []
    free = list(rng.permutation(np.flatnonzero(spare)))  # spare rows not yet defective

    def take(name):
        k = _count(cfg.get(name, {"rate": 0}), len(free)) if name in cfg else 0
        picked = [free.pop() for _ in range(min(k, len(free)))]
        return picked

    extra_rows = {}  # position -> list of rows inserted after it
    for i in take("duplicate_conflict"):
        copy = df.loc[i].copy()
        answered = [c for c in items if copy[c] not in ("", None) and not pd.isna(copy[c])]
        col = answered[int(rng.integers(len(answered)))] if answered else items[0]
        copy[col] = "refused" if copy[col] != "refused" else "dont_know"
        extra_rows.setdefault(i, []).append(
            (copy, "duplicate_conflict", col, QUARANTINE["duplicate_conflict"])
        )
        log.append((i, "duplicate_conflict", col, QUARANTINE["duplicate_conflict"]))
    for i in take("interview_before_return"):
        df.at[i, "interview_date"] = df.at[i, "return_date"] - int(rng.integers(10, 200)) * DAY
        log.append(
            (i, "interview_before_return", "interview_date", QUARANTINE["interview_before_return"])
        )
    if has_dob:
        for i in take("birth_in_future"):
            df.at[i, "date_of_birth"] = (
                df.at[i, "interview_date"] + int(rng.integers(30, 400)) * DAY
            )
            df.at[i, "age"] = ""
            log.append((i, "birth_in_future", "date_of_birth", QUARANTINE["birth_in_future"]))
    for i in take("date_after_wave"):
        df.at[i, "interview_date"] = np.datetime64(wave_end) + int(rng.integers(20, 200)) * DAY
        log.append((i, "date_after_wave", "interview_date", QUARANTINE["date_after_wave"]))
    for i in take("age_out_of_range"):
        df.at[i, "age"] = int(rng.choice([7, 9, 11, 95, 102]))
        if has_dob:
            df.at[i, "date_of_birth"] = pd.NaT
        log.append((i, "age_out_of_range", "age", QUARANTINE["age_out_of_range"]))
    for i in take("missing_required"):
        df.at[i, "sex"] = ""
        log.append((i, "missing_required", "sex", QUARANTINE["missing_required"]))
    for i in take("unknown_country"):
        df.at[i, "country"] = "__unknown__"
        log.append((i, "unknown_country", "country", QUARANTINE["unknown_country"]))
    # Harmless defects may hit any row not quarantined.
    clean = np.setdiff1d(np.arange(n), [entry[0] for entry in log])
    dup_spec = cfg.get("duplicate_identical")
    if dup_spec:
        for i in rng.permutation(clean)[: _count(dup_spec, len(clean))]:
            extra_rows.setdefault(int(i), []).append(
                (df.loc[i].copy(), "duplicate_identical", "", "merged_duplicate")
            )
    variant_rows = (
        rng.permutation(np.arange(n))[: _count(cfg["case_id_variant"], n)]
        if "case_id_variant" in cfg
        else []
    )
    for k, i in enumerate(variant_rows):
        df.at[i, "case_id"] = case_id_variant(df.at[i, "case_id"], k)
        log.append((int(i), "case_id_variant", "case_id", "linked_case_id"))
    out, pos_of, order = _assemble(df, extra_rows)
    new_log = [(int(pos_of[i]), defect, col, outcome) for i, defect, col, outcome in log]
    new_log.extend(order)
    return out, new_log


def _assemble(df: pd.DataFrame, extra_rows: dict) -> tuple[pd.DataFrame, np.ndarray, list]:
    """Rows of ``df`` with each duplicate right after its original (a resubmission); every
    column as the frame of the rows (object columns, values inferred as pandas does for a
    list of rows). Returns the frame, each original's new position and the duplicates' log."""
    n = len(df)
    extra = np.zeros(n, dtype=np.int64)
    for i, copies in extra_rows.items():
        extra[i] = len(copies)
    pos_of = np.arange(n) + np.concatenate([[0], np.cumsum(extra)[:-1]])
    values = df.to_numpy(dtype=object)
    cells = np.empty((n + int(extra.sum()), values.shape[1]), dtype=object)
    cells[pos_of] = values
    order = []
    dup = np.zeros(len(cells), dtype=bool)
    for i in sorted(extra_rows):
        for k, (copy, defect, col, outcome) in enumerate(extra_rows[i]):
            at = int(pos_of[i]) + 1 + k
            cells[at] = copy.reindex(df.columns).to_numpy(dtype=object)
            dup[at] = True  # the resubmitted copy (its original keeps its truth row)
            order.append((at, defect, col, outcome))
    out = pd.DataFrame(dict(enumerate(cells.T)), columns=range(cells.shape[1]))
    out.columns = df.columns
    out = out.infer_objects()
    if "_dup" in out:
        out["_dup"] = np.where(dup, True, out["_dup"].to_numpy(dtype=bool))
    return out, pos_of, order

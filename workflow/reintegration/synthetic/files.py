"""One raw export file of the generator: defects, labels, cells, header, blank rows, writing.

:func:`write_file` renders a block of canonical records (one wave, format and country; one
chunk of returnees) as the file a country office would deliver, logs every injected defect in
the generator's defect log and its file list, and returns where each original record landed
(file, sheet, row). The random draws happen in a fixed order (record defects, labels, Excel
serial dates, dropped system columns, header variants, column order, blank rows), so the same
seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from reintegration.synthetic import defects, writers


def canon_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def write_file(gen, name, wave, fmt, ftype, iso, canon, spare, rng, record_defects) -> pd.DataFrame:
    """Write ``canon`` as file ``name`` of ``wave`` under ``gen.stage``; see the module doc."""
    cfg = gen.p.config
    spec = gen.specs[fmt]
    dcfg = cfg["defects"]
    # "after the wave" = after the end of the month the wave is named after (contract)
    wave_end = (pd.Period(wave, freq="M").end_time.normalize()).date().isoformat()
    df = canon.reset_index(drop=True).copy()
    df["_dup"] = False
    log = []
    if record_defects:
        items = [c for c in gen.rss.names if c in spec.headers]
        has_dob = "date_of_birth" in spec.headers
        df, log = defects.inject_records(df, spare, dcfg, wave_end, items, has_dob, rng)
    unknown = (df["country"] == "__unknown__").to_numpy()
    df.loc[unknown, "country"] = iso
    label_log: list = []
    rendered = writers.render_labels(df, gen.labels, spec, cfg["labels"], rng, label_log)
    rendered.loc[unknown, "country"] = defects.UNKNOWN_COUNTRY[spec.language]
    log += [(i, d, c, o) for i, d, c, o in label_log]
    variables = [v for v in spec.headers if v in rendered.columns]
    cells = _cells(rendered, variables, ftype, spec)
    n = len(df)
    if fmt == "case_management" and ftype == "csv" and "excel_serial_date" in dcfg:
        _excel_serial_dates(cells, df, dcfg["excel_serial_date"], rng, log)
    # Dropped system columns, deterministic.
    for h in spec.drops:
        cells[h] = drop_column(h, df, rng)
    file_log: list = []
    keys, header = _header(variables, spec, dcfg, rng, file_log)
    rows = [list(row) for row in zip(*(cells[k] for k in keys), strict=True)]
    final_row, nb = _blank_rows(rows, n, len(keys), dcfg, rng, file_log)
    sheet_name = _write(gen, wave, name, fmt, ftype, iso, header, rows)
    raw_ids = df["case_id"].to_numpy()
    entries = [
        (wave, name, sheet_name, int(final_row[i]), raw_ids[i], d, c, o) for i, d, c, o in log
    ]
    entries += [(wave, name, sheet_name, r, "", d, c, o) for r, d, c, o in file_log]
    gen.defect_log.add(sorted(entries, key=lambda e: (e[3], e[5], e[6])))
    gen.files[f"{wave}/{name}"] = {
        "format": fmt,
        "rows": n,
        "blank_rows": int(nb),
        "sheet": sheet_name,
    }
    orig = ~df["_dup"].to_numpy()
    return pd.DataFrame(
        {"record_id": df["_rid"].to_numpy()[orig], "raw_case_id": raw_ids[orig], "source_file": name,
         "source_sheet": sheet_name, "source_row": final_row[orig]}
    )  # fmt: skip


def _cells(rendered: pd.DataFrame, variables: list[str], ftype: str, spec) -> dict[str, list]:
    """Each variable's cells as written: dates (xlsx: dates; csv: text in the format's
    order), ages (xlsx: numbers), everything else text ("" for missing)."""
    cells = {}
    for v in variables:
        col = rendered[v].to_numpy(dtype=object)  # iterating a numpy array: far faster
        if v in writers.DATE_VARS:
            cells[v] = _date_cells(col, ftype, spec.date_order)
        elif v == "age":
            cells[v] = [
                int(x)
                if ftype == "xlsx" and x not in ("", None)
                else ("" if x in ("", None) else str(int(x)))
                for x in col
            ]
        else:  # most cells are text already: taken as they are, the others tested
            cells[v] = [
                x if type(x) is str else "" if x is None or (isinstance(x, float) and x != x)
                else str(x)
                for x in col
            ]  # fmt: skip
    return cells


def _date_cells(col: np.ndarray, ftype: str, order: str) -> list:
    """Date cells: xlsx dates, or text in the format's order (dmy: dd/mm/yyyy, else ISO);
    "" where missing. The values are calendar dates (no time of day)."""
    stamps = pd.Series(pd.to_datetime(col))
    missing = stamps.isna().to_numpy()
    if ftype == "xlsx":
        out = np.array(stamps.dt.date, dtype=object)
    else:
        out = np.array(stamps.dt.strftime("%d/%m/%Y" if order == "dmy" else "%Y-%m-%d"), object)
    out[missing] = ""
    return out.tolist()


def _excel_serial_dates(cells: dict, df: pd.DataFrame, spec: dict, rng, log: list) -> None:
    """Some date cells of a case-management csv written as Excel serial numbers (logged)."""
    n = len(df)
    k = defects._count(spec, n)
    for i in rng.permutation(n)[:k]:
        v = ["interview_date", "return_date", "date_of_birth"][int(rng.integers(3))]
        if cells[v][i]:
            cells[v][i] = writers.excel_serial(canon_date(df.at[i, v]))
            log.append((int(i), "excel_serial_date", v, "corrected:excel_serial_date"))


def _header(variables, spec, dcfg, rng, file_log) -> tuple[list[str], list[str]]:
    """Column keys in file order and their headers: header variants, shuffled column order."""
    header_of = {}
    hv = dcfg.get("header_variant", {"rate": 0})
    for v in variables:
        options = spec.headers[v]
        if len(options) > 1 and rng.random() < hv["rate"]:
            header_of[v] = options[1 + int(rng.integers(len(options) - 1))]
            file_log.append((1, "header_variant", header_of[v], "corrected:header_alias"))
        else:
            header_of[v] = options[0]
    keys = variables[:1] + [*variables[1:], *spec.drops]  # case id first unless shuffled
    if rng.random() < dcfg.get("column_order", {"rate": 0})["rate"]:
        keys = list(rng.permutation(keys))
        file_log.append((1, "column_order", "", "corrected:column_order"))
    return keys, [header_of.get(k, k) for k in keys]


def _blank_rows(rows, n, width, dcfg, rng, file_log) -> tuple[np.ndarray, int]:
    """Blank rows at random places (skipped by extraction, counted as blank_rows); returns
    each record's final sheet row and the number of blank rows."""
    nb = defects._count(dcfg["blank_row"], n) if "blank_row" in dcfg and n else 0
    blank_before = np.sort(rng.integers(0, n + 1, nb))
    final_row = np.arange(n) + 2 + np.searchsorted(blank_before, np.arange(n), side="right")
    for j, b in enumerate(blank_before):
        file_log.append((int(b + 2 + j), "blank_row", "", "corrected:blank_row_skipped"))
    for j, b in enumerate(blank_before):
        rows.insert(int(b + j), [""] * width)
    return final_row, nb


def _write(gen, wave, name, fmt, ftype, iso, header, rows) -> str:
    """Write the file (xlsx or csv in the format's separator and the office's encoding);
    returns its sheet name ("" for csv)."""
    cfg = gen.p.config
    path = gen.stage / wave / name
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = "RSS" if fmt == "case_management" else "Sheet1"
    if ftype == "xlsx":
        writers.write_xlsx(path, header, rows, sheet, notes_sheet=(fmt == "case_management"))
    else:
        writers.write_csv(
            path,
            header,
            rows,
            ";" if fmt == "country_office" else ",",
            cfg["countries"][iso].get("encoding", "utf-8")
            if fmt == "country_office" or fmt == "case_management"
            else "utf-8",
        )
    return sheet if ftype == "xlsx" else ""


def drop_column(header, df, rng) -> list[str]:
    """Cells of a system column the extraction drops (timestamps, uuids, index, initials)."""
    if header in ("Record created", "_submission_time", "end", "start"):
        dates = pd.Series(pd.to_datetime(df["interview_date"].to_numpy(dtype=object)))
        dates = dates.fillna(pd.Timestamp("2019-01-01"))
        late = header != "start"
        shift = pd.Timedelta(hours=17) if late else pd.Timedelta(hours=16, minutes=20)
        return (dates + shift).dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()  # as isoformat()
    if header == "_uuid":
        return [f"{a:016x}{b:016x}" for a, b in rng.integers(0, 2**62, size=(len(df), 2)).tolist()]
    if header == "_index":
        return [str(i + 1) for i in range(len(df))]
    return list(rng.choice(["AB", "CD", "FK", "MS", "OT"], len(df)))  # Entered by

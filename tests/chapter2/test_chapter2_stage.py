"""The Chapter II stage end to end on fixture records (tables, reproduction part)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from reintegration.chapter2 import regression_stage, stage
from reintegration.io import write_parquet
from reintegration.reproduction import COLUMNS
from snakemake_runner import REPO

CODEBOOK = REPO / "config" / "codebook"


def test_stage_writes_tables_and_reproduction_rows(tmp_path, records):
    rec = tmp_path / "records.parquet"
    write_parquet(records, rec)
    d, t = tmp_path / "data", tmp_path / "tables"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stage.make_dataset(
            rec,
            codebook=CODEBOOK,
            min_records=50,
            min_cell=5,
            out_data=d / "cc.parquet",
            out_programmes=d / "prog.parquet",
            out_counts=t / "counts.csv",
        )
        stage.make_descriptives(
            d / "cc.parquet",
            d / "prog.parquet",
            codebook=CODEBOOK,
            min_cell=5,
            a_above=0.7,
            c_at_or_below=0.6,
            out_dir=t,
        )
        outs = {
            n: t / f"{n}.csv"
            for n in ("published", "published_glance", "published_vs_annex", "full", "full_glance")
        }

        def regressions(folder, workers=1):
            regression_stage.make_regressions(
                d / "cc.parquet",
                d / "prog.parquet",
                codebook=CODEBOOK,
                reference="NGA",
                bootstrap_B=99,
                bootstrap_weights="rademacher",
                seed=1,
                min_cell=5,
                out_notes=folder / "notes.md",
                workers=workers,
                **{f"out_{k}": folder / v.name for k, v in outs.items()},
            )

        regressions(t)
        # Two processes fit each specification's outcomes: the same files, byte for byte.
        forked = tmp_path / "forked"
        regressions(forked, workers=2)
        for path in [*outs.values(), t / "notes.md"]:
            assert (forked / path.name).read_bytes() == path.read_bytes(), path.name
        stage.make_trends(
            d / "cc.parquet",
            codebook=CODEBOOK,
            countries=["ETH", "CIV", "GIN", "SEN", "NGA", "CMR"],
            min_cell=5,
            out_slopes=t / "slopes.csv",
            out_bands=t / "bands.csv",
        )
        table = stage.make_reproduction(
            codebook=CODEBOOK,
            data=d / "cc.parquet",
            counts=t / "counts.csv",
            tables_dir=t,
            published=outs["published"],
            published_glance=outs["published_glance"],
            slopes=t / "slopes.csv",
            out=t / "reproduction_chapter2.csv",
            targets=REPO / "config" / "published" / "targets.yaml",
            checks=REPO / "config" / "published" / "checks.csv",
        )
    assert "person_key" not in pd.read_parquet(d / "cc.parquet").columns
    pub = pd.read_csv(outs["published"])
    assert list(pub.columns[:8]) == [
        "type",
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
    ]
    assert set(pub["type"]) == {"Economic", "Social", "Psychosocial", "Composite"}
    assert "Other or none" in (t / "notes.md").read_text(encoding="utf-8")
    assert list(table.columns) == COLUMNS
    # every Annex 3 coefficient has a row (64) plus n
    assert (table["section"] == "Chapter II: Annex 3").sum() == 65
    assert (table["section"] == "Chapter II: sample").sum() == 20
    written = pd.read_csv(t / "reproduction_chapter2.csv")
    assert len(written) == len(table)


def test_stages_reading_some_rows_and_columns_give_the_whole_tables(tmp_path, records, labels):
    """Issue 16: the dataset stage reads the key columns, then only the chosen rows (here
    across many row groups); the descriptives read only their columns. Both must give
    what the functions give on the whole frames."""
    from reintegration.chapter2 import dataset
    from reintegration.data.coarsen import coarsen_dates

    rec = tmp_path / "records.parquet"
    shuffled = records.sample(frac=1.0, random_state=3).reset_index(drop=True)
    shuffled.to_parquet(rec, row_group_size=97)
    d, t = tmp_path / "data", tmp_path / "tables"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stage.make_dataset(
            rec,
            codebook=CODEBOOK,
            min_records=50,
            min_cell=5,
            out_data=d / "cc.parquet",
            out_programmes=d / "prog.parquet",
            out_counts=t / "counts.csv",
        )
        whole, _ = dataset.build_cross_country(pd.read_parquet(rec), min_records=50, labels=labels)
        write_parquet(coarsen_dates(whole), tmp_path / "expected.parquet")
        assert (d / "cc.parquet").read_bytes() == (tmp_path / "expected.parquet").read_bytes()
        stage.make_descriptives(
            d / "cc.parquet",
            d / "prog.parquet",
            codebook=CODEBOOK,
            min_cell=5,
            a_above=0.7,
            c_at_or_below=0.6,
            out_dir=t,
        )
        expected = stage._descriptive_tables(
            pd.read_parquet(d / "cc.parquet"),
            pd.read_parquet(d / "prog.parquet"),
            labels=labels,
            min_cell=5,
            a_above=0.7,
            c_at_or_below=0.6,
        )
    for key, table in expected.items():
        got = pd.read_csv(t / stage.DESCRIPTIVE_TABLES[key], keep_default_na=False, na_values=[""])
        want = table.reset_index(drop=True)
        assert got.columns.tolist() == want.columns.tolist(), key
        assert len(got) == len(want) and len(got) > 0, key
        for col in ("n", "count", "share", "mean"):
            if col in want:
                pd.testing.assert_series_equal(
                    got[col].astype(float), want[col].astype(float), check_names=False
                )


def test_forked_map_keeps_task_order_and_checks_workers():
    from reintegration.forked import forked_map

    offset = 10  # a closure: forked workers inherit it, nothing is pickled but tasks
    assert forked_map(lambda t: (t, t + offset), range(7), 3) == [(t, t + 10) for t in range(7)]
    assert forked_map(lambda t: t * 2, [5], 4) == [10]
    with pytest.raises(ValueError, match="`workers` must be a positive integer"):
        forked_map(lambda t: t, [1, 2], 0)


def test_a_forked_workers_warnings_reach_the_parent_in_task_order():
    from reintegration.forked import forked_map

    def task(t: int) -> int:
        if t % 2:
            warnings.warn(f"task {t} dropped a row", UserWarning, stacklevel=1)
        warnings.warn("ignored here", DeprecationWarning, stacklevel=1)
        return t

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # the parent's filters hold
        assert forked_map(task, range(6), 2) == list(range(6))
    assert [str(w.message) for w in caught] == [f"task {t} dropped a row" for t in (1, 3, 5)]
    assert all(w.category is UserWarning and w.filename == __file__ for w in caught)


def test_a_warning_category_the_pipe_cannot_carry_arrives_named():
    from reintegration.forked import forked_map

    class LocalWarning(UserWarning):  # defined in a function: not picklable by reference
        pass

    def task(t: int) -> int:
        warnings.warn(f"task {t}", LocalWarning, stacklevel=1)
        return t

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert forked_map(task, range(2), 2) == [0, 1]
    assert [(w.category, str(w.message)) for w in caught] == [
        (RuntimeWarning, "LocalWarning: task 0"),
        (RuntimeWarning, "LocalWarning: task 1"),
    ]

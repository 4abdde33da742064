"""Fixtures of this folder; the data builders live in chapter3_fixtures.py (importable by tests)."""

import pandas as pd
import pytest
from chapter3_fixtures import make_records


@pytest.fixture(scope="session")
def records() -> pd.DataFrame:
    return make_records()


@pytest.fixture(scope="session")
def panel(records):
    import warnings

    from reintegration.chapter3.panel import build_panel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_panel(records, countries=["GIN", "SEN"]).panel

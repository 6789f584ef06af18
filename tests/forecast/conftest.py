"""Fixtures for forecast tests: witan.send's demo inputs and a small synthetic LA."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from highneeds.forecast.synthetic import synthetic_la
from highneeds.forecast.witan import read_witan_inputs

WITAN_DEMO = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "witan-send-demo"


@pytest.fixture(scope="session")
def witan_demo():
    # No skip: these inputs are part of the shared test data and must be present.
    return read_witan_inputs(WITAN_DEMO)


@pytest.fixture(scope="session")
def small_la():
    return synthetic_la(children=600, years=3, seed=3)


def _transitions_frame(rows: list[tuple]) -> pd.DataFrame:
    """Transitions contract frame from (year, ncy_from, need_from, setting_from, need_to,
    setting_to) tuples; ncy_to is ncy_from + 1."""
    return pd.DataFrame(
        [(y, a, nf, sf, a + 1, nt, st) for y, a, nf, sf, nt, st in rows],
        columns=[
            "year",
            "ncy_from",
            "need_from",
            "setting_from",
            "ncy_to",
            "need_to",
            "setting_to",
        ],
    )


@pytest.fixture
def make_transitions():
    return _transitions_frame

"""A small clean synthetic return shared by the rule tests beside each rule module."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.sen2.model import Sen2Return
from highneeds.sen2.rules import Context, load_rules
from highneeds.sen2.synth import SynthConfig, fictional_establishments, generate


@pytest.fixture(scope="session")
def clean_return() -> Sen2Return:
    return generate(SynthConfig(first_year=2023, last_year=2024, children=150, seed=7))[-1]


@pytest.fixture
def broken(clean_return):
    """``broken(change)``: a copy of the clean return after ``change(tables)``, as a Context."""

    def make(change) -> Context:
        tables = {name: frame.copy() for name, frame in clean_return.tables.items()}
        change(tables)
        ret = Sen2Return(dict(clean_return.header), tables, "test", "synthetic")
        return Context(ret, fictional_establishments())

    return make


def flagged(code: str, ctx: Context) -> int:
    """How many records rule ``code`` flags in ``ctx``."""
    return sum(len(flag.rows) for flag in load_rules()[code].check(ctx))


def first(frame: pd.DataFrame, mask=None):
    rows = frame.index if mask is None else frame.index[mask]
    return rows[0]


def set_first(table: str, column: str, value, where=None):
    """A change that sets ``column`` of the first record of ``table`` (matching ``where``)."""

    def change(tables) -> None:
        frame = tables[table]
        mask = None if where is None else where(frame).to_numpy()
        frame.loc[first(frame, mask), column] = value

    return change


def shift_first(table: str, column: str, other: str, delta, where=None):
    """A change that sets ``column`` to ``other`` + ``delta`` on the first matching record."""

    def change(tables) -> None:
        frame = tables[table]
        row = first(frame, None if where is None else where(frame).to_numpy())
        frame.loc[row, column] = frame.loc[row, other] + delta

    return change

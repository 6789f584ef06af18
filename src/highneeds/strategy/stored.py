"""An LA's stored strategy and places register, read back from the store."""

from __future__ import annotations

import sqlalchemy as sa

from highneeds.finance.stored import load_places_register
from highneeds.store import Store
from highneeds.store.schema import imports
from highneeds.strategy.definition import Strategy, strategy_from_text
from highneeds.strategy.places import COLUMNS
from highneeds.strategy.schema import strategy_files


def stored_strategy(store: Store, la_code: str) -> Strategy | None:
    """The LA's current strategy, or None if it has none."""
    store.create_all()
    frame = store.read_frame(
        sa.select(strategy_files.c.toml, imports.c.file_name)
        .join(imports, strategy_files.c.import_id == imports.c.id)
        .where(strategy_files.c.la_code == str(la_code))
        .order_by(strategy_files.c.id)
    )
    if frame.empty:
        return None
    row = frame.iloc[-1]
    return strategy_from_text(row["toml"], file=row["file_name"])


def stored_register(store: Store, la_code: str):
    """The LA's current places register (the columns :func:`read_register` gives), or None
    (read by :func:`highneeds.finance.stored.load_places_register`, which the plan uses)."""
    frame = load_places_register(store, la_code)
    return None if frame is None else frame[[*COLUMNS, "year"]]

"""An LA's stored SEN2 data read back (highneeds.importers.sen2 writes it)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from highneeds.sen2 import schema as tables
from highneeds.store import Store


def stored_states(store: Store, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All stored child states and request events of an LA (every imported year)."""
    states = store.read_frame(sa.select(tables.states).where(tables.states.c.la_code == la_code))
    events = store.read_frame(
        sa.select(
            tables.events.c.year,
            tables.events.c.child_id,
            tables.events.c.cease_date,
            tables.events.c.cease_reason,
        ).where(tables.events.c.la_code == la_code)
    )
    events["cease_date"] = pd.to_datetime(events["cease_date"])
    return states, events


def has_transitions(store: Store, la_code: str) -> bool:
    """Whether the LA has SEN2 transitions in the store (two consecutive returns), so its
    forecast is the child-level model's: one small query, not the table."""
    table = tables.transitions
    query = sa.select(table.c.la_code).where(table.c.la_code == str(la_code)).limit(1)
    with store.engine.connect() as conn:
        return conn.execute(query).first() is not None


def stored_transitions(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's transitions table as the forecasting models take it
    (:mod:`highneeds.forecast.transitions`), plus ``leave_reason``."""
    table = tables.transitions
    columns = [
        table.c.year,
        table.c.child_id,
        table.c.ncy_from,
        table.c.need_from,
        table.c.setting_from,
        table.c.ncy_to,
        table.c.need_to,
        table.c.setting_to,
        table.c.leave_reason,
    ]
    query = sa.select(*columns).where(table.c.la_code == la_code)
    return store.read_frame(query.order_by(table.c.year, table.c.child_id))

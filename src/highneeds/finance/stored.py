"""An LA's stored finance templates read back (the importer, highneeds.importers.finance,
writes them): ``load_*`` give back exactly the frames the template readers return."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from highneeds.finance import schema as tables
from highneeds.finance.templates import (
    ALLOCATION,
    BUDGET,
    CAPACITY,
    COUNT,
    MONEY,
    UNIT_COSTS,
    TemplateSpec,
)
from highneeds.store import Store
from highneeds.store.schema import metadata

#: The LA's register of specialist places (declared in highneeds.strategy.schema, written by
#: highneeds.importers.strategy). It is read back here, the home of an LA's stored capacity,
#: by its name in the store's one MetaData: the plan turns its opened and closed places into
#: capacity, and the strategy package (which builds on the plan) reads it through here too.
PLACES_TABLE = "hn_places_register"
#: The kind of import (in ``hn_import``) of a places register.
PLACES_KIND = "places_register"


def import_kind(template: str) -> str:
    return f"finance_{template}"


def _load(store: Store, table: sa.Table, spec: TemplateSpec, la_code: str, extra=()):
    """The stored rows rebuilt the way the reader builds them (same values, same dtypes)."""
    store.create_all()
    names = [*spec.names, "source_row", *extra]
    query = (
        sa.select(*(table.c[n] for n in names))
        .where(table.c.la_code == la_code)
        .order_by(table.c.id)
    )
    with store.engine.connect() as conn:
        found = conn.execute(query).all()
    numeric = {c.name for c in spec.columns if c.kind in (MONEY, COUNT)}
    records = [
        {
            name: (float("nan") if name in numeric else None)
            if value is None
            else (float(value) if name in numeric else value)
            for name, value in zip(names, row, strict=True)
        }
        for row in found
    ]
    frame = pd.DataFrame(records, columns=names)
    frame.attrs.update(file=_file_name(store, spec, la_code), sheet=None)
    return frame


def _file_name(store: Store, spec: TemplateSpec, la_code: str) -> str | None:
    kind = import_kind("budget" if spec is ALLOCATION else spec.kind)
    imports = store.imports()
    mine = imports[(imports["kind"] == kind) & (imports["owner"] == la_code)]
    return None if mine.empty else str(mine["file_name"].iloc[-1])


def load_unit_costs(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's stored unit costs, as :func:`read_unit_costs` returned them (empty if none)."""
    return _load(store, tables.unit_costs, UNIT_COSTS, la_code)


def load_budget(store: Store, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The LA's stored ``(lines, allocation)``, as :func:`read_budget` returned them."""
    lines = _load(store, tables.budget_lines, BUDGET, la_code, extra=("financial_year",))
    allocation = _load(store, tables.budget_allocation, ALLOCATION, la_code)
    return lines, allocation


def load_capacity(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's stored capacity register, as :func:`read_capacity` returned it."""
    return _load(store, tables.capacity, CAPACITY, la_code)


def load_places_register(store: Store, la_code: str) -> pd.DataFrame | None:
    """The LA's stored places register (``scheme, funding_category, designated_needs, phase,
    status, academic_year, year, places, source``), or None when it has none."""
    store.create_all()
    table = metadata.tables[PLACES_TABLE]
    columns = [c for c in table.c if c.name not in ("id", "import_id", "la_code")]
    frame = store.read_frame(
        sa.select(*columns).where(table.c.la_code == str(la_code)).order_by(table.c.id)
    )
    if frame.empty:
        return None
    return frame.astype({"year": int, "places": int}).fillna("")

"""Scenarios in the store, per LA (owner = LA code): save, load, list, delete.

Saving is atomic: the scenario and its interventions are written in one transaction,
replacing a scenario of the same name for the same LA, so a reader sees the old or the new
scenario, never half of one. The TOML text is stored as written and read back through the
same checks as a file (:func:`highneeds.finance.scenarios.scenario_from_toml`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.finance import schema as tables
from highneeds.finance.scenarios import Scenario, scenario_from_toml, scenario_to_toml
from highneeds.store import Store, file_sha256


def save_scenario(
    store: Store,
    owner: str,
    scenario: Scenario,
    *,
    toml_text: str | None = None,
    saved_by: str | None = None,
) -> int:
    """Save (or replace) ``owner``'s scenario of this name; returns its id.

    ``toml_text``: the file as the officer wrote it (default: written from ``scenario``). It
    must describe the same scenario."""
    if not owner:
        raise InputFileError("a scenario belongs to an LA: give its code as the owner")
    text = toml_text if toml_text is not None else scenario_to_toml(scenario)
    if scenario_from_toml(text, source=scenario.name) != scenario:
        raise InputFileError(f"the TOML text of {scenario.name!r} describes another scenario")
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        _delete(conn, owner, scenario.name)
        scenario_id = conn.execute(
            tables.scenarios.insert().values(
                owner=owner,
                name=scenario.name,
                scenario_date=scenario.date,
                description=scenario.description,
                toml=text,
                sha256=file_sha256(text.encode("utf-8")),
                saved_at=now,
                saved_by=saved_by,
            )
        ).inserted_primary_key[0]
        if scenario.interventions:
            conn.execute(
                tables.interventions.insert(),
                [
                    {
                        "scenario_id": scenario_id,
                        "position": number,
                        "type": item["type"],
                        "fields": {k: v for k, v in item.items() if k != "type"},
                    }
                    for number, item in enumerate(scenario.interventions, 1)
                ],
            )
    return int(scenario_id)


def load_scenario(store: Store, owner: str, name: str) -> Scenario:
    """``owner``'s scenario called ``name``, read back from its stored TOML."""
    with store.engine.connect() as conn:
        text = conn.execute(
            sa.select(tables.scenarios.c.toml).where(
                tables.scenarios.c.owner == owner, tables.scenarios.c.name == name
            )
        ).scalar_one_or_none()
    if text is None:
        known = list_scenarios(store, owner)["name"].tolist()
        raise InputFileError(
            f"LA {owner} has no saved scenario {name!r}; saved: {', '.join(known) or 'none'}"
        )
    return scenario_from_toml(text, source=name)


def scenario_toml(store: Store, owner: str, name: str) -> str:
    """The stored TOML text, as written (to write the file out again)."""
    load_scenario(store, owner, name)  # a clear error when there is none
    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(tables.scenarios.c.toml).where(
                tables.scenarios.c.owner == owner, tables.scenarios.c.name == name
            )
        ).scalar_one()


def list_scenarios(store: Store, owner: str) -> pd.DataFrame:
    """``owner``'s scenarios: name, date, description, interventions (count), saved_at."""
    s, i = tables.scenarios, tables.interventions
    query = (
        sa.select(
            s.c.name,
            s.c.scenario_date.label("date"),
            s.c.description,
            sa.func.count(i.c.id).label("interventions"),
            s.c.saved_at,
        )
        .select_from(s.outerjoin(i, i.c.scenario_id == s.c.id))
        .where(s.c.owner == owner)
        .group_by(s.c.id, s.c.name, s.c.scenario_date, s.c.description, s.c.saved_at)
        .order_by(s.c.name)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["name", "date", "description", "interventions", "saved_at"])


def delete_scenario(store: Store, owner: str, name: str) -> bool:
    """Remove a saved scenario (and its interventions); False if there was none."""
    with store.engine.begin() as conn:
        return _delete(conn, owner, name)


def _delete(conn, owner: str, name: str) -> bool:
    found = conn.execute(
        sa.select(tables.scenarios.c.id).where(
            tables.scenarios.c.owner == owner, tables.scenarios.c.name == name
        )
    ).scalar_one_or_none()
    if found is None:
        return False
    conn.execute(tables.interventions.delete().where(tables.interventions.c.scenario_id == found))
    conn.execute(tables.scenarios.delete().where(tables.scenarios.c.id == found))
    return True

"""The finance pages' entry points for one LA, on the one path of :mod:`highneeds.plan.inputs`.

Kept for the shells that call them (the web workspace): each resolves the LA's inputs — its
own imports, then public data, then reference defaults — and runs :mod:`highneeds.plan.run`.
Every result carries notes naming the inputs it used, for the outputs to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from highneeds.finance.scenarios import Scenario, read_scenario
from highneeds.store import Store


@dataclass
class FinanceInputs:
    unit_costs: pd.DataFrame
    capacity: pd.DataFrame
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportedFile:
    """Where an LA's stored template came from (its row in the store's provenance table)."""

    file_name: str
    imported_at: pd.Timestamp
    imported_by: str | None


def imported_file(store: Store, kind: str, la_code: str) -> ImportedFile | None:
    """The LA's current import of ``kind`` (e.g. ``finance_budget``), or None."""
    imports = store.imports()
    mine = imports[(imports["kind"] == kind) & (imports["owner"] == la_code)]
    if mine.empty:
        return None
    row = mine.iloc[-1]
    by = row.get("imported_by")
    return ImportedFile(
        str(row["file_name"]), pd.Timestamp(row["imported_at"]), None if pd.isna(by) else str(by)
    )


def _described(found: ImportedFile) -> str:
    return f"'{found.file_name}', imported {found.imported_at.strftime('%d %B %Y')}"


def _provenance(store: Store, kind: str, la_code: str) -> str:
    return _described(imported_file(store, kind, la_code))


def finance_inputs(store: Store, la_code: str) -> FinanceInputs | None:
    """The unit costs and capacity register the LA's plan uses, whichever source each came
    from (:func:`highneeds.plan.inputs.resolve`); ``notes`` name the sources. None when the
    LA has nothing to plan from (unknown, or neither SEN2 returns nor published data)."""
    from highneeds.errors import ModelInputError, NotFoundError
    from highneeds.plan.inputs import resolve

    try:
        inputs = resolve(store, la_code)
    except (NotFoundError, ModelInputError):
        return None
    return FinanceInputs(inputs.unit_costs, inputs.capacity, inputs.notes())


def la_comparison(
    store: Store,
    la_code: str,
    out_dir: str | Path,
    *,
    simulations: int = 1000,
    seed: int = 1,
    scenarios: Sequence[Scenario] | None = None,
):
    """The baseline and ``scenarios`` (default: the shipped examples) for ``la_code``
    (:func:`highneeds.plan.run.compare`); the result's notes name every input's source."""
    from highneeds.finance.demo import example_scenarios
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import compare

    if scenarios is None:
        scenarios = [read_scenario(path) for path in example_scenarios()]
    return compare(resolve(store, la_code), scenarios, out_dir, simulations=simulations, seed=seed)


def la_sufficiency(
    store: Store, la_code: str, *, simulations: int = 500, seed: int = 1
) -> pd.DataFrame:
    """Places against forecast demand (:func:`highneeds.plan.run.sufficiency`);
    ``attrs["notes"]`` names the inputs used."""
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import sufficiency

    return sufficiency(resolve(store, la_code), simulations=simulations, seed=seed)


# --------------------------------------------------------------------------------------------
# The LA's own budget and outturn beside the caseload × unit cost model
# --------------------------------------------------------------------------------------------


@dataclass
class OwnBudget:
    """An LA's imported budget and outturn, read three ways, for pages and reports.

    ``lines``: :func:`highneeds.finance.dsg.budget_outturn`. ``reconciliation``:
    :func:`highneeds.finance.dsg.reconcile` of each year's outturn with its caseload × unit
    cost (with ``uses_reference_default``), or None when no year can be reconciled.
    ``position``: :func:`highneeds.finance.dsg.dsg_position` from the LA's own allocation and
    spend (plus the ``statement`` the spend comes from), or None without an allocation.
    ``notes`` say what each rests on and what was left out, and why; ``default_note`` is
    :func:`highneeds.finance.costs.default_note` of the modelled figures (None: no defaults).
    """

    source: ImportedFile
    lines: pd.DataFrame
    reconciliation: pd.DataFrame | None
    position: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    default_note: str | None = None


def la_caseload(store: Store, la_code: str) -> pd.DataFrame:
    """Children with a plan by January census, setting, need and NCY, from the same SEN2
    transitions the LA's child-level forecast learns from; empty without any."""
    from highneeds.finance.caseload import caseload_from_transitions
    from highneeds.importers.sen2 import stored_transitions

    return caseload_from_transitions(stored_transitions(store, la_code))


def _unit_costs_for_reconciling(store: Store, la_code: str) -> tuple[pd.DataFrame, str]:
    """The LA's own unit costs; else no figures at all, so every line rests on the national
    reference defaults (and is flagged as such)."""
    from highneeds.finance.costs import empty_unit_costs
    from highneeds.importers.finance import import_kind, load_unit_costs

    own = load_unit_costs(store, la_code)
    if not own.empty:
        source = _provenance(store, import_kind("unit_costs"), la_code)
        return own, f"Unit costs: LA {la_code}'s own template {source}."
    return empty_unit_costs(), (
        "Unit costs: none imported for this LA, so every modelled figure uses the national "
        "reference defaults."
    )


def la_budget_outturn(store: Store, la_code: str) -> OwnBudget | None:
    """The LA's imported budget and outturn (:mod:`highneeds.importers.finance`): by line
    and year, reconciled with its caseload × unit cost, and its DSG position; None when it
    has imported none."""
    from highneeds.finance.costs import cost_caseload, default_note
    from highneeds.finance.dsg import (
        budget_outturn,
        costs_by_s251_line,
        dsg_position,
        financial_year_of_census,
        own_spend,
        reconcile,
    )
    from highneeds.importers.finance import import_kind, load_budget

    source = imported_file(store, import_kind("budget"), la_code)
    lines, allocation = load_budget(store, la_code)
    if source is None or lines.empty:
        return None
    notes = [f"Budget and outturn: LA {la_code}'s own template {_described(source)}."]
    reconciliation, flagged = None, None
    outturn = lines[lines["statement"] == "outturn"]
    caseload = la_caseload(store, la_code)
    census = {financial_year_of_census(int(y)): int(y) for y in caseload["year"].unique()}
    reconcilable = sorted(set(outturn["financial_year"]) & set(census))
    unmatched = sorted(set(outturn["financial_year"]) - set(census))
    if outturn.empty:
        notes.append("No outturn given, so nothing is reconciled with the cost model.")
    elif reconcilable:
        unit_costs, unit_cost_note = _unit_costs_for_reconciling(store, la_code)
        years = [census[year] for year in reconcilable]
        # Each year priced at its own prices: the unit costs are taken as that year's rates.
        costed = cost_caseload(
            caseload[caseload["year"].isin(years)], unit_costs, price_year=min(years)
        )
        actual = outturn[outturn["financial_year"].isin(reconcilable)]
        reconciliation = reconcile(actual, costs_by_s251_line(costed))
        notes += [
            "Modelled: children with a plan at the January census in each financial year "
            "(from the LA's SEN2 returns) × unit cost, every child in a paid place; unit "
            "costs are taken at that year's prices.",
            unit_cost_note,
        ]
        flagged = default_note(costed)
        if flagged:
            notes.append(flagged)
    if unmatched:
        notes.append(
            f"Outturn for {', '.join(unmatched)} is not reconciled: there is no January "
            "caseload for it from this LA's SEN2 returns."
        )
    position = None
    spend = own_spend(lines)
    with_allocation = spend[spend["financial_year"].isin(set(allocation["financial_year"]))]
    left_out = sorted(set(spend["financial_year"]) - set(with_allocation["financial_year"]))
    if with_allocation.empty:
        notes.append(
            "No DSG position: the template's Allocation sheet gives no High Needs allocation "
            "for the years of the budget and outturn."
        )
    else:
        position = dsg_position(allocation, with_allocation[["financial_year", "spend_gbp"]])
        position = position.merge(with_allocation[["financial_year", "statement"]])
        notes.append(
            f"DSG position: the LA's own allocation and spend (outturn where given, else "
            f"budget), carried forward from a balance of £0 at the start of "
            f"{position['financial_year'].iloc[0]} (the template has no brought-forward "
            "balance)."
        )
        if left_out:
            notes.append(f"Not in the DSG position (no allocation given): {', '.join(left_out)}.")
    return OwnBudget(source, budget_outturn(lines), reconciliation, position, notes, flagged)

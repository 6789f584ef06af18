"""The finance results people read, as titled tables (code-named columns, labels, notes).

Published money beside comparators (:func:`benchmark_tables`), the LA's own budget and outturn
(:func:`own_finance`), places against demand (:func:`sufficiency_tables`) and the scenario
comparison (:func:`scenario_tables`). Shells render these; they decide nothing themselves.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from highneeds import reference
from highneeds.errors import ModelInputError, NotFoundError
from highneeds.finance.benchmark import la_finance_profile
from highneeds.finance.la_inputs import la_budget_outturn
from highneeds.finance.scenarios import Scenario
from highneeds.finance.workbook import DEFAULT_COLUMN
from highneeds.plan.entry_points import finance_inputs, la_comparison, la_sufficiency
from highneeds.store import Store
from highneeds.tables import TitledTable, notes_table
from highneeds.vocabulary import FUNDING_CATEGORY_BY_CODE

BENCHMARK_TITLES = {
    "spend_by_line": "High Needs spend by Section 251 line (£)",
    "per_head": "Budget per resident aged 2 to 18, beside comparators (£)",
    "per_ehcp": "Budget per EHCP, beside comparators (£)",
    "unit_costs": "Implied unit cost per EHCP by provision type, beside comparators (£)",
    "allocation": "High needs block allocation by year (£)",
    "allocation_per_head": "Allocation per resident aged 2 to 18, beside comparators (£)",
    "balance": "Cumulative DSG balance as a share of DSG income (%)",
    "neighbours": "Statistical neighbours compared",
    "notes": "Notes on these figures",
}
OWN_TITLES = {
    "own_lines": "Your budget and outturn by Section 251 line (£)",
    "own_reconciliation": "Your outturn against caseload × unit cost, by Section 251 line (£)",
    "own_position": "DSG position from your own figures (£)",
    "own_notes": "Notes on your figures",
}
SCENARIO_TITLES = {
    "cost": "High needs cost by scenario (mean, £ a year)",
    "children": "Children with an EHCP by scenario (mean)",
    "cumulative_saving": "Cumulative saving against the baseline (mean, £)",
    "closing_balance": "DSG closing balance by scenario (median, £)",
    "comparison": "All figures by scenario and year",
    "notes": "Assumptions",
}
SUFFICIENCY_TITLES = {
    "sufficiency": "Places against forecast demand by year (mean children)",
    "gap": "Spare places (negative: short of places) by year",
    "notes": "Inputs used",
}
NOT_PUBLISHED = (
    "{la} is not in the published High Needs data (Section 251 budgets and outturn, DSG "
    "allocations and balances), so there is nothing to compare it with: its own budget and "
    "outturn, once imported, are shown below."
)
NO_COSTS = (
    "have nothing to plan from for LA {la}: upload its SEN2 returns on the Data page, or a DfE "
    "EHCP release for an English LA's published figures"
)
#: Tables beside comparators: key -> (the profile's frame, its key column and that column's
#: heading, then the LA's, its neighbours' median and England's columns).
_COMPARISONS = {
    "per_head": ("lines", "label", "Section 251 line", "budget_per_head_gbp",
                 "neighbours_median_budget_per_head_gbp", "england_budget_per_head_gbp"),
    "per_ehcp": ("lines", "label", "Section 251 line", "budget_per_ehcp_gbp",
                 "neighbours_median_budget_per_ehcp_gbp", "england_budget_per_ehcp_gbp"),
    "unit_costs": ("unit_costs", "label", "Provision type", "unit_cost_gbp",
                   "neighbours_median_gbp", "england_gbp"),
    "allocation_per_head": ("allocation", "financial_year", "Financial year", "per_head_gbp",
                            "neighbours_median_per_head_gbp", "england_per_head_gbp"),
    "balance": ("balance", "financial_year", "Financial year", "balance_pct_income",
                "neighbours_median_pct", "england_pct"),
}  # fmt: skip


def _compared(profile, key: str) -> tuple[pd.DataFrame, dict]:
    """One comparison table (code names: the key column, la, neighbours_median, england)."""
    source, column, heading, *values = _COMPARISONS[key]
    frame = getattr(profile, source)[[column, *values]]
    labels = {column: heading, "la": profile.la_name,
              "neighbours_median": "Neighbours' median", "england": "England"}  # fmt: skip
    return frame.set_axis([column, "la", "neighbours_median", "england"], axis=1), labels


def benchmark_tables(la_code: str, la_name: str | None = None) -> dict[str, TitledTable]:
    """The LA's published High Needs money beside its statistical neighbours and England, one
    table per unit. Raises NotFoundError, saying so plainly, for an LA that is not in the
    published data (the fictional demo LA)."""
    try:
        reference.find_la(la_code)
    except NotFoundError:
        raise NotFoundError(NOT_PUBLISHED.format(la=la_name or f"LA {la_code}")) from None
    profile = la_finance_profile(la_code)
    lines = profile.lines
    tables: dict[str, tuple[pd.DataFrame, dict]] = {
        "spend_by_line": (
            lines[["label", "s251_lines", "budget_gbp", "outturn_gbp"]],
            {
                "label": "Section 251 line",
                "s251_lines": "S251 lines",
                "budget_gbp": "Budget 2021-22",
                "outturn_gbp": "Outturn 2020-21",
            },
        ),
    }
    tables.update({key: _compared(profile, key) for key in _COMPARISONS})
    tables["allocation"] = (
        profile.allocation[["financial_year", "allocation_gbp"]].set_axis(
            ["financial_year", "la"], axis=1
        ),
        {"la": profile.la_name},
    )
    tables["neighbours"] = (
        profile.neighbours[["la_name", "rank", "closeness"]].astype({"rank": str}),
        {"la_name": "Local authority"},
    )
    units = {"balance": "%", "neighbours": ""}
    titled = {  # in the order of BENCHMARK_TITLES, the order the page shows them
        key: TitledTable(title, tables[key][0], labels=tables[key][1], unit=units.get(key, "£"))
        for key, title in BENCHMARK_TITLES.items()
        if key in tables
    }
    caveats = [f"{r.label}: {r.caveat}" for r in profile.unit_costs.itertuples() if r.caveat]
    titled["notes"] = notes_table(BENCHMARK_TITLES["notes"], [*profile.notes, *caveats])
    return titled


@dataclass(frozen=True)
class OwnFinance:
    """The LA's imported budget and outturn as titled tables, and where they came from."""

    file_name: str
    imported_at: pd.Timestamp
    imported_by: str | None
    tables: dict[str, TitledTable]
    #: The core's sentence when some modelled lines rest on national reference defaults.
    default_warning: str | None


_LINE = {"financial_year": "Financial year", "s251_line": "S251 line", "label": "Line"}


def own_finance(store: Store, la_code: str) -> OwnFinance | None:
    """The LA's own budget and outturn by line and year, reconciled with the cost model, and
    the DSG position from its own figures (pounds). None when it has imported no budget."""
    own = la_budget_outturn(store, la_code)
    if own is None:
        return None
    tables = {
        "own_lines": TitledTable(
            OWN_TITLES["own_lines"],
            own.lines,
            labels={
                **_LINE,
                "budget_gbp": "Budget",
                "outturn_gbp": "Outturn",
                "variance_gbp": "Variance (outturn − budget)",
            },
            unit="£",
        )
    }
    warning = None
    if own.reconciliation is not None:
        recon = own.reconciliation
        flags = recon.get("uses_reference_default", pd.Series(False, index=recon.index))
        tables["own_reconciliation"] = TitledTable(
            OWN_TITLES["own_reconciliation"],
            recon.assign(
                explained_share=recon["explained_share"] * 100,
                uses_reference_default=flags.map({True: "yes", False: ""}),
            ),
            labels={
                **_LINE,
                "actual_gbp": "Outturn",
                "modelled_gbp": "Modelled (caseload × unit cost)",
                "difference_gbp": "Not explained (outturn − modelled)",
                "explained_share": "Share explained (%)",
                "uses_reference_default": DEFAULT_COLUMN,
            },
            unit="£",
        )
        if flags.any():
            warning = own.default_note
    if own.position is not None:
        columns = {
            "financial_year": "Financial year",
            "allocation_gbp": "Allocation",
            "spend_gbp": "Spend",
            "statement": "Spend from",
            "in_year_gbp": "In-year surplus (deficit −)",
            "opening_balance_gbp": "Opening balance",
            "closing_balance_gbp": "Closing balance (cumulative)",
        }
        tables["own_position"] = TitledTable(
            OWN_TITLES["own_position"], own.position[list(columns)], labels=columns, unit="£"
        )
    tables["own_notes"] = notes_table(OWN_TITLES["own_notes"], own.notes)
    source = own.source
    return OwnFinance(source.file_name, source.imported_at, source.imported_by, tables, warning)


def has_costs(store: Store, la_code: str) -> bool:
    """Can the LA's plan be resolved (own imports, else public data, else reference defaults),
    so that sufficiency and scenarios run?"""
    return finance_inputs(store, la_code) is not None


def _require_costs(store: Store, la_code: str) -> None:
    if not has_costs(store, la_code):
        raise ModelInputError("Costs, places and scenarios " + NO_COSTS.format(la=la_code))


def sufficiency_tables(
    store: Store, la_code: str, *, simulations: int, seed: int
) -> dict[str, TitledTable]:
    """Commissioned places against forecast demand by January census year and type of
    provision (children), from the LA's capacity register."""
    _require_costs(store, la_code)
    table = la_sufficiency(store, la_code, simulations=simulations, seed=seed)
    notes = table.attrs.get("notes", [])
    table = table.assign(
        funding_category=table["funding_category"].map(
            lambda code: FUNDING_CATEGORY_BY_CODE[code].label
        )
    )
    gap = table.pivot_table(index="year", columns="funding_category", values="gap", sort=False)
    return {
        "sufficiency": TitledTable(
            SUFFICIENCY_TITLES["sufficiency"],
            table,
            labels={
                "funding_category": "Type of provision",
                "demand": "Forecast demand (children)",
                "places": "Commissioned places",
                "gap": "Spare places (negative: short)",
                "probability_short": "Chance of being short",
            },
            unit="children",
        ),
        "gap": TitledTable(
            SUFFICIENCY_TITLES["gap"],
            gap.reset_index().rename_axis(columns=None),
            # the columns are already the words people read
            labels={str(c): str(c) for c in gap.columns},
            unit="places",
        ),
        "notes": notes_table(SUFFICIENCY_TITLES["notes"], notes),
    }


def scenario_tables(
    store: Store,
    la_code: str,
    *,
    simulations: int,
    seed: int,
    scenarios: Sequence[Scenario] | None = None,
    workbook_to: Callable[[bytes], None] | None = None,
) -> dict[str, TitledTable]:
    """The baseline and ``scenarios`` (default: the shipped examples) forecast, costed and
    compared with the LA's own unit costs and capacity register (pounds a year at the first
    census year's prices). ``workbook_to`` receives the DSG-plan workbook's bytes."""
    _require_costs(store, la_code)
    with tempfile.TemporaryDirectory() as folder:
        result = la_comparison(
            store, la_code, folder, simulations=simulations, seed=seed, scenarios=scenarios
        )
        if workbook_to is not None:
            workbook_to(result.workbook.read_bytes())
    table, position = result.comparison, result.position

    def wide(key, frame, index, column, unit):
        pivot = frame.pivot_table(index=index, columns="scenario", values=column, sort=False)
        # scenario names are the users' own words: shown as they are
        labels = {str(name): str(name) for name in pivot.columns}
        frame = pivot.reset_index().rename_axis(columns=None)
        return TitledTable(SCENARIO_TITLES[key], frame, labels=labels, unit=unit)

    tables = {
        "cost": wide("cost", table, "year", "cost_gbp_mean", "£"),
        "children": wide("children", table, "year", "children_mean", "children"),
        "cumulative_saving": wide(
            "cumulative_saving", table, "year", "cumulative_saving_gbp_mean", "£"
        ),
    }
    # A position with no projected year (every year published or the LA's own) has no
    # simulated median: its balance is the one figure there is.
    balance = next(
        (c for c in ("closing_balance_gbp_q50", "closing_balance_gbp") if c in position), None
    )
    if balance is not None and not position.empty:
        tables["closing_balance"] = wide(
            "closing_balance", position, "financial_year", balance, "£"
        )
    tables["comparison"] = TitledTable(SCENARIO_TITLES["comparison"], table)
    tables["notes"] = notes_table(SCENARIO_TITLES["notes"], result.notes)
    return tables

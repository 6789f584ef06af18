"""The one place the workspace looks up core capabilities that may not exist yet.

The core grows issue by issue (overview, importers, forecasts, finance, scenarios). Pages ask
here; when a capability is missing they say so plainly instead of failing. When a core module
lands, only this file changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass

import pandas as pd


@dataclass(frozen=True)
class Missing:
    """A capability this installation does not have yet."""

    feature: str
    module: str

    def __str__(self) -> str:
        return f"{self.feature} is not available in this version yet ({self.module} is missing)."


def find(module: str, name: str, feature: str) -> Callable | Missing:
    """`module.name` if the core provides it, else Missing. Errors inside an existing module
    are not hidden: only a missing module or attribute counts as 'not available yet'."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and (module == error.name or module.startswith(error.name + ".")):
            return Missing(feature, module)
        raise
    function = getattr(loaded, name, None)
    return function if callable(function) else Missing(feature, f"{module}.{name}")


def tables_of(result) -> dict[str, pd.DataFrame]:
    """The DataFrames in a core result: a DataFrame, a mapping of them, or a dataclass with
    DataFrame fields. Keys become table names (and download file names)."""
    if isinstance(result, pd.DataFrame):
        return {"table": result}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items() if isinstance(v, pd.DataFrame)}
    if is_dataclass(result):
        return {
            f.name: getattr(result, f.name)
            for f in fields(result)
            if isinstance(getattr(result, f.name), pd.DataFrame)
        }
    raise TypeError(f"expected DataFrames from the core, got {type(result).__name__}")


ENGLAND = "E92000001"


def overview_areas(la_code: str) -> list[str]:
    """Area codes the overview compares: the LA, its statistical neighbours, region, England.
    Loading only these keeps the page fast with the whole national release in the store."""
    from highneeds import reference

    la = reference.find_la(la_code)
    neighbours = reference.statistical_neighbours(la.la_code)
    codes = [la.la_code, *(str(c) for c in neighbours["neighbour_code"])]
    return [*codes, *(c for c in (la.region_code, ENGLAND) if c)]


def la_overview(store, la_code: str) -> dict[str, pd.DataFrame] | Missing:
    """The LA overview tables from highneeds.analysis.overview: the LA by January census year
    (caseload, rates, setting groups, age bands) and beside its statistical neighbours, region
    and England."""
    overview = find("highneeds.analysis.overview", "la_overview", "The LA overview")
    load_stats = find("highneeds.importers.dfe", "load_stats", "Reading DfE statistics")
    for function in (overview, load_stats):
        if isinstance(function, Missing):
            return function
    result = overview(load_stats(store, area_codes=overview_areas(la_code)), la_code)
    return overview_panels(result.history.reset_index(), result.comparison, result.notes)


_LABELS = {
    "year": "January census year",
    "area": "Area",
    "ehcps": "EHCPs",
    "new_plans": "New plans",
    "per_1000_aged_0_25": "EHCPs per 1,000 residents aged 0 to 25",
    "growth_pct": "Growth on a year before (%)",
    "growth_1y_pct": "Growth on a year before (%)",
    "growth_5y_pct": "Growth on five years before (%)",
    "issued_within_20_weeks_pct": "New plans issued within 20 weeks (%)",
}


def _label(column: str) -> str:
    """A heading people read for an overview column (vocabulary labels where there are any)."""
    from highneeds.vocabulary import AGE_BAND_BY_CODE, SETTING_GROUP_BY_CODE

    if column in _LABELS:
        return _LABELS[column]
    if column.endswith("_pct"):
        return f"{_label(column[:-4])} (%)"
    if column in SETTING_GROUP_BY_CODE:
        return SETTING_GROUP_BY_CODE[column].label
    if column.startswith("age_") and column[4:] in AGE_BAND_BY_CODE:
        return AGE_BAND_BY_CODE[column[4:]].label
    if column in AGE_BAND_BY_CODE:
        return AGE_BAND_BY_CODE[column].label
    words = column.replace("_", " ")
    return words[0].upper() + words[1:]


PANEL_TITLES = {
    "caseload": "EHCPs and new plans by January census",
    "rates": "Rates, growth and timeliness",
    "setting_groups": "EHCPs by setting group",
    "age_bands": "EHCPs by age band",
    "comparison_rate": "EHCPs per 1,000 residents aged 0 to 25, beside comparators",
    "comparison": "Beside statistical neighbours, region and England",
    "notes": "Notes on these figures",
}


def overview_panels(history: pd.DataFrame, comparison: pd.DataFrame, notes: list[str]):
    """Split the overview into tables of one unit each, so each draws as a readable chart:
    counts, rates, setting groups, age bands (by January census year), then the comparison."""
    from highneeds.vocabulary import AGE_BANDS, SETTING_GROUPS

    def pick(frame, key, columns):
        present = [c for c in columns if c in frame.columns]
        return frame[[key, *present]].rename(columns=_label) if present else None

    panels = {
        "caseload": pick(history, "year", ["ehcps", "new_plans"]),
        "rates": pick(
            history, "year", ["per_1000_aged_0_25", "growth_pct", "issued_within_20_weeks_pct"]
        ),
        "setting_groups": pick(history, "year", [g.code for g in SETTING_GROUPS]),
        "age_bands": pick(history, "year", [f"age_{b.code}" for b in AGE_BANDS]),
        "comparison_rate": pick(comparison.reset_index(drop=True), "area", ["per_1000_aged_0_25"]),
        "comparison": comparison.reset_index(drop=True).rename(columns=_label),
    }
    if notes:
        panels["notes"] = pd.DataFrame({"Note": notes})
    return {key: frame for key, frame in panels.items() if frame is not None}


MAX_ISSUES_SHOWN = 200


def import_any(store, path, *, la_code, imported_by, year=None, **confirmed) -> dict:
    """Import any file the core reads, told apart by its content (highneeds.importers.registry):
    a summary (kind, rows_imported, already_imported, children, issue_count, issues).
    ``confirmed``: the person's ``replace`` and ``accept_errors`` answers."""
    from highneeds.importers.registry import import_file

    done = import_file(
        store, path, la_code=la_code, imported_by=imported_by, year=year, **confirmed
    )
    summary = {
        "kind": done.label,
        "rows_imported": done.rows,
        "already_imported": done.already_imported,
        "issues": [],
    }
    if done.children is not None:
        summary["children"] = done.children
    if done.issues is not None:
        summary["issue_count"] = len(done.issues)
        summary["issues"] = done.issues.head(MAX_ISSUES_SHOWN).astype(str).to_dict("records")
    return summary


def importer_for(suffix: str) -> Callable | Missing:
    """The importer for an uploaded file: f(store, path, *, la_code, imported_by, year) -> summary
    dict (kind, rows_imported, already_imported, issues). The core decides what the file is by
    its content, so ``suffix`` only matters when the core has no importer at all."""
    found = find("highneeds.importers.registry", "import_file", f"Importing {suffix} files")
    return found if isinstance(found, Missing) else import_any


FORECAST_TABLES = {
    "total": None,
    "by_setting_group": "setting_group",
    "by_need": "need",
    "by_age_band": "age_band",
}
FORECAST_TITLES = {
    "total": "EHCP caseload forecast",
    "by_setting_group": "Forecast by setting group (median)",
    "by_need": "Forecast by type of need (median)",
    "by_age_band": "Forecast by age band (median)",
}
#: The core's quantile columns and the headings people read (figures.FAN draws them as a fan).
QUANTILE_LABELS = {
    "year": "January census year",
    "expected": "Expected",
    "q2.5": "Lower 95% bound",
    "q10": "Lower 80% bound",
    "median": "Median",
    "q90": "Upper 80% bound",
    "q97.5": "Upper 95% bound",
}


def _order(kind: str, code: str) -> tuple[int, str]:
    """Vocabulary order for setting groups, needs and age bands (unknown codes last)."""
    from highneeds import vocabulary

    order = {
        "setting_group": [g.code for g in vocabulary.SETTING_GROUPS],
        "need": [n.code for n in vocabulary.NEEDS],
        "age_band": [b.code for b in vocabulary.AGE_BANDS],
    }.get(kind, [])
    return (order.index(code) if code in order else len(order), str(code))


def run_forecast(
    store, la_code: str, *, horizon: int, simulations: int, seed: int, estimation: str
) -> dict[str, pd.DataFrame] | Missing:
    """Fit the core's Markov model to the LA's stored SEN2 transitions and simulate.

    Returns the caseload (children, by January census year) as ``total`` (expected value and
    quantiles) and the median by setting group, need and age band.
    """
    model_class = find("highneeds.forecast.markov", "MarkovForecaster", "Forecasting")
    tables_of_result = find("highneeds.forecast.export", "forecast_tables", "Forecast tables")
    for function in (model_class, tables_of_result):
        if isinstance(function, Missing):
            return function
    import sqlalchemy as sa

    from highneeds.errors import ModelInputError
    from highneeds.sen2 import schema as sen2_tables

    table = sen2_tables.transitions
    moves = store.read_frame(sa.select(table).where(table.c.la_code == la_code))
    if moves.empty:
        raise ModelInputError(
            f"there are no SEN2 transitions for LA {la_code}: upload this LA's SEN2 returns for "
            "at least two consecutive years on the Data page, then run the forecast again"
        )
    moves = moves.drop(columns=[c for c in ("id", "import_id", "la_code") if c in moves.columns])
    model = model_class(estimation=estimation).fit(moves)
    result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
    tables = tables_of_result(result)
    total = tables["total"][list(QUANTILE_LABELS)].rename(columns=QUANTILE_LABELS)
    panels = {"total": total}
    for name, column in FORECAST_TABLES.items():
        if column is not None:
            wide = tables[name].pivot_table(index="year", columns=column, values="median")
            ordered = sorted(wide.columns, key=lambda code, column=column: _order(column, code))
            panels[name] = (
                wide[ordered].reset_index().rename_axis(columns=None).rename(columns=_label)
            )
    return panels


SCENARIO_TITLES = {
    "cost": "High needs cost by scenario (mean, £ a year)",
    "children": "Children with an EHCP by scenario (mean)",
    "cumulative_saving": "Cumulative saving against the baseline (mean, £)",
    "closing_balance": "DSG closing balance by scenario (median, £)",
    "comparison": "All figures by scenario and year",
    "notes": "Assumptions",
}


def example_scenarios() -> list | Missing:
    """The scenarios shipped with highneeds (name, description, interventions)."""
    listing = find("highneeds.finance.demo", "example_scenarios", "Scenario comparison")
    read = find("highneeds.finance.scenarios", "read_scenario", "Scenario comparison")
    for function in (listing, read):
        if isinstance(function, Missing):
            return function
    return [read(path) for path in listing()]


NO_COSTS = (
    "unit costs and a capacity register for it: import its filled templates on the Data page "
    "(until then only the demo LA has them)"
)


def _store(store):
    if store is not None:
        return store
    from highneeds.web.core.store import get_store

    return get_store()


def compare_scenarios(
    la_code: str, *, simulations: int, seed: int, scenarios=None, workbook_to=None, store=None
) -> dict | Missing:
    """The baseline and scenarios (default: the examples) forecast, costed and compared.

    Uses the LA's own unit costs and capacity register from the store (the demo LA falls back
    to the shipped examples); an LA without them gets Missing. The notes table says which
    inputs were used. Money in pounds a year at the first census year's prices.
    ``workbook_to`` (a callable taking the DSG-plan workbook's bytes) keeps the workbook.
    """
    import tempfile

    la_comparison = find("highneeds.finance.la_inputs", "la_comparison", "Scenario comparison")
    if isinstance(la_comparison, Missing):
        return la_comparison
    store = _store(store)
    if not _has_costs(la_code, store):
        return Missing("Scenario comparison for this LA", NO_COSTS)
    with tempfile.TemporaryDirectory() as folder:
        result = la_comparison(
            store, la_code, folder, simulations=simulations, seed=seed, scenarios=scenarios
        )
        if workbook_to is not None:
            workbook_to(result.workbook.read_bytes())
    table, position = result.comparison, result.position

    def wide(frame, index, column, label):
        pivot = frame.pivot_table(index=index, columns="scenario", values=column, sort=False)
        return pivot.reset_index().rename_axis(columns=None).rename(columns={index: label})

    return {
        "cost": wide(table, "year", "cost_gbp_mean", "January census year"),
        "children": wide(table, "year", "children_mean", "January census year"),
        "cumulative_saving": wide(
            table, "year", "cumulative_saving_gbp_mean", "January census year"
        ),
        "closing_balance": wide(
            position, "financial_year", "closing_balance_gbp_q50", "Financial year"
        ),
        "comparison": table.rename(columns=_label),
        "notes": pd.DataFrame({"Note": result.notes}),
    }


def has_costs(la_code: str) -> bool:
    """Does this LA have unit costs and a capacity register (so sufficiency and scenarios run)?
    Its own in the store, or (the demo LA only) the shipped examples."""
    return _has_costs(la_code, None)


def _has_costs(la_code: str, store) -> bool:
    inputs = find("highneeds.finance.la_inputs", "finance_inputs", "Costs and places")
    if isinstance(inputs, Missing):
        return False
    return inputs(_store(store), la_code) is not None


SUFFICIENCY_TITLES = {
    "sufficiency": "Places against forecast demand by year (mean children)",
    "gap": "Spare places (negative: short of places) by year",
    "notes": "Inputs used",
}


def sufficiency_tables(la_code: str, *, simulations: int, seed: int, store=None) -> dict | Missing:
    """Commissioned places against the forecast demand by year and capped category, from the
    LA's own capacity register (the demo LA: the shipped example)."""
    la_sufficiency = find("highneeds.finance.la_inputs", "la_sufficiency", "Place sufficiency")
    if isinstance(la_sufficiency, Missing):
        return la_sufficiency
    store = _store(store)
    if not _has_costs(la_code, store):
        return Missing("Costs, places and scenarios for this LA", NO_COSTS)
    from highneeds.vocabulary import FUNDING_CATEGORY_BY_CODE

    table = la_sufficiency(store, la_code, simulations=simulations, seed=seed)
    notes = table.attrs.get("notes", [])
    table = table.assign(
        funding_category=table["funding_category"].map(
            lambda code: FUNDING_CATEGORY_BY_CODE[code].label
        )
    )
    gap = table.pivot_table(index="year", columns="funding_category", values="gap", sort=False)
    readable = table.rename(
        columns={
            "year": "January census year",
            "funding_category": "Type of provision",
            "demand": "Forecast demand (children)",
            "places": "Commissioned places",
            "gap": "Spare places (negative: short)",
            "probability_short": "Chance of being short",
        }
    )
    return {
        "sufficiency": readable,
        "gap": gap.reset_index()
        .rename_axis(columns=None)
        .rename(columns={"year": "January census year"}),
        "notes": pd.DataFrame({"Note": notes}),
    }


FINANCE_TITLES = {
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


def finance_tables(la_code: str) -> tuple[str, dict[str, pd.DataFrame]] | Missing:
    """(the LA's name, its published High Needs money beside neighbours and England, one
    table per unit). Raises NotFoundError for an LA without published data."""
    profile_of = find("highneeds.finance.benchmark", "la_finance_profile", "Finance benchmarks")
    if isinstance(profile_of, Missing):
        return profile_of
    profile = profile_of(la_code)
    lines = profile.lines
    line_label = {"label": "Section 251 line"}

    def compare(prefix: str, statement: str = "budget") -> pd.DataFrame:
        return lines[
            [
                "label",
                f"{statement}_{prefix}_gbp",
                f"neighbours_median_{statement}_{prefix}_gbp",
                f"england_{statement}_{prefix}_gbp",
            ]
        ].set_axis(["Section 251 line", profile.la_name, "Neighbours' median", "England"], axis=1)

    tables = {
        "spend_by_line": lines[["label", "s251_lines", "budget_gbp", "outturn_gbp"]]
        .rename(columns=line_label)
        .rename(
            columns={
                "s251_lines": "S251 lines",
                "budget_gbp": "Budget 2021-22",
                "outturn_gbp": "Outturn 2020-21",
            }
        ),
        "per_head": compare("per_head"),
        "per_ehcp": compare("per_ehcp"),
        "unit_costs": profile.unit_costs[
            ["label", "unit_cost_gbp", "neighbours_median_gbp", "england_gbp"]
        ].set_axis(["Provision type", profile.la_name, "Neighbours' median", "England"], axis=1),
        "allocation": profile.allocation[["financial_year", "allocation_gbp"]].set_axis(
            ["Financial year", profile.la_name], axis=1
        ),
        "allocation_per_head": profile.allocation[
            [
                "financial_year",
                "per_head_gbp",
                "neighbours_median_per_head_gbp",
                "england_per_head_gbp",
            ]
        ].set_axis(["Financial year", profile.la_name, "Neighbours' median", "England"], axis=1),
        "balance": profile.balance.set_axis(
            ["Financial year", profile.la_name, "Neighbours' median", "England"], axis=1
        ),
        "neighbours": profile.neighbours[["la_name", "rank", "closeness"]]
        .astype({"rank": str})
        .set_axis(["Local authority", "Rank", "Closeness"], axis=1),
        "notes": pd.DataFrame(
            {
                "Note": [
                    *profile.notes,
                    *(
                        f"{row.label}: {row.caveat}"
                        for row in profile.unit_costs.itertuples()
                        if row.caveat
                    ),
                ]
            }
        ),
    }
    return profile.la_name, tables


OWN_FINANCE_TITLES = {
    "own_lines": "Your budget and outturn by Section 251 line (£)",
    "own_reconciliation": "Your outturn against caseload × unit cost, by Section 251 line (£)",
    "own_position": "DSG position from your own figures (£)",
    "own_notes": "Notes on your figures",
}


@dataclass(frozen=True)
class OwnFinance:
    """The LA's imported budget and outturn as page tables, and where they came from."""

    file_name: str
    imported_at: pd.Timestamp
    imported_by: str | None
    tables: dict[str, pd.DataFrame]
    #: The core's sentence when some modelled lines rest on national reference defaults.
    default_warning: str | None


def own_finance(la_code: str, store=None) -> OwnFinance | Missing | None:
    """The LA's own budget and outturn (highneeds.finance.la_inputs.la_budget_outturn) as
    readable tables: by line and year, reconciled with the cost model, and the DSG position
    from its own figures. None when the LA has imported no budget template."""
    own_of = find("highneeds.finance.la_inputs", "la_budget_outturn", "Your budget and outturn")
    if isinstance(own_of, Missing):
        return own_of
    own = own_of(_store(store), la_code)
    if own is None:
        return None
    from highneeds.finance.workbook import DEFAULT_COLUMN

    line = {"financial_year": "Financial year", "s251_line": "S251 line", "label": "Line"}
    tables = {
        "own_lines": own.lines.rename(
            columns={
                **line,
                "budget_gbp": "Budget",
                "outturn_gbp": "Outturn",
                "variance_gbp": "Variance (outturn − budget)",
            }
        )
    }
    warning = None
    if own.reconciliation is not None:
        recon = own.reconciliation
        flags = recon.get("uses_reference_default", pd.Series(False, index=recon.index))
        tables["own_reconciliation"] = recon.assign(
            explained_share=recon["explained_share"] * 100,
            uses_reference_default=flags.map({True: "yes", False: ""}),
        ).rename(
            columns={
                **line,
                "actual_gbp": "Outturn",
                "modelled_gbp": "Modelled (caseload × unit cost)",
                "difference_gbp": "Not explained (outturn − modelled)",
                "explained_share": "Share explained (%)",
                "uses_reference_default": DEFAULT_COLUMN,
            }
        )
        if flags.any():
            warning = own.default_note
    if own.position is not None:
        tables["own_position"] = own.position[
            [
                "financial_year",
                "allocation_gbp",
                "spend_gbp",
                "statement",
                "in_year_gbp",
                "opening_balance_gbp",
                "closing_balance_gbp",
            ]
        ].set_axis(
            [
                "Financial year",
                "Allocation",
                "Spend",
                "Spend from",
                "In-year surplus (deficit −)",
                "Opening balance",
                "Closing balance (cumulative)",
            ],
            axis=1,
        )
    tables["own_notes"] = pd.DataFrame({"Note": own.notes})
    source = own.source
    return OwnFinance(source.file_name, source.imported_at, source.imported_by, tables, warning)


#: The suppression threshold of JSNA tables downloaded from the web (counts 1-4 shown as c).
JSNA_THRESHOLD = 5


def jsna_years(la_code: str, store=None) -> list[int] | Missing:
    """January census years of the LA's stored SEN2 returns (newest first): the years the
    Data page offers JSNA tables for."""
    years = find("highneeds.analysis.jsna_export", "stored_years", "JSNA tables")
    return years if isinstance(years, Missing) else years(_store(store), la_code)


def jsna_workbook(la_code: str, year: int, store=None) -> bytes | Missing:
    """The published JSNA workbook (small numbers suppressed, threshold 5) for the LA and
    census year. The web never offers the exact figures."""
    stored = find("highneeds.analysis.jsna_export", "stored_jsna", "JSNA tables")
    write = find("highneeds.analysis.jsna_export", "workbook_bytes", "JSNA tables")
    for function in (stored, write):
        if isinstance(function, Missing):
            return function
    tables, sources = stored(_store(store), la_code, year, JSNA_THRESHOLD)
    return write(tables, sources, exact=False)

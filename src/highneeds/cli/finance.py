"""``highneeds finance …``: published High Needs money, unit-cost and budget templates, costs."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.table import Table

from highneeds.cli.output import Format, console, emit, print_table
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="High Needs money: published spend, templates, costs and the DSG position.",
    no_args_is_help=True,
)
template_app = typer.Typer(
    help="Write a blank template for an LA to fill in.", no_args_is_help=True
)
app.add_typer(template_app, name="template")


def money(value: float, *, digits: int = 0) -> str:
    """£ with thousands separators; blank for a missing figure (never £0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "−" if value < 0 else ""
    if abs(value) >= 1_000_000 and digits == 0:
        return f"{sign}£{abs(value) / 1_000_000:,.2f}m"
    return f"{sign}£{abs(value):,.{digits}f}"


def _count(value: float) -> str:
    return "not published" if math.isnan(value) else f"{value:,.0f}"


def _fail(error: HighneedsError) -> None:
    console.print(f"[red]Error:[/red] {error}")
    raise typer.Exit(code=1)


@app.command()
def show(
    la: str = typer.Argument(..., help="LA name or DfE 3-digit number, e.g. Stockport or 356"),
) -> None:
    """Where an LA's published High Needs money goes, beside its statistical neighbours."""
    from highneeds.finance.benchmark import la_finance_profile

    try:
        profile = la_finance_profile(la)
    except HighneedsError as error:
        _fail(error)
        return
    console.print(
        f"[bold]{profile.la_name}[/bold] ({profile.la_code}, {profile.region_name}) — "
        f"2–18 population {_count(profile.population_2_18)}; EHCPs {_count(profile.ehcps)}"
    )
    names = ", ".join(
        str(n) for n in profile.neighbours["la_name"].fillna(profile.neighbours["neighbour_code"])
    )
    console.print(f"Statistical neighbours (DfE 2021 model): {names or 'none'}")

    lines = Table(title="High needs spend by line: Section 251 budget 2021-22 (outturn 2020-21)")
    for heading in (
        "Line",
        "S251",
        "Budget",
        "Outturn",
        "Per head",
        "Neighbours",
        "England",
        "Per EHCP",
        "Neighbours",
        "England",
    ):
        lines.add_column(heading, justify="left" if heading in ("Line", "S251") else "right")
    for row in profile.lines.itertuples():
        lines.add_row(
            row.label,
            row.s251_lines,
            money(row.budget_gbp),
            money(row.outturn_gbp),
            money(row.budget_per_head_gbp, digits=2),
            money(row.neighbours_median_budget_per_head_gbp, digits=2),
            money(row.england_budget_per_head_gbp, digits=2),
            money(row.budget_per_ehcp_gbp),
            money(row.neighbours_median_budget_per_ehcp_gbp),
            money(row.england_budget_per_ehcp_gbp),
        )
    print_table(lines)

    unit = Table(title="Implied unit cost per EHCP a year (budget 2021-22 ÷ EHCPs)")
    for heading in (
        "Provision type",
        "EHCPs",
        "Spend",
        "Unit cost",
        "Neighbours median",
        "Neighbours range",
        "England",
    ):
        unit.add_column(heading, justify="left" if heading == "Provision type" else "right")
    for row in profile.unit_costs.itertuples():
        unit.add_row(
            row.label + (" *" if row.caveat else ""),
            _count(row.ehcps),
            money(row.spend_gbp),
            money(row.unit_cost_gbp),
            money(row.neighbours_median_gbp),
            f"{money(row.neighbours_min_gbp)}–{money(row.neighbours_max_gbp)}",
            money(row.england_gbp),
        )
    print_table(unit)
    for row in profile.unit_costs.itertuples():
        if row.caveat:
            console.print(f"* {row.label}: {row.caveat}")

    allocation = Table(title="High needs block allocation (before deductions)")
    for heading in ("Year", "Allocation", "Per head 2–18", "Neighbours median", "England"):
        allocation.add_column(heading, justify="right")
    for row in profile.allocation.itertuples():
        allocation.add_row(
            row.financial_year,
            money(row.allocation_gbp),
            money(row.per_head_gbp, digits=2),
            money(row.neighbours_median_per_head_gbp, digits=2),
            money(row.england_per_head_gbp, digits=2),
        )
    print_table(allocation)

    balance = Table(title="Cumulative DSG balance, % of DSG income (negative = deficit)")
    for heading in ("Year", profile.la_name, "Neighbours median", "England"):
        balance.add_column(heading, justify="right")
    for row in profile.balance.itertuples():
        balance.add_row(
            row.financial_year,
            f"{row.balance_pct_income:.2f}%",
            f"{row.neighbours_median_pct:.2f}%",
            f"{row.england_pct:.2f}%",
        )
    print_table(balance)
    console.print(
        "The published lines omit S251 1.2.4 and 1.2.9–1.2.11; the allocation is "
        "before deductions for places ESFA funds directly."
    )
    for note in profile.notes:
        console.print(note)


def _write_template(kind: str, out: Path) -> None:
    from highneeds.finance.templates import write_template

    try:
        write_template(kind, out)
    except HighneedsError as error:
        _fail(error)
    console.print(f"Wrote {out}")


@template_app.command("unit-costs")
def template_unit_costs(out: Path) -> None:
    """Unit costs by funding category (and optionally setting, need, age band)."""
    _write_template("unit_costs", out)


@template_app.command("budget")
def template_budget(out: Path) -> None:
    """High Needs budget and outturn by Section 251 line and financial year."""
    _write_template("budget", out)


@template_app.command("capacity")
def template_capacity(out: Path) -> None:
    """Capacity register: commissioned places by setting group and year."""
    _write_template("capacity", out)


@app.command()
def check(
    kind: str = typer.Argument(..., help="unit-costs, budget or capacity"),
    path: Path = typer.Argument(..., help="the filled template (.xlsx or .csv)"),
) -> None:
    """Import a filled template and report what it holds (or where it is wrong)."""
    from highneeds.finance.templates import read_budget, read_capacity, read_unit_costs

    try:
        if kind == "unit-costs":
            table = read_unit_costs(path)
            filled = table[["place_funding_gbp", "top_up_gbp", "additional_support_gbp"]]
            console.print(
                f"{len(table)} unit-cost rows; {int(filled.notna().any(axis=1).sum())} give a "
                "figure; blank ones fall back to the national reference defaults."
            )
        elif kind == "budget":
            lines, allocation = read_budget(path)
            summary = lines.groupby(["financial_year", "statement"])["amount_gbp"].sum()
            for (year, statement), amount in summary.items():
                console.print(f"{year} {statement}: {money(amount)} on {len(lines)} lines")
            for row in allocation.itertuples():
                console.print(f"{row.financial_year} allocation: {money(row.allocation_gbp)}")
        elif kind == "capacity":
            table = read_capacity(path)
            places = table.groupby(["year", "funding_category"])["places"].sum()
            for (year, category), count in places.items():
                console.print(f"{year} {category}: {count:,.0f} commissioned places")
        else:
            console.print(
                f"[red]Error:[/red] unknown template {kind!r}; use unit-costs, budget or capacity"
            )
            raise typer.Exit(code=2)
    except HighneedsError as error:
        _fail(error)


@app.command()
def costs(
    caseload: Path = typer.Argument(
        ...,
        help="CSV: [simulation,] year, setting, count, "
        "optional need, ncy/age_band, funding_category",
    ),
    unit_costs: Path = typer.Option(None, help="filled unit-cost template (blank: defaults)"),
    price_year: int = typer.Option(..., help="January census year the unit costs are priced at"),
    inflation: float = typer.Option(0.0, help="yearly inflation, e.g. 0.03"),
    capacity: Path = typer.Option(None, help="capacity register: caps in-area special places"),
    out: Path = typer.Option(None, help="write the DSG management plan layout workbook here"),
) -> None:
    """Annual High Needs cost of a caseload: caseload × unit cost, by funding category."""
    from highneeds.finance.costs import cost_caseload, cost_summary, default_note, empty_unit_costs
    from highneeds.finance.sufficiency import constrain_to_capacity
    from highneeds.finance.templates import read_capacity, read_unit_costs
    from highneeds.finance.workbook import write_plan_workbook

    try:
        frame = _read_caseload(caseload)
        table = read_unit_costs(unit_costs) if unit_costs else empty_unit_costs()
        places = None
        if capacity:
            register = read_capacity(capacity)
            places = register.groupby(["year", "funding_category"], as_index=False)["places"].sum()
            frame = constrain_to_capacity(frame, places)
        costed = cost_caseload(
            frame, table, price_year=price_year, inflation=inflation, commissioned_places=places
        )
    except HighneedsError as error:
        _fail(error)
        return
    summary = cost_summary(costed)
    value = "cost_gbp" if "cost_gbp" in summary.columns else "cost_gbp_mean"
    result = Table(title="Annual High Needs cost by funding category (* = uses a default)")
    result.add_column("Funding category")
    years = sorted(summary["year"].unique())
    for year in years:
        result.add_column(str(year), justify="right")
    for category, rows in summary.groupby("funding_category", sort=False):
        rows = rows.set_index("year")
        flag = " *" if rows["uses_reference_default"].any() else ""
        result.add_row(category + flag, *[money(rows[value].get(y, float("nan"))) for y in years])
    print_table(result)
    note = default_note(costed)
    if note:
        console.print(note)
    if out:
        write_plan_workbook(out, {"Caseload": costed}, notes=[note] if note else [])
        console.print(f"Wrote {out}")


def _read_caseload(path: Path):
    import pandas as pd

    from highneeds.errors import InputFileError

    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise InputFileError(f"cannot be read as CSV ({error})", file=str(path)) from None
    missing = [c for c in ("year", "setting", "count") if c not in frame.columns]
    if missing:
        raise InputFileError(f"missing columns {missing}", file=path.name, row=1)
    if not pd.api.types.is_numeric_dtype(frame["count"]):
        bad = pd.to_numeric(frame["count"], errors="coerce").isna().to_numpy().nonzero()[0][0]
        raise InputFileError(
            f"{frame['count'].iloc[bad]!r} is not a number",
            file=path.name,
            row=int(bad) + 2,
            column="count",
        )
    return frame


@app.command()
def scenarios(
    caseload: Path = typer.Argument(..., help="CSV caseload per simulation (see `costs`)"),
    scenario_files: list[Path] = typer.Argument(..., help="scenario TOML files"),
    unit_costs: Path = typer.Option(None, help="filled unit-cost template (blank: defaults)"),
    capacity: Path = typer.Option(None, help="capacity register"),
    price_year: int = typer.Option(..., help="January census year the unit costs are priced at"),
    inflation: float = typer.Option(0.0, help="yearly inflation, e.g. 0.03"),
    budget: Path = typer.Option(
        None,
        help="budget template with an Allocation sheet: adds the DSG position of each scenario",
    ),
    growth: float = typer.Option(0.0, help="yearly growth of the High Needs allocation"),
    opening_balance: float = typer.Option(0.0, help="DSG balance brought forward, £ (− deficit)"),
    out: Path = typer.Option(Path("scenario-comparison"), help="folder for workbook and charts"),
) -> None:
    """Compare scenarios with the baseline on the same simulations; workbook and charts."""
    from highneeds.finance.costs import empty_unit_costs
    from highneeds.finance.dsg import (
        financial_year_of_census,
        project_allocation,
        scenario_positions,
    )
    from highneeds.finance.scenarios import compare_scenarios, read_scenario
    from highneeds.finance.templates import read_budget, read_capacity, read_unit_costs
    from highneeds.finance.workbook import write_comparison_charts, write_plan_workbook

    try:
        frame = _read_caseload(caseload)
        table = read_unit_costs(unit_costs) if unit_costs else empty_unit_costs()
        register = read_capacity(capacity) if capacity else None
        plans = [read_scenario(p) for p in scenario_files]
        comparison, costed = compare_scenarios(
            frame, plans, table, price_year=price_year, inflation=inflation, capacity=register
        )
        positions = None
        if budget:
            _, allocation = read_budget(budget)
            if allocation.empty:
                raise HighneedsError(f"{budget.name}: the Allocation sheet is empty")
            last = financial_year_of_census(int(comparison["year"].max()))
            projected = project_allocation(allocation, last, growth)
            positions = scenario_positions(costed, projected, opening_balance)
    except HighneedsError as error:
        _fail(error)
        return
    out.mkdir(parents=True, exist_ok=True)
    workbook = write_plan_workbook(out / "scenario_comparison.xlsx", costed, comparison, positions)
    charts = write_comparison_charts(comparison, out)
    _print_comparison(comparison)
    console.print(f"Wrote {workbook} and {len(charts)} charts in {out}")


def _print_comparison(comparison) -> None:
    result = Table(title="Annual cost and saving against the baseline (mean [5%–95%])")
    with_children = "children_q05" in comparison.columns
    headings = ("Scenario", "Year", "Children", "Cost", "Saving", "Payback year")
    for heading in headings if with_children else headings[:2] + headings[3:]:
        result.add_column(heading, justify="left" if heading == "Scenario" else "right")
    for row in comparison.itertuples():
        payback = (
            ""
            if row.payback_year is None or math.isnan(row.payback_year)
            else (f"{int(row.payback_year)}")
        )
        children = (
            [f"{row.children_mean:,.0f} [{row.children_q05:,.0f}–{row.children_q95:,.0f}]"]
            if with_children
            else []
        )
        result.add_row(
            row.scenario + (" *" if row.uses_reference_default else ""),
            str(row.year),
            *children,
            f"{money(row.cost_gbp_mean)} [{money(row.cost_gbp_q05)}–{money(row.cost_gbp_q95)}]",
            f"{money(row.saving_gbp_mean)} [{money(row.saving_gbp_q05)}–"
            f"{money(row.saving_gbp_q95)}]",
            payback,
        )
    print_table(result)
    if comparison["uses_reference_default"].any():
        console.print("* rests in part on national reference default unit costs")


@app.command()
def demo(
    out: Path = typer.Argument(Path("finance-demo"), help="folder for workbook and charts"),
    simulations: int = typer.Option(1000, help="forecast simulations"),
) -> None:
    """Demo LA: load its shipped data into the store (as any LA's files are imported), then
    forecast, cost and compare the three example scenarios; workbook and charts."""
    from highneeds.finance.demo import demo_la_code, example_scenarios, load_demo_la
    from highneeds.finance.scenarios import read_scenario
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import compare
    from highneeds.store import open_store

    try:
        store = open_store()
        for line in load_demo_la(store):
            console.print(line)
        scenarios = [read_scenario(p) for p in example_scenarios()]
        result = compare(resolve(store, demo_la_code()), scenarios, out, simulations=simulations)
    except HighneedsError as error:
        _fail(error)
        return
    _print_comparison(result.comparison)
    for note in result.notes:
        console.print(note)
    console.print(
        f"Wrote {result.workbook} and {len(result.charts)} charts in {result.seconds:.1f} s"
    )


LA_OPTION_HELP = "the LA: name, DfE number or GSS code, e.g. Stockport, 356 or E08000007"


@app.command()
def sufficiency(
    la: str = typer.Option(..., "--la", help=LA_OPTION_HELP),
    capacity: Path = typer.Option(
        None, help="filled capacity template (else the LA's imported register)"
    ),
    simulations: int = typer.Option(500, help="forecast simulations"),
    seed: int = typer.Option(1, help="random seed"),
    last_year: int = typer.Option(None, help="last January census year (default: origin + 5)"),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
) -> None:
    """Commissioned places against forecast demand by year, with the chance of being short,
    for any LA (its SEN2 forecast, else the public-data forecast)."""
    from highneeds.finance.templates import read_capacity
    from highneeds.plan.inputs import resolve, signed
    from highneeds.plan.run import sufficiency as place_sufficiency
    from highneeds.store import open_store
    from highneeds.vocabulary import FUNDING_CATEGORY_BY_CODE

    try:
        register = read_capacity(capacity) if capacity else None
        inputs = resolve(
            open_store(),
            la,
            capacity=register,
            given=f"given on the command line: {capacity.name}" if capacity else "",
        )
        table = place_sufficiency(inputs, simulations=simulations, seed=seed, last_year=last_year)
    except HighneedsError as error:
        _fail(error)
        return
    if fmt is not Format.table:
        emit(table, fmt, title=f"Place sufficiency, {inputs.la_name}", index=False)
        return
    shown = Table(title=f"{inputs.la_name}: places against forecast demand (mean children)")
    for heading in ("Year", "Provision", "Demand", "Places", "Spare (− short)", "Chance short"):
        shown.add_column(heading, justify="left" if heading == "Provision" else "right")
    for row in table.sort_values(["year", "funding_category"]).itertuples():
        shown.add_row(
            str(row.year),
            FUNDING_CATEGORY_BY_CODE[row.funding_category].label,
            f"{row.demand:,.0f}",
            f"{row.places:,.0f}",
            signed(round(row.gap)),
            f"{row.probability_short:.0%}",
        )
    print_table(shown)
    for note in table.attrs.get("notes", []):
        console.print(note)


@app.command("dsg")
def dsg_command(
    la: str = typer.Option(..., "--la", help=LA_OPTION_HELP),
    simulations: int = typer.Option(500, help="forecast simulations"),
    seed: int = typer.Option(1, help="random seed"),
    last_year: int = typer.Option(None, help="last January census year (default: origin + 5)"),
    inflation: float = typer.Option(0.03, help="yearly inflation of unit costs and other lines"),
    allocation_growth: float = typer.Option(0.03, help="yearly growth of the allocation"),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
) -> None:
    """The LA's DSG balance: published (or its own budget's) years, then the projection —
    allocation against every high needs line (placements and the rest)."""
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import dsg_path
    from highneeds.store import open_store

    try:
        inputs = resolve(open_store(), la, inflation=inflation, allocation_growth=allocation_growth)
        path = dsg_path(inputs, simulations=simulations, seed=seed, last_year=last_year)
    except HighneedsError as error:
        _fail(error)
        return
    if fmt is not Format.table:
        emit(path, fmt, title=f"DSG position, {inputs.la_name}", index=False)
        return
    shown = Table(
        title=f"{inputs.la_name}: DSG balance (negative = deficit; projected: mean [5%–95%])"
    )
    for heading in (
        "Year",
        "Basis",
        "Allocation",
        "Placements",
        "Other lines",
        "In year",
        "Closing balance",
        "% of DSG income",
        "Chance of deficit",
    ):
        shown.add_column(heading, justify="left" if heading == "Basis" else "right")
    for row in path.itertuples():
        closing = money(row.closing_balance_gbp)
        if not math.isnan(row.closing_balance_gbp_q05):
            closing += (
                f" [{money(row.closing_balance_gbp_q05)}–{money(row.closing_balance_gbp_q95)}]"
            )
        shown.add_row(
            row.financial_year,
            row.basis,
            money(row.allocation_gbp),
            money(row.placements_gbp),
            money(row.other_lines_gbp),
            money(row.in_year_gbp),
            closing,
            "–"
            if math.isnan(row.balance_pct_income)
            else ("−" if row.balance_pct_income < 0 else "")
            + f"{abs(row.balance_pct_income):.2f}%",
            "–" if math.isnan(row.probability_deficit) else f"{row.probability_deficit:.0%}",
        )
    print_table(shown)
    for note in path.attrs.get("notes", []):
        console.print(note)


@app.command()
def position(
    budget: Path = typer.Argument(..., help="filled budget template (.xlsx with Allocation)"),
    caseload: Path = typer.Argument(..., help="CSV caseload (see `costs`), by January year"),
    unit_costs: Path = typer.Option(None, help="filled unit-cost template (blank: defaults)"),
    price_year: int = typer.Option(..., help="January census year the unit costs are priced at"),
    inflation: float = typer.Option(0.0, help="yearly inflation, e.g. 0.03"),
    growth: float = typer.Option(0.0, help="yearly growth of the High Needs allocation"),
    opening_balance: float = typer.Option(0.0, help="DSG balance brought forward, £ (− deficit)"),
    statement: str = typer.Option("outturn", help="statement to reconcile: outturn or budget"),
) -> None:
    """DSG position (allocation with growth, in-year and cumulative balance) and a
    reconciliation of actual spend with caseload × unit cost, by S251 line."""
    import pandas as pd

    from highneeds.finance.costs import cost_caseload, default_note, empty_unit_costs
    from highneeds.finance.dsg import (
        costs_by_s251_line,
        dsg_position,
        position_summary,
        project_allocation,
        reconcile,
    )
    from highneeds.finance.templates import read_budget, read_unit_costs

    try:
        lines, allocation = read_budget(budget)
        frame = _read_caseload(caseload)
        table = read_unit_costs(unit_costs) if unit_costs else empty_unit_costs()
        costed = cost_caseload(frame, table, price_year=price_year, inflation=inflation)
        modelled = costs_by_s251_line(costed)
        keys = ["simulation"] if "simulation" in modelled.columns else []
        spend = modelled.groupby([*keys, "financial_year"], as_index=False)["amount_gbp"].sum()
        spend = spend.rename(columns={"amount_gbp": "spend_gbp"})
        if allocation.empty:
            raise HighneedsError(
                f"{budget.name}: the Allocation sheet is empty; give at least "
                "the latest year's High Needs allocation"
            )
        projected = project_allocation(allocation, spend["financial_year"].max(), growth)
        summary = position_summary(dsg_position(projected, spend, opening_balance))
        mean = modelled.groupby(["financial_year", "s251_line"], as_index=False)["amount_gbp"].sum()
        if keys:
            mean["amount_gbp"] /= modelled["simulation"].nunique()
        actual = lines[lines["statement"] == statement]
        checked = reconcile(actual, mean) if not actual.empty else pd.DataFrame()
    except HighneedsError as error:
        _fail(error)
        return
    result = Table(title="DSG High Needs position (modelled spend)")
    for heading in ("Year", "Allocation", "Spend", "In year", "Closing balance"):
        result.add_column(heading, justify="right")
    for row in summary.itertuples():
        result.add_row(
            row.financial_year,
            money(row.allocation_gbp),
            money(row.spend_gbp),
            money(row.in_year_gbp),
            money(row.closing_balance_gbp),
        )
    print_table(result)
    if not checked.empty:
        recon = Table(title=f"Reconciliation: {statement} vs caseload × unit cost")
        for heading in ("Year", "Line", "Actual", "Modelled", "Explained"):
            recon.add_column(heading, justify="left" if heading == "Line" else "right")
        for row in checked.itertuples():
            share = "" if pd.isna(row.explained_share) else f"{row.explained_share:.0%}"
            recon.add_row(
                row.financial_year,
                f"{row.s251_line} {row.label}",
                money(row.actual_gbp),
                money(row.modelled_gbp),
                share,
            )
        print_table(recon)
    note = default_note(costed)
    if note:
        console.print(note)

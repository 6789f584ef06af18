"""``highneeds finance …``: published High Needs money, unit-cost and budget templates, costs."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from highneeds.cli.output import (
    Format,
    FormatOption,
    OutOption,
    Tables,
    console,
    money,
    say,
)
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="High Needs money: published spend, templates, costs and the DSG position.",
    no_args_is_help=True,
)
template_app = typer.Typer(
    help="Write a blank template for an LA to fill in.", no_args_is_help=True
)
app.add_typer(template_app, name="template")


def _count(value: float) -> str:
    return "not published" if math.isnan(value) else f"{value:,.0f}"


def _fail(error: HighneedsError) -> None:
    console.print(f"[red]Error:[/red] {error}")
    raise typer.Exit(code=1)


_SHOW_LABELS = {
    "label": "Line",
    "s251_lines": "S251 lines",
    "budget_gbp": "Budget 2021-22",
    "outturn_gbp": "Outturn 2020-21",
    "budget_per_head_gbp": "Budget per head aged 2–18",
    "neighbours_median_budget_per_head_gbp": "Neighbours' median per head",
    "england_budget_per_head_gbp": "England per head",
    "budget_per_ehcp_gbp": "Budget per EHCP",
    "neighbours_median_budget_per_ehcp_gbp": "Neighbours' median per EHCP",
    "england_budget_per_ehcp_gbp": "England per EHCP",
    "provision": "Provision type",
    "ehcps": "EHCPs",
    "spend_gbp": "Spend",
    "unit_cost_gbp": "Unit cost",
    "neighbours_median_gbp": "Neighbours' median",
    "neighbours_min_gbp": "Neighbours' lowest",
    "neighbours_max_gbp": "Neighbours' highest",
    "england_gbp": "England",
    "financial_year": "Year",
    "allocation_gbp": "Allocation",
    "per_head_gbp": "Per head aged 2–18",
    "neighbours_median_per_head_gbp": "Neighbours' median per head",
    "england_per_head_gbp": "England per head",
    "balance_pct_income": "Balance %",
    "neighbours_median_pct": "Neighbours' median %",
    "england_pct": "England %",
}


#: The columns `finance show` prints of the profile's spend by line and implied unit costs.
_LINE_COLUMNS = (
    "s251_lines",
    "budget_gbp",
    "outturn_gbp",
    "budget_per_head_gbp",
    "neighbours_median_budget_per_head_gbp",
    "england_budget_per_head_gbp",
    "budget_per_ehcp_gbp",
    "neighbours_median_budget_per_ehcp_gbp",
    "england_budget_per_ehcp_gbp",
)
_UNIT_COLUMNS = (
    "ehcps",
    "spend_gbp",
    "unit_cost_gbp",
    "neighbours_median_gbp",
    "neighbours_min_gbp",
    "neighbours_max_gbp",
    "england_gbp",
)


@app.command()
def show(
    la: str = typer.Argument(..., help="LA name or DfE 3-digit number, e.g. Stockport or 356"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Where an LA's published High Needs money goes, beside its statistical neighbours."""
    from highneeds.finance.benchmark import la_finance_profile

    try:
        profile = la_finance_profile(la)
    except HighneedsError as error:
        _fail(error)
        return
    tables = Tables(fmt, out)
    tables.intro(
        f"{profile.la_name} ({profile.la_code}, {profile.region_name}): residents aged 2–18 "
        f"{_count(profile.population_2_18)}; EHCPs {_count(profile.ehcps)}"
    )
    names = ", ".join(
        str(n) for n in profile.neighbours["la_name"].fillna(profile.neighbours["neighbour_code"])
    )
    tables.intro(f"Statistical neighbours (DfE 2021 model): {names or 'none'}")
    per_head = [c for c in profile.lines.columns if "per_head" in c]
    lines = profile.lines.set_index("label")[list(_LINE_COLUMNS)]
    tables.add(
        lines,
        "High needs spend by line: Section 251 budget 2021-22 (outturn 2020-21)",
        labels=_SHOW_LABELS,
        decimals=dict.fromkeys(per_head, 2),
    )
    unit = profile.unit_costs.assign(
        provision=profile.unit_costs["label"] + profile.unit_costs["caveat"].map(_star)
    ).set_index("provision")
    tables.add(
        unit[list(_UNIT_COLUMNS)],
        "Implied unit cost per EHCP a year (budget 2021-22 ÷ EHCPs)",
        labels=_SHOW_LABELS,
    )
    for row in profile.unit_costs.itertuples():
        if row.caveat:
            tables.note(f"* {row.label}: {row.caveat}")
    allocation = profile.allocation.set_index("financial_year")[
        ["allocation_gbp", "per_head_gbp", "neighbours_median_per_head_gbp", "england_per_head_gbp"]
    ]
    tables.add(
        allocation,
        "High needs block allocation (before deductions)",
        labels=_SHOW_LABELS,
        decimals=dict.fromkeys(allocation.columns[1:], 2),
    )
    balance = profile.balance.set_index("financial_year")
    tables.add(
        balance,
        "Cumulative DSG balance, % of DSG income (negative = deficit)",
        labels={**_SHOW_LABELS, "balance_pct_income": profile.la_name + " %"},
        decimals=dict.fromkeys(balance.columns, 2),
    )
    tables.note(
        "The published lines omit S251 1.2.4 and 1.2.9–1.2.11; the allocation is "
        "before deductions for places ESFA funds directly."
    )
    for note in profile.notes:
        tables.note(note)
    tables.show()


def _star(caveat: str) -> str:
    """A mark on a row whose figure has a caveat (explained under the table)."""
    return " *" if caveat else ""


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
    workbook: Path = typer.Option(
        None, help="write the DSG management plan layout workbook (.xlsx) here"
    ),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
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
    note = default_note(costed)
    tables = Tables(fmt, out)
    title = "Annual High Needs cost by funding category (* = uses a default)"
    if tables.fmt in _SCREEN:
        value = "cost_gbp" if "cost_gbp" in summary.columns else "cost_gbp_mean"
        wide = summary.pivot_table(
            index="funding_category", columns="year", values=value, aggfunc="sum", sort=False
        )
        flagged = summary.groupby("funding_category", sort=False)["uses_reference_default"].any()
        wide.index = [c + (" *" if flagged[c] else "") for c in wide.index]
        wide.index.name = "Funding category"
        wide.columns = [str(y) for y in wide.columns]
        tables.add(wide, title, money=list(wide.columns))
    else:
        tables.add(summary, title, index=False)
    tables.note(note)
    tables.show()
    if workbook:
        write_plan_workbook(workbook, {"Caseload": costed}, notes=[note] if note else [])
        say(f"Wrote {workbook}", fmt, out)


#: Formats shown to people (figures formatted), as against csv and json (full values).
_SCREEN = (Format.table, Format.markdown)


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
    folder: Path = typer.Option(Path("scenario-comparison"), help="folder for workbook and charts"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
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
    folder.mkdir(parents=True, exist_ok=True)
    workbook = write_plan_workbook(
        folder / "scenario_comparison.xlsx", costed, comparison, positions
    )
    charts = write_comparison_charts(comparison, folder)
    show_comparison(comparison, fmt, out)
    say(f"Wrote {workbook} and {len(charts)} charts in {folder}", fmt, out)


#: Columns of a scenario comparison in csv and json (code names; the table shows words).
COMPARISON_COLUMNS = [
    "scenario",
    "year",
    "children_mean",
    "children_q05",
    "children_q95",
    "cost_gbp_mean",
    "cost_gbp_q05",
    "cost_gbp_q95",
    "saving_gbp_mean",
    "saving_gbp_q05",
    "saving_gbp_q95",
    "cumulative_saving_gbp_mean",
    "payback_year",
    "uses_reference_default",
]


def show_comparison(
    comparison, fmt: Format, out: Path | None, *, intros=(), notes=(), title: str = ""
) -> None:
    """A scenario comparison: on screen, cost, saving (and children) as mean [5%–95%] by
    scenario and year; in csv and json, :data:`COMPARISON_COLUMNS` with full values."""
    import pandas as pd

    tables = Tables(fmt, out)
    for line in intros:
        tables.intro(line)
    with_children = "children_q05" in comparison.columns
    if tables.fmt in _SCREEN:
        rows = []
        for row in comparison.itertuples():
            shown = {
                "Scenario": row.scenario + (" *" if row.uses_reference_default else ""),
                "Year": str(row.year),
            }
            if with_children:
                shown["Children"] = (
                    f"{row.children_mean:,.0f} [{row.children_q05:,.0f}–{row.children_q95:,.0f}]"
                )
            shown["Cost"] = (
                f"{money(row.cost_gbp_mean)} [{money(row.cost_gbp_q05)}–{money(row.cost_gbp_q95)}]"
            )
            shown["Saving"] = (
                f"{money(row.saving_gbp_mean)} [{money(row.saving_gbp_q05)}–"
                f"{money(row.saving_gbp_q95)}]"
            )
            payback = row.payback_year
            shown["Payback year"] = "" if payback is None or pd.isna(payback) else str(int(payback))
            rows.append(shown)
        frame = pd.DataFrame(rows)
        tables.add(
            frame,
            title or "Annual cost and saving against the baseline (mean [5%–95%])",
            index=False,
            right=[c for c in frame.columns if c != "Scenario"],
        )
    else:
        columns = [c for c in COMPARISON_COLUMNS if c in comparison.columns]
        # whole pounds and tenths of a child: the simulation's float noise is not a figure
        table = comparison[columns].round(
            {
                c: (1 if c.startswith("children") else 0)
                for c in columns[2:]
                if c.endswith(("_mean", "_q05", "_q95"))
            }
        )
        table["payback_year"] = table["payback_year"].astype("Int64")
        tables.add(table, title or "Scenario comparison", index=False)
    if comparison["uses_reference_default"].any():
        tables.note("* rests in part on national reference default unit costs")
    for note in notes:
        tables.note(note)
    tables.show()


@app.command()
def demo(
    folder: Path = typer.Argument(Path("finance-demo"), help="folder for workbook and charts"),
    simulations: int = typer.Option(1000, help="forecast simulations"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Demo LA: load its shipped data into the store (as any LA's files are imported), then
    forecast, cost and compare the three example scenarios; workbook and charts."""
    from highneeds.finance.demo import demo_la_code, example_scenarios
    from highneeds.finance.scenarios import read_scenario
    from highneeds.importers.demo import load_demo_la
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import compare
    from highneeds.store import open_store

    try:
        store = open_store()
        for line in load_demo_la(store):
            say(line, fmt, out)
        scenarios = [read_scenario(p) for p in example_scenarios()]
        result = compare(resolve(store, demo_la_code()), scenarios, folder, simulations=simulations)
    except HighneedsError as error:
        _fail(error)
        return
    show_comparison(result.comparison, fmt, out, notes=result.notes)
    say(
        f"Wrote {result.workbook} and {len(result.charts)} charts in {result.seconds:.1f} s",
        fmt,
        out,
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
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Commissioned places against forecast demand by year, with the chance of being short,
    for any LA (its SEN2 forecast, else the public-data forecast)."""
    import pandas as pd

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
    tables = Tables(fmt, out)
    for note in table.attrs.get("notes", []):
        tables.note(note)
    if tables.fmt not in _SCREEN:
        tables.add(table, f"Place sufficiency, {inputs.la_name}", index=False).show()
        return
    rows = [
        {
            "Year": str(row.year),
            "Provision": FUNDING_CATEGORY_BY_CODE[row.funding_category].label,
            "Demand": f"{row.demand:,.0f}",
            "Places": f"{row.places:,.0f}",
            "Spare (− short)": signed(round(row.gap)),
            "Chance short": f"{row.probability_short:.0%}",
        }
        for row in table.sort_values(["year", "funding_category"]).itertuples()
    ]
    tables.add(
        pd.DataFrame(rows),
        f"{inputs.la_name}: places against forecast demand (mean children)",
        index=False,
        right=["Year", "Demand", "Places", "Spare (− short)", "Chance short"],
    ).show()


@app.command("dsg")
def dsg_command(
    la: str = typer.Option(..., "--la", help=LA_OPTION_HELP),
    simulations: int = typer.Option(500, help="forecast simulations"),
    seed: int = typer.Option(1, help="random seed"),
    last_year: int = typer.Option(None, help="last January census year (default: origin + 5)"),
    inflation: float = typer.Option(0.03, help="yearly inflation of unit costs and other lines"),
    allocation_growth: float = typer.Option(0.03, help="yearly growth of the allocation"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """The LA's DSG balance: published (or its own budget's) years, then the projection —
    allocation against every high needs line (placements and the rest)."""
    import pandas as pd

    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import dsg_path
    from highneeds.store import open_store

    try:
        inputs = resolve(open_store(), la, inflation=inflation, allocation_growth=allocation_growth)
        path = dsg_path(inputs, simulations=simulations, seed=seed, last_year=last_year)
    except HighneedsError as error:
        _fail(error)
        return
    tables = Tables(fmt, out)
    for note in path.attrs.get("notes", []):
        tables.note(note)
    if tables.fmt not in _SCREEN:
        tables.add(path, f"DSG position, {inputs.la_name}", index=False).show()
        return
    rows = []
    for row in path.itertuples():
        closing = money(row.closing_balance_gbp)
        if not math.isnan(row.closing_balance_gbp_q05):
            closing += (
                f" [{money(row.closing_balance_gbp_q05)}–{money(row.closing_balance_gbp_q95)}]"
            )
        pct = row.balance_pct_income
        rows.append(
            {
                "Year": row.financial_year,
                "Basis": row.basis,
                "Allocation": money(row.allocation_gbp),
                "Placements": money(row.placements_gbp),
                "Other lines": money(row.other_lines_gbp),
                "In year": money(row.in_year_gbp),
                "Closing balance": closing,
                "% of DSG income": "–"
                if math.isnan(pct)
                else ("−" if pct < 0 else "") + f"{abs(pct):.2f}%",
                "Chance of deficit": "–"
                if math.isnan(row.probability_deficit)
                else f"{row.probability_deficit:.0%}",
            }
        )
    frame = pd.DataFrame(rows)
    tables.add(
        frame,
        f"{inputs.la_name}: DSG balance (negative = deficit; projected: mean [5%–95%])",
        index=False,
        right=[c for c in frame.columns if c not in ("Year", "Basis")],
    ).show()


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
    fmt: FormatOption = Format.table,
    out: OutOption = None,
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
    tables = Tables(fmt, out)
    summary = summary.set_index("financial_year")[
        ["allocation_gbp", "spend_gbp", "in_year_gbp", "closing_balance_gbp"]
    ]
    tables.add(summary, "DSG High Needs position (modelled spend)", screen=_POSITION_LABELS)
    if not checked.empty:
        recon = checked.set_index("financial_year")[
            ["s251_line", "label", "actual_gbp", "modelled_gbp", "explained_share"]
        ]
        if tables.fmt in _SCREEN:
            recon = recon.assign(
                s251_line=recon["s251_line"] + " " + recon["label"],
                explained_share=recon["explained_share"].map(
                    lambda share: "" if pd.isna(share) else f"{share:.0%}"
                ),
            ).drop(columns="label")
        tables.add(
            recon,
            f"Reconciliation: {statement} vs caseload × unit cost",
            screen=_POSITION_LABELS,
            right=["explained_share"],
        )
    tables.note(default_note(costed))
    tables.show()


_POSITION_LABELS = {
    "financial_year": "Year",
    "allocation_gbp": "Allocation",
    "spend_gbp": "Spend",
    "in_year_gbp": "In year",
    "closing_balance_gbp": "Closing balance",
    "s251_line": "Line",
    "actual_gbp": "Actual",
    "modelled_gbp": "Modelled",
    "explained_share": "Explained",
}

"""``highneeds finance …``: published High Needs money, unit-cost and budget templates, costs."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from highneeds.errors import HighneedsError

app = typer.Typer(
    help="High Needs money: published spend, templates, costs and the DSG position.",
    no_args_is_help=True,
)
template_app = typer.Typer(
    help="Write a blank template for an LA to fill in.", no_args_is_help=True
)
app.add_typer(template_app, name="template")

console = Console()


def money(value: float, *, digits: int = 0) -> str:
    """£ with thousands separators; blank for a missing figure (never £0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1_000_000 and digits == 0:
        return f"£{value / 1_000_000:,.2f}m"
    return f"£{value:,.{digits}f}"


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
        f"2–18 population {profile.population_2_18:,.0f}; EHCPs {profile.ehcps:,.0f}"
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
    console.print(lines)

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
            f"{row.ehcps:,.0f}",
            money(row.spend_gbp),
            money(row.unit_cost_gbp),
            money(row.neighbours_median_gbp),
            f"{money(row.neighbours_min_gbp)}–{money(row.neighbours_max_gbp)}",
            money(row.england_gbp),
        )
    console.print(unit)
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
    console.print(allocation)

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
    console.print(balance)
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

"""Outputs: the DSG management plan layout workbook, charts, and the demo command."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.finance import app
from highneeds.finance.costs import cost_caseload
from highneeds.finance.workbook import management_plan_table
from highneeds.spreadsheet import read_coded


def _costed():
    caseload = pd.DataFrame(
        {
            "simulation": [0, 0, 1, 1],
            "year": [2026, 2026, 2026, 2026],
            "setting": ["special_la_maintained", "mainstream_academy"] * 2,
            "ncy": [3, 9, 3, 9],
            "count": [10.0, 20.0, 12.0, 22.0],
        }
    )
    costs = pd.DataFrame(
        {
            "funding_category": ["maintained_special", "mainstream"],
            "place_funding_gbp": [10_000.0, None],
            "top_up_gbp": [15_000.0, 3_000.0],
        }
    )
    return cost_caseload(caseload, costs, price_year=2026)


def test_management_plan_table_has_categories_by_age_band_and_totals():
    table = management_plan_table(_costed()).set_index(["Funding category", "Age band"])
    special = ("Maintained special schools and special academies", "Age 5 to 10")
    assert table.at[special, 2026] == 11 * 25_000  # mean over two simulations
    mainstream = ("Mainstream schools and academies", "Age 11 to 15")
    assert table.at[mainstream, 2026] == 21 * 3_000
    assert table.at[("All categories", "Total"), 2026] == 11 * 25_000 + 21 * 3_000
    children = management_plan_table(_costed(), "count").set_index(["Funding category", "Age band"])
    assert children.at[("All categories", "Total"), 2026] == 32
    # Mainstream place funding is structural (none), so no row here rests on a default ...
    assert (table["Uses reference default unit cost"] == "").all()
    # ... and a category costed from the national defaults says so on its rows.
    flagged = management_plan_table(
        cost_caseload(
            pd.DataFrame({"year": [2026], "setting": ["special_independent"], "count": [3.0]}),
            pd.DataFrame(columns=["funding_category"]),
            price_year=2026,
        )
    ).set_index(["Funding category", "Age band"])
    assert flagged.at[("All categories", "Total"), "Uses reference default unit cost"] == "yes"


def test_costs_command_flags_defaults_and_writes_the_workbook(tmp_path):
    caseload = tmp_path / "caseload.csv"
    pd.DataFrame(
        {"year": [2026, 2027], "setting": ["special_independent"] * 2, "count": [10, 12]}
    ).to_csv(caseload, index=False)
    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(
        app,
        ["costs", str(caseload), "--price-year", "2026", "--workbook", str(out)],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    assert "independent_special *" in result.output
    assert "reference default" in result.output
    assert "£630,000" in result.output  # 10 × the £63,000 reference default
    book = openpyxl.load_workbook(out)
    notes = [row[0].value for row in book["Notes"].iter_rows(min_row=2)]
    assert any("reference default" in str(n) for n in notes)


def test_costs_command_refuses_text_counts_with_the_row(tmp_path):
    caseload = tmp_path / "caseload.csv"
    caseload.write_text(
        "year,setting,count\n2026,special_independent,10\n2026,mainstream_academy,lots\n"
    )
    result = CliRunner().invoke(app, ["costs", str(caseload), "--price-year", "2026"])
    assert result.exit_code == 1
    assert "row 3" in result.output and "lots" in result.output


@pytest.mark.slow
def test_demo_writes_the_comparison_workbook_and_charts(tmp_path):
    result = CliRunner().invoke(
        app, ["demo", str(tmp_path), "--simulations", "40"], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "scenario_comparison.xlsx")
    assert {"Scenario comparison", "DSG position", "Place sufficiency", "Notes"} <= set(
        book.sheetnames
    )
    assert any(name.endswith("cost") for name in book.sheetnames)
    for chart in ("cost_by_scenario.png", "saving_by_scenario.svg"):
        assert (tmp_path / chart).stat().st_size > 1000
    comparison = read_coded(tmp_path / "scenario_comparison.xlsx", "Scenario comparison")
    status_quo = comparison[comparison.scenario == "Status quo"].cost_gbp_mean.to_numpy()
    baseline = comparison[comparison.scenario == "Baseline"].cost_gbp_mean.to_numpy()
    assert (status_quo == baseline).all()


def test_position_command_carries_the_balance_and_reconciles(tmp_path):
    import datetime as dt

    from highneeds.finance.templates import write_template

    budget = write_template("budget", tmp_path / "budget.xlsx")
    book = openpyxl.load_workbook(budget)
    lines = book["Budget"]
    lines.delete_rows(2, lines.max_row)
    lines.append(["1.2.3", "outturn", dt.date(2025, 4, 1), dt.date(2026, 3, 31), 800_000])
    lines.append(["1.2.5", "outturn", dt.date(2025, 4, 1), dt.date(2026, 3, 31), 200_000])
    book["Allocation"].append(["2025-26", 600_000])
    book.save(budget)
    caseload = tmp_path / "caseload.csv"
    pd.DataFrame(
        {"year": [2026, 2027], "setting": ["special_independent"] * 2, "count": [10, 12]}
    ).to_csv(caseload, index=False)
    result = CliRunner().invoke(
        app,
        [
            "position",
            str(budget),
            str(caseload),
            "--price-year",
            "2026",
            "--growth",
            "0.1",
            "--opening-balance",
            "-1000000",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    # 2025-26: 600,000 − 630,000 = −30,000 in year; closing −1,030,000.
    assert "−£30,000" in result.output and "−£1.03m" in result.output
    # 2026-27: allocation 660,000 − 756,000 → closing −1,126,000.
    assert "£660,000" in result.output and "−£1.13m" in result.output
    assert "79%" in result.output  # 630,000 of the 800,000 on line 1.2.3 explained
    assert "reference default" in result.output


def test_scenarios_command_with_budget_leaves_capital_out_of_the_dsg_balance(tmp_path):
    from highneeds.finance.bundled import DATA_DIR
    from highneeds.finance.templates import write_template

    examples = DATA_DIR / "examples"
    rows = []
    for sim in range(3):
        for year in range(2026, 2031):
            rows.append((sim, year, "special_la_maintained", "ASD", 8, 500.0 + 30 * (year - 2026)))
            rows.append((sim, year, "special_independent", "SEMH", 10, 80.0 + sim))
    caseload = tmp_path / "caseload.csv"
    pd.DataFrame(rows, columns=["simulation", "year", "setting", "need", "ncy", "count"]).to_csv(
        caseload, index=False
    )
    budget = write_template("budget", tmp_path / "budget.xlsx")
    book = openpyxl.load_workbook(budget)
    book["Budget"].delete_rows(2, book["Budget"].max_row)
    book["Allocation"].append(["2025-26", 20_000_000])
    book.save(budget)
    out = tmp_path / "comparison"
    result = CliRunner().invoke(
        app,
        [
            "scenarios",
            str(caseload),
            str(examples / "status_quo.toml"),
            str(examples / "new_special_school.toml"),
            "--unit-costs",
            str(examples / "unit_costs.csv"),
            "--capacity",
            str(examples / "capacity.csv"),
            "--price-year",
            "2026",
            "--budget",
            str(budget),
            "--folder",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    position = read_coded(out / "scenario_comparison.xlsx", "DSG position")
    year = position[position.financial_year == "2026-27"].set_index("scenario")
    comparison = read_coded(out / "scenario_comparison.xlsx", "Scenario comparison")
    school_2027 = comparison[
        (comparison.scenario == "New special school") & (comparison.year == 2027)
    ].cost_gbp_mean.iloc[0]
    # The £12m capital is in the scenario's cost and saving, not in its DSG spend.
    assert year.at["New special school", "spend_gbp"] == pytest.approx(school_2027 - 12_000_000)
    assert year.at["Status quo", "spend_gbp"] == year.at["Baseline", "spend_gbp"]
    assert (out / "saving_by_scenario.png").exists()

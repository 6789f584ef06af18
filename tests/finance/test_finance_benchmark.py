"""`highneeds finance show`: figures checked against the source workbook cells."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from highneeds.cli.finance import app
from highneeds.errors import NotFoundError
from highneeds.finance.benchmark import la_finance_profile


@pytest.fixture(scope="module")
def stockport():
    return la_finance_profile("Stockport")


def _line(profile, code):
    return profile.lines.set_index("line").loc[code]


def test_spend_by_line_per_head_and_per_ehcp_match_the_workbook(stockport, stockport_cells):
    place = _line(stockport, "place_funding")
    assert place.budget_gbp == stockport_cells("P")
    assert place.outturn_gbp == stockport_cells("BI")
    assert place.budget_per_head_gbp == pytest.approx(stockport_cells("P") / stockport_cells("E"))
    assert place.budget_per_ehcp_gbp == pytest.approx(stockport_cells("P") / stockport_cells("G"))
    assert place.s251_lines == "1.0.2"
    therapies = _line(stockport, "therapies")
    assert therapies.budget_gbp == stockport_cells("AP")
    everything = _line(stockport, "all_lines")
    total = sum(stockport_cells(c) for c in ("P", "W", "AE", "AM", "AN", "AO", "AP"))
    assert everything.budget_gbp == pytest.approx(total)


def test_implied_unit_costs_match_the_workbook(stockport, stockport_cells):
    unit = stockport.unit_costs.set_index("provision_type")
    special = (stockport_cells("T") + stockport_cells("AA")) / stockport_cells("J")
    assert unit.at["maintained_special", "unit_cost_gbp"] == pytest.approx(special)
    independent = stockport_cells("AI") / stockport_cells("K")
    assert unit.at["independent_special", "unit_cost_gbp"] == pytest.approx(independent)
    assert unit.at["independent_special", "ehcps"] == stockport_cells("K")


def test_neighbours_and_england_are_beside_the_la(stockport):
    assert stockport.la_code == "356"
    assert len(stockport.neighbours) == 10
    assert "Bury" in set(stockport.neighbours.la_name)
    place = _line(stockport, "place_funding")
    # England per head is total spend ÷ total population: between the extremes of the LAs.
    assert 100 < place.england_budget_per_head_gbp < 200
    assert place.neighbours_median_budget_per_head_gbp > 0
    assert stockport.allocation.financial_year.tolist() == [
        "2020-21",
        "2021-22",
        "2022-23",
        "2023-24",
    ]
    assert stockport.allocation.allocation_gbp.iloc[-1] == 46_407_433
    assert (
        stockport.balance.set_index("financial_year").at["2021-22", "balance_pct_income"] == -2.13
    )


def test_any_la_by_code_or_name():
    assert la_finance_profile("356").la_name == "Stockport"
    derby = la_finance_profile("derby")
    assert derby.la_code == "831"
    with pytest.raises(NotFoundError, match="Stockpor"):
        la_finance_profile("Stockprot")


def test_cli_show_prints_the_breakdown():
    result = CliRunner().invoke(app, ["show", "Stockport"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    # Rich wraps to the terminal's width, which a test run cannot always fix: compare the
    # text with its line breaks and padding removed.
    text = "".join(result.output.split())
    assert "Stockport(356" in text
    assert "£9.49m" in text  # place funding budget 2021-22, cell P
    assert "OpenGovernmentLicence" in text


def test_cli_show_unknown_la_fails_cleanly():
    result = CliRunner().invoke(app, ["show", "Atlantis"])
    assert result.exit_code == 1
    assert "Atlantis" in result.output
    assert "Traceback" not in result.output

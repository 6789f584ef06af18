"""An LA's own budget and outturn: by line and year, against the cost model, and its DSG
position. Every expected figure below is worked out by hand from the small fixtures."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from highneeds.finance.caseload import caseload_from_transitions
from highneeds.finance.costs import REFERENCE_UNIT_COSTS
from highneeds.finance.dsg import budget_outturn, costs_by_s251_line, own_spend, reconcile
from highneeds.finance.la_inputs import la_budget_outturn
from highneeds.finance.templates import write_template
from highneeds.importers.finance import import_finance

LA = "356"


def _lines(rows):
    return pd.DataFrame(rows, columns=["financial_year", "s251_line", "statement", "amount_gbp"])


def test_budget_and_outturn_side_by_side_with_the_variance():
    lines = _lines(
        [
            ("2023-24", "1.2.10", "budget", 50.0),
            ("2023-24", "1.2.2", "budget", 100.0),
            ("2023-24", "1.2.2", "outturn", 70.0),
            ("2023-24", "1.2.2", "outturn", 40.0),  # a second period of the same year adds up
            ("2024-25", "1.2.2", "budget", 30.0),
            ("2024-25", "1.2.2", "outturn", 25.0),
        ]
    )
    table = budget_outturn(lines)
    # vocabulary order (1.2.2 before 1.2.10), the total last
    assert table["s251_line"].tolist() == ["1.2.2", "1.2.10", "all", "1.2.2", "all"]
    row = table.iloc[0]
    assert (row.budget_gbp, row.outturn_gbp, row.variance_gbp) == (100.0, 110.0, 10.0)
    assert row.label == "Top-up funding – academies, free schools and colleges"
    # an outturn not given is missing, not zero, and so is its variance
    assert pd.isna(table.iloc[1].outturn_gbp) and pd.isna(table.iloc[1].variance_gbp)
    # 2023-24's total adds what is given, but unlike lines give no total variance
    total = table.iloc[2]
    assert (total.budget_gbp, total.outturn_gbp) == (150.0, 110.0)
    assert pd.isna(total.variance_gbp)
    assert table.iloc[4].variance_gbp == -5.0  # 2024-25: every line has both


def test_spend_for_the_dsg_position_is_outturn_where_given_else_budget():
    lines = _lines(
        [
            ("2022-23", "1.2.1", "budget", 5.0),
            ("2022-23", "1.2.1", "outturn", 7.0),
            ("2023-24", "1.2.1", "outturn", 30.0),
            ("2023-24", "1.2.5", "budget", 50.0),
            ("2024-25", "1.2.1", "budget", 40.0),
        ]
    )
    spend = own_spend(lines)
    assert spend["financial_year"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert spend["spend_gbp"].tolist() == [7.0, 80.0, 40.0]
    assert spend["statement"].tolist() == ["outturn", "outturn and budget", "budget"]


def _moves():
    """Four children from January 2023 to January 2024: a stays in a maintained special
    school, b joins in an academy, c stays in an independent school, d leaves."""
    return pd.DataFrame(
        {
            "year": [2023] * 4,
            "child_id": ["a", "b", "c", "d"],
            "ncy_from": [8, None, 10, 5],
            "need_from": ["ASD", None, "SEMH", "SLCN"],
            "setting_from": [
                "special_la_maintained",
                None,
                "special_independent",
                "mainstream_la_maintained",
            ],
            "ncy_to": [9, 3, 11, 6],
            "need_to": ["ASD", "SLCN", "SEMH", None],
            "setting_to": [
                "special_la_maintained",
                "mainstream_academy",
                "special_independent",
                None,
            ],
            "leave_reason": [None, None, None, None],
        }
    ).astype({"ncy_from": "Int64", "ncy_to": "Int64"})


def test_caseload_from_transitions_counts_each_child_once_per_census():
    caseload = caseload_from_transitions(_moves())
    by_year = caseload.groupby("year")["count"].sum()
    assert by_year.to_dict() == {2023: 3.0, 2024: 3.0}  # 2023: a, c, d; 2024: a, b, c
    in_2024 = caseload[caseload["year"] == 2024].set_index("setting")
    assert in_2024.at["mainstream_academy", "ncy"] == 3
    assert "mainstream_la_maintained" not in in_2024.index  # d left
    assert caseload_from_transitions(_moves().iloc[0:0]).empty


INDEPENDENT_TOP_UP = next(
    d.top_up_gbp for d in REFERENCE_UNIT_COSTS if d.funding_category == "independent_special"
)


def _costed():
    from highneeds.finance.costs import cost_caseload

    caseload = caseload_from_transitions(_moves())
    costs = pd.DataFrame(
        {
            "funding_category": ["maintained_special", "mainstream"],
            "place_funding_gbp": [10_000.0, None],
            "top_up_gbp": [15_000.0, 3_000.0],
        }
    )
    return cost_caseload(caseload[caseload["year"] == 2024], costs, price_year=2024)


def test_lines_resting_on_a_reference_default_are_flagged_through_the_reconciliation():
    modelled = costs_by_s251_line(_costed()).set_index("s251_line")
    assert modelled.at["1.2.3", "amount_gbp"] == INDEPENDENT_TOP_UP
    assert modelled["uses_reference_default"].to_dict() == {
        "1.0.2": False,
        "1.2.1": False,
        "1.2.2": False,
        "1.2.3": True,  # no independent school cost given: the national default
    }
    actual = _lines(
        [("2023-24", "1.2.3", "outturn", 60_000.0), ("2023-24", "1.2.5", "outturn", 5.0)]
    )
    table = reconcile(actual, costs_by_s251_line(_costed())).set_index("s251_line")
    assert table.at["1.2.3", "uses_reference_default"]
    assert not table.at["1.2.5", "uses_reference_default"]  # nothing modelled on it
    assert table.at["all", "uses_reference_default"]
    # without the flag column the reconciliation is as before
    plain = reconcile(actual, costs_by_s251_line(_costed()).drop(columns="uses_reference_default"))
    assert "uses_reference_default" not in plain.columns


# --- from the store ------------------------------------------------------------------------


def _budget_file(tmp_path, rows, allocation):
    path = write_template("budget", tmp_path / "our-budget.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Budget"]
    sheet.delete_rows(2, sheet.max_row)
    for line, statement, year, amount in rows:
        start = int(year[:4])
        sheet.append([line, statement, f"{start}-04-01", f"{start + 1}-03-31", amount])
    for year, amount in allocation:
        book["Allocation"].append([year, amount])
    book.save(path)
    return path


@pytest.fixture
def la_store(store, tmp_path):
    """LA 356 with the four children's transitions, its own unit costs (none for independent
    schools) and a budget: outturn 2023-24, part outturn 2024-25 (no January 2025 census)."""
    from highneeds.sen2 import schema as sen2_tables

    store.import_tables(
        kind="sen2_transitions",
        owner=LA,
        file_name="test transitions",
        sha256="1" * 64,
        frames={sen2_tables.transitions: _moves().assign(la_code=LA)},
    )
    costs = tmp_path / "our-costs.csv"
    costs.write_text(
        "funding_category,place_funding_gbp,top_up_gbp\n"
        "maintained_special,10000,15000\nmainstream,,3000\n"
    )
    import_finance(store, costs, la_code=LA)
    budget = _budget_file(
        tmp_path,
        [
            ("1.0.2", "budget", "2023-24", 10_000),
            ("1.0.2", "outturn", "2023-24", 12_000),
            ("1.2.1", "budget", "2023-24", 15_000),
            ("1.2.1", "outturn", "2023-24", 20_000),
            ("1.2.2", "outturn", "2023-24", 4_000),
            ("1.2.3", "outturn", "2023-24", 60_000),
            ("1.2.5", "outturn", "2023-24", 5_000),
            ("1.2.1", "budget", "2024-25", 16_000),
            ("1.2.1", "outturn", "2024-25", 18_000),
            ("1.2.5", "budget", "2024-25", 2_000),
        ],
        [("2023-24", 90_000), ("2024-25", 25_000)],
    )
    import_finance(store, budget, la_code=LA, imported_by="analyst@la")
    return store


def test_an_la_without_a_budget_gets_none(store):
    assert la_budget_outturn(store, LA) is None


def test_own_budget_by_line_reconciled_and_carried_into_the_dsg_position(la_store):
    own = la_budget_outturn(la_store, LA)
    assert (own.source.file_name, own.source.imported_by) == ("our-budget.xlsx", "analyst@la")

    lines = own.lines.set_index(["financial_year", "s251_line"])
    assert lines.loc[("2023-24", "1.2.1"), "variance_gbp"] == 5_000
    assert lines.loc[("2024-25", "1.2.1"), "variance_gbp"] == 2_000
    assert lines.loc[("2023-24", "all"), "outturn_gbp"] == 101_000

    # Only 2023-24 has a January census (2024): 2024-25's outturn is named, not reconciled.
    recon = own.reconciliation.set_index("s251_line")
    assert set(own.reconciliation["financial_year"]) == {"2023-24"}
    assert recon.at["1.0.2", "modelled_gbp"] == 10_000  # child a's place
    assert recon.at["1.0.2", "explained_share"] == pytest.approx(10_000 / 12_000)
    assert recon.at["1.2.1", "explained_share"] == pytest.approx(15_000 / 20_000)
    assert recon.at["1.2.2", "modelled_gbp"] == 3_000  # child b, the LA's mainstream cost
    assert recon.at["1.2.5", "modelled_gbp"] == 0
    assert recon.at["all", "modelled_gbp"] == 28_000 + INDEPENDENT_TOP_UP
    assert recon["uses_reference_default"].to_dict() == {
        "1.0.2": False,
        "1.2.1": False,
        "1.2.2": False,
        "1.2.3": True,
        "1.2.5": False,
        "all": True,
    }
    assert "independent_special" in own.default_note
    notes = " ".join(own.notes)
    assert "'our-budget.xlsx'" in notes and "'our-costs.csv'" in notes
    assert "Outturn for 2024-25 is not reconciled" in notes

    position = own.position.set_index("financial_year")
    assert position["spend_gbp"].to_dict() == {"2023-24": 101_000, "2024-25": 20_000}
    assert position["in_year_gbp"].to_dict() == {"2023-24": -11_000, "2024-25": 5_000}
    assert position["closing_balance_gbp"].to_dict() == {"2023-24": -11_000, "2024-25": -6_000}
    assert position.at["2024-25", "statement"] == "outturn and budget"
    assert "balance of £0 at the start of 2023-24" in notes


def test_without_outturn_caseload_or_allocation_each_part_says_why(store, tmp_path):
    budget = _budget_file(tmp_path, [("1.2.1", "budget", "2023-24", 15_000)], [])
    import_finance(store, budget, la_code=LA)
    own = la_budget_outturn(store, LA)
    assert own.reconciliation is None and own.position is None
    notes = " ".join(own.notes)
    assert "No outturn given" in notes and "Allocation sheet gives no" in notes
    assert own.lines.iloc[0].budget_gbp == 15_000

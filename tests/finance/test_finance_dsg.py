"""Allocation growth, the DSG balance carried forward, S251 mapping and reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.finance.costs import cost_caseload
from highneeds.finance.dsg import (
    costs_by_s251_line,
    dsg_position,
    financial_year_of_census,
    position_summary,
    project_allocation,
    reconcile,
)


def test_allocation_grows_from_the_last_actual_year():
    history = pd.DataFrame(
        {"financial_year": ["2023-24", "2024-25"], "allocation_gbp": [46e6, 50e6]}
    )
    projected = project_allocation(history, "2026-27", growth=0.05)
    assert projected.financial_year.tolist() == ["2023-24", "2024-25", "2025-26", "2026-27"]
    assert projected.allocation_gbp.iloc[-1] == pytest.approx(50e6 * 1.05**2)
    assert projected.basis.tolist()[:2] == ["actual", "actual"]
    assert "+5.0%" in projected.basis.iloc[-1]
    with pytest.raises(ModelInputError, match="2026-27"):
        project_allocation(history, "2026-27", growth={"2025-26": 0.03})


def test_in_year_and_cumulative_balance_carry_forward():
    allocation = pd.DataFrame(
        {
            "financial_year": ["2025-26", "2026-27", "2027-28"],
            "allocation_gbp": [100.0, 110.0, 120.0],
        }
    )
    spend = pd.DataFrame(
        {"financial_year": ["2025-26", "2026-27", "2027-28"], "spend_gbp": [105.0, 108.0, 130.0]}
    )
    position = dsg_position(allocation, spend, opening_balance_gbp=-20.0)
    assert position.in_year_gbp.tolist() == [-5.0, 2.0, -10.0]
    assert position.closing_balance_gbp.tolist() == [-25.0, -23.0, -33.0]
    assert position.opening_balance_gbp.tolist() == [-20.0, -25.0, -23.0]
    with pytest.raises(ModelInputError, match="2028-29"):
        dsg_position(allocation, pd.DataFrame({"financial_year": ["2028-29"], "spend_gbp": [1.0]}))


def test_balance_per_simulation_gives_a_probability_of_deficit():
    allocation = pd.DataFrame({"financial_year": ["2025-26"], "allocation_gbp": [100.0]})
    spend = pd.DataFrame(
        {
            "simulation": [0, 1, 2, 3],
            "financial_year": ["2025-26"] * 4,
            "spend_gbp": [90.0, 95.0, 105.0, 120.0],
        }
    )
    summary = position_summary(dsg_position(allocation, spend))
    assert summary.probability_deficit.iloc[0] == 0.5
    assert summary.closing_balance_gbp.iloc[0] == pytest.approx(100 - 102.5)


def _costed():
    caseload = pd.DataFrame(
        {
            "year": [2025, 2025, 2025, 2025],
            "setting": [
                "special_la_maintained",
                "mainstream_academy",
                "special_independent",
                "mainstream_la_maintained",
            ],
            "count": [10.0, 20.0, 2.0, 5.0],
        }
    )
    costs = pd.DataFrame(
        {
            "funding_category": ["maintained_special", "mainstream", "independent_special"],
            "place_funding_gbp": [10_000.0, None, None],
            "top_up_gbp": [15_000.0, 3_000.0, 50_000.0],
        }
    )
    return cost_caseload(caseload, costs, price_year=2025)


def test_modelled_costs_map_to_s251_lines():
    lines = costs_by_s251_line(_costed()).set_index("s251_line").amount_gbp
    assert lines["1.0.2"] == 10 * 10_000
    assert lines["1.2.1"] == 10 * 15_000 + 5 * 3_000  # maintained special + maintained mainstream
    assert lines["1.2.2"] == 20 * 3_000
    assert lines["1.2.3"] == 2 * 50_000
    assert lines.sum() == _costed().cost_gbp.sum()
    assert financial_year_of_census(2025) == "2024-25"


def test_reconciliation_shows_what_the_model_explains():
    modelled = costs_by_s251_line(_costed())
    actual = pd.DataFrame(
        {
            "financial_year": ["2024-25"] * 3,
            "s251_line": ["1.0.2", "1.2.3", "1.2.5"],
            "amount_gbp": [100_000.0, 120_000.0, 80_000.0],
        }
    )
    table = reconcile(actual, modelled).set_index("s251_line")
    assert table.at["1.2.3", "explained_share"] == pytest.approx(100_000 / 120_000)
    assert table.at["1.2.5", "modelled_gbp"] == 0  # support services: not caseload-driven
    assert table.at["1.2.1", "actual_gbp"] == 0
    assert table.at["all", "actual_gbp"] == 300_000
    assert table.at["all", "modelled_gbp"] == modelled.amount_gbp.sum()

"""The DSG position from public data alone: the published balances, then every high needs line
(placements plus the rest) against the published allocation."""

from __future__ import annotations

import pytest

from highneeds.finance.bundled import table
from highneeds.plan.inputs import resolve
from highneeds.plan.run import dsg_path


@pytest.fixture(scope="module")
def stockport(tmp_path_factory):
    """Stockport from public data alone: an empty store of this module's own."""
    from highneeds.store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('dsg') / 'empty.sqlite3'}")
    store.create_all()
    inputs = resolve(store, "Stockport")
    return inputs, dsg_path(inputs, simulations=50, seed=3)


def test_stockports_published_cumulative_dsg_balance_is_what_the_position_shows(stockport):
    _, path = stockport
    published = path[path.basis == "published"].set_index("financial_year")
    # DfE's published figures (% of DSG income), as the issue quotes them
    assert published.loc[["2019-20", "2020-21", "2021-22"], "balance_pct_income"].tolist() == [
        -0.58,
        -1.36,
        -2.13,
    ]
    income = table("dsg_total").query("la_code == '356'").set_index("financial_year")
    for year, row in published.iterrows():
        pounds = row.balance_pct_income / 100 * income.loc[year, "total_dsg_gbp"]
        assert row.closing_balance_gbp == pytest.approx(pounds)


def test_the_projection_carries_the_published_balance_forward(stockport):
    _, path = stockport
    projected = path[path.basis == "projected"].reset_index(drop=True)
    last_published = path[path.basis == "published"].iloc[-1]
    assert projected.financial_year.iloc[0] == "2022-23"
    opening = projected.closing_balance_gbp.iloc[0] - projected.in_year_gbp.iloc[0]
    assert opening == pytest.approx(last_published.closing_balance_gbp)
    assert (projected.closing_balance_gbp_q05 < projected.closing_balance_gbp_q95).all()


def test_spend_is_every_high_needs_line_against_the_published_allocation(stockport):
    inputs, path = stockport
    projected = path[path.basis == "projected"].set_index("financial_year")
    spend = table("s251_spend").query(
        "la_code == '356' and statement == 'budget' and phase == 'total'"
    )
    others = spend[
        spend.line.isin(
            ["sen_support_inclusion", "alternative_provision", "hospital_education", "therapies"]
        )
    ].amount_gbp.sum()
    # the non-placement lines of the S251 budget 2021-22, grown by the stated inflation
    assert projected.loc["2022-23", "other_lines_gbp"] == pytest.approx(
        others * (1 + inputs.inflation)
    )
    assert (projected.placements_gbp > 0).all()
    total = projected.placements_gbp + projected.other_lines_gbp
    assert (total - projected.spend_gbp).abs().max() < 1e-3 * projected.spend_gbp.min()
    allocations = (
        table("dsg_allocations")
        .query("la_code == '356' and block == 'high_needs' and stage == 'after_deductions'")
        .set_index("financial_year")
    )
    for year in ("2022-23", "2023-24"):
        assert projected.loc[year, "allocation_gbp"] == allocations.loc[year, "amount_gbp"]
    grown = allocations.loc["2023-24", "amount_gbp"] * (1 + inputs.allocation_growth)
    assert projected.loc["2024-25", "allocation_gbp"] == pytest.approx(grown)
    in_year = projected.allocation_gbp - projected.spend_gbp
    assert (projected.in_year_gbp - in_year).abs().max() < 1.0  # means of the same futures

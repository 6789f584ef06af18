"""Forecast simulations become a caseload frame; their spread becomes cost quantiles."""

from __future__ import annotations

import pytest

from highneeds.finance.caseload import caseload_from_forecast
from highneeds.finance.costs import cost_caseload, cost_summary
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.synthetic import synthetic_la

CATEGORIES = {
    "MAIN": "mainstream",
    "RP": "resourced_provision",
    "SPEC": "maintained_special",
    "INDEP": "independent_special",
    "FE": "post16_fe",
    "EY": "other",
}


@pytest.fixture(scope="module")
def result():
    la = synthetic_la(children=600, years=3, seed=1)
    model = MarkovForecaster().fit(
        la.transitions, population=la.population, valid_states=la.valid_states
    )
    return model.simulate(horizon=3, simulations=40, seed=3)


def test_forecast_simulations_carry_through_to_cost_quantiles(result):
    caseload = caseload_from_forecast(result, funding_categories=CATEGORIES)
    assert caseload.simulation.nunique() == 40
    totals = caseload.groupby(["simulation", "year"])["count"].sum().unstack()
    assert (totals.to_numpy() == result.total_draws()).all()
    costed = cost_caseload(caseload, _costs(), price_year=int(result.years[0]))
    summary = cost_summary(costed).set_index(["year", "funding_category"])
    last = summary.loc[(int(result.years[-1]), "all")]
    assert last.cost_gbp_q05 < last.cost_gbp_q95  # the forecast's spread, in pounds
    special = caseload[(caseload.setting == "SPEC") & (caseload.year == result.years[-1])]
    expected = special.groupby("simulation")["count"].sum().mean() * (10_000 + 15_000)
    assert summary.loc[(int(result.years[-1]), "maintained_special"), "cost_gbp_mean"] == (
        pytest.approx(expected)
    )


def test_expected_path_has_no_simulation_column(result):
    expected = caseload_from_forecast(result, simulations=False, funding_categories=CATEGORIES)
    assert "simulation" not in expected.columns
    assert set(expected.year) == set(int(y) for y in result.years)


def _costs():
    import pandas as pd

    return pd.DataFrame(
        {
            "funding_category": ["maintained_special", "mainstream", "independent_special"],
            "place_funding_gbp": [10_000.0, None, 0.0],
            "top_up_gbp": [15_000.0, 3_000.0, 50_000.0],
        }
    )

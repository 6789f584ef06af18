"""Scenarios run on the forecast: reconciliation, common random numbers, the capacity
constraint end to end (forecast → setting × need × NCY → places → overflow and its cost)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from highneeds.finance.caseload import STATE_BY, caseload_from_forecast
from highneeds.finance.demo import SYNTHETIC_CATEGORIES
from highneeds.finance.projection import (
    CATEGORY_CODES,
    build_cells,
    comparison_table,
    constrain_cells,
    run_scenarios,
)
from highneeds.finance.scenarios import Scenario
from highneeds.finance.sufficiency import constrain_to_capacity
from highneeds.finance.workbook import management_plan_table
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.synthetic import synthetic_la

SIMS = 40
HORIZON = 4
#: Every category priced by the LA: nothing rests on a reference default.
FULL_COSTS = pd.DataFrame(
    {
        "funding_category": list(CATEGORY_CODES),
        "place_funding_gbp": [0.0, 6_000.0, 10_000.0, 0.0, 10_000.0, 0.0, 0.0],
        "top_up_gbp": [4_000.0, 7_000.0, 15_000.0, 60_000.0, 9_000.0, 8_000.0, 1_000.0],
    }
)


@pytest.fixture(scope="module")
def model():
    la = synthetic_la(children=900, years=3, first_year=2023, seed=2)
    return MarkovForecaster().fit(
        la.transitions, population=la.population, valid_states=la.valid_states
    )


def _years(model):
    return [model.base_year_ + h for h in range(HORIZON + 1)]


def _register(model, places: float, **extra) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "provision": "Special",
                "funding_category": "maintained_special",
                "year": y,
                "places": places,
                **extra,
            }
            for y in _years(model)
        ]
    )


def _run(model, scenarios, costs=FULL_COSTS, capacity=None, seed=7):
    return run_scenarios(
        model,
        scenarios,
        costs,
        horizon=HORIZON,
        simulations=SIMS,
        seed=seed,
        capacity=capacity,
        funding_categories=SYNTHETIC_CATEGORIES,
    )


EARLY_HELP = Scenario(
    "Early help",
    interventions=({"type": "early_help", "reduction": 0.2, "from_year": 0, "ramp_years": 1},),
)


def test_a_scenario_with_no_interventions_equals_the_baseline_exactly(model):
    run = _run(model, [Scenario("Nothing new"), EARLY_HELP], capacity=_register(model, 60))
    base, same = run.worlds["Baseline"], run.worlds["Nothing new"]
    for part in ("children", "place", "top_up", "empty_cost", "capital"):
        assert np.array_equal(getattr(base, part), getattr(same, part)), part
    table = comparison_table(run).set_index(["scenario", "year"])
    numbers = [c for c in table.columns if c.endswith(("_mean", "_q05", "_q95"))]
    assert table.loc["Nothing new", numbers].equals(table.loc["Baseline", numbers])
    assert (table.loc["Nothing new", "saving_gbp_mean"] == 0).all()


def test_early_help_saves_money_against_the_same_draws(model):
    run = _run(model, [EARLY_HELP])
    table = comparison_table(run).set_index(["scenario", "year"]).loc["Early help"]
    last = table.iloc[-1]
    assert (
        last.children_mean
        < comparison_table(run).query("scenario == 'Baseline'").iloc[-1].children_mean
    )
    # fewer joiners, every simulation: the saving is positive even at its 5% quantile
    assert last.saving_gbp_q05 > 0
    assert table.iloc[0].saving_gbp_mean == 0  # the base year is observed, not changed


def test_category_costs_sum_to_totals_in_every_simulation(model):
    capital = Scenario(
        "School",
        interventions=(
            {
                "type": "places",
                "funding_category": "maintained_special",
                "from_year": _years(model)[2],
                "places": [20, 40],
            },
            {"type": "capital", "year": _years(model)[1], "amount_gbp": 5_000_000},
        ),
    )
    run = _run(model, [capital], capacity=_register(model, 60))
    for name, world in run.worlds.items():
        by_category = world.by_category(run.groups).sum(axis=2) + world.capital[None, :]
        assert np.allclose(by_category, world.total()), name
    costed = run.costed()["School"]
    per_sim = costed.groupby(["simulation", "year"])["cost_gbp"].sum().unstack().to_numpy()
    assert np.allclose(per_sim, run.worlds["School"].total())
    plan = management_plan_table(costed)
    totals = plan[plan["Age band"] == "Total"]
    year = _years(model)[-1]
    assert totals[totals["Funding category"] != "All categories"][year].sum() == pytest.approx(
        totals[totals["Funding category"] == "All categories"][year].iloc[0]
    )


def test_doubling_a_unit_cost_doubles_that_categorys_cost(model):
    capacity = _register(model, 60)
    doubled = FULL_COSTS.copy()
    special = doubled["funding_category"] == "maintained_special"
    doubled.loc[special, ["place_funding_gbp", "top_up_gbp"]] *= 2
    one = _run(model, [], capacity=capacity).worlds["Baseline"]
    two = _run(model, [], costs=doubled, capacity=capacity).worlds["Baseline"]
    groups = _run(model, [], capacity=capacity).groups
    f = CATEGORY_CODES.index("maintained_special")
    a, b = one.by_category(groups), two.by_category(groups)
    assert np.allclose(b[:, :, f], 2 * a[:, :, f])
    others = [i for i in range(len(CATEGORY_CODES)) if i != f]
    assert np.allclose(b[:, :, others], a[:, :, others])


def test_capacity_constraint_end_to_end_from_the_forecast(model):
    """Forecast → setting × need × NCY → register with designated needs and NCY ranges: the
    array constraint agrees with the frame one, and children are conserved."""
    result = model.simulate(HORIZON, 8, seed=1)
    caseload = caseload_from_forecast(result, by=STATE_BY, funding_categories=SYNTHETIC_CATEGORIES)
    assert {"need", "ncy", "age_band"} <= set(caseload.columns)
    register = pd.concat(
        [
            _register(model, 40, designated_needs="ASD;SLD", min_ncy=0, max_ncy=11),
            _register(model, 80).assign(provision="Any need"),
        ],
        ignore_index=True,
    )
    frame = constrain_to_capacity(caseload, register)
    cells = build_cells(result, SYNTHETIC_CATEGORIES, "special_independent")
    stock = result.simulated.stock[:, :, cells.grid_index]
    full = np.zeros((*stock.shape[:2], cells.n))
    full[:, :, : len(cells.grid_index)] = stock
    arrays = constrain_cells(full, cells, register, [int(y) for y in result.years])
    overflow = frame[frame["overflow_from"].notna()]
    by_sim = overflow.groupby(["simulation", "year"])["count"].sum().unstack(fill_value=0)
    is_overflow = cells.labels["overflow_from"].notna().to_numpy()
    array_overflow = arrays[:, :, is_overflow].sum(axis=2)
    assert np.allclose(
        by_sim.reindex(columns=result.years, fill_value=0).to_numpy(), array_overflow
    )
    assert np.allclose(arrays.sum(axis=2), result.total_draws())
    special = (cells.labels["funding_category"] == "maintained_special").to_numpy()
    assert (arrays[:, :, special].sum(axis=2) <= 120 + 1e-9).all()


def test_with_places_filled_extra_demand_overflows_at_its_cost(model):
    full = _run(model, [], capacity=_register(model, 20)).worlds["Baseline"]
    free = _run(model, []).worlds["Baseline"]
    f_special = CATEGORY_CODES.index("maintained_special")
    f_indep = CATEGORY_CODES.index("independent_special")
    moved = free.demand if free.demand is not None else None
    assert moved is None  # no register: no constraint
    special_now = full.children @ _run(model, []).groups.category
    assert (special_now[:, :, f_special] <= 20 + 1e-9).all()
    extra = full.demand[:, :, f_special] - 20
    indep_gain = (
        special_now[:, :, f_indep]
        - (free.children @ _run(model, []).groups.category)[:, :, f_indep]
    )
    assert np.allclose(indep_gain, np.clip(extra, 0, None))
    cost = full.by_category(_run(model, []).groups)
    base_cost = free.by_category(_run(model, []).groups)
    # each overflowing child costs the independent fee (60,000 a year at price-year prices)
    assert np.allclose(cost[:, :, f_indep] - base_cost[:, :, f_indep], indep_gain * 60_000)


def test_with_spare_places_nothing_overflows_and_empty_places_are_paid(model):
    spare = _run(model, [], capacity=_register(model, 5_000)).worlds["Baseline"]
    free = _run(model, []).worlds["Baseline"]
    assert np.array_equal(spare.children, free.children)
    f = CATEGORY_CODES.index("maintained_special")
    filled = spare.demand[:, :, f]
    assert np.allclose(spare.empty_places[:, :, f], 5_000 - filled)
    assert np.allclose(spare.empty_cost[:, :, f], (5_000 - filled) * 10_000)


def test_every_output_resting_on_a_reference_default_says_so(model):
    partial = FULL_COSTS[FULL_COSTS["funding_category"] != "independent_special"]
    flagged = comparison_table(_run(model, [], costs=partial))
    clean = comparison_table(_run(model, []))
    assert flagged["uses_reference_default"].all()
    assert not clean["uses_reference_default"].any()
    costed = _run(model, [], costs=partial).costed()["Baseline"]
    independent = costed[costed["funding_category"] == "independent_special"]
    assert independent["uses_reference_default"].all()
    assert independent["cost_source"].str.contains("reference default").all()
    plan = management_plan_table(costed)
    assert (
        plan.loc[
            plan["Funding category"].str.startswith("Independent"),
            "Uses reference default unit cost",
        ]
        == "yes"
    ).all()


def test_sufficiency_covers_only_the_years_and_categories_the_register_has(model):
    years = _years(model)
    register = _register(model, 30)
    register = register[register["year"] >= years[2]]
    run = _run(model, [], capacity=register)
    table = run.costed()["Baseline"].attrs["sufficiency"]
    assert sorted(table["year"].unique()) == years[2:]
    assert set(table["funding_category"]) == {"maintained_special"}
    world = run.worlds["Baseline"]
    f = CATEGORY_CODES.index("maintained_special")
    # uncovered years are unconstrained: demand there is served in the category itself
    assert np.allclose((world.children @ run.groups.category)[:, :2, f], world.demand[:, :2, f])
    row = table[table["year"] == years[-1]].iloc[0]
    assert row["demand"] == pytest.approx(world.demand[:, -1, f].mean())
    assert row["probability_short"] == pytest.approx((world.demand[:, -1, f] > 30).mean())

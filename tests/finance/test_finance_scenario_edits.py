"""Editing a scenario one intervention at a time (what the workspace's forms do)."""

from __future__ import annotations

import pytest

from highneeds.errors import InputFileError
from highneeds.finance.demo import EXAMPLES
from highneeds.finance.scenarios import (
    Scenario,
    scenario_from_toml,
    scenario_to_toml,
    with_intervention,
    without_intervention,
)

CAPITAL = {"type": "capital", "year": 2027, "amount_gbp": 1_000_000}
EARLY = {"type": "early_help", "reduction": 0.05, "from_year": 2027, "ramp_years": 3}


def test_interventions_are_appended_replaced_and_removed_in_order():
    scenario = with_intervention(Scenario("Plan"), CAPITAL)
    scenario = with_intervention(scenario, EARLY)
    assert [i["type"] for i in scenario.interventions] == ["capital", "early_help"]
    changed = with_intervention(scenario, {**CAPITAL, "amount_gbp": 2_000_000}, position=1)
    assert changed.interventions[0]["amount_gbp"] == 2_000_000
    assert changed.interventions[1] == EARLY
    removed = without_intervention(changed, 1)
    assert removed.interventions == (EARLY,)
    # what the form builds survives the readable file
    assert scenario_from_toml(scenario_to_toml(changed)) == changed


def test_a_bad_intervention_is_refused_naming_its_number_and_field():
    scenario = with_intervention(Scenario("Plan"), CAPITAL)
    with pytest.raises(InputFileError, match="intervention 2") as caught:
        with_intervention(scenario, {**EARLY, "reduction": 1.5})
    assert caught.value.location.column == "reduction"


@pytest.mark.parametrize("position", [0, 2])
def test_replacing_or_removing_a_missing_intervention_is_refused(position):
    scenario = with_intervention(Scenario("Plan"), CAPITAL)
    with pytest.raises(InputFileError, match="no intervention"):
        with_intervention(scenario, CAPITAL, position=position)
    with pytest.raises(InputFileError, match="no intervention"):
        without_intervention(scenario, position)


@pytest.mark.slow
def test_sufficiency_gap_is_places_minus_demand_for_capped_categories(store):
    from highneeds.finance.sufficiency import DEFAULT_CONSTRAINED
    from highneeds.finance.templates import read_capacity
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import sufficiency

    register = read_capacity(EXAMPLES / "capacity.csv")
    inputs = resolve(store, "Stockport", capacity=register)
    table = sufficiency(inputs, simulations=100, seed=1)
    assert not table.empty
    assert set(table["funding_category"]) <= set(DEFAULT_CONSTRAINED)
    assert (table["gap"] - (table["places"] - table["demand"])).abs().max() < 1e-9
    assert table["probability_short"].between(0, 1).all()

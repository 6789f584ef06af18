"""Capacity-constrained projection: full places overflow to independent special schools."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.finance.costs import cost_caseload, cost_summary
from highneeds.finance.sufficiency import constrain_to_capacity, sufficiency


def _demand(special_children: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2027, 2027, 2027],
            "setting": ["special_la_maintained", "special_academy_free", "mainstream_academy"],
            "need": ["ASD", "SLD", "ASD"],
            "count": [special_children * 0.75, special_children * 0.25, 300.0],
        }
    )


CAPACITY = pd.DataFrame(
    {
        "provision": ["All special schools"],
        "year": [2027],
        "funding_category": ["maintained_special"],
        "places": [200],
    }
)
COSTS = pd.DataFrame(
    {
        "funding_category": ["maintained_special", "independent_special", "mainstream"],
        "place_funding_gbp": [10_000.0, 0.0, None],
        "top_up_gbp": [15_000.0, 60_000.0, 3_000.0],
    }
)


def test_with_places_full_extra_demand_goes_to_the_overflow_at_its_cost():
    constrained = constrain_to_capacity(_demand(240.0), CAPACITY)
    by_category = constrained.groupby("funding_category")["count"].sum()
    assert by_category["maintained_special"] == pytest.approx(200)
    assert by_category["independent_special"] == pytest.approx(40)
    assert constrained["count"].sum() == pytest.approx(_demand(240.0)["count"].sum())
    overflow = constrained[constrained.overflow_from == "maintained_special"]
    assert set(overflow.need) == {"ASD", "SLD"}  # children keep their need
    cost = cost_summary(cost_caseload(constrained, COSTS, price_year=2027)).set_index(
        "funding_category"
    )
    assert cost.at["independent_special", "cost_gbp"] == pytest.approx(40 * 60_000)
    gap = sufficiency(_demand(240.0), CAPACITY)
    assert gap.gap.iloc[0] == -40


def test_with_spare_places_nothing_overflows():
    constrained = constrain_to_capacity(_demand(180.0), CAPACITY)
    assert constrained.overflow_from.isna().all()
    assert "independent_special" not in set(constrained.funding_category)
    pd.testing.assert_series_equal(constrained["count"], _demand(180.0)["count"], check_names=False)
    assert sufficiency(_demand(180.0), CAPACITY).gap.iloc[0] == 20


def test_constraint_applies_per_simulation():
    frames = [_demand(n).assign(simulation=i) for i, n in enumerate([190.0, 230.0])]
    constrained = constrain_to_capacity(pd.concat(frames, ignore_index=True), CAPACITY)
    moved = constrained[constrained.overflow_from.notna()].groupby("simulation")["count"].sum()
    assert moved.to_dict() == pytest.approx({1: 30.0})


def test_designated_needs_and_age_ranges_decide_who_gets_a_place():
    demand = pd.DataFrame(
        {
            "year": [2027] * 4,
            "setting": ["special_la_maintained"] * 4,
            "need": ["ASD", "ASD", "SLD", "SEMH"],
            "ncy": [3, 9, 4, 8],
            "count": [40.0, 40.0, 30.0, 20.0],
        }
    )
    register = pd.DataFrame(
        {
            "provision": ["Autism base (primary)", "Generic special school"],
            "year": [2027, 2027],
            "funding_category": ["maintained_special"] * 2,
            "designated_needs": ["ASD", None],
            "min_ncy": [0, None],
            "max_ncy": [6, None],
            "places": [50, 70],
        }
    )
    constrained = constrain_to_capacity(demand, register)
    placed = constrained[constrained.overflow_from.isna()].set_index(["need", "ncy"])["count"]
    # The autism base takes all 40 primary ASD children (10 places spare: nobody else may use
    # them); the 70 generic places are shared by the other 90 in proportion.
    assert placed[("ASD", 3)] == pytest.approx(40)
    assert placed[("ASD", 9)] + placed[("SLD", 4)] + placed[("SEMH", 8)] == pytest.approx(70)
    assert placed[("SLD", 4)] == pytest.approx(30 * 70 / 90)
    overflow = constrained[constrained.overflow_from.notna()]
    assert overflow["count"].sum() == pytest.approx(20)
    assert set(overflow.setting) == {"special_independent"}


def test_closing_places_comes_off_existing_provisions():
    from highneeds.finance.scenarios import Scenario, apply_places

    closing = Scenario(
        "Close",
        interventions=(
            {
                "type": "places",
                "funding_category": "maintained_special",
                "from_year": 2027,
                "places": -50,
            },
        ),
    )
    register = apply_places(CAPACITY, closing, [2027])
    assert register.places.sum() == 150
    gone = apply_places(
        CAPACITY,
        Scenario(
            "All",
            interventions=(
                {
                    "type": "places",
                    "funding_category": "maintained_special",
                    "from_year": 2027,
                    "places": -500,
                },
            ),
        ),
        [2027],
    )
    assert gone.places.sum() == 0  # never negative

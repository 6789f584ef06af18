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

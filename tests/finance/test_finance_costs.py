"""The cost model: caseload × unit cost, place funding vs top-up, defaults flagged, quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.finance.costs import (
    EMPTY_PLACES,
    REFERENCE_UNIT_COSTS,
    cost_caseload,
    cost_summary,
    default_note,
    empty_unit_costs,
    inflation_factors,
)


def _caseload():
    return pd.DataFrame(
        {
            "year": [2026, 2026, 2026, 2026, 2027, 2027],
            "setting": [
                "special_la_maintained",
                "special_academy_free",
                "mainstream_academy",
                "special_independent",
                "special_la_maintained",
                "mainstream_academy",
            ],
            "ncy": [3, 8, 5, 9, 4, 6],
            "need": ["ASD", "SEMH", "SLCN", "ASD", "ASD", "SLCN"],
            "count": [40.0, 30.0, 100.0, 12.0, 45.0, 110.0],
        }
    )


def _unit_costs():
    return pd.DataFrame(
        {
            "funding_category": [
                "maintained_special",
                "mainstream",
                "independent_special",
                "maintained_special",
            ],
            "setting": [None, None, None, None],
            "need": [None, None, None, "ASD"],
            "age_band": [None, None, None, None],
            "place_funding_gbp": [10_000.0, None, 0.0, None],
            "top_up_gbp": [15_000.0, 4_000.0, 55_000.0, 20_000.0],
        }
    )


def _total(summary, category, year=2026):
    return summary.set_index(["year", "funding_category"]).at[(year, category), "cost_gbp"]


def test_caseload_times_unit_cost_with_place_and_top_up_separated():
    costed = cost_caseload(_caseload(), _unit_costs(), price_year=2026)
    special = costed[(costed.year == 2026) & (costed.funding_category == "maintained_special")]
    # ASD rows use the finer need-specific top-up; SEMH the category's.
    assert special.top_up_gbp.sum() == 40 * 20_000 + 30 * 15_000
    assert special.place_funding_gbp.sum() == 70 * 10_000
    assert not costed.uses_reference_default.any()
    summary = cost_summary(costed)
    categories = summary[(summary.year == 2026) & (summary.funding_category != "all")]
    assert categories.cost_gbp.sum() == pytest.approx(_total(summary, "all"))


def test_doubling_a_unit_cost_doubles_that_categorys_cost_only():
    base = cost_summary(cost_caseload(_caseload(), _unit_costs(), price_year=2026))
    doubled_costs = _unit_costs()
    doubled_costs.loc[doubled_costs.funding_category == "independent_special", "top_up_gbp"] *= 2
    doubled = cost_summary(cost_caseload(_caseload(), doubled_costs, price_year=2026))
    assert _total(doubled, "independent_special") == 2 * _total(base, "independent_special")
    assert _total(doubled, "mainstream") == _total(base, "mainstream")


def test_gaps_use_labelled_reference_defaults_and_say_so():
    costs = _unit_costs()[lambda t: t.funding_category != "independent_special"]
    costed = cost_caseload(_caseload(), costs, price_year=2026)
    independent = costed[costed.funding_category == "independent_special"]
    default = next(d for d in REFERENCE_UNIT_COSTS if d.funding_category == "independent_special")
    assert independent.top_up_gbp.iloc[0] == 12 * default.top_up_gbp
    assert independent.uses_reference_default.all()
    assert "reference default" in independent.cost_source.iloc[0]
    assert not costed[costed.funding_category == "mainstream"].uses_reference_default.any()
    summary = cost_summary(costed)
    assert summary.set_index(["year", "funding_category"]).at[
        (2026, "independent_special"), "uses_reference_default"
    ]
    assert summary.set_index(["year", "funding_category"]).at[
        (2026, "all"), "uses_reference_default"
    ]
    assert "independent_special" in default_note(costed)
    assert default_note(cost_caseload(_caseload(), _unit_costs(), price_year=2026)) is None


def test_all_defaults_when_the_la_gives_no_costs():
    costed = cost_caseload(_caseload(), empty_unit_costs(), price_year=2026)
    assert costed.uses_reference_default.all()
    assert (costed.cost_gbp > 0).all()


def test_mainstream_element_2_threshold():
    costs = pd.DataFrame(
        {
            "funding_category": ["mainstream", "mainstream"],
            "need": [None, "SLCN"],
            "additional_support_gbp": [9_000.0, 5_000.0],
        }
    )
    caseload = pd.DataFrame(
        {
            "year": [2026, 2026],
            "setting": ["mainstream_academy"] * 2,
            "need": ["ASD", "SLCN"],
            "count": [10.0, 10.0],
        }
    )
    costed = cost_caseload(caseload, costs, price_year=2026).set_index("need")
    assert costed.at["ASD", "top_up_gbp"] == 10 * (9_000 - 6_000)
    assert costed.at["SLCN", "top_up_gbp"] == 0  # below £6,000: the school's notional budget
    with pytest.raises(ModelInputError, match="mainstream and post16_fe"):
        cost_caseload(
            caseload,
            pd.DataFrame(
                {"funding_category": ["maintained_special"], "additional_support_gbp": [20_000.0]}
            ),
            price_year=2026,
        )


def test_empty_commissioned_places_are_paid():
    places = pd.DataFrame(
        {"year": [2026, 2027], "funding_category": ["maintained_special"] * 2, "places": [80, 40]}
    )
    costed = cost_caseload(_caseload(), _unit_costs(), price_year=2026, commissioned_places=places)
    empty = costed[costed.setting == EMPTY_PLACES]
    assert empty.year.tolist() == [2026]  # 2027: 45 children fill the 40 places
    assert empty.places_paid.iloc[0] == 10
    assert empty.place_funding_gbp.iloc[0] == 10 * 10_000
    assert empty.top_up_gbp.iloc[0] == 0


def test_inflation_compounds_from_the_price_year():
    factors = inflation_factors([2025, 2026, 2028], 2026, 0.05)
    assert factors[2026] == 1.0
    assert factors[2028] == pytest.approx(1.05**2)
    assert factors[2025] == pytest.approx(1 / 1.05)
    costed = cost_caseload(_caseload(), _unit_costs(), price_year=2026, inflation={2027: 0.1})
    later = costed[(costed.year == 2027) & (costed.funding_category == "mainstream")]
    assert later.top_up_gbp.iloc[0] == pytest.approx(110 * 4_000 * 1.1)
    with pytest.raises(ModelInputError, match="2027"):
        inflation_factors([2027], 2026, {2028: 0.02})


def test_uncertainty_is_carried_through_to_cost_quantiles():
    rng = np.random.default_rng(7)
    frames = []
    for simulation in range(200):
        frame = _caseload()
        frame["count"] = rng.poisson(frame["count"]).astype(float)
        frame["simulation"] = simulation
        frames.append(frame)
    caseload = pd.concat(frames, ignore_index=True)
    costed = cost_caseload(caseload, _unit_costs(), price_year=2026)
    summary = cost_summary(costed).set_index(["year", "funding_category"])
    row = summary.loc[(2026, "all")]
    assert row.cost_gbp_q05 < row.cost_gbp_mean < row.cost_gbp_q95
    per_sim = costed[costed.year == 2026].groupby("simulation").cost_gbp.sum()
    assert row.cost_gbp_q95 == pytest.approx(per_sim.quantile(0.95))
    # The interval of the total is narrower than the sum of the categories' intervals.
    parts = summary.loc[2026].drop(index="all")
    assert row.cost_gbp_q95 - row.cost_gbp_q05 < (parts.cost_gbp_q95 - parts.cost_gbp_q05).sum()


def test_synthetic_settings_need_a_category_in_the_unit_cost_table():
    caseload = pd.DataFrame({"year": [2026], "setting": ["A"], "count": [5.0]})
    with pytest.raises(ModelInputError, match="'A'"):
        cost_caseload(caseload, _unit_costs(), price_year=2026)
    costs = pd.concat(
        [
            _unit_costs(),
            pd.DataFrame(
                {
                    "funding_category": ["maintained_special"],
                    "setting": ["A"],
                    "top_up_gbp": [30_000.0],
                }
            ),
        ]
    )
    costed = cost_caseload(caseload, costs, price_year=2026)
    assert costed.top_up_gbp.iloc[0] == 5 * 30_000
    assert costed.place_funding_gbp.iloc[0] == 5 * 10_000  # the category's place rate

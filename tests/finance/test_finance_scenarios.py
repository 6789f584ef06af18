"""Scenarios over the baseline: common random numbers, places, moves, savings and payback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.finance.bundled import DATA_DIR
from highneeds.finance.scenarios import (
    BASELINE,
    Scenario,
    _payback,
    compare_scenarios,
    cost_scenario,
    read_scenario,
    scenario_from_toml,
    scenario_to_toml,
)
from highneeds.finance.templates import read_capacity, read_unit_costs

EXAMPLES = DATA_DIR / "examples"
YEARS = range(2026, 2031)


def baseline_caseload(simulations: int = 60, seed: int = 11) -> pd.DataFrame:
    """Special-school demand growing past its 520 places; random per simulation."""
    rng = np.random.default_rng(seed)
    rows = []
    means = {
        ("special_la_maintained", "ASD"): 300,
        ("special_academy_free", "SLD"): 200,
        ("mainstream_academy", "SEMH"): 900,
        ("special_independent", "SEMH"): 120,
        ("mainstream_la_maintained_rp", "ASD"): 100,
    }
    for sim in range(simulations):
        growth = rng.normal(1.06, 0.02)
        for i, year in enumerate(YEARS):
            for (setting, need), mean in means.items():
                count = rng.poisson(mean * growth**i)
                rows.append((sim, year, setting, need, 8, float(count)))
    return pd.DataFrame(rows, columns=["simulation", "year", "setting", "need", "ncy", "count"])


@pytest.fixture(scope="module")
def inputs():
    scenarios = [read_scenario(p) for p in sorted(EXAMPLES.glob("*.toml"))]
    return (
        baseline_caseload(),
        scenarios,
        read_unit_costs(EXAMPLES / "unit_costs.csv"),
        # The shipped register fits the demo LA; this caseload is smaller: 520 special places.
        read_capacity(EXAMPLES / "capacity.csv").assign(
            places=lambda t: t.places.where(t.funding_category != "maintained_special", 520.0)
        ),
    )


@pytest.fixture(scope="module")
def compared(inputs):
    caseload, scenarios, costs, capacity = inputs
    return compare_scenarios(caseload, scenarios, costs, price_year=2026, capacity=capacity)


def _rows(comparison, name):
    return comparison[comparison.scenario == name].set_index("year")


def test_a_scenario_without_interventions_equals_the_baseline_exactly(compared):
    comparison, _ = compared
    status_quo = _rows(comparison, "Status quo")
    baseline = _rows(comparison, "Baseline")
    assert (status_quo.cost_gbp_mean == baseline.cost_gbp_mean).all()
    assert (status_quo.saving_gbp_mean == 0).all() and (status_quo.saving_gbp_q95 == 0).all()


def test_an_empty_scenario_takes_the_same_path_to_the_same_numbers(inputs):
    caseload, _, costs, capacity = inputs
    empty = cost_scenario(caseload, Scenario("Nothing"), costs, price_year=2026, capacity=capacity)
    base = cost_scenario(caseload, BASELINE, costs, price_year=2026, capacity=capacity)
    pd.testing.assert_frame_equal(empty, base)
    gaps = base.attrs["sufficiency"].set_index(["year", "funding_category"])
    assert gaps.loc[(2030, "maintained_special"), "gap"] < 0  # demand outgrows 520 places
    assert gaps.loc[(2030, "maintained_special"), "places"] == 520


def test_new_school_reduces_overflow_and_pays_back(compared):
    comparison, costed = compared
    school = costed["New special school"]
    base = costed["Baseline"]

    def independent(frame, year):
        hit = (frame.year == year) & (frame.funding_category == "independent_special")
        return frame.loc[hit, "count"].sum()

    assert independent(school, 2030) < independent(base, 2030)
    assert independent(school, 2027) == pytest.approx(independent(base, 2027))
    rows = _rows(comparison, "New special school")
    assert rows.loc[2027, "saving_gbp_mean"] == pytest.approx(-12_000_000)  # capital
    assert rows.loc[2030, "saving_gbp_mean"] > 0
    # £12m of capital is not yet repaid by 2030 with this phasing: no payback year.
    assert rows.loc[2030, "cumulative_saving_gbp_mean"] < 0
    assert pd.isna(rows.payback_year.iloc[0])


def test_payback_year_is_when_net_cumulative_saving_stays_positive():
    series = pd.Series([-12.0, -8.0, 1.0, -1.0, 3.0], index=[2026, 2027, 2028, 2029, 2030])
    assert _payback(series) == 2030
    assert _payback(pd.Series([0.0, 2.0, 5.0], index=[2026, 2027, 2028])) == 2027
    assert _payback(pd.Series([0.0, 0.0], index=[2026, 2027])) is None


def test_common_random_numbers_make_savings_intervals_narrow(compared, inputs):
    _, _, costs, capacity = inputs
    comparison, costed = compared
    rows = _rows(comparison, "Early help and inclusion")
    paired = rows.loc[2030, "saving_gbp_q95"] - rows.loc[2030, "saving_gbp_q05"]
    # The same saving from independent draws (baseline on other simulations): far noisier.
    other = cost_scenario(
        baseline_caseload(seed=99), BASELINE, costs, price_year=2026, capacity=capacity
    )
    scenario = costed["Early help and inclusion"]

    def per_sim(frame):
        return frame[frame.year == 2030].groupby("simulation").cost_gbp.sum().to_numpy()

    unpaired = per_sim(other) - per_sim(scenario)
    assert 0 < paired < (np.quantile(unpaired, 0.95) - np.quantile(unpaired, 0.05)) / 2
    assert rows.loc[2026, "saving_gbp_mean"] == 0  # nothing starts before 2027
    assert rows.loc[2030, "saving_gbp_q05"] > 0  # a saving in (nearly) every simulation


def test_category_costs_sum_to_totals(compared):
    comparison, costed = compared
    for name, frame in costed.items():
        by_category = frame.groupby(["year", "funding_category"])["cost_gbp"].sum()
        per_year = by_category.groupby(level="year").sum()
        expected = _rows(comparison, name).cost_gbp_mean
        sims = frame.simulation.nunique()
        assert per_year.div(sims).to_numpy() == pytest.approx(expected.to_numpy())


def test_doubling_a_unit_cost_doubles_that_category(inputs):
    caseload, _, costs, capacity = inputs
    doubled = costs.copy()
    doubled.loc[doubled.funding_category == "independent_special", "top_up_gbp"] *= 2
    one = cost_scenario(caseload, BASELINE, costs, price_year=2026, capacity=capacity)
    two = cost_scenario(caseload, BASELINE, doubled, price_year=2026, capacity=capacity)

    def category(frame):
        return frame[frame.funding_category == "independent_special"].cost_gbp.sum()

    assert category(two) == pytest.approx(2 * category(one))
    assert two[two.funding_category == "mainstream"].cost_gbp.sum() == pytest.approx(
        one[one.funding_category == "mainstream"].cost_gbp.sum()
    )


def test_bad_scenarios_are_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "X"\n[[intervention]]\ntype = "places"\nfunding_category = "special"\n')
    with pytest.raises(InputFileError, match=r"bad\.toml.*intervention 1"):
        read_scenario(bad)
    bad.write_text('name = "X"\n[[intervention]]\ntype = "teleport"\n')
    with pytest.raises(InputFileError, match="unknown type 'teleport'"):
        read_scenario(bad)
    places = Scenario(
        "Places",
        interventions=(
            {
                "type": "places",
                "funding_category": "maintained_special",
                "from_year": 2027,
                "places": 10,
            },
        ),
    )
    with pytest.raises(InputFileError, match="capacity register"):
        cost_scenario(
            baseline_caseload(2),
            places,
            read_unit_costs(EXAMPLES / "unit_costs.csv"),
            price_year=2026,
        )


PLACES = 'name = "X"\n[[intervention]]\ntype = "places"\nfunding_category = "maintained_special"\n'


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            'from_year = 2027\nplaces = 50\ndesignated_needs = "ASD;XYZ"\n',
            r"\['XYZ'\] are not need",
        ),
        ("from_year = 2027\nplaces = 50\nmin_ncy = 30\n", "min_ncy must be a whole year group"),
        ('from_year = 2027\nplaces = 50\nmax_ncy = "six"\n', "max_ncy must be a whole year"),
        ("from_year = 2027\nplaces = 50\nmin_ncy = 9\nmax_ncy = 7\n", "min_ncy 9 is after max"),
        ('from_year = 2027\nplaces = -20\ndesignated_needs = "ASD"\n', "cannot be designated"),
        (
            'from_year = 2027\nplaces = 50\nnote = "x"\n[[intervention]]\ntype = "early_help"\n'
            'reduction = "lots"\nfrom_year = 2027\n',
            "reduction must be a number",
        ),
    ],
)
def test_a_bad_designation_or_number_is_refused_naming_the_field(extra, message):
    with pytest.raises(InputFileError, match=message):
        scenario_from_toml(PLACES + extra, source="s.toml")


def test_designated_needs_as_a_list_or_with_commas_are_read_as_the_constraint_reads_them():
    listed = scenario_from_toml(
        PLACES + 'from_year = 2027\nplaces = 50\ndesignated_needs = ["asd", "SLD"]\nmin_ncy = 0\n'
    )
    commas = scenario_from_toml(
        PLACES + 'from_year = 2027\nplaces = 50\ndesignated_needs = "ASD, SLD"\n'
    )
    assert listed.interventions[0]["designated_needs"] == "ASD;SLD"
    assert commas.interventions[0]["designated_needs"] == "ASD;SLD"
    assert listed.interventions[0]["min_ncy"] == 0
    # Written back, the file reads the same.
    assert scenario_from_toml(scenario_to_toml(listed)) == listed

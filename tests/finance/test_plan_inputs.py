"""One path from an LA to its plan: each input from the LA's own imports, then public data,
then reference defaults, and every source named."""

from __future__ import annotations

import shutil

import pytest
from pandas.testing import assert_frame_equal

from highneeds.errors import NotFoundError
from highneeds.finance.bundled import table
from highneeds.finance.demo import EXAMPLES, demo_la_code
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.importers.demo import load_demo_la
from highneeds.importers.finance import import_finance
from highneeds.plan.inputs import DEFAULT, OWN, PUBLIC, identify, resolve


def test_an_la_is_found_by_its_name_dfe_number_or_gss_code(store):
    assert identify(store, "Stockport") == identify(store, "356") == identify(store, "E08000007")
    assert identify(store, "leeds")[0] == "383"
    with pytest.raises(NotFoundError):
        identify(store, "Stockbridge")


def test_a_real_la_without_imports_rests_on_public_data_and_says_so(store):
    inputs = resolve(store, "Stockport")
    assert inputs.model == "public-data" and inputs.transitions is None
    kinds = {name: source.kind for name, source in inputs.sources.items()}
    assert kinds["Caseload and forecast"] == PUBLIC
    assert kinds["Unit costs"] == PUBLIC
    assert kinds["High Needs allocation"] == PUBLIC
    assert kinds["Non-placement lines"] == PUBLIC
    assert kinds["DSG balance brought forward"] == PUBLIC
    assert kinds["Capacity register"] == DEFAULT
    # the special-school unit cost is the published S251 special lines over its EHCPs
    spend = table("s251_spend")
    mine = spend[(spend.la_code == "356") & (spend.statement == "budget")]
    special = mine[mine.phase == "special"]
    money = special[special.line.isin(["place_funding", "top_up_maintained"])].amount_gbp.sum()
    caseload = table("s251_caseload")
    ehcps = caseload[
        (caseload.la_code == "356") & (caseload.funding_category == "maintained_special")
    ]
    cost = inputs.unit_costs.set_index("funding_category").loc["maintained_special", "top_up_gbp"]
    assert cost == pytest.approx(money / ehcps.ehcps.iloc[0])
    # the allocation is the published high needs block after deductions
    allocations = table("dsg_allocations")
    published = allocations[
        (allocations.la_code == "356")
        & (allocations.block == "high_needs")
        & (allocations.stage == "after_deductions")
    ]
    assert list(inputs.allocation.allocation_gbp) == list(published.amount_gbp)
    # every source is listed, with the assumptions
    listed = inputs.sources_table()
    assert {"Allocation growth", "Inflation"} <= set(listed.input)
    assert listed.detail.str.len().gt(10).all()


def test_an_las_own_templates_come_first_and_are_named(store, tmp_path):
    costs = shutil.copy(EXAMPLES / "unit_costs.csv", tmp_path / "our-costs.csv")
    places = shutil.copy(EXAMPLES / "capacity.csv", tmp_path / "our-places.csv")
    import_finance(store, costs, la_code="356")
    import_finance(store, places, la_code="356")
    inputs = resolve(store, "356")
    assert_frame_equal(inputs.unit_costs, read_unit_costs(costs))
    assert_frame_equal(inputs.capacity, read_capacity(places))
    assert inputs.sources["Unit costs"].kind == OWN
    assert "our-places.csv" in inputs.sources["Capacity register"].detail
    other = resolve(store, "357")  # another LA's imports are not shared
    assert other.sources["Unit costs"].kind == PUBLIC


@pytest.mark.slow
def test_the_demo_la_is_read_from_the_store_like_any_la(store):
    with pytest.raises(NotFoundError):
        resolve(store, demo_la_code())  # nothing loaded: it is data, not code
    load_demo_la(store)
    inputs = resolve(store, demo_la_code())
    assert inputs.model == "child-level" and inputs.la_name == "Stockbridge (fictional)"
    assert {s.kind for s in inputs.sources.values()} == {OWN}
    assert_frame_equal(inputs.capacity, read_capacity(EXAMPLES / "capacity.csv"))


@pytest.mark.slow
def test_a_reorganised_la_is_its_share_of_its_territorys_forecast(store):
    from highneeds.plan.run import compare

    inputs = resolve(store, "940")  # North Northamptonshire, from Northamptonshire in 2021
    result = compare(inputs, [], simulations=20, seed=1)
    first = result.comparison.query("year == @inputs.origin").children_mean.iloc[0]
    stats = inputs.public_stats
    own = stats.query(
        "area_code == '940' and year == @inputs.origin and measure == 'caseload' "
        "and dimension == 'age_band' and setting == 'total'"
    ).value.sum()
    assert own > 0 and first == pytest.approx(own)
    assert any("reorganised" in note for note in result.notes)


def test_an_las_places_register_opens_places_from_their_january(store, tmp_path):
    """Without a capacity template, the places register in the store is the LA's capacity:
    places held at the origin's caseload, plus what it opened (or closed) after the origin."""
    from highneeds.finance.bundled import DATA_DIR
    from highneeds.importers.strategy import import_places
    from highneeds.strategy.places import read_register

    path = DATA_DIR.parent / "strategy" / "stockport_places_register.csv"
    held = resolve(store, "356")
    assert held.sources["Capacity register"].kind == DEFAULT
    import_places(store, path, la_code="356")
    inputs = resolve(store, "356")
    source = inputs.sources["Capacity register"]
    assert source.kind == OWN and path.name in source.detail
    assert f"held at the January {inputs.origin} caseload" in source.detail
    register = read_register(path)
    later = register[register.status.isin(["opened", "closed"]) & (register.year > inputs.origin)]
    assert not later.empty  # the shipped example opens places after January 2022
    before = held.capacity.groupby(["year", "funding_category"]).places.sum()
    after = inputs.capacity.groupby(["year", "funding_category"]).places.sum()
    for (year, category), places in after.items():
        changes = later[(later.year <= year) & (later.funding_category == category)]
        net = changes.places.where(changes.status == "opened", -changes.places).sum()
        assert places == before.get((year, category), 0) + net, (year, category)
    assert (after - before.reindex(after.index, fill_value=0)).max() > 0
    # a caller applying a register itself (the IPS) starts from the places without it
    assert_frame_equal(inputs.capacity_before_register, held.capacity)
    assert held.capacity_before_register is None
    # an imported capacity template still comes first
    places = shutil.copy(EXAMPLES / "capacity.csv", tmp_path / "our-places.csv")
    import_finance(store, places, la_code="356")
    assert "our-places.csv" in resolve(store, "356").sources["Capacity register"].detail

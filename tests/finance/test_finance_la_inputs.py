"""Which unit costs and capacity register an LA's money and places rest on."""

from __future__ import annotations

import shutil

from pandas.testing import assert_frame_equal

from highneeds.finance.demo import EXAMPLES
from highneeds.finance.la_inputs import DEMO_LA_CODE, finance_inputs
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.importers.finance import import_finance


def test_a_real_la_without_its_own_templates_gets_nothing(store):
    assert finance_inputs(store, "356") is None


def test_the_demo_la_falls_back_to_the_shipped_examples_and_says_so(store):
    inputs = finance_inputs(store, DEMO_LA_CODE)
    assert_frame_equal(inputs.capacity, read_capacity(EXAMPLES / "capacity.csv"))
    assert all("shipped example" in note for note in inputs.notes)


def test_an_las_own_templates_are_used_and_named(store, tmp_path):
    costs = shutil.copy(EXAMPLES / "unit_costs.csv", tmp_path / "our-costs.csv")
    places = shutil.copy(EXAMPLES / "capacity.csv", tmp_path / "our-places.csv")
    import_finance(store, costs, la_code="356")
    assert finance_inputs(store, "356") is None  # a capacity register is still missing
    import_finance(store, places, la_code="356")
    inputs = finance_inputs(store, "356")
    assert_frame_equal(inputs.unit_costs, read_unit_costs(costs))
    assert "LA 356's own template 'our-places.csv'" in inputs.notes[1]
    assert finance_inputs(store, "357") is None  # another LA's are not shared

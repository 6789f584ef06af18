"""Scenarios kept as readable TOML files and in the store, per LA."""

from __future__ import annotations

import datetime as dt

import pytest

from highneeds.errors import InputFileError
from highneeds.finance.demo import example_scenarios
from highneeds.finance.scenario_store import (
    delete_scenario,
    list_scenarios,
    load_scenario,
    save_scenario,
    scenario_toml,
)
from highneeds.finance.scenarios import (
    Scenario,
    read_scenario,
    scenario_from_toml,
    scenario_to_toml,
)


@pytest.mark.parametrize("path", example_scenarios(), ids=lambda p: p.stem)
def test_toml_round_trip_keeps_every_field(path):
    scenario = read_scenario(path)
    again = scenario_from_toml(scenario_to_toml(scenario))
    assert again == scenario
    assert again.interventions == scenario.interventions


def test_awkward_text_survives_the_round_trip():
    scenario = Scenario(
        'Quotes "and" backslashes \\ — £12m',
        dt.date(2026, 3, 1),
        "Two lines\nof description",
        (
            {
                "type": "places",
                "funding_category": "maintained_special",
                "from_year": 2028,
                "places": [50, 100.5],
                "note": "phased",
            },
        ),
    )
    assert scenario_from_toml(scenario_to_toml(scenario)) == scenario


def test_save_load_list_and_replace_per_la(store):
    paths = example_scenarios()
    texts = {p: p.read_text(encoding="utf-8") for p in paths}
    for path in paths:
        save_scenario(store, "999", read_scenario(path), toml_text=texts[path])
    save_scenario(store, "356", read_scenario(paths[0]))
    listed = list_scenarios(store, "999")
    assert sorted(listed["name"]) == sorted(read_scenario(p).name for p in paths)
    counts = dict(zip(listed["name"], listed["interventions"], strict=True))
    for path in paths:
        scenario = read_scenario(path)
        assert load_scenario(store, "999", scenario.name) == scenario
        assert counts[scenario.name] == len(scenario.interventions)
        assert scenario_toml(store, "999", scenario.name) == texts[path]  # as written
    assert len(list_scenarios(store, "356")) == 1  # another LA's scenarios are its own
    # saving under the same name replaces, never duplicates
    first = read_scenario(paths[0])
    changed = Scenario(first.name, first.date, "revised", first.interventions)
    save_scenario(store, "999", changed)
    assert load_scenario(store, "999", first.name).description == "revised"
    assert len(list_scenarios(store, "999")) == len(paths)
    assert delete_scenario(store, "999", first.name)
    assert not delete_scenario(store, "999", first.name)


def test_a_failed_save_changes_nothing(store):
    scenario = read_scenario(example_scenarios()[0])
    save_scenario(store, "999", scenario)
    with pytest.raises(InputFileError, match="another scenario"):
        save_scenario(store, "999", scenario, toml_text='name = "Something else"\n')
    assert load_scenario(store, "999", scenario.name) == scenario
    with pytest.raises(InputFileError, match="no saved scenario"):
        load_scenario(store, "999", "Missing")

"""The "Open or close places" form: designated needs and year groups, checked and round-tripped.

Form-level: no database, no views (the views are tested in test_finance_scenario_views.py).
"""

from __future__ import annotations

import pytest

from highneeds.finance.scenarios import scenario_from_toml, scenario_to_toml, with_intervention
from highneeds.vocabulary import NCY_MAX, NCY_MIN, NEEDS
from highneeds.web.workspace.scenario_forms import PlacesForm, describe_intervention

OPEN = {"action": "open", "funding_category": "maintained_special", "from_year": "2028",
        "places": "50, 100, 150"}  # fmt: skip


def _form(**answers) -> PlacesForm:
    return PlacesForm({**OPEN, **answers})


def _post_data(initial: dict) -> dict:
    """What a browser sends back for a form drawn with ``initial`` (blank for None)."""
    return {key: ("" if value is None else value) for key, value in initial.items()}


def test_designated_needs_and_year_groups_go_to_the_item_in_the_cores_format():
    form = _form(designated_needs=["SLD", "ASD"], min_ncy="7", max_ncy="14")
    assert form.is_valid(), form.errors
    item = form.to_item()
    # ";"-joined in the vocabulary's order, as constrain_to_capacity splits it
    assert item["designated_needs"] == "ASD;SLD"
    assert (item["min_ncy"], item["max_ncy"]) == (7, 14)
    assert with_intervention(scenario_from_toml('name = "S"'), item).interventions == (item,)


def test_blank_answers_leave_the_keys_out():
    form = _form()
    assert form.is_valid(), form.errors
    assert set(form.to_item()) == {"type", "funding_category", "from_year", "places"}


def test_year_group_zero_and_one_sided_ranges_are_kept():
    form = _form(min_ncy="0")  # Reception: falsy but given
    assert form.is_valid(), form.errors
    item = form.to_item()
    assert item["min_ncy"] == 0 and "max_ncy" not in item
    assert describe_intervention(item)["text"].endswith("from 2028, year 0 and above")


def test_the_choices_and_range_are_the_vocabularys():
    form = PlacesForm()
    assert [code for code, _ in form.fields["designated_needs"].choices] == [n.code for n in NEEDS]
    assert (
        dict(form.fields["designated_needs"].choices)["ASD"] == "Autistic spectrum disorder (ASD)"
    )
    hint = form.fields["min_ncy"].help_text
    assert f"from {NCY_MIN} to {NCY_MAX}" in hint
    assert "Reception is 0 (age 4 to 5)" in hint and "Year 14 is age 18 to 19" in hint
    assert "Leave all unticked" in form.fields["designated_needs"].help_text


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"min_ncy": "14", "max_ncy": "7"}, "max_ncy",
         "The oldest year group must be the same as or after the youngest"),
        ({"min_ncy": str(NCY_MIN - 1)}, "min_ncy", f"must be {NCY_MIN} or more"),
        ({"max_ncy": str(NCY_MAX + 1)}, "max_ncy", f"must be {NCY_MAX} or less"),
        ({"min_ncy": "Year 7"}, "min_ncy", "The youngest year group must be a whole number"),
        ({"designated_needs": ["ASD", "DRAGONS"]}, "designated_needs",
         "Choose needs from the list"),
        ({"designated_needs": ["asd"]}, "designated_needs", "Choose needs from the list"),
        ({"action": "close", "designated_needs": ["ASD"]}, "designated_needs",
         "Only new places can be designated"),
        ({"action": "close", "max_ncy": "0"}, "max_ncy", "Only new places can be designated"),
    ],
)  # fmt: skip
def test_bad_designations_are_refused_at_their_field(answers, field, message):
    form = _form(**answers)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


def test_equal_youngest_and_oldest_is_one_year_group():
    form = _form(min_ncy="11", max_ncy="11")
    assert form.is_valid(), form.errors
    assert describe_intervention(form.to_item())["text"].endswith(", years 11–11")


def test_an_item_from_a_toml_file_round_trips_through_the_form():
    toml = """
name = "Autism base"

[[intervention]]
type = "places"
funding_category = "resourced_provision"
from_year = 2027
places = [20, 40]
designated_needs = "ASD;SLCN"
min_ncy = -1
max_ncy = 6
note = "Two primary bases"
"""
    item = scenario_from_toml(toml).interventions[0]
    initial = PlacesForm.initial_of(item)
    assert initial["designated_needs"] == ["ASD", "SLCN"]
    assert (initial["min_ncy"], initial["max_ncy"]) == (-1, 6)
    form = PlacesForm(_post_data(initial))
    assert form.is_valid(), form.errors
    assert form.to_item() == item
    # and the scenario file written from it reads back equal
    again = with_intervention(scenario_from_toml('name = "Autism base"'), form.to_item())
    assert scenario_from_toml(scenario_to_toml(again)).interventions == (item,)


def test_an_item_without_a_designation_round_trips_unchanged():
    item = {"type": "places", "funding_category": "maintained_special", "from_year": 2028,
            "places": -30}  # fmt: skip
    initial = PlacesForm.initial_of(item)
    assert initial["designated_needs"] == [] and initial["min_ncy"] is None
    form = PlacesForm(_post_data(initial))
    assert form.is_valid(), form.errors
    assert form.to_item() == item


def test_a_hand_written_list_of_needs_is_read_back_too():
    item = {**OPEN, "type": "places", "places": 10, "designated_needs": ["ASD", "SLD"]}
    assert PlacesForm.initial_of(item)["designated_needs"] == ["ASD", "SLD"]


def test_the_edit_form_ticks_the_saved_needs():
    item = {"type": "places", "funding_category": "maintained_special", "from_year": 2028,
            "places": 10, "designated_needs": "SLD", "min_ncy": 7}  # fmt: skip
    form = PlacesForm(initial=PlacesForm.initial_of(item))
    ticked = [w.data["value"] for w in form["designated_needs"] if w.data["selected"]]
    assert ticked == ["SLD"]
    assert form["min_ncy"].value() == 7


@pytest.mark.parametrize(
    ("extra", "designation"),
    [
        ({}, ""),
        ({"designated_needs": "ASD;SLD", "min_ncy": 7, "max_ncy": 14},
         ", for ASD, SLD, years 7–14"),
        ({"max_ncy": 6}, ", up to year 6"),
        ({"min_ncy": -2, "max_ncy": 0}, ", years -2 to 0"),
    ],
)  # fmt: skip
def test_the_scenario_page_sentence_names_the_designation(extra, designation):
    item = {"type": "places", "funding_category": "maintained_special", "from_year": 2028,
            "places": 150, **extra}  # fmt: skip
    expected = "Open 150 places in maintained special schools and special academies from 2028"
    expected += designation
    assert describe_intervention(item)["text"] == expected


@pytest.mark.parametrize("places", ["10000000000000000000000000", "50, 10001"])
def test_places_beyond_the_stated_range_are_refused(places):
    form = _form(places=places)
    assert "Up to 10,000 a year" in form.fields["places"].help_text
    assert not form.is_valid()
    assert "Places must be 10,000 or fewer a year" in form.errors["places"][0]


@pytest.mark.parametrize("places", ["1e25", "[50, -20000]", "true"])
def test_the_core_refuses_places_out_of_range_however_they_arrive(places):
    from highneeds.errors import InputFileError

    text = f"""
name = "Huge"
[[intervention]]
type = "places"
funding_category = "maintained_special"
from_year = 2028
places = {places}
"""
    with pytest.raises(InputFileError, match="places"):
        scenario_from_toml(text, source="huge.toml")

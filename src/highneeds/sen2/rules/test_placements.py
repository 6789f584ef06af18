import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-502", "S2-503", "S2-504", "S2-505", "S2-506"]


def _drop_placements(t):
    key = t["active_plan"]["active_plan_key"].iloc[0]
    t["placement"] = t["placement"][t["placement"]["active_plan_key"] != key]


def _overlap(t):
    place = t["placement"]
    extra = place.loc[[first(place, place["leaving_date"].isna().to_numpy())]].copy()
    extra["placement_key"] = "extra"
    extra["entry_date"] = pd.Timestamp("2023-10-01")
    t["placement"] = pd.concat([place, extra])


def _set_place(column, value):
    def change(t):
        place = t["placement"]
        place.loc[first(place, place["urn"].notna().to_numpy()), column] = value

    return change


def _unnamed(t):
    place = t["placement"]
    place.loc[first(place), ["urn", "ukprn", "sen_setting"]] = [pd.NA, pd.NA, pd.NA]


BREAK = {
    "S2-502": _drop_placements,
    "S2-503": _overlap,
    "S2-504": _set_place("urn", "100001"),
    "S2-505": _unnamed,
    "S2-506": _set_place("urn", "12AB"),
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1

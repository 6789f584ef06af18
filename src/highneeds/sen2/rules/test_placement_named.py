"""S2-505 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import first, flagged

CODE = "S2-505"


def BREAK(t):
    place = t["placement"]
    place.loc[first(place), ["urn", "ukprn", "sen_setting"]] = [pd.NA, pd.NA, pd.NA]


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

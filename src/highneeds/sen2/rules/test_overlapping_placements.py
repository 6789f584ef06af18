"""S2-503 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import first, flagged

CODE = "S2-503"


def BREAK(t):
    place = t["placement"]
    extra = place.loc[[first(place, place["leaving_date"].isna().to_numpy())]].copy()
    extra["placement_key"] = "extra"
    extra["entry_date"] = pd.Timestamp("2023-10-01")
    t["placement"] = pd.concat([place, extra])


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

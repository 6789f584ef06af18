"""S2-403 fires on a broken record and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged

CODE = "S2-403"


def BREAK(t):
    key = t["assessment"]["request_key"].iloc[0]
    t["request"].loc[t["request"]["request_key"] == key, "request_outcome"] = "N"


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

"""S2-502 fires on a broken record and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged

CODE = "S2-502"


def BREAK(t):
    key = t["active_plan"]["active_plan_key"].iloc[0]
    t["placement"] = t["placement"][t["placement"]["active_plan_key"] != key]


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

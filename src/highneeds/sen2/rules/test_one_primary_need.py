"""S2-206 fires on a broken record and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged

CODE = "S2-206"


def BREAK(t):
    t["need"] = t["need"][t["need"]["sen_type_rank"] != 1]


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

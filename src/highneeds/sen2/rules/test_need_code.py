"""S2-201 fires on a broken record and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged, set_first

CODE = "S2-201"
BREAK = set_first("need", "sen_type", "AUT")


def test_down_syndrome_is_a_need_only_from_2025(broken):
    ctx = broken(set_first("need", "sen_type", "DS"))
    assert flagged(CODE, ctx) == 1
    ctx.ret.header["year"] = 2025
    assert flagged(CODE, ctx) == 0


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

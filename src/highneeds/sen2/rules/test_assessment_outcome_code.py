"""S2-203 fires on a broken record and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged, set_first

CODE = "S2-203"
BREAK = set_first("assessment", "assessment_outcome", "Z")


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

"""S2-109 fires on a temporary UPN and passes on a clean synthetic return."""

from highneeds.sen2.rules.conftest import flagged, set_first
from highneeds.sen2.upn import upn_with_check_letter

CODE = "S2-109"


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    temporary = upn_with_check_letter("35600001230A")
    assert flagged(CODE, broken(set_first("person", "upn", temporary))) == 1

"""S2-108 fires on an LA number no LA has and passes on English, Welsh and the LA's own."""

import pytest

from highneeds.sen2.rules.conftest import flagged, set_first
from highneeds.sen2.upn import upn_with_check_letter

CODE = "S2-108"


def test_passes_on_clean_return(broken):
    # The synthetic LA's UPNs carry its own (fictional) number, 999.
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert (
        flagged(CODE, broken(set_first("person", "upn", upn_with_check_letter("123000012301"))))
        == 1
    )


@pytest.mark.parametrize("number", ["356", "681", "875", "928"])
def test_passes_on_english_welsh_and_former_numbers(broken, number):
    # Stockport, a Welsh LA, Cheshire (gone 2009), Northamptonshire (gone 2021).
    upn = upn_with_check_letter(f"{number}000012301")
    assert flagged(CODE, broken(set_first("person", "upn", upn))) == 0


def test_leaves_badly_shaped_upns_to_s2_101(broken):
    assert flagged(CODE, broken(set_first("person", "upn", "1230000123"))) == 0

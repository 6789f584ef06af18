"""S2-301 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import flagged, shift_first

CODE = "S2-301"
BREAK = shift_first("request", "request_outcome_date", "received_date", -pd.Timedelta(days=1))


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

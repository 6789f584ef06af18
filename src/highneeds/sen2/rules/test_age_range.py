"""S2-104 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import flagged, set_first

CODE = "S2-104"
BREAK = set_first("person", "birth_date", pd.Timestamp("1990-01-01"))


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

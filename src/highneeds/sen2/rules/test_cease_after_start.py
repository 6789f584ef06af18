"""S2-304 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import flagged, shift_first

CODE = "S2-304"
BREAK = shift_first(
    "named_plan",
    "cease_date",
    "start_date",
    -pd.Timedelta(days=1),
    lambda f: f["start_date"].notna(),
)


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

"""S2-302 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import first, flagged

CODE = "S2-302"


def BREAK(t):
    ass = t["assessment"]
    decided = t["request"].set_index("request_key")["request_outcome_date"]
    row = first(ass, ass["request_key"].map(decided).notna().to_numpy())
    ass.loc[row, "assessment_outcome_date"] = decided[ass.loc[row, "request_key"]] - pd.Timedelta(
        days=1
    )


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

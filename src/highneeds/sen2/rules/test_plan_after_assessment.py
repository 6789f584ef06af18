"""S2-303 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import first, flagged

CODE = "S2-303"


def BREAK(t):
    when = t["assessment"].set_index("assessment_key")["assessment_outcome_date"]
    plan = t["named_plan"]
    row = first(plan)
    plan.loc[row, "start_date"] = when[plan.loc[row, "assessment_key"]] - pd.Timedelta(days=1)


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

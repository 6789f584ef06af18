"""S2-405 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import first, flagged

CODE = "S2-405"


def BREAK(t):
    # Cease a plan issued in the period whose request also carries an active plan.
    active_requests = set(t["active_plan"]["request_key"])
    ass = t["assessment"][t["assessment"]["request_key"].isin(active_requests)]
    plan = t["named_plan"]
    row = first(plan, plan["assessment_key"].isin(set(ass["assessment_key"])).to_numpy())
    plan.loc[row, "cease_date"] = pd.Timestamp("2023-12-01")
    plan.loc[row, "cease_reason"] = "2"


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1

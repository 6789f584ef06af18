import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-301", "S2-302", "S2-303", "S2-304", "S2-305", "S2-306"]
DAY = pd.Timedelta(days=1)


def _shift(table, column, other, delta, where=None):
    def change(t):
        frame = t[table]
        row = first(frame, None if where is None else where(frame).to_numpy())
        t[table].loc[row, column] = frame.loc[row, other] + delta

    return change


def _assessment_before_decision(t):
    ass = t["assessment"]
    decided = t["request"].set_index("request_key")["request_outcome_date"]
    row = first(ass, ass["request_key"].map(decided).notna().to_numpy())
    ass.loc[row, "assessment_outcome_date"] = decided[ass.loc[row, "request_key"]] - DAY


def _plan_before_assessment(t):
    when = t["assessment"].set_index("assessment_key")["assessment_outcome_date"]
    plan = t["named_plan"]
    row = first(plan)
    plan.loc[row, "start_date"] = when[plan.loc[row, "assessment_key"]] - DAY


def _future(t):
    t["request"].loc[first(t["request"]), "received_date"] = pd.Timestamp("2030-01-01")


def _no_received(t):
    t["request"].loc[first(t["request"]), "received_date"] = pd.NaT


BREAK = {
    "S2-301": _shift("request", "request_outcome_date", "received_date", -DAY),
    "S2-302": _assessment_before_decision,
    "S2-303": _plan_before_assessment,
    "S2-304": _shift(
        "named_plan", "cease_date", "start_date", -DAY, lambda f: f["start_date"].notna()
    ),
    "S2-305": _future,
    "S2-306": _no_received,
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1

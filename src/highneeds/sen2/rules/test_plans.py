import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-401", "S2-402", "S2-403", "S2-404", "S2-405"]


def _no_reason(t):
    plan = t["named_plan"]
    plan.loc[first(plan, plan["cease_date"].notna().to_numpy()), "cease_reason"] = pd.NA


def _no_date(t):
    plan = t["named_plan"]
    plan.loc[first(plan, plan["cease_date"].notna().to_numpy()), "cease_date"] = pd.NaT


def _assessed_after_refusal(t):
    key = t["assessment"]["request_key"].iloc[0]
    t["request"].loc[t["request"]["request_key"] == key, "request_outcome"] = "N"


def _orphan(t):
    t["need"].loc[first(t["need"]), "active_plan_key"] = "no-such-plan"


def _ceased_but_active(t):
    # Cease the plan issued in the period whose request also carries an active plan.
    active_requests = set(t["active_plan"]["request_key"])
    ass = t["assessment"][t["assessment"]["request_key"].isin(active_requests)]
    plan = t["named_plan"]
    row = first(plan, plan["assessment_key"].isin(set(ass["assessment_key"])).to_numpy())
    plan.loc[row, "cease_date"] = pd.Timestamp("2023-12-01")
    plan.loc[row, "cease_reason"] = "2"


BREAK = {
    "S2-401": _no_reason,
    "S2-402": _no_date,
    "S2-403": _assessed_after_refusal,
    "S2-404": _orphan,
    "S2-405": _ceased_but_active,
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1

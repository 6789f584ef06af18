import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-401", "S2-402", "S2-403", "S2-404"]


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


BREAK = {
    "S2-401": _no_reason,
    "S2-402": _no_date,
    "S2-403": _assessed_after_refusal,
    "S2-404": _orphan,
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1

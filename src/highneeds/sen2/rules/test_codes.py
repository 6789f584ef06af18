import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-201", "S2-202", "S2-203", "S2-204", "S2-205", "S2-206"]


def _set(table, column, value, where=None):
    def change(t):
        frame = t[table]
        mask = None if where is None else where(frame).to_numpy()
        t[table].loc[first(frame, mask), column] = value

    return change


def _drop_primary_need(t):
    t["need"] = t["need"][t["need"]["sen_type_rank"] != 1]


BREAK = {
    "S2-201": _set("need", "sen_type", "AUT"),
    "S2-202": _set("request", "request_outcome", "Q"),
    "S2-203": _set("assessment", "assessment_outcome", "Z"),
    "S2-204": _set("named_plan", "cease_reason", "12", lambda f: f["cease_date"].notna()),
    "S2-205": _set("placement", "sen_setting", "HOME"),
    "S2-206": _drop_primary_need,
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1


def test_down_syndrome_is_a_need_only_from_2025(broken):
    ctx = broken(_set("need", "sen_type", "DS"))
    assert flagged("S2-201", ctx) == 1
    ctx.ret.header["year"] = 2025
    assert flagged("S2-201", ctx) == 0
    assert isinstance(ctx.ret.reference_date, pd.Timestamp)

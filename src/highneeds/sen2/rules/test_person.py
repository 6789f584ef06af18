import pandas as pd
import pytest

from highneeds.sen2.rules.conftest import first, flagged

CODES = ["S2-101", "S2-102", "S2-103", "S2-104", "S2-105", "S2-106", "S2-107"]


def _set(column, value):
    def change(t):
        t["person"].loc[first(t["person"]), column] = value

    return change


def _duplicate(t):
    t["person"] = pd.concat([t["person"], t["person"].iloc[[0]].assign(person_key="x")])


def _no_ids(t):
    row = first(t["person"])
    t["person"].loc[row, ["upn", "uln", "upn_unknown"]] = [pd.NA, pd.NA, pd.NA]


BREAK = {
    "S2-101": _set("upn", "X123456789875"),
    "S2-102": _duplicate,
    "S2-103": _set("ethnicity", "ZZZZ"),
    "S2-104": _set("birth_date", pd.Timestamp("1990-01-01")),
    "S2-105": _set("sex", "Q"),
    "S2-106": _no_ids,
    "S2-107": _set("uln", "12345"),
}


@pytest.mark.parametrize("code", CODES)
def test_rule_passes_on_clean_return(code, broken):
    assert flagged(code, broken(lambda t: None)) == 0


@pytest.mark.parametrize("code", CODES)
def test_rule_fires(code, broken):
    assert flagged(code, broken(BREAK[code])) >= 1


def test_upn_check_letter_examples_from_dfe():
    from highneeds.sen2.upn import upn_problems

    found = upn_problems(pd.Series(["H801200001001", "G80120000101A", "X123456789875"]))
    assert found.isna().tolist() == [True, True, False]

"""Validating whole synthetic returns: clean ones pass, injected errors are all found."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.sen2.establishments import placement_settings
from highneeds.sen2.inject import ERROR_KINDS, EXPECTED_RULE, inject_errors
from highneeds.sen2.synth import SynthConfig, generate
from highneeds.sen2.validate import has_errors, validate


@pytest.mark.slow
def test_clean_synthetic_returns_have_no_errors(synthetic_la, establishments):
    for ret in synthetic_la:
        report = validate(ret, establishments)
        assert not has_errors(report), report.head().to_string()
        assert report.empty


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_each_injected_error_is_found(kind, small_la, establishments):
    clean = small_la[-1]
    assert validate(clean, establishments).empty
    report = validate(inject_errors(clean, [kind], seed=1), establishments)
    assert EXPECTED_RULE[kind] in set(report["code"])
    assert has_errors(report)


@pytest.mark.slow
def test_all_injected_errors_at_once_through_the_generator(establishments):
    ret = generate(
        SynthConfig(first_year=2023, last_year=2024, children=100, seed=5, inject=ERROR_KINDS)
    )[-1]
    found = set(validate(ret, establishments)["code"])
    assert set(EXPECTED_RULE.values()) <= found


def test_unknown_urn_is_an_issue_not_a_crash(small_la, establishments):
    place = small_la[-1]["placement"].copy()
    row = place.index[place["urn"].notna()][0]
    place.loc[row, "urn"] = "100001"
    settings = placement_settings(place, establishments)
    assert settings[row] == "unknown"
    assert (settings.drop(row) != "unknown").all()


def test_report_locates_issue_by_module_record_and_row(small_la, establishments):
    ret = small_la[-1]
    ret = type(ret)(
        dict(ret.header), {k: v.copy() for k, v in ret.tables.items()}, ret.file_name, ret.layout
    )
    ret.tables["request"].loc[0, "request_outcome"] = "Q"
    report = validate(ret, establishments)
    issue = report[report["code"] == "S2-202"].iloc[0]
    assert issue["module"] == "Requests"
    assert issue["record"] == ret["request"].loc[0, "request_key"]
    assert issue["row"] == ret["request"].loc[0, "source_row"]
    assert issue["field"] == "RequestOutcome"
    assert pd.notna(issue["child_id"]) and len(issue["child_id"]) == 20

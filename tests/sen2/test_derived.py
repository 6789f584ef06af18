"""Derived tables on tiny hand-made inputs, where the right answer is known."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.derived import (
    EVENT_COLUMNS,
    STATE_COLUMNS,
    caseload,
    ceased,
    funnel,
    timeliness,
    transitions,
)

D = pd.Timestamp


def _events(rows):
    frame = pd.DataFrame(rows)
    for column in EVENT_COLUMNS:
        if column not in frame:
            frame[column] = pd.NaT if column.endswith("date") else None
    return frame[EVENT_COLUMNS]


def test_twenty_week_boundary_and_exceptions():
    events = _events(
        [
            # 140 days: within 20 weeks; 141 days: not; the third has an exception (Week20 = 1).
            {
                "year": 2024,
                "child_id": "a",
                "received_date": D("2023-01-02"),
                "request_outcome": "Y",
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2023-01-02") + pd.Timedelta(days=140),
                "week20": 0,
            },
            {
                "year": 2024,
                "child_id": "b",
                "received_date": D("2023-01-02"),
                "request_outcome": "Y",
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2023-01-02") + pd.Timedelta(days=141),
                "week20": 0,
            },
            {
                "year": 2024,
                "child_id": "c",
                "received_date": D("2023-01-02"),
                "request_outcome": "Y",
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2023-12-01"),
                "week20": 1,
            },
            # Historical (H) and out-of-period plans are not counted.
            {
                "year": 2024,
                "child_id": "d",
                "received_date": D("2020-01-02"),
                "request_outcome": "H",
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2023-03-01"),
                "week20": 0,
            },
            {
                "year": 2024,
                "child_id": "e",
                "received_date": D("2021-01-02"),
                "request_outcome": "Y",
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2022-03-01"),
                "week20": 0,
            },
        ]
    )
    out = timeliness(events).set_index("exceptions")
    assert out.loc["included", ["plans_issued", "within_20_weeks"]].tolist() == [3, 1]
    assert out.loc["excluded", ["plans_issued", "within_20_weeks"]].tolist() == [2, 1]
    assert out.loc["excluded", "rate_20_weeks"] == 50.0


def test_funnel_and_ceased_count_the_calendar_year_before_the_census():
    events = _events(
        [
            {
                "year": 2024,
                "child_id": "a",
                "received_date": D("2023-02-01"),
                "request_outcome": "N",
                "request_outcome_date": D("2023-03-01"),
            },
            {
                "year": 2024,
                "child_id": "b",
                "received_date": D("2023-02-01"),
                "request_outcome": "Y",
                "request_outcome_date": D("2023-03-01"),
                "assessment_outcome": "Y",
                "assessment_outcome_date": D("2023-06-01"),
            },
            {
                "year": 2024,
                "child_id": "c",
                "received_date": D("2015-02-01"),
                "request_outcome": "H",
                "cease_date": D("2023-07-01"),
                "cease_reason": "3",
            },
        ]
    )
    stages = funnel(events).set_index("stage")["children"]
    assert stages["requests_received"] == 2
    assert stages["refused_to_assess"] == 1 and stages["plans_issued"] == 1
    assert ceased(events).to_dict("records") == [{"year": 2024, "cease_reason": "3", "children": 1}]


def test_transitions_contract():
    states = pd.DataFrame(
        [
            [2023, "stay", 5, "5_10", "ASD", "mainstream_academy", "mainstream"],
            [2024, "stay", 6, "5_10", "ASD", "special_academy_free", "special"],
            [2023, "leave", 12, "16_19", "SEMH", "fe_general", "fe"],
            [2024, "join", 0, "under_5", "SLCN", "mainstream_la_maintained", "mainstream"],
        ],
        columns=STATE_COLUMNS,
    )
    events = _events(
        [{"year": 2024, "child_id": "leave", "cease_date": D("2023-07-01"), "cease_reason": "4"}]
    )
    moves = transitions(states, events).set_index("child_id")
    assert moves.loc["stay", ["setting_from", "setting_to", "ncy_to"]].tolist() == [
        "mainstream_academy",
        "special_academy_free",
        6,
    ]
    assert pd.isna(moves.loc["join", "setting_from"]) and moves.loc["join", "ncy_from"] == -1
    assert pd.isna(moves.loc["leave", "need_to"]) and moves.loc["leave", "leave_reason"] == "4"
    assert set(moves["year"]) == {2023}
    counts = caseload(states)
    assert counts["children"].sum() == 4

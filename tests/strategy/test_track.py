"""KPI status by the stated rule, and the worked example filled from the store."""

import pandas as pd
import pytest

from highneeds.strategy.definition import Kpi, Point, strategy_from_dict
from highneeds.strategy.measures import KpiData
from highneeds.strategy.track import expected_at, status_of, summary_for_display, track


def kpi(**change) -> Kpi:
    base = {
        "code": "K1",
        "priority": "P1",
        "measure": "manual",
        "title": "Test",
        "unit": "percent",
        "period": "calendar",
        "source": "test",
        "definition": "",
        "baseline_year": 2022,
        "baseline_value": 40.0,
        "target": Point(2027, 50.0),
    }
    base.update(change)
    return Kpi(**base)


def test_path_is_a_straight_line_through_milestones():
    plain = kpi()
    assert expected_at(plain, 40.0, 2022) == 40.0
    assert expected_at(plain, 40.0, 2024) == pytest.approx(44.0)
    assert expected_at(plain, 40.0, 2030) == 50.0  # the target once its year has passed
    with_milestone = kpi(milestones=(Point(2024, 48.0),))
    assert expected_at(with_milestone, 40.0, 2024) == 48.0
    assert expected_at(with_milestone, 40.0, 2023) == pytest.approx(44.0)
    assert expected_at(with_milestone, 40.0, 2026) == pytest.approx(48 + 2 * 2 / 3)


@pytest.mark.parametrize(
    ("change", "latest", "status"),
    [
        ({}, (2024, 44.0), "on_track"),  # exactly on the path
        ({}, (2024, 43.9), "off_track"),
        ({}, (2022, 60.0), "no_data"),  # nothing since the baseline
        ({}, None, "no_data"),
        ({"target": Point(2027, 30.0)}, (2024, 35.0), "on_track"),  # lower is better
        ({"target": Point(2027, 30.0)}, (2024, 37.0), "off_track"),
        ({"target": Point(2027, 40.0), "better": "lower"}, (2023, 40.0), "on_track"),
        ({"target": Point(2027, 40.0), "better": "lower"}, (2023, 40.5), "off_track"),
        ({"milestones": (Point(2024, 48.0),)}, (2024, 46.0), "off_track"),
    ],
)
def test_status_rule(change, latest, status):
    assert status_of(kpi(**change), 40.0, latest) == status


def test_worked_example_from_bundled_data(stockport_strategy, kpi_data):
    tracking = track(stockport_strategy, kpi_data)
    summary = tracking.summary.set_index("kpi")
    bound = [k.code for k in stockport_strategy.kpis if not k.is_manual]
    # Every KPI bound to a measure has its baseline from the shipped public data.
    assert summary.loc[bound, "baseline_value"].notna().all()
    assert summary.loc["K1", "baseline_period"] == "January 2022"
    assert summary.loc["K9", "baseline_value"] == -2.13  # Stockport's DSG balance, 2021-22
    # AP census reaches January 2023: 226 against a path from 160 to 150 -> off track.
    assert summary.loc["K8", "latest_value"] == 226
    assert summary.loc["K8", "status"] == "Off track"
    # The register delivered 580 by 2023/24 against a milestone of 600.
    assert summary.loc["K7", ["latest_value", "expected_value", "status"]].tolist() == [
        580,
        600,
        "Off track",
    ]
    assert tracking.neighbours_label == "mean of 10 statistical neighbours (DfE 2021 model)"
    k1 = tracking.kpi_series("K1").set_index("year")
    assert k1.loc[2022, "neighbours_count"] == 10
    assert k1.loc[2027, "path_value"] == 95.0
    shown = summary_for_display(tracking)
    assert "North West" in shown.columns
    text = shown.to_csv()
    assert "_" not in "".join(shown.columns) and "nan" not in text and "None" not in text


def test_newer_release_changes_the_actuals(shared_data, bundled_stats):
    """Wakefield's KPIs from the 2022 release, then with the 2025 sample layered on top."""
    from highneeds.readers.dfe_ehcp import read_release
    from highneeds.readers.dfe_merge import newest_wins

    strategy = strategy_from_dict(
        {
            "title": "Wakefield test",
            "la": "Wakefield",
            "start": 2023,
            "end": 2027,
            "priority": [{"code": "P1", "title": "Inclusion"}],
            "kpi": [
                {
                    "code": "K1",
                    "priority": "P1",
                    "measure": "mainstream_pct",
                    "baseline": {"year": 2022},
                    "target": {"year": 2027, "value": 50},
                },
                {
                    "code": "K2",
                    "priority": "P1",
                    "measure": "ehcps",
                    "baseline": {"year": 2022},
                    "target": {"year": 2027, "value": 3000},
                    "better": "lower",
                },
            ],
        }
    )
    before = track(strategy, KpiData(stats=bundled_stats)).summary.set_index("kpi")
    assert (before["status"] == "No data").all()
    newer = read_release(shared_data / "dfe-ehcp-2025-sample")
    stats = newest_wins(pd.concat([bundled_stats, newer], ignore_index=True))
    after = track(strategy, KpiData(stats=stats)).summary.set_index("kpi")
    assert after.loc["K2", "latest_period"] == "January 2025"
    assert after.loc["K1", "latest_period"] == "January 2025"
    assert (after["status"] != "No data").all()
    caseload = stats[
        (stats.area_code == "384")
        & (stats.measure == "caseload")
        & (stats.setting == "total")
        & (stats.dimension == "total")
        & (stats.year == 2025)
    ].value.iloc[0]
    assert after.loc["K2", "latest_value"] == caseload


def test_kpi_titled_table_has_every_year_to_the_target_with_the_path(stockport_strategy, kpi_data):
    from highneeds.strategy.report import kpi_titled_table
    from highneeds.strategy.track import expected_at, track

    tracking = track(stockport_strategy, kpi_data)
    kpi = tracking.strategy_kpi("K1")
    table = kpi_titled_table(tracking, "K1")
    periods = list(table.frame["period"])
    # evenly spaced years: no jump from the latest actual to the target year
    assert periods[-1] == "2027" and periods[-2] == "2026"  # under "January census"
    assert len(periods) == len(set(periods))
    baseline = tracking.summary.set_index("kpi").loc["K1", "baseline_value"]
    path = table.frame.set_index("period")["path_value"]
    assert path["2025"] == pytest.approx(expected_at(kpi, baseline, 2025))
    assert table.title == "K1: New EHC plans issued within 20 weeks (%)"  # the unit once
    assert list(table.labelled().columns[:2]) == ["January census", "Stockport"]

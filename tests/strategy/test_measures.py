"""Each measure against the published figures it is made from, worked out by hand here."""

import pytest

from highneeds.reference import population
from highneeds.strategy.measures import (
    MEASURE_BY_CODE,
    MEASURES,
    KpiData,
    format_value,
    period_label,
    values,
)

STOCKPORT, NORTH_WEST, ENGLAND = "356", "E12000002", "E92000001"


def figure(stats, measure, area, year, setting="total"):
    row = stats[
        (stats.measure == measure)
        & (stats.setting == setting)
        & (stats.dimension == "total")
        & (stats.category == "total")
        & (stats.area_code == area)
        & (stats.year == year)
    ]
    assert len(row) == 1
    return float(row.value.iloc[0])


def value(kpi_data, code, area, year):
    frame = values(MEASURE_BY_CODE[code], kpi_data, [area])
    hit = frame[frame.year == year]
    assert len(hit) == 1, frame
    return float(hit.value.iloc[0])


@pytest.mark.parametrize("area", [STOCKPORT, NORTH_WEST, ENGLAND])
def test_shares_are_each_areas_own_ratio(kpi_data, bundled_stats, area):
    caseload = figure(bundled_stats, "caseload", area, 2022)
    mainstream = figure(bundled_stats, "caseload", area, 2022, "group:mainstream")
    independent = figure(bundled_stats, "caseload", area, 2022, "special_independent")
    assert value(kpi_data, "mainstream_pct", area, 2022) == pytest.approx(
        mainstream / caseload * 100
    )
    assert value(kpi_data, "independent_special_pct", area, 2022) == pytest.approx(
        independent / caseload * 100
    )


def test_stockport_counts_and_rates(kpi_data, bundled_stats):
    assert value(kpi_data, "ehcps", STOCKPORT, 2022) == 2618
    people = population(area_codes=STOCKPORT, years=2021, ages=range(26)).population.sum()
    assert value(kpi_data, "ehcps_per_1000_aged_0_25", STOCKPORT, 2022) == pytest.approx(
        2618 / people * 1000
    )
    requests = figure(bundled_stats, "requests", STOCKPORT, 2022)
    assert value(kpi_data, "requests_per_1000_aged_0_25", STOCKPORT, 2022) == pytest.approx(
        requests / people * 1000
    )
    assert value(kpi_data, "issued_within_20_weeks_pct", STOCKPORT, 2022) == pytest.approx(
        figure(bundled_stats, "timeliness_20_weeks_incl_exceptions_pc", STOCKPORT, 2022)
    )


def test_published_finance_and_kpi_sources(kpi_data):
    # Stockport's published cumulative DSG balance, % of income: -0.58, -1.36, -2.13.
    balances = values(MEASURE_BY_CODE["dsg_balance_pct_income"], kpi_data, [STOCKPORT])
    assert balances.set_index("year").value.to_dict() == {2020: -0.58, 2021: -1.36, 2022: -2.13}
    # SEND Tribunal: 50 appeals of 2,924 appealable decisions in 2022 (HMCTS table SEND_2).
    assert value(kpi_data, "tribunal_appeal_rate_pct", STOCKPORT, 2022) == pytest.approx(
        50 / 2924 * 100
    )
    # AP census: 226 pupils in LA-funded AP in January 2023 (academic year 2022/23).
    assert value(kpi_data, "la_funded_ap_pupils", STOCKPORT, 2023) == 226


def test_region_sums_where_the_source_has_only_las(kpi_data):
    from highneeds import reference
    from highneeds.strategy import sources

    appeals = sources.table("tribunal_appeals")
    # Cumbria, abolished in 2023, is a North West LA in 2022.
    north_west = reference.las().query("region_code == @NORTH_WEST").la_code
    rows = appeals[appeals.area_code.isin(north_west) & (appeals.year == 2022)]
    expected = rows.appeals.sum() / rows.appealable_decisions.sum() * 100
    assert value(kpi_data, "tribunal_appeal_rate_pct", NORTH_WEST, 2022) == pytest.approx(expected)
    # England is published, not summed.
    england = appeals[(appeals.area_code == ENGLAND) & (appeals.year == 2022)].iloc[0]
    assert value(kpi_data, "tribunal_appeal_rate_pct", ENGLAND, 2022) == pytest.approx(
        england.appeals / england.appealable_decisions * 100
    )


def test_spend_per_head_from_section_251(kpi_data):
    from highneeds.finance import bundled

    spend = bundled.table("s251_spend")
    spend = spend[
        (spend.la_code == STOCKPORT) & (spend.statement == "outturn") & (spend.phase == "total")
    ]
    people = bundled.table("s251_caseload")
    people = people[(people.la_code == STOCKPORT) & (people.funding_category == "total")]
    expected = spend.amount_gbp.sum() / people.population_2_18.iloc[0]
    assert value(kpi_data, "high_needs_spend_per_head", STOCKPORT, 2021) == pytest.approx(expected)


def test_places_delivered_stops_at_the_last_change(kpi_data):
    frame = values(MEASURE_BY_CODE["specialist_places_delivered"], kpi_data, [STOCKPORT])
    assert frame.set_index("year").value.to_dict() == {2021: 120, 2022: 180, 2023: 330, 2024: 580}
    assert values(
        MEASURE_BY_CODE["specialist_places_delivered"], KpiData(kpi_data.stats), [STOCKPORT]
    ).empty


def test_every_measure_answers_for_stockport(kpi_data):
    for measure in MEASURES:
        frame = values(measure, kpi_data, [STOCKPORT, ENGLAND])
        assert not frame.empty, measure.code
        assert set(frame.columns) == {"area_code", "year", "value"}
        assert measure.label[0].isupper() and "_" not in measure.label


def test_words():
    assert period_label("january", 2022) == "January 2022"
    assert period_label("financial", 2022) == "2021-22"
    assert period_label("academic", 2000) == "1999/00"
    assert format_value("count", 40904.0) == "40,904"
    assert format_value("percent", 43.4321) == "43.4%"
    assert format_value("pounds_per_head", 640.6) == "£641"
    assert format_value("per_1000", float("nan")) == "–"
    assert format_value("count", None) == "–"

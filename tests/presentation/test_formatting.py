"""One number format: counts, money, rates, percentages, intervals and column kinds."""

import math

import pytest

from highneeds import formatting
from highneeds.formatting import Kind, column_kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3091.0, "3,091"), (9049, "9,049"), (2733.8, "2,734"), (623.0, "623"), (-1200, "−1,200")],
)
def test_counts_are_whole_with_separators(value, expected):
    assert formatting.count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (44_652_699.0, "£44.65m"),
        (850_000, "£850k"),
        (999_600, "£1.00m"),  # rounds up into millions, never "£1,000k"
        (12_345, "£12k"),
        (950.4, "£950"),
        (-2_500_000, "−£2.50m"),
        (1_234_000_000, "£1.23bn"),
    ],
)
def test_money_in_sensible_units(value, expected):
    assert formatting.money(value) == expected


def test_money_exact_for_downloads():
    assert formatting.money(44_652_699.0, exact=True) == "£44,652,699"


def test_rates_and_percentages_to_one_decimal():
    assert formatting.rate(31.18151500714626) == "31.2"
    assert formatting.percent(31.18151500714626) == "31.2%"
    assert formatting.probability(0.125) == "12.5%"


def test_interval():
    assert formatting.interval(3091.2, 2950.4, 3240.0) == "3,091 (2,950–3,240)"
    assert formatting.interval(3091.2, math.nan, 3240.0) == "3,091"
    assert formatting.interval(44.6e6, 40e6, 50e6, Kind.MONEY) == "£44.60m (£40.00m–£50.00m)"


def test_missing_is_a_dash_never_zero():
    for writer in (formatting.count, formatting.money, formatting.rate, formatting.percent):
        assert writer(None) == formatting.MISSING
        assert writer(math.nan) == formatting.MISSING


def test_any_cell():
    import numpy as np

    assert formatting.figure(True) == "yes"
    assert formatting.figure(np.float64(3091.0), Kind.COUNT) == "3,091"
    assert formatting.figure("Stockport") == "Stockport"
    assert formatting.figure(2022.0, Kind.YEAR) == "2022"


@pytest.mark.parametrize(
    ("heading", "title", "kind"),
    [
        ("Cost (£), mean", "", Kind.MONEY),
        ("Chance of being short", "Places", Kind.PROBABILITY),
        ("Growth on a year before (%)", "", Kind.PERCENT),
        ("EHCPs per 1,000 residents aged 0 to 25", "", Kind.RATE),
        ("January census year", "High Needs spend (£)", Kind.YEAR),
        ("Stockport", "Budget per EHCP, beside comparators (£)", Kind.MONEY),
        ("Median", "Children with an EHCP", Kind.COUNT),
        ("Forecast demand (children)", "", Kind.COUNT),
        ("Rank", "", Kind.NUMBER),
    ],
)
def test_column_kind_from_words(heading, title, kind):
    assert column_kind(heading, title) is kind


def test_one_date_format_in_templates():
    import datetime as dt

    from highneeds.web.core.templatetags.numbers import day, when, when_exact

    moment = dt.datetime(2026, 10, 9, 14, 15, 7)
    assert day(moment) == "9 October 2026"
    assert when(moment) == "9 October 2026 at 2:15pm"
    assert when(moment.replace(hour=9, minute=0)) == "9 October 2026 at 9am"
    assert when_exact(moment) == "9 October 2026 at 2:15:07pm"
    assert day(None) == ""


def test_an_interval_bound_is_not_a_percentage():
    from highneeds.formatting import Kind, column_kind

    assert column_kind("Lower 95% bound", "EHCP caseload forecast") is Kind.COUNT
    assert column_kind("New plans issued within 20 weeks %") is Kind.PERCENT

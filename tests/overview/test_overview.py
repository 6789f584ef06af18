"""The LA overview, checked against figures in DfE's published 2022 release."""

import math

import pandas as pd
import pytest

from highneeds.analysis.overview import ENGLAND, la_overview, overview_areas
from highneeds.errors import NotFoundError


@pytest.fixture(scope="module")
def stockport(bundled_stats):
    return la_overview(bundled_stats, "Stockport")


def test_latest_year_and_published_totals(stockport):
    assert stockport.la_code == "356" and stockport.year == 2022
    assert stockport.history.loc[2022, "ehcps"] == 2618
    assert stockport.history.loc[2019, "ehcps"] == 2195
    assert stockport.history.loc[2010, "ehcps"] == 1388  # statements then, same series
    assert stockport.comparison.loc[ENGLAND, "ehcps"] == 473255


def test_growth_is_computed_from_the_series(stockport):
    expected = (2618 / 2383 - 1) * 100
    assert stockport.comparison.loc["356", "growth_1y_pct"] == pytest.approx(expected)
    assert stockport.history.loc[2022, "growth_pct"] == pytest.approx(expected)


def test_neighbours_region_and_england_sit_beside_the_la(stockport):
    table = stockport.comparison
    assert table.index[0] == "356"
    assert "neighbours" in table.index and ENGLAND in table.index
    assert stockport.region_code in table.index and stockport.region_name == "North West"
    neighbour_rows = [
        c for c in table.index if c not in ("356", "neighbours", ENGLAND, stockport.region_code)
    ]
    assert len(neighbour_rows) == 10
    mean = table.loc[neighbour_rows, "ehcps"].mean()
    assert table.loc["neighbours", "ehcps"] == pytest.approx(mean)


def test_setting_shares_are_of_the_total(stockport, bundled_stats):
    rows = bundled_stats[
        (bundled_stats.area_code == "356")
        & (bundled_stats.year == 2022)
        & (bundled_stats.measure == "caseload")
        & (bundled_stats.setting == "group:special")
        & (bundled_stats.dimension == "total")
    ]
    special = rows["value"].iloc[0]
    assert stockport.comparison.loc["356", "special_pct"] == pytest.approx(special / 2618 * 100)


def test_rate_per_1000_uses_population_and_is_plausible(stockport):
    rate = stockport.comparison.loc["356", "per_1000_aged_0_25"]
    assert 20 < rate < 45  # EHCPs are 2–4% of 0–25 year olds in English LAs in 2022
    # Years without a population estimate show no rate rather than a made-up one.
    assert math.isnan(stockport.history.loc[2015].get("per_1000_aged_0_25", float("nan")))


def test_twenty_week_rate_is_the_published_one(stockport, bundled_stats):
    rows = bundled_stats[
        (bundled_stats.area_code == "356")
        & (bundled_stats.measure == "timeliness_20_weeks_incl_exceptions_pc")
        & (bundled_stats.year == 2022)
    ]
    assert stockport.history.loc[2022, "issued_within_20_weeks_pct"] == rows["value"].iloc[0]


def test_an_earlier_year_can_be_chosen(bundled_stats):
    overview = la_overview(bundled_stats, "356", year=2019)
    assert overview.year == 2019
    assert overview.comparison.loc["356", "ehcps"] == 2195


def test_a_year_without_data_is_refused_with_the_range(bundled_stats):
    with pytest.raises(NotFoundError, match="2010–2022"):
        la_overview(bundled_stats, "Stockport", year=2031)


def test_a_misspelt_la_suggests_names(bundled_stats):
    with pytest.raises(NotFoundError, match="Stockport"):
        la_overview(bundled_stats, "Stokport")


def test_an_la_missing_from_the_store_says_what_to_import():
    empty = pd.DataFrame(
        columns=[
            "area_code",
            "year",
            "measure",
            "setting",
            "dimension",
            "category",
            "value",
            "status",
        ]
    )
    with pytest.raises(NotFoundError, match="import"):
        la_overview(empty, "Stockport")


def test_overview_areas_lists_what_the_overview_reads():
    codes = overview_areas("Stockport")
    assert codes[0] == "356" and ENGLAND in codes and "E12000002" in codes
    assert len(codes) == 13


@pytest.mark.parametrize("model", ["2021", "2025"])
def test_neighbours_mean_is_of_one_model_and_says_so(bundled_stats, model):
    """The mean averages the 10 neighbours of the model asked for, read from the release
    directly (not the few LAs two models happen to share)."""
    from highneeds import reference

    codes = list(reference.statistical_neighbours("356", model=model)["neighbour_code"])
    published = bundled_stats[
        bundled_stats.area_code.isin(codes)
        & (bundled_stats.year == 2022)
        & (bundled_stats.measure == "caseload")
        & (bundled_stats.setting == "total")
        & (bundled_stats.dimension == "total")
    ]
    assert len(published) == 10
    overview = la_overview(bundled_stats, "Stockport", neighbours_model=model)
    assert overview.neighbours_model == model and overview.neighbours_averaged == 10
    assert overview.comparison.loc["neighbours", "ehcps"] == pytest.approx(
        published["value"].mean()
    )
    assert overview.comparison.loc["neighbours", "area"] == (
        f"Neighbours: mean of 10 (DfE {model} model)"
    )


def test_a_mean_of_fewer_neighbours_says_how_many(bundled_stats):
    """With some neighbours' figures missing, the mean is of those present, and says so."""
    overview = la_overview(bundled_stats, "Stockport", neighbours_model="2021")
    dropped = [c for c in overview.comparison.index[1:4]]
    fewer = bundled_stats[~bundled_stats.area_code.isin(dropped)]
    partial = la_overview(fewer, "Stockport", neighbours_model="2021")
    assert partial.neighbours_averaged == 7
    assert partial.comparison.loc["neighbours", "area"].startswith("Neighbours: mean of 7 ")
    kept = [c for c in overview.comparison.index[4:11]]
    assert partial.comparison.loc["neighbours", "ehcps"] == pytest.approx(
        overview.comparison.loc[kept, "ehcps"].mean()
    )
    assert any("mean is of 7 of the 10" in note for note in partial.notes)

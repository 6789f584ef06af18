"""The public-data model reads every release layout: the 2025 person-level sample, alone and
read over the bundled 2022 release."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.errors import ModelInputError
from highneeds.forecast.backtest import backtest
from highneeds.forecast.public import BANDS, PublicStockFlowForecaster, build_panel
from highneeds.vocabulary import AGE_BANDS

from .conftest import SAMPLE_2025

pytestmark = pytest.mark.slow

SAMPLE_LAS = {"301", "319", "384", "801", "852", "872", "881", "888", "895"}
NORTHAMPTONSHIRE = "928+940+941"  # the sample has 928 to 2021 only, no successors


def _la(panel, code):
    return list(panel.areas["area_code"]).index(code)


def test_single_ages_add_up_to_the_bands(sample_2025_tidy):
    panel = build_panel(sample_2025_tidy)
    years = list(panel.years)
    ages = sample_2025_tidy[
        (sample_2025_tidy["measure"] == "caseload")
        & (sample_2025_tidy["setting"] == "total")
        & (sample_2025_tidy["dimension"] == "age")
    ]
    for band in AGE_BANDS:
        numeric = pd.to_numeric(ages["category"], errors="coerce")
        inside = numeric.between(band.min_age, band.max_age)
        if band.code == "under_5":
            inside |= ages["category"] == "under_3"
        by_la_year = ages[inside].groupby(["area_code", "year"])["value"].sum()
        for (code, year), value in by_la_year.items():
            b = BANDS.index(band.code)
            assert panel.caseload[_la(panel, code), years.index(year), b] == value
    wakefield = _la(panel, "384")
    # caseload by age from January 2024, new plans by age from 2023; totals from 2019/2020
    assert np.isnan(panel.caseload[wakefield, years.index(2023)]).all()
    assert np.isfinite(panel.caseload[wakefield, years.index(2024)]).all()
    assert np.isfinite(panel.new_plans[wakefield, years.index(2023)]).all()
    assert np.isfinite(panel.total[wakefield, years.index(2019) :]).all()
    assert panel.total[wakefield, years.index(2025)] == 3857  # as published
    # children of unknown age are in the total, not in a band
    assert panel.caseload[wakefield, years.index(2025)].sum() <= 3857


def test_a_forecast_from_2025_runs_on_the_2025_sample_las(merged_panel):
    model = PublicStockFlowForecaster().fit(merged_panel)  # origin: the latest year
    assert model.origin_ == 2025
    table = model.predict(3, setting_groups=True)
    assert set(table["area_code"]) == SAMPLE_LAS
    assert NORTHAMPTONSHIRE in set(model.left_out_["area_code"])
    totals = table[(table["age_band"] == "total") & (table["setting_group"] == "total")]
    years = list(merged_panel.years)
    for _, row in totals[totals["horizon"] == 1].iterrows():
        last = merged_panel.total[_la(merged_panel, row["area_code"]), years.index(2025)]
        # a year's growth, as these LAs have had (7–13% a year in 2022–2025)
        assert 1.0 < row["expected"] / last < 1.25, row["area_name"]
        assert row["q2.5"] < row["median"] < row["q97.5"]
    # age bands and setting groups add up to the total
    for column in ("age_band", "setting_group"):
        parts = table[(table[column] != "total")].groupby(["area_code", "year"])["expected"]
        whole = totals.set_index(["area_code", "year"])["expected"]
        assert np.allclose(parts.sum().reindex(whole.index), whole)


def test_a_forecast_from_2023_does_not_see_later_years(merged_panel):
    before = PublicStockFlowForecaster().forecast(merged_panel, origin=2023, horizon=2)
    later = merged_panel.years > 2023
    changed = {}
    for name in ("caseload", "new_plans", "total", "new_total", "groups"):
        changed[name] = getattr(merged_panel, name).copy()
        changed[name][:, later] *= 3
    after = PublicStockFlowForecaster().forecast(
        dataclasses.replace(merged_panel, **changed), origin=2023, horizon=2
    )
    pd.testing.assert_frame_equal(before, after)
    # January 2023 has no split by age in either release: its total is split like 2022.
    # Wakefield's new plans in the origin's own year are impossible (see below): left out.
    assert set(before["area_code"]) == SAMPLE_LAS - {"384"}


def test_an_impossible_year_of_new_plans_is_left_out_of_the_trend(merged_panel):
    """Wakefield's 2025 release gives 6,078 new plans in 2022 against 3,036 plans in
    January 2023: the forecast is the same as if that year were unpublished."""
    years = list(merged_panel.years)
    wakefield, t = _la(merged_panel, "384"), years.index(2023)
    assert merged_panel.new_total[wakefield, t] > merged_panel.total[wakefield, t]
    new_total = merged_panel.new_total.copy()
    new_total[wakefield, t] = np.nan
    blanked = dataclasses.replace(merged_panel, new_total=new_total)
    ours = PublicStockFlowForecaster().forecast(merged_panel, horizon=1)
    theirs = PublicStockFlowForecaster().forecast(blanked, horizon=1)
    pick = (ours["area_code"] == "384") & (ours["age_band"] == "total")
    assert ours.loc[pick, "expected"].item() == pytest.approx(
        theirs.loc[
            (theirs["area_code"] == "384") & (theirs["age_band"] == "total"), "expected"
        ].item()
    )


def test_the_sample_alone_says_what_it_lacks(sample_2025_tidy):
    panel = build_panel(sample_2025_tidy)
    with pytest.raises(ModelInputError, match="older one such as the bundled 2022"):
        PublicStockFlowForecaster().forecast(panel, horizon=1)
    with pytest.raises(ModelInputError, match="publish caseload by age"):
        PublicStockFlowForecaster().forecast(panel, origin=2023, horizon=1)


def test_backtest_scores_origins_in_the_newer_years(merged_panel):
    errors = backtest(merged_panel, PublicStockFlowForecaster(), [2021, 2022], horizon=3)
    scored = errors[errors["method"] == "public_stock_flow"]
    # 2022 → 2025 is checked on the sample LAs against the 2025 release's actuals
    late = scored[scored["year"] == 2025]
    assert set(late["area_code"]) == SAMPLE_LAS
    assert set(late["origin"]) == {2022}


def test_cli_forecasts_from_the_latest_release_by_default():
    from highneeds.cli.forecast import app

    args = ["public", "--release", str(SAMPLE_2025), "--la", "384", "--format", "csv"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Forecast from January 2025" in result.output
    assert "Wakefield,2026,1," in result.output


def test_origin_bands_add_up_to_the_published_total_in_every_layout(merged_panel):
    from highneeds.forecast.public import origin_bands

    years = list(merged_panel.years)
    wakefield = _la(merged_panel, "384")
    for year in (2022, 2023, 2025):  # 2022 layout bands; none published; single ages
        bands = origin_bands(merged_panel, years.index(year))[wakefield]
        assert np.isfinite(bands).all() and (bands >= 0).all()
        assert bands.sum() == pytest.approx(merged_panel.total[wakefield, years.index(year)])
    # January 2023 is split like January 2022
    split_2022 = origin_bands(merged_panel, years.index(2022))[wakefield]
    split_2023 = origin_bands(merged_panel, years.index(2023))[wakefield]
    np.testing.assert_allclose(split_2023 / split_2023.sum(), split_2022 / split_2022.sum())

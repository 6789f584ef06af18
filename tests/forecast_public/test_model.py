import dataclasses

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.public import (
    BANDS,
    PLAN_OFFSET,
    Panel,
    PublicStockFlowForecaster,
    build_panel,
    combine_reorganised,
    pooled_growth,
)
from highneeds.forecast.result import QUANTILES, STAT_COLUMNS

from .conftest import KEEP, UP, YEARS, synthetic_tidy


def _replace(panel: Panel, **arrays) -> Panel:
    return Panel(
        panel.areas,
        panel.years,
        arrays.get("caseload", panel.caseload),
        arrays.get("new_plans", panel.new_plans),
    )


def test_table_has_every_la_year_band_and_the_shared_stat_columns(synthetic_panel):
    table = PublicStockFlowForecaster().fit(synthetic_panel, origin=2019).predict(3)
    assert set(STAT_COLUMNS) <= set(table.columns)
    assert set(table["age_band"]) == {*BANDS, "total"}
    las = len(synthetic_panel.areas)
    assert table.groupby("year").size().to_dict() == {y: las * 6 for y in (2020, 2021, 2022)}
    assert (table["year"] == 2019 + table["horizon"]).all()


def test_quantiles_are_ordered_and_bands_add_up(synthetic_panel):
    table = PublicStockFlowForecaster().forecast(synthetic_panel, origin=2020, horizon=2)
    q = table[[name for name, _ in QUANTILES]].to_numpy()
    assert np.isfinite(q).all()
    assert (np.diff(q, axis=1) >= 0).all()
    assert (table["q2.5"] < table["q97.5"]).all()  # a real interval, not a point
    assert (table["std"] > 0).all()
    wide = table.pivot_table(index=["area_code", "year"], columns="age_band", values="expected")
    np.testing.assert_allclose(wide[list(BANDS)].sum(axis=1), wide["total"])


def test_forecast_does_not_peek_past_the_origin(synthetic_panel):
    model = PublicStockFlowForecaster()
    before = model.forecast(synthetic_panel, origin=2018, horizon=3)
    after_origin = synthetic_panel.years > 2018
    caseload = synthetic_panel.caseload.copy()
    new_plans = synthetic_panel.new_plans.copy()
    caseload[:, after_origin] *= 3.0
    new_plans[:, after_origin] = np.nan  # not even published
    changed = _replace(synthetic_panel, caseload=caseload, new_plans=new_plans)
    after = model.forecast(changed, origin=2018, horizon=3)
    pd.testing.assert_frame_equal(before, after)
    # ...while a change at the origin itself does move the forecast
    caseload[:, synthetic_panel.years == 2018] *= 1.1
    moved = model.forecast(_replace(synthetic_panel, caseload=caseload), origin=2018, horizon=3)
    assert not np.allclose(moved["expected"], before["expected"])


def test_estimation_recovers_the_identity_of_a_noiseless_process():
    panel = build_panel(synthetic_tidy(noise=False))
    # the stock-flow on its own (no combination with pooled growth)
    model = PublicStockFlowForecaster(flow_years=3, combination=(1, 0, 0)).fit(panel, origin=2020)
    fit = model.fit_
    # 20-25: 2015 is the first year with children, so the band is estimated like the others
    np.testing.assert_allclose(fit.keep, KEEP, atol=1e-6)
    np.testing.assert_allclose(fit.up[1:], UP[1:], atol=1e-6)
    np.testing.assert_allclose(fit.factor[fit.ok], 1.0, atol=1e-6)
    # one year ahead the stock-flow identity holds exactly for the projected new plans
    plans = (np.exp(fit.level + fit.slope) - PLAN_OFFSET)[:, None] * fit.share
    below = np.concatenate([np.zeros((len(fit.start), 1)), fit.start[:, :-1]], axis=1)
    identity = fit.factor[:, None] * (fit.keep * fit.start + fit.up * below) + plans
    np.testing.assert_allclose(model._project(fit, 1)[:, 0], identity)
    # and the noiseless truth is forecast closely (new plans grow log-linearly)
    table = model.predict(1)
    total = table[table["age_band"] == "total"].set_index("area_code")["expected"]
    actual = panel.caseload[:, list(panel.years).index(2021)].sum(axis=1)
    truth = pd.Series(actual, index=panel.areas["area_code"]).reindex(total.index)
    assert (abs(total / truth - 1) < 0.02).all()


def test_pooled_growth_borrows_more_for_a_noisy_la(synthetic_panel):
    o = list(synthetic_panel.years).index(2020)
    total = synthetic_panel.total.copy()
    wobble = np.where(np.arange(len(synthetic_panel.years)) % 2 == 0, 1.15, 0.87)
    total[5] *= wobble  # LA 5 swings ±15% a year
    total[6, o] *= 1.3  # LA 6 is steady and then jumps 30% in the last year
    panel = dataclasses.replace(synthetic_panel, total=total)
    england, region = pooled_growth(panel, o, years=2, noise_years=6)
    own = np.log(total[:, o] / total[:, o - 2]) / 2
    everyone = np.log(np.nansum(total[:, o]) / np.nansum(total[:, o - 2])) / 2
    kept = (england - everyone) / (own - everyone)  # the share of its own difference kept
    assert 0 <= kept[5] < kept[6] <= 1
    np.testing.assert_allclose(region, england)  # one region: its growth is England's
    # pooled growth alone: the origin total grown at each LA's pooled rate
    model = PublicStockFlowForecaster(combination=(0, 1, 0)).fit(panel, origin=2020)
    table = model.predict(2)
    rows = table[(table["age_band"] == "total") & (table["horizon"] == 2)]
    grown = pd.Series(total[:, o] * np.exp(2 * model.fit_.toward_england))
    grown.index = panel.areas["area_code"]
    np.testing.assert_allclose(
        rows.set_index("area_code")["expected"], grown.reindex(rows["area_code"])
    )


def test_erratic_la_gets_wider_intervals_than_a_steady_one(synthetic_panel):
    caseload = synthetic_panel.caseload.copy()
    wobble = np.where(np.arange(len(synthetic_panel.years)) % 2 == 0, 1.15, 0.87)
    caseload[5] *= wobble[:, None]
    table = PublicStockFlowForecaster().forecast(
        _replace(synthetic_panel, caseload=caseload), origin=2020, horizon=1
    )
    total = table[table["age_band"] == "total"].set_index("area_code")
    width = (total["q90"] - total["q10"]) / total["median"]
    assert width[synthetic_panel.areas["area_code"][5]] > 1.5 * width.median()
    same = PublicStockFlowForecaster(volatility_prior=None).forecast(
        _replace(synthetic_panel, caseload=caseload), origin=2020, horizon=1
    )
    same = same[same["age_band"] == "total"]
    relative = (same["q90"] - same["q10"]) / same["median"]
    np.testing.assert_allclose(relative, relative.iloc[0])


def test_reorganised_las_become_one_continuous_series():
    tidy = synthetic_tidy(las=20)
    split = build_panel(tidy, combine_lineage=False)
    combined = build_panel(tidy)
    codes = list(combined.areas["area_code"])
    assert "928+940+941" in codes and not {"928", "940", "941"} & set(codes)
    row = codes.index("928+940+941")
    pos = {c: i for i, c in enumerate(split.areas["area_code"])}
    last = list(split.years).index(2022)
    np.testing.assert_allclose(
        combined.caseload[row, last],
        split.caseload[pos["940"], last] + split.caseload[pos["941"], last],
    )
    np.testing.assert_allclose(combined.caseload[row, :last], split.caseload[pos["928"], :last])
    # an unpublished member makes the group's year NaN rather than a partial sum
    hole = split.caseload.copy()
    hole[pos["941"], last, 2] = np.nan
    again = combine_reorganised(_replace(split, caseload=hole))
    row = list(again.areas["area_code"]).index("928+940+941")
    assert np.isnan(again.caseload[row, last, 2])
    assert np.isfinite(again.caseload[row, last, 1])
    # requests for assessment are read and summed over the territory the same way
    asked = pd.DataFrame(
        [
            {**tidy.iloc[0].to_dict(), "area_code": code, "year": year, "value": value}
            for code, year, value in (("928", 2021, 400), ("940", 2022, 250), ("941", 2022, 200))
        ]
    ).assign(measure="requests", dimension="total", category="total")
    with_requests = build_panel(pd.concat([tidy, asked], ignore_index=True))
    row = list(with_requests.areas["area_code"]).index("928+940+941")
    np.testing.assert_array_equal(with_requests.requests[row, last - 1 :], [400, 450])
    assert np.isnan(with_requests.requests[row, : last - 1]).all()
    assert np.isnan(combined.requests).all()  # none published: NaN, never zero
    # the combined territory is forecast like any LA
    table = PublicStockFlowForecaster().forecast(combined, origin=2022, horizon=1)
    assert "928+940+941" in set(table["area_code"])


def test_incomplete_la_is_left_out_not_guessed():
    tidy = synthetic_tidy(las=35)
    suppressed = ["value", "status"], [np.nan, "c"]
    la, band = tidy["area_code"], tidy["category"] == "5_10"
    # a suppressed caseload at the origin: 603 cannot be forecast
    tidy.loc[(la == "603") & (tidy["year"] == 2020) & band, suppressed[0]] = suppressed[1]
    # a suppressed year of new plans inside the trend window: 605's trend skips that year
    gap = (la == "605") & (tidy["year"] == 2018) & (tidy["measure"] == "new_plans") & band
    tidy.loc[gap, suppressed[0]] = suppressed[1]
    model = PublicStockFlowForecaster().fit(build_panel(tidy), origin=2020)
    table = model.predict(1)
    assert "603" not in set(table["area_code"])
    assert "603" in set(model.left_out_["area_code"])
    assert "604" in set(table["area_code"])
    skipped = PublicStockFlowForecaster().fit(build_panel(tidy), origin=2020)
    skipped.panel_.new_total[
        list(skipped.panel_.areas["area_code"]).index("605"), list(skipped.panel_.years).index(2018)
    ] = 0.0
    as_zero = PublicStockFlowForecaster().forecast(skipped.panel_, origin=2020, horizon=1)
    mine = table[(table["area_code"] == "605") & (table["age_band"] == "total")]["expected"]
    zero = as_zero[(as_zero["area_code"] == "605") & (as_zero["age_band"] == "total")]
    assert np.isfinite(mine.item())
    assert mine.item() != pytest.approx(zero["expected"].item())  # not read as no plans


def test_bad_requests_fail_with_a_clear_message(synthetic_panel):
    with pytest.raises(ModelInputError, match="origin 2030 is not a year"):
        PublicStockFlowForecaster().fit(synthetic_panel, origin=2030)
    with pytest.raises(ModelInputError, match="calibrate intervals"):
        PublicStockFlowForecaster().forecast(synthetic_panel, origin=2012, horizon=1)
    with pytest.raises(ModelInputError, match="before predict"):
        PublicStockFlowForecaster().predict(3)
    with pytest.raises(ModelInputError, match="at least 1 year"):
        PublicStockFlowForecaster().fit(synthetic_panel, origin=2020).predict(0)
    with pytest.raises(ModelInputError, match="missing column"):
        build_panel(synthetic_tidy(las=2).drop(columns="category"))
    assert YEARS[0] == 2010


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"trend_years": 2}, "trend_years must be at least 3"),
        ({"damping": 1.5}, "damping must be between 0 and 1"),
        ({"flow_years": 0}, "flow_years must be at least 1"),
        ({"share_prior": -1}, "priors must not be negative"),
        ({"share_damping": -0.1}, "share_damping must be between 0 and 1"),
        ({"share_years": 0}, "share_years must be at least 1"),
        ({"interval_scale": (1.0, 0.0)}, "interval_scale must be above 0"),
    ],
)
def test_bad_settings_are_refused_at_fit(synthetic_panel, option, message):
    with pytest.raises(ModelInputError, match=message):
        PublicStockFlowForecaster(**option).fit(synthetic_panel, origin=2020)


def test_interval_scale_sets_each_horizons_width_and_leaves_the_centre(synthetic_panel):
    """The width calibrated on the tuning origins (INTERVAL_SCALE) multiplies the earlier
    origins' log errors horizon by horizon; the last factor serves every later horizon."""
    plain = PublicStockFlowForecaster(interval_scale=1.0).forecast(synthetic_panel, 2020, 3)
    scaled = PublicStockFlowForecaster(interval_scale=(0.5, 2.0)).forecast(synthetic_panel, 2020, 3)
    pd.testing.assert_series_equal(scaled["median"], plain["median"])
    pd.testing.assert_series_equal(scaled["expected"], plain["expected"])
    for h, factor in ((1, 0.5), (2, 2.0), (3, 2.0)):
        rows = plain["horizon"] == h
        for q in ("q10", "q90", "q2.5"):
            np.testing.assert_allclose(
                np.log(scaled.loc[rows, q] / scaled.loc[rows, "median"]),
                factor * np.log(plain.loc[rows, q] / plain.loc[rows, "median"]),
                rtol=1e-9,
                atol=1e-12,
            )

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.baselines import BASELINES
from highneeds.forecast.public import (
    BANDS,
    PublicStockFlowForecaster,
    backtest,
    backtest_summary,
    baseline_forecasts,
    build_panel,
)

YEARS = range(2012, 2023)


def _tidy(las: int = 40, seed: int = 0) -> pd.DataFrame:
    """Hand-made frame in the DfE EHCP reader's contract: caseload and new plans by age
    band for ``las`` LAs growing by a known stock-flow process; no 20_25 band before 2015."""
    rng = np.random.default_rng(seed)
    rows = []
    keep = np.array([0.3, 0.8, 0.78, 0.7, 0.75])
    up = np.array([0.0, 0.5, 0.15, 0.15, 0.12])
    for i in range(las):
        size = rng.uniform(300, 3000)
        c = size * np.array([0.05, 0.35, 0.35, 0.2, 0.05])
        plans0 = size * 0.12
        growth = rng.normal(0.06, 0.02)
        for y in YEARS:
            plans = plans0 * np.exp(growth * (y - 2012)) * np.array([0.25, 0.4, 0.25, 0.07, 0.03])
            plans = rng.poisson(plans).astype(float)
            below = np.concatenate([[0.0], c[:-1]])
            c = keep * c + up * below + plans if y > 2012 else c
            c = np.round(c)
            for b, band in enumerate(BANDS):
                if band == "20_25" and y < 2015:
                    continue  # the release does not publish the band before 2015
                for measure, value in (("caseload", c[b]), ("new_plans", plans[b])):
                    rows.append(
                        {
                            "release": "2022",
                            "geographic_level": "la",
                            "area_code": f"{800 + i}",
                            "area_name": f"LA {i}",
                            "region_code": "E12000001",
                            "year": y,
                            "measure": measure,
                            "setting": "total",
                            "dimension": "age_band",
                            "category": band,
                            "value": value,
                            "status": None,
                        }
                    )
    return pd.DataFrame(rows)


def _panel(tidy: pd.DataFrame):
    # the hand-made LAs borrow real LA numbers; merging reorganised LAs is not tested here
    return build_panel(tidy, combine_lineage=False)


@pytest.fixture(scope="module")
def panel():
    return _panel(_tidy())


def test_panel_treats_an_unpublished_band_as_empty_and_keeps_gaps(panel):
    band = BANDS.index("20_25")
    assert panel.caseload.shape == (40, len(YEARS), 5)
    assert (panel.caseload[:, :3, band] == 0).all()  # 2012-2014: band did not exist
    assert (panel.caseload[:, 3:, band] > 0).any()
    tidy = _tidy(las=35)
    hole = (tidy["area_code"] == "801") & (tidy["year"] == 2020) & (tidy["category"] == "5_10")
    tidy.loc[hole & (tidy["measure"] == "caseload"), ["value", "status"]] = [np.nan, "c"]
    with_hole = _panel(tidy)
    assert np.isnan(with_hole.caseload[1, YEARS.index(2020), 1])
    table = PublicStockFlowForecaster().forecast(with_hole, 2021, 1)
    assert "801" not in set(table["area_code"])  # incomplete LA left out, not guessed
    assert "802" in set(table["area_code"])


def test_forecast_table_has_every_la_band_and_ordered_intervals(panel):
    table = PublicStockFlowForecaster().forecast(panel, origin=2020, horizon=2)
    assert set(table["age_band"]) == {*BANDS, "total"}
    assert table.groupby(["year"]).size().to_dict() == {2021: 40 * 6, 2022: 40 * 6}
    q = table[["q2.5", "q10", "q25", "median", "q75", "q90", "q97.5"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all()
    wide = table.pivot_table(index=["area_code", "year"], columns="age_band", values="expected")
    assert np.allclose(wide[list(BANDS)].sum(axis=1), wide["total"])


def test_forecast_uses_only_data_up_to_the_origin(panel):
    model = PublicStockFlowForecaster()
    before = model.forecast(panel, origin=2019, horizon=3)
    later = panel.caseload.copy()
    later[:, YEARS.index(2020) :, :] *= 3.0
    changed = type(panel)(panel.areas, panel.years, later, panel.new_plans)
    after = model.forecast(changed, origin=2019, horizon=3)
    pd.testing.assert_frame_equal(before, after)


def test_model_tracks_a_known_process_better_than_last_value(panel):
    errors = backtest(panel, PublicStockFlowForecaster(), [2018, 2019], horizon=3)
    summary = backtest_summary(errors).set_index(["method", "horizon"])
    assert summary.loc[("public_stock_flow", 3), "mape"] < summary.loc[("last_value", 3), "mape"]
    assert summary.loc[("public_stock_flow", 1), "mape"] < 5
    assert 40 <= summary.loc[("public_stock_flow", 1), "coverage80"] <= 100
    assert set(errors["method"]) == {"public_stock_flow", *BASELINES}


def test_baselines_on_a_hand_computed_series():
    years = np.arange(2015, 2021)
    total = np.array([[100.0, 110, 120, 130, 140, 150]])
    base = baseline_forecasts(total, years, origin=2020, horizon=2)
    assert base["last_value"].tolist() == [[150.0, 150.0]]
    assert np.allclose(base["linear_trend_5y"], [[160.0, 170.0]])
    growth = (150 / 120) ** (1 / 3)
    assert np.allclose(base["compound_growth_3y"], [[150 * growth, 150 * growth**2]])


def test_origin_without_history_is_rejected(panel):
    with pytest.raises(ModelInputError, match="origin 2030"):
        PublicStockFlowForecaster().forecast(panel, origin=2030)
    with pytest.raises(ModelInputError, match="calibrate"):
        PublicStockFlowForecaster().forecast(panel, origin=2014, horizon=1)
    with pytest.raises(ModelInputError, match="fewer than three years"):
        PublicStockFlowForecaster().forecast(panel, origin=2013, horizon=1)
    with pytest.raises(ModelInputError, match="no LA caseload"):
        _panel(_tidy(las=2).query("measure != 'caseload'"))
    totals_only = _panel(_tidy(las=2).query("category == '5_10'").assign(dimension="total"))
    with pytest.raises(ModelInputError, match="publish caseload by age"):
        PublicStockFlowForecaster().forecast(totals_only, origin=2020)


@pytest.mark.slow
def test_backtest_on_bundled_release_beats_baselines_with_honest_intervals():
    from highneeds.importers.dfe import bundled_release_path
    from highneeds.readers.dfe_ehcp import read_release

    panel = build_panel(read_release(bundled_release_path()))
    errors = backtest(panel, PublicStockFlowForecaster(), [2017, 2018, 2019, 2020, 2021], 3)
    summary = backtest_summary(errors).set_index(["method", "horizon"])
    ours = summary.loc[("public_stock_flow", 3), "mape"]
    best_baseline = min(
        summary.loc[(m, 3), "mape"] for m in ("last_value", "linear_trend_5y", "compound_growth_3y")
    )
    assert ours < best_baseline
    assert 70 <= summary.loc[("public_stock_flow", 3), "coverage80"] <= 90

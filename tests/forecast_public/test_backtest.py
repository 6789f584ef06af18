import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.backtest import (
    backtest,
    backtest_summary,
    best_baseline,
    method_label,
    summary_markdown,
)
from highneeds.forecast.baselines import BASELINES, baseline_forecasts
from highneeds.forecast.public import Panel, PublicStockFlowForecaster


def test_baselines_on_a_hand_computed_series():
    years = np.arange(2015, 2021)
    total = np.array([[100.0, 110, 120, 130, 140, 150], [50.0, 80, 60, 70, 100, 90]])
    base = baseline_forecasts(total, years, origin=2020, horizon=2)
    assert list(base) == list(BASELINES)
    np.testing.assert_allclose(base["last_value"], [[150, 150], [90, 90]])
    # straight line through 110..150 (slope 10); through 80, 60, 70, 100, 90: mean 80 at
    # 2018, slope (−2·80 − 60 + 0 + 100 + 2·90) / 10 = 6
    np.testing.assert_allclose(base["linear_trend_5y"], [[160, 170], [98, 104]])
    g1, g2 = (150 / 120) ** (1 / 3), (90 / 60) ** (1 / 3)
    np.testing.assert_allclose(
        base["compound_growth_3y"], [[150 * g1, 150 * g1**2], [90 * g2, 90 * g2**2]]
    )


def test_pooled_baselines_borrow_englands_growth():
    years = np.arange(2015, 2021)
    total = np.array([[100.0, 110, 120, 130, 140, 150], [50.0, 80, 60, 70, 100, 90]])
    england = np.array([1000.0, 1100, 1200, 1300, 1400, 1728])  # 1728 / 1200 = 1.2 ** 2
    base = baseline_forecasts(total, years, origin=2020, horizon=2, england=england)
    e = (1728 / 1200) ** (1 / 3)
    np.testing.assert_allclose(
        base["england_growth_3y"], [[150 * e, 150 * e**2], [90 * e, 90 * e**2]]
    )
    own = np.array([(150 / 120) ** (1 / 3), (90 / 60) ** (1 / 3)])
    half = (own + e) / 2
    np.testing.assert_allclose(
        base["halfway_to_england_3y"], np.column_stack([[150, 90] * half, [150, 90] * half**2])
    )
    # without England's published figures: the sum of the LAs published in both years
    summed = baseline_forecasts(total, years, origin=2020, horizon=1)
    np.testing.assert_allclose(
        summed["england_growth_3y"][:, 0], [150, 90] * np.array([(240 / 180) ** (1 / 3)] * 2)
    )


def test_baselines_use_nothing_after_the_origin_and_propagate_gaps():
    years = np.arange(2015, 2022)
    total = np.array([[100.0, 110, 120, 130, 140, 150, 1e9], [50.0, np.nan, 60, 70, 100, 90, 1]])
    base = baseline_forecasts(total, years, origin=2020, horizon=1)
    assert base["last_value"][0, 0] == 150
    assert np.isnan(base["linear_trend_5y"][1, 0])  # a gap in its window: no guess
    assert np.isfinite(base["compound_growth_3y"][1, 0])  # its rule does not need 2016
    with pytest.raises(ModelInputError, match="4 earlier years"):
        baseline_forecasts(total, years, origin=2017, horizon=1)


class _Fixed:
    """A stand-in model: forecasts a fixed multiple of the origin's total with set bounds."""

    def __init__(self, factor, lo, hi):
        self.factor, self.lo, self.hi = factor, lo, hi

    def fit(self, panel, origin):
        self.panel, self.origin = panel, origin
        return self

    def predict(self, horizon):
        o = list(self.panel.years).index(self.origin)
        start = self.panel.caseload[:, o].sum(axis=1)
        rows = []
        for h in range(1, horizon + 1):
            median = start * self.factor
            rows.append(
                pd.DataFrame(
                    {
                        "area_code": self.panel.areas["area_code"],
                        "horizon": h,
                        "age_band": "total",
                        "median": median,
                        "q25": median,
                        "q75": median * self.hi,
                        "q10": median * self.lo,
                        "q90": median * self.hi,
                        "q2.5": median * self.lo * 0.9,
                        "q97.5": median * self.hi * 1.1,
                    }
                )
            )
        return pd.concat(rows)


def _panel(series: dict[str, list[float]]) -> Panel:
    codes = list(series)
    values = np.array([series[c] for c in codes], dtype=float)
    caseload = np.zeros((*values.shape, 5))
    caseload[:, :, 1] = values  # all children in one band: the total is the series
    years = np.arange(2014, 2014 + values.shape[1])
    return Panel(pd.DataFrame({"area_code": codes}), years, caseload, caseload * 0)


def test_backtest_scores_ape_and_coverage_by_hand():
    panel = _panel({"a": [100, 100, 100, 100, 100, 110], "b": [50, 50, 50, 50, 50, 40]})
    errors = backtest(panel, _Fixed(1.0, 0.95, 1.2), origins=[2018], horizon=1)
    ours = errors[errors["method"] == "public_stock_flow"].set_index("area_code")
    # a: forecast 100, actual 110 -> APE 100·10/110; inside [95, 120]. b: 50 vs 40 -> 25%, outside
    np.testing.assert_allclose(ours.loc["a", "ape"], 100 * 10 / 110)
    np.testing.assert_allclose(ours.loc["b", "ape"], 25.0)
    assert ours["covered80"].tolist() == [1.0, 0.0]
    assert ours["covered95"].tolist() == [1.0, 0.0]  # b's 95% bound is 42.75
    assert errors[errors["method"] != "public_stock_flow"]["covered80"].isna().all()
    assert ours["covered50"].tolist() == [1.0, 0.0]  # a: 110 in [100, 120]
    np.testing.assert_allclose(ours["pe"], [-100 * 10 / 110, 25.0])  # a under, b over
    assert set(errors["period"]) == {"tuning"}  # origin 2018
    summary = backtest_summary(errors).set_index(["method", "horizon"])
    np.testing.assert_allclose(summary.loc[("public_stock_flow", 1), "mape"], (100 / 11 + 25) / 2)
    np.testing.assert_allclose(summary.loc[("public_stock_flow", 1), "bias"], (25 - 100 / 11) / 2)
    assert summary.loc[("public_stock_flow", 1), "coverage80"] == 50.0
    assert summary.loc[("last_value", 1), "mape"] == summary.loc[("public_stock_flow", 1), "mape"]
    assert best_baseline(backtest_summary(errors), 1)[0] in BASELINES
    # people read every method in words: the docs' table and the CLI's screen table
    markdown = summary_markdown(backtest_summary(errors))
    assert "Public-data model" in markdown and "Own growth halfway to England's" in markdown
    assert not any(code in markdown for code in ("public_stock_flow", *BASELINES))
    assert all("_" not in method_label(m) for m in set(errors["method"]))


def test_backtest_skips_horizons_past_the_data_and_scores_methods_on_the_same_las():
    panel = _panel({"a": [100, 100, 100, 100, 100, 110], "b": [50, 50, np.nan, 50, 50, 40]})
    errors = backtest(panel, _Fixed(1.0, 0.9, 1.1), origins=[2018], horizon=3)
    assert errors["horizon"].unique().tolist() == [1]  # 2020, 2021 are not in the data
    # b has a gap inside the 5-year trend window, so nobody is scored on b
    assert set(errors["area_code"]) == {"a"}
    assert errors.groupby("method").size().nunique() == 1
    with pytest.raises(ModelInputError, match="no origin"):
        backtest(panel, _Fixed(1.0, 0.9, 1.1), origins=[2019], horizon=1)


def test_model_beats_last_value_on_a_growing_synthetic_process(synthetic_panel):
    errors = backtest(synthetic_panel, PublicStockFlowForecaster(), [2017, 2018, 2019], 3)
    summary = backtest_summary(errors).set_index(["method", "horizon"])
    assert summary.loc[("public_stock_flow", 3), "mape"] < summary.loc[("last_value", 3), "mape"]
    assert summary.loc[("public_stock_flow", 1), "mape"] < 5

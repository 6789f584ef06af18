"""The Done-when targets on the bundled DfE release, as regression tests."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.forecast.backtest import (
    DEFAULT_ORIGINS,
    backtest,
    backtest_summary,
)
from highneeds.forecast.baselines import BASELINES
from highneeds.forecast.public import PublicStockFlowForecaster
from highneeds.spreadsheet import read_coded

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary(merged_panel):
    """The backtest of docs/forecast.md: every origin 2017–2021, horizons 1–5, on the bundled
    release with the 2025 sample read over it (later actuals for its LAs)."""
    errors = backtest(merged_panel, PublicStockFlowForecaster(), DEFAULT_ORIGINS, 5)
    return backtest_summary(errors).set_index(["period", "method", "horizon"])


def _mape(summary, period, method, h):
    return summary.loc[(period, method, h), "mape"]


def test_on_the_tuning_origins_the_model_beats_every_baseline_by_a_margin(summary):
    """Regression guard: the margins are a little under those achieved (docs/forecast.md:
    the model's MAPE is 6.7% under the best baseline's at horizon 1, 15–29% under at 2–5).
    The intervals' widths were calibrated on these origins, horizon by horizon (80% held for
    79.6–80.4%, 95% for 93–95%)."""
    for h, ratio in ((1, 0.95), (2, 0.87), (3, 0.87), (4, 0.85), (5, 0.73)):
        best = min(_mape(summary, "tuning", name, h) for name in BASELINES)
        assert _mape(summary, "tuning", "public_stock_flow", h) < ratio * best, h
        assert 78 <= summary.loc[("tuning", "public_stock_flow", h), "coverage80"] <= 82, h
        assert 92 <= summary.loc[("tuning", "public_stock_flow", h), "coverage95"] <= 97, h
    assert summary.loc[("tuning", "public_stock_flow", 3), "forecasts"] >= 3 * 140


def test_on_the_check_origins_the_model_holds_what_it_achieved(summary):
    """Origins 2020–2021, never used to choose anything. Horizons 3–5 are scored on the
    2025 sample's LAs only (18, 18 and 9 forecasts), so their margins are loose. What the
    model does not achieve (beating halfway-to-England at horizons 2 and 3, 80% coverage
    75–85% at horizon 2) is in the docs."""
    england = "england_growth_3y"
    # achieved 0.901, 0.997, 0.944, 0.834, 0.793 of England's growth's MAPE: at horizon 2 by
    # 0.02 points, so only "beats"
    for h, ratio in ((1, 0.95), (2, 1.0), (3, 0.95), (4, 0.9), (5, 0.85)):
        assert _mape(summary, "check", "public_stock_flow", h) < ratio * _mape(
            summary, "check", england, h
        ), h
    # achieved 0.965, 0.894, 0.73 of halfway's at horizons 1, 4, 5 (1.05 and 1.01 at 2 and 3)
    for h, ratio in ((1, 0.98), (4, 0.9), (5, 0.8)):
        halfway = _mape(summary, "check", "halfway_to_england_3y", h)
        assert _mape(summary, "check", "public_stock_flow", h) < ratio * halfway, h
    assert _mape(summary, "check", "public_stock_flow", 1) < 3.5  # 3.47: the target
    assert _mape(summary, "check", "public_stock_flow", 3) < 8.5
    # enough forecasts (300, 159) for coverage to mean something. Horizon 2 holds 106 of 159
    # LAs (66.7%): the widths were calibrated on the tuning origins, where the same horizon's
    # intervals were too wide, not on the check, so the check's shortfall is recorded, not
    # tuned away (it was 74.8% before the calibration).
    for h, low, high in ((1, 75, 85), (2, 65, 85)):
        assert low <= summary.loc[("check", "public_stock_flow", h), "coverage80"] <= high, h


def test_requests_earn_their_place_on_the_tuning_origins(merged_panel, summary):
    """Requests for assessment join the direct regression where enough years carry them (at
    the tuning origins: one year ahead from 2018 and 2019, two from 2019). The criterion they
    were chosen by: the tuning mean MAPE falls (8.084 against 8.097), and in every tuning
    origin and horizon where they are used (docs/forecast.md)."""
    errors = backtest(merged_panel, PublicStockFlowForecaster(requests=False), DEFAULT_ORIGINS, 5)
    plain = backtest_summary(errors).set_index(["period", "method", "horizon"])
    mean = {
        name: np.mean([_mape(table, "tuning", "public_stock_flow", h) for h in range(1, 6)])
        for name, table in (("requests", summary), ("plain", plain))
    }
    assert mean["requests"] < mean["plain"] - 0.01
    assert _mape(summary, "tuning", "public_stock_flow", 1) < (
        _mape(plain, "tuning", "public_stock_flow", 1) - 0.04
    )


#: The default before the direct regression was added (docs/forecast.md, "Choosing the
#: defaults"): stock-flow, two-year growth toward England, toward the region.
THREE_PARTS = (0.2, 0.5, 0.3)


def test_the_direct_regression_earns_its_place_on_the_tuning_origins(merged_panel, summary):
    """Why the default has four parts: on the tuning origins it is 0.06 points under the
    three-part combination's mean MAPE (8.10 against 8.16), the criterion it was chosen by;
    the check, run once afterwards, has it better at every horizon too (docs)."""
    errors = backtest(
        merged_panel, PublicStockFlowForecaster(combination=THREE_PARTS), DEFAULT_ORIGINS, 5
    )
    three = backtest_summary(errors).set_index(["period", "method", "horizon"])
    mean = {
        name: np.mean([_mape(table, "tuning", "public_stock_flow", h) for h in range(1, 6)])
        for name, table in (("default", summary), ("three", three))
    }
    assert mean["default"] < mean["three"] - 0.04
    for h in range(1, 6):
        assert _mape(summary, "check", "public_stock_flow", h) < _mape(
            three, "check", "public_stock_flow", h
        ), h


def test_every_current_la_is_forecast_from_2022_without_peeking(bundled_panel):
    table = PublicStockFlowForecaster().forecast(
        bundled_panel, origin=2019, horizon=3, setting_groups=True
    )
    later = bundled_panel.years > 2019
    changed = {}
    for name in ("caseload", "new_plans", "total", "new_total", "groups", "requests"):
        changed[name] = getattr(bundled_panel, name).copy()
        changed[name][:, later] *= 2
    changed["groups"][:, later, 1] *= 3  # special schools grow faster still after the origin
    perturbed = dataclasses.replace(bundled_panel, **changed)
    again = PublicStockFlowForecaster().forecast(
        perturbed, origin=2019, horizon=3, setting_groups=True
    )
    pd.testing.assert_frame_equal(table, again)
    model = PublicStockFlowForecaster().fit(bundled_panel, origin=2022)
    latest = model.predict(3)
    assert len(model.left_out_) == 0
    assert {"928+940+941", "835+836+837+838+839", "420"} <= set(latest["area_code"])
    assert latest["area_code"].nunique() == len(bundled_panel.areas)


def test_cli_forecasts_every_la_as_csv_and_backtests(bundled_panel, monkeypatch, tmp_path):
    from highneeds.cli import forecast as cli

    monkeypatch.setattr(cli, "_public_panel", lambda release: bundled_panel)
    args = ["public", "--origin", "2022", "--horizon", "3", "--all-las", "--format", "csv"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    from io import StringIO

    table = pd.read_csv(StringIO(result.stdout), dtype={"area_code": str})
    assert len(table) == len(bundled_panel.areas) * 3 * 6
    assert sorted(table["year"].unique()) == [2023, 2024, 2025]
    assert np.all(table["q10"] <= table["median"]) and np.all(table["median"] <= table["q90"])
    one = CliRunner().invoke(cli.app, ["public", "--origin", "2022", "--la", "941"])
    assert one.exit_code == 0 and "928+940+941" in one.stdout
    bad = CliRunner().invoke(cli.app, ["public", "--origin", "2031"])
    assert bad.exit_code == 1 and "origin 2031" in bad.output
    out = tmp_path / "errors.csv"
    args = ["backtest", "--origins", "2019,2020", "--format", "csv", "--errors-out", str(out)]
    bt = CliRunner().invoke(cli.app, args)
    assert bt.exit_code == 0, bt.output
    scored = pd.read_csv(StringIO(bt.stdout))
    assert set(scored["horizon"]) == {1, 2, 3}  # the default five, as far as 2022 allows
    assert {"public_stock_flow", *BASELINES} == set(scored["method"])
    assert set(zip(scored["period"], scored["horizon"], strict=True)) == {
        ("tuning", 1),
        ("tuning", 2),
        ("tuning", 3),
        ("check", 1),
        ("check", 2),
    }
    per_la = pd.read_csv(out, dtype={"area_code": str})
    assert {"area_code", "origin", "pe", "covered50", "covered95"} <= set(per_la.columns)
    assert per_la["area_code"].nunique() == len(bundled_panel.areas)


def test_cli_writes_one_las_workbook_and_fan_chart(bundled_panel, monkeypatch, tmp_path):
    from highneeds.cli import forecast as cli

    monkeypatch.setattr(cli, "_public_panel", lambda release: bundled_panel)
    out, chart = tmp_path / "356.xlsx", tmp_path / "356.png"
    args = ["public", "--origin", "2022", "--la", "356", "--out", str(out), "--chart", str(chart)]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    sheet = read_coded(out, "Forecast")  # headings in words; the codes from its dictionary
    assert set(sheet["area_code"].astype(str)) == {"356"} and len(sheet) == 3 * 6
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    no_la = CliRunner().invoke(cli.app, ["public", "--origin", "2022", "--chart", str(chart)])
    assert no_la.exit_code == 1 and "--chart needs --la" in no_la.output


def test_setting_groups_split_every_las_total_and_beat_holding_shares_for_special(
    bundled_panel, monkeypatch
):
    from io import StringIO

    from highneeds.cli import forecast as cli
    from highneeds.forecast.backtest import backtest_groups
    from highneeds.forecast.public_groups import GROUPS

    monkeypatch.setattr(cli, "_public_panel", lambda release: bundled_panel)
    args = ["public", "--origin", "2022", "--all-las", "--by", "setting_group", "--format", "csv"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(StringIO(result.stdout), dtype={"area_code": str})
    groups = table[table["setting_group"] != "total"]
    total = table[(table["age_band"] == "total") & (table["setting_group"] == "total")]
    assert len(groups) == len(total) * len(GROUPS) == len(bundled_panel.areas) * 3 * len(GROUPS)
    summed = groups.groupby(["area_code", "year"])["expected"].sum()
    np.testing.assert_allclose(summed, total.set_index(["area_code", "year"])["expected"])
    assert (groups["q10"] <= groups["median"]).all() and (groups["median"] <= groups["q90"]).all()
    errors = backtest_groups(bundled_panel, PublicStockFlowForecaster(), DEFAULT_ORIGINS, 3)
    mape = errors.groupby(["setting_group", "horizon", "method"])["ape"].mean()
    for h in (1, 2, 3):
        assert (
            mape[("special", h, "public_stock_flow_expected")] < mape[("special", h, "last_share")]
        )
        cover = errors[(errors["horizon"] == h) & (errors["method"] == "public_stock_flow")]
        assert 70 <= 100 * cover["covered80"].mean() <= 95
    bt = CliRunner().invoke(
        cli.app, ["backtest", "--by", "setting_group", "--origins", "2020", "--format", "markdown"]
    )
    assert bt.exit_code == 0, bt.output
    assert "| special | 1 |" in bt.stdout


#: Largest 97.5% bound, as a multiple of the expected value, of any setting group of 20 or
#: more expected children, by horizon (docs/forecast.md, "Setting groups").
BOUND_MULTIPLE = {1: 4.0, 2: 5.0, 3: 9.0}


def test_setting_group_bounds_stay_within_a_multiple_and_narrow_with_size(bundled_panel):
    table = PublicStockFlowForecaster().forecast(bundled_panel, 2022, 3, setting_groups=True)
    groups = table[table["setting_group"] != "total"]
    ratio = groups["q97.5"] / groups["expected"]
    sized = groups["expected"] >= 20
    for h, multiple in BOUND_MULTIPLE.items():
        assert ratio[sized & (groups["horizon"] == h)].max() <= multiple, h
    stockport = groups[(groups["area_code"] == "356") & (groups["setting_group"] == "ap_pru")]
    row = stockport[stockport["year"] == 2025].iloc[0]
    assert row["q97.5"] <= 6 * row["expected"]  # it was 606 against 66 (9.2 times)
    # a group's interval is relatively narrower where it holds more children
    ap = groups[(groups["setting_group"] == "ap_pru") & (groups["horizon"] == 3)]
    ap_ratio = ap["q97.5"] / ap["expected"]
    small = ap["expected"] <= ap["expected"].quantile(0.25)
    large = ap["expected"] >= ap["expected"].quantile(0.75)
    assert ap_ratio[large].median() < ap_ratio[small].median()

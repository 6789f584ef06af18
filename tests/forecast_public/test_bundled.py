"""The Done-when targets on the bundled DfE release, as regression tests."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.forecast.backtest import (
    DEFAULT_ORIGINS,
    backtest,
    backtest_summary,
    best_baseline,
)
from highneeds.forecast.public import Panel, PublicStockFlowForecaster
from highneeds.spreadsheet import read_coded

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary(bundled_panel):
    errors = backtest(bundled_panel, PublicStockFlowForecaster(), DEFAULT_ORIGINS, 3)
    return backtest_summary(errors).set_index(["method", "horizon"])


def test_model_beats_the_best_baseline_at_every_horizon(summary):
    flat = summary.reset_index()
    for h in (1, 2, 3):
        _, best = best_baseline(flat, h)
        assert summary.loc[("public_stock_flow", h), "mape"] < best
    assert summary.loc[("public_stock_flow", 3), "forecasts"] >= 3 * 140  # ~every LA scored


def test_80_percent_intervals_hold_for_70_to_90_percent_of_las(summary):
    for h in (1, 2, 3):
        assert 70 <= summary.loc[("public_stock_flow", h), "coverage80"] <= 90
        assert 88 <= summary.loc[("public_stock_flow", h), "coverage95"] <= 99


def test_every_current_la_is_forecast_from_2022_without_peeking(bundled_panel):
    table = PublicStockFlowForecaster().forecast(
        bundled_panel, origin=2019, horizon=3, setting_groups=True
    )
    later = bundled_panel.years > 2019
    caseload = bundled_panel.caseload.copy()
    caseload[:, later] *= 2
    groups = bundled_panel.groups.copy()
    groups[:, later, 1] *= 3  # special schools triple after the origin
    perturbed = Panel(
        bundled_panel.areas, bundled_panel.years, caseload, bundled_panel.new_plans, groups
    )
    again = PublicStockFlowForecaster().forecast(
        perturbed, origin=2019, horizon=3, setting_groups=True
    )
    pd.testing.assert_frame_equal(table, again)
    model = PublicStockFlowForecaster().fit(bundled_panel, origin=2022)
    latest = model.predict(3)
    assert len(model.left_out_) == 0
    assert {"928+940+941", "835+836+837+838+839", "420"} <= set(latest["area_code"])
    assert latest["area_code"].nunique() == len(bundled_panel.areas)


def test_cli_forecasts_every_la_as_csv_and_backtests(bundled_panel, monkeypatch):
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
    bt = CliRunner().invoke(cli.app, ["backtest", "--origins", "2019,2020", "--format", "csv"])
    assert bt.exit_code == 0, bt.output
    scored = pd.read_csv(StringIO(bt.stdout))
    assert set(scored["horizon"]) == {1, 2, 3}
    assert {"public_stock_flow", "last_value"} <= set(scored["method"])


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

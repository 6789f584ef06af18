import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.forecast import app
from highneeds.spreadsheet import read_coded

from .conftest import WITAN_DEMO


@pytest.mark.slow
def test_witan_command_writes_outputs_tables_workbook_and_charts(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "witan",
            str(WITAN_DEMO),
            "--simulations",
            "60",
            "--horizon",
            "2",
            "--folder",
            str(out),
            "--workbook",
            "--charts",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "60 simulations" in result.output
    for name in (
        "Output_Count.csv",
        "Output_Cost.csv",
        "total.csv",
        "by_setting_group.csv",
        "forecast.xlsx",
        "fan_chart_caseload.png",
        "fan_chart_cost.png",
    ):
        assert (out / name).stat().st_size > 0, name
    assert (out / "fan_chart_caseload.png").read_bytes()[:4] == b"\x89PNG"
    sheets = pd.read_excel(out / "forecast.xlsx", sheet_name=None, engine="openpyxl")
    assert {"Total", "By state", "Cost total", "Data dictionary"} <= set(sheets)
    assert read_coded(out / "forecast.xlsx", "Total")["year"].tolist() == [2017, 2018, 2019]


def test_witan_command_writes_workbook_and_charts_only_when_asked(tmp_path):
    out = tmp_path / "run"
    args = ["witan", str(WITAN_DEMO), "--simulations", "30", "--horizon", "1", "--folder", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = {path.name for path in out.iterdir()}
    assert {"Output_State.csv", "total.csv", "by_state.csv", "cost_total.csv"} <= written
    assert not {"forecast.xlsx", "fan_chart_caseload.png", "fan_chart_cost.png"} & written
    # witan.send's files and ours come from the same draws: same means, theirs' extremes
    # outside our 95% interval
    ours = pd.read_csv(out / "total.csv").set_index("year")
    theirs = pd.read_csv(out / "Output_Count.csv").set_index("calendar-year")
    ours = ours.loc[theirs.index]
    assert (ours["mean"] - theirs["mean"]).abs().max() < 0.01
    assert (theirs["min"] <= ours["q2.5"]).all() and (theirs["max"] >= ours["q97.5"]).all()


def test_markov_command_reports_bad_input_without_traceback(tmp_path, small_la):
    path = tmp_path / "transitions.csv"
    frame = small_la.transitions.copy()
    frame.loc[0, "ncy_to"] = frame.loc[0, "ncy_from"] + 3
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["markov", str(path), "--folder", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "row 2" in result.output and "ncy_to" in result.output


def test_markov_command_runs_on_contract_csvs(tmp_path, small_la):
    paths = {}
    for name in ("transitions", "population", "valid_states", "costs"):
        paths[name] = tmp_path / f"{name}.csv"
        getattr(small_la, name).to_csv(paths[name], index=False)
    out = tmp_path / "o"
    result = CliRunner().invoke(
        app,
        [
            "markov",
            str(paths["transitions"]),
            "--population",
            str(paths["population"]),
            "--valid-states",
            str(paths["valid_states"]),
            "--costs",
            str(paths["costs"]),
            "--simulations",
            "40",
            "--horizon",
            "3",
            "--folder",
            str(out),
            "--recency-decay",
            "0.8",
        ],
    )
    assert result.exit_code == 0, result.output
    total = pd.read_csv(out / "total.csv")
    assert len(total) == 4 and (total["q2.5"] <= total["q97.5"]).all()
    assert (out / "cost_total.csv").exists()


@pytest.mark.slow
def test_public_command_forecasts_one_la_from_the_bundled_release(tmp_path):
    out = tmp_path / "public.csv"
    result = CliRunner().invoke(
        app, ["public", "--origin", "2021", "--horizon", "1", "--la", "356", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"area_code": str})
    assert set(table["area_code"]) == {"356"} and set(table["year"]) == {2022}
    total = table[table["age_band"] == "total"].iloc[0]
    assert total["q10"] < total["median"] < total["q90"]
    # Stockport's published January 2022 caseload (2,618) lies within the 95% interval
    assert total["q2.5"] < 2618 < total["q97.5"]

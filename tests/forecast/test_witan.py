import shutil

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.witan import (
    WITAN_STAT_COLUMNS,
    read_witan_inputs,
    witan_reference_path,
    write_witan_outputs,
)

from .conftest import WITAN_DEMO


def test_reader_translates_nonsend_markers(witan_demo):
    t = witan_demo.transitions
    assert len(t) == 8351
    assert t["setting_from"].isna().sum() == 994  # joiners
    assert t["setting_to"].isna().sum() == 537  # leavers
    assert (t["ncy_to"] == t["ncy_from"] + 1).all()
    assert set(witan_demo.valid_states["setting"]) == set("ABCDEFGHIJKLMNOPQRS")
    assert witan_demo.population["year"].between(2013, 2022).all()
    assert len(witan_demo.costs) == 88


def test_witan_compatible_mode_matches_witans_expected_path_within_one_percent(witan_demo):
    reference = witan_reference_path(witan_demo, horizon=5)
    model = MarkovForecaster(estimation="witan").fit(
        witan_demo.transitions, witan_demo.population, witan_demo.valid_states
    )
    ours = model.expected(5).stock[0].sum(axis=1)
    theirs = reference.stock[0].sum(axis=1)
    assert ours[0] == theirs[0] == 2153
    assert np.all(np.abs(ours / theirs - 1) < 0.01)
    # the gap is witan.send's silent drop: children it loses without counting them leaving
    stock = theirs
    vanished = stock[:-1] - reference.leavers[0] + reference.joiners[0] - stock[1:]
    assert np.all(vanished[1:] > 0)
    assert np.all(ours[2:] > theirs[2:])


def test_witan_output_files_and_columns(witan_demo, tmp_path):
    model = MarkovForecaster(estimation="witan").fit(
        witan_demo.transitions, witan_demo.population, witan_demo.valid_states
    )
    result = model.simulate(horizon=3, simulations=200, seed=50)
    paths = write_witan_outputs(result, witan_demo.costs, tmp_path)
    names = {p.name for p in paths}
    assert {
        "Output_Count.csv",
        "Output_AY.csv",
        "Output_Need.csv",
        "Output_Setting.csv",
        "Output_Cost.csv",
    } <= names
    count = pd.read_csv(tmp_path / "Output_Count.csv")
    assert list(count.columns) == ["calendar-year", *WITAN_STAT_COLUMNS]
    assert count["calendar-year"].tolist() == [2017, 2018, 2019, 2020]
    assert count.loc[0, "mean"] == 2153 and count.loc[0, "std-dev"] == 0
    order = ["min", "low-95pc-bound", "q1", "median", "q3", "high-95pc-bound", "max"]
    assert (np.diff(count[order].to_numpy(), axis=1) >= 0).all()
    assert (count["low-ci"] <= count["mean"]).all() and (count["mean"] <= count["high-ci"]).all()
    cost = pd.read_csv(tmp_path / "Output_Cost.csv")
    assert cost.loc[0, "mean"] == 2153 * 1000.0  # every demo cost is £1,000
    ay = pd.read_csv(tmp_path / "Output_AY.csv")
    assert "academic-year" in ay.columns
    by_year = ay.groupby("calendar-year")["mean"].sum()
    assert np.allclose(by_year.to_numpy(), count["mean"].to_numpy(), atol=0.05 * len(ay))
    setting = pd.read_csv(tmp_path / "Output_Setting.csv")
    assert set(setting["setting"]) <= set("ABCDEFGHIJKLMNOPQRS")


def test_reader_names_file_and_column_of_a_problem(tmp_path):
    for name in ("transitions.csv", "population.csv", "costs.csv", "valid-states.csv"):
        shutil.copy(WITAN_DEMO / name, tmp_path / name)
    population = pd.read_csv(tmp_path / "population.csv").rename(columns={"population": "pop"})
    population.to_csv(tmp_path / "population.csv", index=False)
    with pytest.raises(InputFileError, match=r"population.csv.*missing column\(s\) population"):
        read_witan_inputs(tmp_path)
    shutil.copy(WITAN_DEMO / "population.csv", tmp_path / "population.csv")
    transitions = pd.read_csv(tmp_path / "transitions.csv", dtype=str)
    transitions.loc[3, "academic-year-2"] = "six"
    transitions.to_csv(tmp_path / "transitions.csv", index=False)
    with pytest.raises(InputFileError, match=r"row 5, column 'academic-year-2'"):
        read_witan_inputs(tmp_path)
    shutil.copy(WITAN_DEMO / "transitions.csv", tmp_path / "transitions.csv")
    (tmp_path / "costs.csv").unlink()
    with pytest.raises(InputFileError, match="file not found"):
        read_witan_inputs(tmp_path)

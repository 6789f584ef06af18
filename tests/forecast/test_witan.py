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


def _witan_rates(transitions: pd.DataFrame, event: pd.Series, among: pd.Series) -> pd.Series:
    """witan.send's Beta mean per (NCY, need, setting) from the raw rows, computed apart from
    highneeds' arrays: (events + prior) / (children + 1), the prior being the NCY's pooled
    (events + 0.5) / (children + 1)."""
    rows = transitions[among]
    keys = [rows["ncy_from"], rows["need_from"], rows["setting_from"]]
    hits = event[among].groupby(keys).sum()
    seen = event[among].groupby(keys).size()
    ncy = hits.index.get_level_values(0)
    pooled = (hits.groupby(level=0).sum() + 0.5) / (seen.groupby(level=0).sum() + 1)
    return (hits + pooled.loc[ncy].to_numpy()) / (seen + 1)


def test_witan_mode_rates_equal_witan_sends_rules_state_by_state(witan_demo):
    t = witan_demo.transitions
    model = MarkovForecaster(estimation="witan").fit(
        t, witan_demo.population, witan_demo.valid_states
    )
    space, params = model.space_, model.params_
    labels = space.state_labels().set_index(["ncy", "need", "setting"])
    position = pd.Series(np.arange(len(labels)), index=labels.index)
    held = t["setting_from"].notna()
    stays = held & t["setting_to"].notna()
    checks = {
        "leave": (_witan_rates(t, t["setting_to"].isna(), held), params.leave_mean()),
        # a need change within the same setting counts as staying
        "move": (_witan_rates(t, t["setting_to"] != t["setting_from"], stays), params.move_mean()),
    }
    for name, (theirs, ours) in checks.items():
        cells = position.reindex(theirs.index)
        assert cells.notna().all(), name
        assert np.allclose(ours.reshape(-1)[cells.to_numpy(dtype=int)], theirs.to_numpy()), name
        assert len(theirs) > 400, name


def test_witan_mode_borrows_the_ncy_below_where_no_transition_starts(witan_demo):
    t = witan_demo.transitions
    held = t["setting_from"].notna()
    assert not (held & (t["ncy_from"] == 18)).any()  # no child on a plan at NCY 18 here
    model = MarkovForecaster(estimation="witan").fit(
        t, witan_demo.population, witan_demo.valid_states
    )
    ncy = list(model.space_.ncys)
    leave = model.params_.leave_mean()
    valid = model.space_.valid
    at_17 = t[held & (t["ncy_from"] == 17)]
    pooled_17 = (at_17["setting_to"].isna().sum() + 0.5) / (len(at_17) + 1)
    # NCY 18 (setting S only) takes NCY 17's pooled rate, 83%, not the all-NCY rate of 7%
    assert np.allclose(leave[ncy.index(18)][valid[ncy.index(18)]], pooled_17)
    assert pooled_17 > 0.8

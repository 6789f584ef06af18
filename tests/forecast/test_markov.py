import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.result import QUANTILES

QUANTILE_ORDER = [name for name, _ in QUANTILES]


@pytest.fixture(scope="module")
def demo_result(witan_demo):
    model = MarkovForecaster().fit(
        witan_demo.transitions, witan_demo.population, witan_demo.valid_states
    )
    return model, model.simulate(horizon=5, simulations=2000, seed=11)


@pytest.mark.slow
def test_monte_carlo_mean_matches_exact_expected_path(demo_result):
    _, result = demo_result
    for by in [(), ("setting_group",), ("need",)]:
        _, sims, expected = result.draws(by)
        mean = sims.mean(axis=0)
        standard_error = sims.std(axis=0, ddof=1) / np.sqrt(sims.shape[0])
        # 4.5 standard errors: a handful of correlated comparisons, no false alarms
        assert np.all(np.abs(mean - expected) <= 4.5 * standard_error + 1e-9), by
    # and the spread is real: parameter and process noise widen year by year
    sd = result.total_draws().std(axis=0)
    assert sd[0] == 0 and np.all(np.diff(sd) > 0)


@pytest.mark.slow
def test_children_are_conserved_in_every_simulation_and_year(demo_result):
    _, result = demo_result
    stock = result.total_draws()
    leavers = result.simulated.leavers
    joiners = result.simulated.joiners
    assert np.array_equal(stock[:, 1:], stock[:, :-1] - leavers + joiners)
    assert (leavers > 0).all() and (joiners > 0).all()
    expected = result.expected
    assert np.allclose(
        expected.stock[0].sum(axis=1)[1:],
        expected.stock[0].sum(axis=1)[:-1] - expected.leavers[0] + expected.joiners[0],
    )


@pytest.mark.slow
def test_quantiles_are_ordered_and_breakdowns_add_up(demo_result):
    _, result = demo_result
    total = result.summary(())
    for by in [("ncy", "need", "setting"), ("setting",), ("age_band",), ("setting_group",)]:
        table = result.summary(by)
        values = table[QUANTILE_ORDER].to_numpy()
        assert np.all(np.diff(values, axis=1) >= -1e-9), by
        sums = table.groupby("year")["mean"].sum().to_numpy()
        assert np.allclose(sums, total["mean"].to_numpy()), by
    assert list(total.columns) == ["year", "expected", "mean", "std", *QUANTILE_ORDER]
    flows = result.flows_summary().set_index(["flow", "year"])
    parts = sum(flows.loc[f"leavers_{r}", "mean"] for r in ("left", "aged_out", "no_valid_setting"))
    assert np.allclose(parts, flows.loc["leavers", "mean"])
    assert np.allclose(
        total["mean"].to_numpy()[1:],
        total["mean"].to_numpy()[:-1]
        + flows.loc["joiners", "mean"].to_numpy()
        - flows.loc["leavers", "mean"].to_numpy(),
    )
    assert total["year"].tolist() == list(range(2017, 2023))


def test_predict_returns_state_table(witan_demo):
    model = MarkovForecaster().fit(
        witan_demo.transitions, witan_demo.population, witan_demo.valid_states
    )
    table = model.predict(horizon=2, simulations=50, seed=1)
    assert {"year", "ncy", "need", "setting", "mean", "median", "q2.5", "q97.5"} <= set(table)
    assert table.loc[table["year"] == 2017, "mean"].sum() == 2153


def _ladder_states(college_reachable: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "setting": ["SCH", "COL"],
            "setting_group": ["school", "college"],
            "min_ncy": [-2, 12],
            "max_ncy": [11, 20],
            "needs": ["ASD", "ASD"],
            "moves_to": ["SCH,COL" if college_reachable else "SCH", "COL"],
        }
    )


def _ladder_transitions(make_transitions):
    rows = [(2020, 10, "ASD", "SCH", "ASD", "SCH")] * 30
    rows += [(2020, 12, "ASD", "COL", "ASD", "COL")] * 5
    rows += [(2020, 19, "ASD", "COL", "ASD", "COL")] * 4
    rows += [(2020, 5, None, None, "ASD", "SCH")] * 3
    return make_transitions(rows)


@pytest.mark.parametrize("college_reachable", [True, False])
def test_children_outstaying_a_setting_move_on_or_leave_explicitly(
    make_transitions, college_reachable
):
    model = MarkovForecaster().fit(
        _ladder_transitions(make_transitions), valid_states=_ladder_states(college_reachable)
    )
    # 30 children start in SCH at NCY 11, the setting's last year
    assert model.initial_.sum() == 42
    result = model.simulate(horizon=1, simulations=400, seed=2)
    states = result.summary(("ncy", "setting"))
    next_year = states[states["year"] == 2022]
    assert not ((next_year["ncy"] == 12) & (next_year["setting"] == "SCH")).any()
    at_college_12 = next_year.loc[
        (next_year["ncy"] == 12) & (next_year["setting"] == "COL"), "expected"
    ].sum()
    outgrown = result.expected.leavers_by_reason["no_valid_setting"][0, 0]
    if college_reachable:
        assert at_college_12 > 25  # moved on, less the few predicted to leave
        assert outgrown == 0
    else:
        assert at_college_12 < 1  # only the joiners' prior share, nobody moved there
        assert outgrown > 25  # counted as leavers for that reason, not dropped
        assert (result.simulated.leavers_by_reason["no_valid_setting"][:, 0] > 20).all()
    for path in (result.expected, result.simulated):
        by_reason = sum(path.leavers_by_reason.values())
        assert np.array_equal(by_reason, path.leavers)
    stock = result.total_draws()
    assert np.array_equal(
        stock[:, 1], stock[:, 0] - result.simulated.leavers[:, 0] + result.simulated.joiners[:, 0]
    )


def test_everyone_leaves_after_ncy_20(make_transitions):
    model = MarkovForecaster().fit(
        _ladder_transitions(make_transitions), valid_states=_ladder_states(True)
    )
    result = model.simulate(horizon=1, simulations=200, seed=4)
    at_20 = (result.cell_labels()["ncy"] == 20).to_numpy()
    # four children are at NCY 20 (age 25) in January 2021: all leave during the year,
    # counted as leavers in every simulation; NCY 20 in 2022 holds only possible joiners
    assert result.expected.stock[0, 0, at_20].sum() == 4
    assert np.all(result.simulated.leavers_by_reason["aged_out"][:, 0] == 4)
    assert result.expected.stock[0, 1, at_20].sum() < 1


def test_sparse_states_borrow_strength(make_transitions):
    rows = [(2020, 5, "ASD", "SCH", "ASD", "SCH")] * 180 + [
        (2020, 5, "ASD", "SCH", None, None)
    ] * 20
    rows += [(2020, 5, "SLD", "SCH", None, None)]  # one child, who left
    frame = make_transitions(rows)
    states = _ladder_states(True).assign(needs="ASD,SLD")
    rate = {}
    for strength in (0.5, 2.0, 50.0):
        model = MarkovForecaster(prior_strength=strength).fit(frame, valid_states=states)
        rate[strength] = model.params_.leave_mean()[10, model.space_.settings.index("SCH") + 2]
    # raw rate 1.0; the pooled SCH NCY 5 rate is about 0.1; more prior weight, closer to it
    assert 1.0 > rate[0.5] > rate[2.0] > rate[50.0] > 0.1
    assert rate[50.0] < 0.15


def test_recency_weighting_follows_the_latest_year(make_transitions):
    rows = [(2019, 5, "ASD", "SCH", "ASD", "SCH")] * 90 + [(2019, 5, "ASD", "SCH", None, None)] * 10
    rows += [(2020, 5, "ASD", "SCH", "ASD", "SCH")] * 50 + [
        (2020, 5, "ASD", "SCH", None, None)
    ] * 50
    frame = make_transitions(rows)
    states = _ladder_states(True)
    equal = MarkovForecaster().fit(frame, valid_states=states).params_.leave_mean()[10, 0]
    recent = MarkovForecaster(recency_decay=0.2).fit(frame, valid_states=states)
    assert abs(equal - 0.3) < 0.02
    assert recent.params_.leave_mean()[10, 0] > 0.4
    only_2019 = MarkovForecaster(train_years=[2019]).fit(frame, valid_states=states)
    assert only_2019.params_.leave_mean()[10, 0] < 0.15
    assert only_2019.base_year_ == 2021  # the start is still the latest January


def test_joiner_trend_is_learnt_and_carried_forward(small_la):
    la = small_la
    flat = MarkovForecaster().fit(la.transitions, la.population, la.valid_states)
    trend = MarkovForecaster(joiner_trend=True).fit(la.transitions, la.population, la.valid_states)
    assert trend.params_.trend_sd > 0
    assert trend.params_.trend_mean > -0.2
    # the synthetic LA's joiners grow 3% a year; three years pin the slope down loosely
    assert trend.params_.trend_mean > 0
    flat_joiners = flat.expected(5).joiners[0, -1]
    trend_joiners = trend.expected(5).joiners[0, -1]
    assert trend_joiners > flat_joiners * np.exp(trend.params_.trend_mean * 5)


def test_counts_mode_without_population(small_la):
    model = MarkovForecaster().fit(small_la.transitions, valid_states=small_la.valid_states)
    assert not model.params_.uses_population
    joiners_per_year = (small_la.transitions["setting_from"].isna()).sum() / 3
    assert model.expected(3).joiners[0, 0] == pytest.approx(joiners_per_year, rel=0.15)


# -- bad input fails with a clear message ----------------------------------------------------


def test_transition_to_an_unknown_state_is_rejected(witan_demo):
    frame = witan_demo.transitions.copy()
    frame.loc[5, "setting_to"] = "ZZ"
    with pytest.raises(ModelInputError, match=r"row 7.*unknown setting 'ZZ'"):
        MarkovForecaster().fit(frame, witan_demo.population, witan_demo.valid_states)


def test_transition_outside_a_settings_age_range_is_rejected(witan_demo):
    frame = witan_demo.transitions.copy()
    row = frame.index[frame["setting_to"].eq("P")][0]  # P serves NCY -3..-1
    frame.loc[row, ["ncy_from", "ncy_to"]] = [8, 9]
    frame.loc[row, "setting_from"] = "P"
    frame.loc[row, "need_from"] = frame.loc[row, "need_to"]
    with pytest.raises(ModelInputError, match="not a valid state"):
        MarkovForecaster().fit(frame, witan_demo.population, witan_demo.valid_states)


def test_ncy_out_of_range_is_rejected(witan_demo):
    frame = witan_demo.transitions.copy()
    frame.loc[0, ["ncy_from", "ncy_to"]] = [24, 25]
    with pytest.raises(ModelInputError, match=r"NCY 2[45] is outside"):
        MarkovForecaster().fit(frame, witan_demo.population, witan_demo.valid_states)


def test_missing_population_year_is_rejected(witan_demo):
    model = MarkovForecaster().fit(
        witan_demo.transitions, witan_demo.population, witan_demo.valid_states
    )
    with pytest.raises(ModelInputError, match="no rows for year 2023"):
        model.simulate(horizon=6, simulations=10)
    short = witan_demo.population[witan_demo.population["year"] != 2015]
    with pytest.raises(ModelInputError, match="no rows for year 2015"):
        MarkovForecaster().fit(witan_demo.transitions, short, witan_demo.valid_states)


@pytest.mark.slow
def test_missing_cost_is_rejected(witan_demo, demo_result):
    _, result = demo_result
    costs = witan_demo.costs[
        ~((witan_demo.costs["need"] == "T") & (witan_demo.costs["setting"] == "B"))
    ]
    with pytest.raises(ModelInputError, match="no cost for need/setting T/B"):
        result.cost_summary(costs)
    full = result.cost_summary(witan_demo.costs)
    assert full.loc[full["year"] == 2017, "mean"].iloc[0] == 2153 * 1000.0


def test_bad_configuration_is_rejected(witan_demo):
    with pytest.raises(ModelInputError, match="estimation"):
        MarkovForecaster(estimation="magic").fit(witan_demo.transitions)
    with pytest.raises(ModelInputError, match="train_years"):
        MarkovForecaster(train_years=[1999]).fit(witan_demo.transitions)


def test_breakdowns_are_summed_once_and_agree_with_the_uncached_sums(small_la):
    model = MarkovForecaster().fit(small_la.transitions, small_la.population, small_la.valid_states)
    result = model.simulate(horizon=3, simulations=50, seed=4)
    state = result.summary(("ncy", "need", "setting"))
    group = result.summary(("setting_group",))
    # the cached draws are the cells' own sums, simulation by simulation
    stock = result.simulated.stock
    total = stock.sum(axis=2)
    assert np.array_equal(result.draws(())[1][:, :, 0], total)
    assert result.draws(("setting_group",))[1] is result.draws(("setting_group",))[1]
    for table in (state, group):
        assert np.allclose(table.groupby("year")["mean"].sum(), total.mean(axis=0))
    # costs are cached by their weights: other costs give other pounds
    costs = small_la.costs
    dearer = costs.assign(cost=costs["cost"] * 2)
    once, twice = result.cost_summary(costs), result.cost_summary(dearer)
    assert np.allclose(twice["mean"], 2 * once["mean"]) and (once["mean"].iloc[1:] > 0).all()


def test_breakdowns_summed_together_equal_each_summed_alone(small_la, monkeypatch):
    """draws_many sums every breakdown in one product: the same counts as summing the cells
    of each group directly, and the same pounds (to rounding) as one product per breakdown
    (the counts converted a few rows at a time here, as they are at many simulations)."""
    from highneeds.forecast import result as result_module

    monkeypatch.setattr(result_module, "_PRODUCT_BYTES", 50_000)
    model = MarkovForecaster().fit(small_la.transitions, small_la.population, small_la.valid_states)
    result = model.simulate(horizon=3, simulations=100, seed=6)
    breakdowns = [(), ("ncy",), ("age_band",), ("need",), ("setting_group",), ("ncy", "need")]
    together = result.draws_many(breakdowns)
    stock = result.simulated.stock
    for by, (keys, sims, _) in zip(breakdowns, together, strict=True):
        _, group = result._groups(by)
        direct = np.stack([stock[:, :, group == g].sum(axis=2) for g in range(len(keys))], -1)
        assert sims.dtype == np.int32 and np.array_equal(sims, direct)
    weight = result.cost_per_cell(small_la.costs)
    for by, (keys, pounds, _) in zip(
        breakdowns, result.draws_many(breakdowns, weight), strict=True
    ):
        _, group = result._groups(by)
        used = group >= 0
        matrix = np.zeros((used.sum(), len(keys)))
        matrix[np.arange(used.sum()), group[used]] = weight[used]
        alone = stock[:, :, used].reshape(-1, used.sum()).astype(float) @ matrix
        np.testing.assert_allclose(pounds.reshape(alone.shape), alone, rtol=1e-12)


def test_moments_are_numpys_mean_and_std_to_the_last_bit():
    from highneeds.forecast.result import moments, sorted_draws, summarise_sorted

    rng = np.random.default_rng(0)
    counts = sorted_draws(rng.poisson(3.0, size=(300, 4, 70)).astype(np.int32))
    pounds = sorted_draws(rng.gamma(2.0, 1e4, size=(300, 4, 3)))
    for ordered in (counts, pounds):
        mean, ssq = moments(ordered)
        n = ordered.shape[-1]
        assert np.array_equal(mean, ordered.mean(axis=-1))
        assert np.array_equal(np.sqrt(ssq / n), ordered.std(axis=-1))
        assert np.array_equal(summarise_sorted(ordered)["std"], ordered.std(axis=-1, ddof=1))


def test_rate_uncertainty_widens_intervals_with_the_horizon_not_the_expected_path(witan_demo):
    runs = {}
    for uncertain in (False, True):
        model = MarkovForecaster(rate_uncertainty=uncertain).fit(
            witan_demo.transitions, witan_demo.population, witan_demo.valid_states
        )
        runs[uncertain] = model.simulate(horizon=5, simulations=400, seed=3).summary(())
    plain, wide = runs[False], runs[True]
    assert np.allclose(plain["expected"], wide["expected"])
    width = (wide["q90"] - wide["q10"]) / (plain["q90"] - plain["q10"])
    assert (width.iloc[1:] > 1.4).all() and width.iloc[-1] > width.iloc[1]
    # the 5-year 80% interval spans more than ±2.3%, the year-to-year swing of a real LA
    last = wide.iloc[-1]
    assert (last["q90"] - last["q10"]) / last["expected"] > 0.1


def test_rate_uncertainty_comes_from_the_prior_when_the_history_is_short(small_la):
    t, pop, valid = small_la.transitions, small_la.population, small_la.valid_states
    # two training years: no trend to doubt, swings from the DfE prior pooled with one year
    two = MarkovForecaster(train_years=[2019, 2020]).fit(t, pop, valid).params_
    assert two.drift_sd == 0.0 and 0.05 < two.swing_sd < 0.2
    # three years of a small LA (about 60 joiners a year): the trend's doubt is pooled with
    # the DfE prior (sd 0.15 a year), not the noisy slope's own, which is wider
    model = MarkovForecaster().fit(t, pop, valid)
    assert 0.0 < model.params_.drift_sd < 0.15
    result = model.simulate(horizon=2, simulations=200, seed=1)
    assert np.isfinite(result.summary(())[["q10", "q90"]].to_numpy()).all()


def test_narrow_rows_are_drawn_from_as_one_sorted_search_would():
    """_categorical counts narrow rows' offset values column by column: the same column as
    a binary search of every row's offset values, for the same uniform draws, rows with no
    probability at all included."""
    from highneeds.forecast import engine

    rng = np.random.default_rng(1)
    for width in (2, 7, engine._NARROW, engine._NARROW + 5):
        prob = rng.random((400, width)) * (rng.random((400, width)) > 0.4)
        prob[:15] = 0.0
        cum = engine._normalised_cumulative(prob)
        rows = rng.integers(0, 400, 30_000)
        drawn = engine._categorical(np.random.default_rng(9), rows, cum)
        u = np.random.default_rng(9).random(len(rows)) * (1.0 - 1e-9)
        searched = np.searchsorted(engine._offset_rows(cum), rows + u, side="right")
        assert np.array_equal(drawn, searched - rows * width)
        assert drawn[np.isin(rows, np.arange(15))].min() == width  # rows with nothing


def test_pair_index_names_the_first_unknown_label_and_skips_rows_off_a_plan(witan_demo):
    from highneeds.forecast.states import StateSpace

    space = StateSpace.from_valid_states(witan_demo.valid_states)
    n0, n1 = space.needs[0], space.needs[1]
    s0, s1 = space.settings[0], space.settings[1]
    columns = {"source": "t", "columns": ("need", "setting")}
    needs = pd.Series([n1, None, n0, "QQ", n0], dtype=object)
    settings = pd.Series([s1, None, s0, s0, "ZZ"], dtype=object)
    k = space.pair_index(needs[:3], settings[:3], **columns)
    assert k.tolist() == [len(space.settings) + 1, -1, 0]
    with pytest.raises(ModelInputError, match=r"row 5, column 'need': unknown need 'QQ'"):
        space.pair_index(needs, settings, **columns)
    with pytest.raises(ModelInputError, match=r"row 3, column 'setting': unknown setting 'ZZ'"):
        space.pair_index(needs[[0, 4]].reset_index(drop=True), settings[[0, 4]], **columns)

"""The scenario hook: fewer joiners and redirected placements, simulated jointly with the
baseline from the same draws (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from highneeds.forecast.engine import Adjustment
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.synthetic import synthetic_la

HORIZON = 4


@pytest.fixture(scope="module")
def model():
    la = synthetic_la(children=800, years=3, seed=5)
    return MarkovForecaster().fit(
        la.transitions, population=la.population, valid_states=la.valid_states
    )


def _cells(model) -> int:
    return model.space_.n_ncy * model.space_.n_pairs


def _early_help(model, reduction=0.2, from_step=1) -> Adjustment:
    factor = np.ones((HORIZON, _cells(model)))
    factor[from_step:] = 1 - reduction
    return Adjustment(joiner_factor=factor)


def _redirect(model, share=0.5, source="SPEC", target="MAIN") -> Adjustment:
    """``share`` of new placements into ``source`` go to ``target`` (same NCY and need)."""
    space = model.space_
    labels = space.state_labels()
    settings = list(space.settings)
    cell_setting = labels["setting"].map({s: i for i, s in enumerate(settings)}).to_numpy()
    dest = np.arange(len(labels)) - cell_setting + settings.index(target)
    valid = space.valid.reshape(-1)
    moving = (labels["setting"].to_numpy() == source) & valid & valid[dest]
    shares = np.zeros((HORIZON, len(labels)))
    shares[:, moving] = share
    return Adjustment(redirect_share=shares, redirect_to=np.where(moving, dest, -1))


def test_an_adjustment_that_changes_nothing_gives_exactly_the_baseline(model):
    plain = model.simulate(HORIZON, 60, seed=2)
    identity = Adjustment(
        joiner_factor=np.ones((HORIZON, _cells(model))),
        redirect_share=np.zeros((HORIZON, _cells(model))),
        redirect_to=np.full(_cells(model), -1),
    )
    same = model.simulate(HORIZON, 60, seed=2, adjustment=identity)
    assert np.array_equal(plain.simulated.stock, same.simulated.stock)
    assert np.array_equal(plain.simulated.joiners, same.simulated.joiners)
    assert same.coupled_baseline() is same


def test_early_help_cuts_joiners_not_the_caseload_and_conserves_children(model):
    plain = model.simulate(HORIZON, 200, seed=4)
    scenario = model.simulate(HORIZON, 200, seed=4, adjustment=_early_help(model))
    baseline = scenario.coupled_baseline()
    for path in (scenario.simulated, baseline.simulated):
        stock = path.stock.sum(axis=2, dtype=np.int64)
        assert np.array_equal(stock[:, 1:], stock[:, :-1] - path.leavers + path.joiners)
    # year one is untouched (the cut starts in the second projected year) and is drawn
    # exactly as the plain baseline's
    assert np.array_equal(scenario.simulated.stock[:, :2], plain.simulated.stock[:, :2])
    assert np.array_equal(baseline.simulated.stock[:, :2], plain.simulated.stock[:, :2])
    # the scenario's joiners are a thinning of the jointly simulated baseline's
    assert (scenario.simulated.joiners <= baseline.simulated.joiners).all()
    cut = 1 - scenario.simulated.joiners[:, 1:].sum() / baseline.simulated.joiners[:, 1:].sum()
    assert cut == pytest.approx(0.2, abs=0.02)
    # children prevented from joining would have stayed on: the gap grows year by year
    gap = (baseline.total_draws() - scenario.total_draws()).mean(axis=0)
    assert gap[1] == 0 and np.all(np.diff(gap[1:]) > 0)


def test_coupled_differences_are_far_less_noisy_than_independent_runs(model):
    adjustment = _early_help(model, reduction=0.1)
    scenario = model.simulate(HORIZON, 300, seed=8, adjustment=adjustment)
    coupled = scenario.coupled_baseline().total_draws() - scenario.total_draws()
    independent = model.simulate(HORIZON, 300, seed=9).total_draws() - scenario.total_draws()
    assert coupled[:, -1].std() < 0.5 * independent[:, -1].std()


def test_scenario_monte_carlo_mean_matches_its_exact_expected_path(model):
    scenario = model.simulate(HORIZON, 1500, seed=6, adjustment=_early_help(model))
    sims = scenario.total_draws()
    expected = scenario.expected.stock[0].sum(axis=1)
    error = sims.std(axis=0, ddof=1) / np.sqrt(sims.shape[0])
    assert np.all(np.abs(sims.mean(axis=0) - expected) <= 4.5 * error + 1e-9)
    baseline_expected = scenario.coupled_baseline().expected.stock[0].sum(axis=1)
    assert expected[-1] < baseline_expected[-1]


def test_redirected_placements_move_setting_and_nobody_is_lost(model):
    scenario = model.simulate(HORIZON, 200, seed=3, adjustment=_redirect(model))
    baseline = scenario.coupled_baseline()
    # a redirected child is placed elsewhere, not lost: the worlds hold the same children
    # the year it happens (afterwards they leave at their new setting's rates)
    assert np.array_equal(scenario.total_draws()[:, :2], baseline.total_draws()[:, :2])
    for path in (scenario.simulated, baseline.simulated):
        stock = path.stock.sum(axis=2, dtype=np.int64)
        assert np.array_equal(stock[:, 1:], stock[:, :-1] - path.leavers + path.joiners)
    by_setting = {}
    for name, result in (("scenario", scenario), ("baseline", baseline)):
        keys, sims, _ = result.draws(("setting",))
        by_setting[name] = dict(zip(keys["setting"], sims[:, -1].mean(axis=0), strict=True))
    assert by_setting["scenario"]["SPEC"] < by_setting["baseline"]["SPEC"]
    assert by_setting["scenario"]["MAIN"] > by_setting["baseline"]["MAIN"]
    # the starting caseload is not moved: only new placements are redirected
    assert np.array_equal(scenario.simulated.stock[:, 0], baseline.simulated.stock[:, 0])


def test_a_bad_adjustment_is_refused(model):
    with pytest.raises(ValueError, match="between 0 and 1"):
        model.simulate(HORIZON, 5, seed=1, adjustment=_early_help(model, reduction=1.5))
    cells = _cells(model)
    shares = np.zeros((HORIZON, cells))
    shares[:, 0] = 0.5
    with pytest.raises(ValueError, match="redirect"):
        model.simulate(
            HORIZON,
            5,
            seed=1,
            adjustment=Adjustment(redirect_share=shares, redirect_to=np.full(cells, -1)),
        )

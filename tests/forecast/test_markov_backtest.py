"""Backtest of the child-level model: no peeking, hand-checked actuals, the CLI."""

from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.errors import ModelInputError
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.markov_backtest import (
    caseload_by_january,
    markov_backtest,
    markov_summary,
)
from highneeds.forecast.synthetic import synthetic_la

WITAN_DEMO = Path(__file__).parents[2] / ".." / "shared" / "data" / "witan-send-demo"


def test_caseload_by_january_counts_children_with_a_to_state():
    transitions = pd.DataFrame(
        {
            "year": [2019, 2019, 2019, 2020],
            "ncy_from": [1, 2, 3, 2],
            "need_from": ["ASD", None, "ASD", "ASD"],
            "setting_from": ["MAIN", None, "MAIN", "MAIN"],
            "ncy_to": [2, 3, 4, 3],
            "need_to": ["ASD", "SEMH", None, "ASD"],
            "setting_to": ["MAIN", "SPEC", None, "MAIN"],
        }
    )
    # January 2020: the stayer and the joiner (the leaver is gone); January 2021: one
    assert caseload_by_january(transitions).to_dict() == {2020: 2, 2021: 1}


def test_forecasts_use_only_the_years_before_their_origin():
    la = synthetic_la(children=600, years=5, first_year=2016, seed=3)
    kwargs = {"population": la.population, "valid_states": la.valid_states, "simulations": 50}
    errors = markov_backtest(la.transitions, horizon=3, **kwargs)
    assert set(errors["origin"]) == {2018, 2019, 2020}  # two years before, one after
    assert errors.groupby("origin")["horizon"].max().to_dict() == {2018: 3, 2019: 2, 2020: 1}
    # the last transition year is changed: forecasts stay, the January 2021 actual moves
    later = la.transitions.copy()
    last = later["year"] == later["year"].max()
    later = later[~last | (later.index % 2 == 0)]
    again = markov_backtest(later, horizon=3, **kwargs)
    pd.testing.assert_series_equal(errors["forecast"], again["forecast"])
    assert (errors["actual"] != again["actual"]).any()
    summary = markov_summary(errors)
    assert summary["forecasts"].tolist() == [3, 2, 1]
    assert summary["coverage95"].between(0, 100).all()
    with pytest.raises(ModelInputError, match="January 2030"):
        markov_backtest(la.transitions, origins=[2030], **kwargs)


@pytest.mark.slow
def test_cli_backtests_the_witan_demo(tmp_path):
    from highneeds.cli.forecast import app

    out = tmp_path / "markov.csv"
    args = ["backtest", "--model", "markov", "--inputs", str(WITAN_DEMO), "--simulations", "200"]
    result = CliRunner().invoke(app, [*args, "--format", "csv", "--errors-out", str(out)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(StringIO(result.stdout))
    assert summary["horizon"].tolist() == [1, 2]  # Januaries 2014–2017: origins 2015, 2016
    errors = pd.read_csv(out)
    assert set(errors["origin"]) == {2015, 2016}
    # the actual caseload in January 2017 is witan.send's published starting point
    assert errors.loc[errors["year"] == 2017, "actual"].unique().tolist() == [2153]


def test_a_joiner_trend_needs_three_years_before_each_origin():
    from highneeds.forecast.markov import MarkovForecaster

    la = synthetic_la(children=600, years=5, first_year=2016, seed=3)
    errors = markov_backtest(
        la.transitions,
        population=la.population,
        valid_states=la.valid_states,
        simulations=50,
        model=lambda: MarkovForecaster(joiner_trend=True),
        train_years=3,
    )
    assert set(errors["origin"]) == {2019, 2020}
    with pytest.raises(ModelInputError, match="three training years"):
        markov_backtest(
            la.transitions,
            population=la.population,
            valid_states=la.valid_states,
            simulations=50,
            model=lambda: MarkovForecaster(joiner_trend=True),
        )


@pytest.mark.slow
def test_rate_uncertainty_brings_coverage_up_from_too_narrow():
    # the synthetic LA's joiners grow 3% a year, which a model without a trend cannot know
    la = synthetic_la(children=3000, years=7, first_year=2016)
    kwargs = {"population": la.population, "valid_states": la.valid_states, "simulations": 300}
    covered = {}
    for uncertain in (False, True):
        errors = markov_backtest(
            la.transitions,
            model=lambda uncertain=uncertain: MarkovForecaster(rate_uncertainty=uncertain),
            **kwargs,
        )
        covered[uncertain] = errors["covered80"].mean()
        assert len(errors) == 15
    assert covered[False] < 0.7  # too narrow: about half the 80% intervals miss
    assert covered[True] >= 0.8

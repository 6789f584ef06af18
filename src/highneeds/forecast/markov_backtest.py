"""Rolling-origin backtest of the child-level (Markov) model on one LA's transitions.

For each origin January *o*, the model learns only from the transitions that end by *o*
(FROM years up to *o* − 1), starts from the children on plans in January *o* and forecasts
the years after; each forecast total is compared with the caseload the later transitions
show (children with a TO state in the transition ending that January). Errors are
percentage errors of the median draw; coverage is whether the actual total fell inside the
50%, 80% and 95% intervals of the simulated draws.

The witan.send demo has four transition years (Januaries 2014–2017), so it gives two
origins and at most two years ahead; the synthetic LA as many as it is generated with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.forecast import transitions as tr
from highneeds.forecast.backtest import INTERVALS
from highneeds.forecast.markov import MarkovForecaster

#: Columns of the table :func:`markov_backtest` returns.
MARKOV_ERROR_COLUMNS = (
    "origin",
    "horizon",
    "year",
    "expected",
    "forecast",
    "actual",
    "ape",
    "pe",
    *(f"covered{level}" for level, _, _ in INTERVALS),
)


def caseload_by_january(transitions: pd.DataFrame) -> pd.Series:
    """Children on plans each January (index: January census year): those with a TO state
    in the transition that ends that January."""
    ending = transitions[transitions[tr.SETTING_TO].notna()]
    counts = ending.groupby(ending[tr.YEAR].astype(int) + 1).size()
    return counts.rename("caseload")


def default_origins(transitions: pd.DataFrame, train_years: int = 2) -> list[int]:
    """Every January that has at least ``train_years`` transition years before it and one
    after (a joiner trend needs three)."""
    years = sorted(int(y) for y in transitions[tr.YEAR].unique())
    return list(years[train_years:])


def markov_backtest(
    transitions: pd.DataFrame,
    *,
    population: pd.DataFrame | None = None,
    valid_states: pd.DataFrame | None = None,
    origins: Sequence[int] | None = None,
    horizon: int = 5,
    simulations: int = 1000,
    seed: int = 50,
    model: Callable[[], MarkovForecaster] = MarkovForecaster,
    train_years: int = 2,
) -> pd.DataFrame:
    """One row per origin × horizon: the total caseload forecast (median of the draws, and the
    exact expected path), the actual caseload, APE and signed error (%), and whether each
    interval held the actual. ``model`` makes a fresh, configured forecaster per origin;
    ``origins`` default to every January with ``train_years`` transition years before it."""
    clean = tr.validate_transitions(transitions)
    actual = caseload_by_january(clean)
    if origins is None:
        origins = default_origins(clean, train_years)
    rows = []
    for origin in origins:
        known = clean[clean[tr.YEAR] <= origin - 1]
        if known[tr.YEAR].nunique() < 1 or origin not in actual.index:
            raise ModelInputError(
                f"origin {origin}: no transitions end in January {origin} "
                f"(Januaries in the data: {', '.join(str(y) for y in actual.index)})"
            )
        steps = min(horizon, int(actual.index.max()) - origin)
        if steps < 1:
            continue
        fitted = model().fit(known, population, valid_states)
        summary = fitted.simulate(steps, simulations, seed).summary(())
        for h in range(1, steps + 1):
            row = summary[summary["year"] == origin + h].iloc[0]
            truth = float(actual[origin + h])
            record = {
                "origin": origin,
                "horizon": h,
                "year": origin + h,
                "expected": float(row["expected"]),
                "forecast": float(row["median"]),
                "actual": truth,
            }
            for level, lo, hi in INTERVALS:
                record[f"covered{level}"] = float(row[lo] <= truth <= row[hi])
            rows.append(record)
    if not rows:
        raise ModelInputError("markov backtest: no origin has a later January in the data")
    out = pd.DataFrame(rows)
    out["pe"] = 100 * (out["forecast"] - out["actual"]) / out["actual"]
    out["ape"] = out["pe"].abs()
    return out[list(MARKOV_ERROR_COLUMNS)]


def markov_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """By horizon: forecasts scored, MAPE, median APE and bias (%), and interval coverage
    (% of forecasts whose actual fell inside the 50%, 80% and 95% intervals)."""
    summary = errors.groupby("horizon").agg(
        forecasts=("ape", "size"),
        mape=("ape", "mean"),
        median_ape=("ape", "median"),
        bias=("pe", "mean"),
        **{f"coverage{level}": (f"covered{level}", "mean") for level, _, _ in INTERVALS},
    )
    summary[[f"coverage{level}" for level, _, _ in INTERVALS]] *= 100
    return summary.reset_index()


__all__ = ["caseload_by_january", "default_origins", "markov_backtest", "markov_summary"]

"""Naive forecasts a model has to beat: what an analyst would do in a spreadsheet.

Each takes an (LA, year) array of caseload totals (children) and the January census years of
its columns, and returns (LA, horizon) forecasts from ``origin`` using columns up to the
origin only. An LA missing a value the rule needs gets NaN, never a guess.
"""

from __future__ import annotations

import numpy as np

from highneeds.errors import ModelInputError

#: Baseline names, in the order tables show them.
BASELINES = ("last_value", "linear_trend_5y", "compound_growth_3y")


def _origin_column(years: np.ndarray, origin: int, lookback: int) -> int:
    where = np.nonzero(np.asarray(years) == origin)[0]
    if len(where) == 0:
        raise ModelInputError(f"baselines: origin {origin} is not a year of the data")
    o = int(where[0])
    if o < lookback:
        raise ModelInputError(
            f"baselines: origin {origin} needs {lookback} earlier years of data; "
            f"the data start in {int(np.min(years))}"
        )
    return o


def baseline_forecasts(
    total: np.ndarray, years: np.ndarray, origin: int, horizon: int
) -> dict[str, np.ndarray]:
    """(L, horizon) forecasts of caseload by each baseline in :data:`BASELINES`.

    * ``last_value``: the origin year's caseload, held flat;
    * ``linear_trend_5y``: least-squares straight line through the last five years
      (origin − 4 … origin), extended;
    * ``compound_growth_3y``: the average yearly growth factor over the last three years,
      (caseload[origin] / caseload[origin − 3]) ** (1/3), compounded.
    """
    total = np.asarray(total, dtype=float)
    years = np.asarray(years)
    o = _origin_column(years, origin, lookback=4)
    steps = np.arange(1, horizon + 1, dtype=float)
    last = total[:, o]
    x = years[o - 4 : o + 1].astype(float)
    xc = x - x.mean()
    window = total[:, o - 4 : o + 1]
    slope = (window * xc).sum(axis=1) / (xc**2).sum()
    intercept = window.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = (total[:, o] / total[:, o - 3]) ** (1 / 3)
    growth = np.where(np.isfinite(growth), growth, np.nan)
    return {
        "last_value": np.repeat(last[:, None], horizon, axis=1),
        "linear_trend_5y": intercept[:, None] + slope[:, None] * (xc[-1] + steps)[None, :],
        "compound_growth_3y": last[:, None] * growth[:, None] ** steps[None, :],
    }

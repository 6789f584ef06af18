"""Simple forecasts a model has to beat: what an analyst would do in a spreadsheet.

Each takes an (LA, year) array of caseload totals (children) and the January census years of
its columns, and returns (LA, horizon) forecasts from ``origin`` using columns up to the
origin only. An LA missing a value the rule needs gets NaN, never a guess.

Three use each LA's own history; two pool it with England's, which is what the backtest
rewards (docs/forecast.md): England's growth over the last three years applied to every LA,
and each LA's own three-year growth moved halfway toward England's.
"""

from __future__ import annotations

import numpy as np

from highneeds.errors import ModelInputError

#: Baseline names, in the order tables show them.
BASELINES = (
    "last_value",
    "linear_trend_5y",
    "compound_growth_3y",
    "england_growth_3y",
    "halfway_to_england_3y",
)
#: Each baseline in words, for tables people read (scripts keep the names above).
BASELINE_LABELS = {
    "last_value": "Last value held",
    "linear_trend_5y": "Linear trend of 5 years",
    "compound_growth_3y": "Own growth of 3 years",
    "england_growth_3y": "England's growth of 3 years",
    "halfway_to_england_3y": "Own growth halfway to England's",
}
#: The baselines that borrow England's growth.
POOLED_BASELINES = ("england_growth_3y", "halfway_to_england_3y")
#: Years over which the compound and pooled baselines measure growth.
GROWTH_YEARS = 3


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


def england_growth(
    total: np.ndarray, england: np.ndarray | None, o: int, years: int = GROWTH_YEARS
) -> float:
    """England's average yearly growth factor over the ``years`` years to column ``o``: from
    its published caseload where both years are published, else from the sum of the LAs
    published in both (a release filtered to a few LAs has no national rows)."""
    if england is not None and np.isfinite(england[[o - years, o]]).all():
        return float((england[o] / england[o - years]) ** (1 / years))
    both = np.isfinite(total[:, o]) & np.isfinite(total[:, o - years])
    if not both.any():
        return np.nan
    return float((total[both, o].sum() / total[both, o - years].sum()) ** (1 / years))


def baseline_forecasts(
    total: np.ndarray,
    years: np.ndarray,
    origin: int,
    horizon: int,
    england: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """(L, horizon) forecasts of caseload by each baseline in :data:`BASELINES`.

    * ``last_value``: the origin year's caseload, held flat;
    * ``linear_trend_5y``: least-squares straight line through the last five years
      (origin − 4 … origin), extended;
    * ``compound_growth_3y``: the LA's average yearly growth factor over the last three
      years, (caseload[origin] / caseload[origin − 3]) ** (1/3), compounded;
    * ``england_growth_3y``: England's factor over the same years (``england``, (Y,) its
      caseload; see :func:`england_growth`) compounded from each LA's origin caseload;
    * ``halfway_to_england_3y``: the mean of the LA's factor and England's, compounded.
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
        growth = (total[:, o] / total[:, o - GROWTH_YEARS]) ** (1 / GROWTH_YEARS)
    growth = np.where(np.isfinite(growth), growth, np.nan)
    national = england_growth(total, england, o)

    def compound(factor) -> np.ndarray:
        return last[:, None] * np.asarray(factor)[..., None] ** steps[None, :]

    return {
        "last_value": np.repeat(last[:, None], horizon, axis=1),
        "linear_trend_5y": intercept[:, None] + slope[:, None] * (xc[-1] + steps)[None, :],
        "compound_growth_3y": compound(growth),
        "england_growth_3y": compound(np.full(len(last), national)),
        "halfway_to_england_3y": compound((growth + national) / 2),
    }

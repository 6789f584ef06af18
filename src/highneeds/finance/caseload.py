"""Caseload frames for the cost model, from a forecast's simulations.

The cost model, capacity constraint and scenarios all work on one long frame:
``[simulation,] year, setting, need, age_band, count`` (children in January of ``year``).
This module makes it from :class:`highneeds.forecast.result.ForecastResult` through its public
``draws`` method, so the forecast's uncertainty is carried simulation by simulation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError

DEFAULT_BY = ("setting", "need", "age_band")
#: The full state: what the capacity constraint needs (designated needs, NCY ranges). The
#: cost model derives the age band from ``ncy``.
STATE_BY = ("setting", "need", "ncy")


def caseload_from_forecast(
    result,
    by: Sequence[str] = DEFAULT_BY,
    *,
    simulations: bool = True,
    funding_categories: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The forecast's caseload as a long frame, one row per (simulation,) year and group.

    ``by=STATE_BY`` gives setting × need × NCY, so that
    :func:`highneeds.finance.sufficiency.constrain_to_capacity` can match children to
    provisions by designated needs and NCY range (an ``age_band`` column is added from NCY).
    ``result``: a ``ForecastResult`` (anything with ``draws(by)`` returning group labels, an
    (S, T, G) array of simulated counts and a (T, G) expected array, and ``years``).
    ``simulations=False`` gives the expected path without a ``simulation`` column.
    ``funding_categories`` maps settings outside the vocabulary (synthetic labels) to a
    funding category, added as a ``funding_category`` column.
    """
    if "setting" not in by:
        raise ModelInputError("a caseload for costing must be broken down by setting")
    keys, simulated, expected = result.draws(tuple(by))
    years = np.asarray(result.years)
    groups = len(keys)
    if simulations:
        n_sims = simulated.shape[0]
        frame = pd.DataFrame(
            {
                "simulation": np.repeat(np.arange(n_sims), len(years) * groups),
                "year": np.tile(np.repeat(years, groups), n_sims),
                **{c: _tiled(keys[c], n_sims * len(years)) for c in keys.columns},
                "count": simulated.reshape(-1).astype(float),
            }
        )
    else:
        frame = pd.DataFrame(
            {
                "year": np.repeat(years, groups),
                **{c: _tiled(keys[c], len(years)) for c in keys.columns},
                "count": expected.reshape(-1).astype(float),
            }
        )
    if "ncy" in frame.columns and "age_band" not in frame.columns:
        band = {int(n): result.age_band_of_ncy(int(n)) for n in pd.unique(frame["ncy"])}
        frame["age_band"] = frame["ncy"].map(band).astype("category")
    if funding_categories is not None:
        unknown = sorted(set(frame["setting"]) - set(funding_categories))
        if unknown:
            raise ModelInputError(f"no funding category given for settings {unknown}")
        frame["funding_category"] = frame["setting"].map(funding_categories)
    return frame


def _tiled(labels: pd.Series, times: int) -> pd.Categorical | np.ndarray:
    """``labels`` repeated ``times`` over, as a categorical (cheap for millions of rows);
    numbers (NCY) stay numbers, so they can be compared with an NCY range."""
    if pd.api.types.is_numeric_dtype(labels):
        return np.tile(labels.to_numpy(), times)
    codes, uniques = pd.factorize(labels)
    return pd.Categorical.from_codes(np.tile(codes, times), categories=uniques)


def caseload_from_transitions(moves: pd.DataFrame) -> pd.DataFrame:
    """Children with a plan at each January census, from yearly transitions
    (:func:`highneeds.sen2.derived.transitions`: a row per child from ``year`` to ``year + 1``).

    A census is seen as the "to" side of the pair ending in it, and the first census (no pair
    ends in it) as the "from" side of the pair starting in it, so every census counts each
    child once. Returns ``year, setting, need, ncy, count`` for :func:`cost_caseload`.
    """
    columns = ["year", "setting", "need", "ncy", "count"]
    if moves.empty:
        return pd.DataFrame(columns=columns)
    to = moves[moves["setting_to"].notna()].assign(census=moves["year"] + 1)
    to = to.rename(columns={"setting_to": "setting", "need_to": "need", "ncy_to": "ncy"})
    first = int(moves["year"].min())
    start = moves[(moves["year"] == first) & moves["setting_from"].notna()].assign(census=first)
    start = start.rename(
        columns={"setting_from": "setting", "need_from": "need", "ncy_from": "ncy"}
    )
    keys = ["census", "setting", "need", "ncy"]
    both = pd.concat([start[keys], to[keys]], ignore_index=True)
    out = both.groupby(keys, dropna=False).size().rename("count").reset_index()
    out = out.rename(columns={"census": "year"}).astype({"year": int, "count": float})
    return out[columns].sort_values(columns[:4]).reset_index(drop=True)

"""A direct multi-horizon regression of each LA's caseload growth, pooled over every LA.

One of the parts the public-data model combines (:mod:`highneeds.forecast.public`). For each
horizon h, one least-squares regression over every LA and every earlier year s whose outcome
is known by the origin (s + h ≤ origin)::

    g_i(s → s+h) − g_E(s → s+h) = β1,h · (g_i(2y to s) − g_E(2y to s))
                                + β2,h · (inflow_i(s) − inflow_E(s))

g are yearly log growths of caseload (LA i, England E), the inflow rate is the year's new
plans ÷ caseload at January s. Everything is relative to England, with no intercept: the
regression learns only how much of an LA's difference from England persists h years on, and
how much a high inflow of new plans adds, never England's own path (its coefficient would
rest on two or three years of national growth and, tried free, extrapolated wildly; see
docs/forecast.md, "Choosing the defaults"). The forecast is England's growth over the last two
years plus the LA's predicted difference.

A horizon with too few training rows (early origins: the growths need two earlier years)
uses the yearly rate of the longest horizon that could be fitted; with none, the caller's
fallback stands in.

With ``requests`` (requests for EHC needs assessment in the calendar year before January s,
published from 2016, so ``year`` 2017 on), a horizon whose training years carry requests for
at least :data:`MIN_ROWS` LA-years adds a third feature, the LA's requests ÷ caseload less
England's: requests lead new plans by months. An LA without requests at the origin, and a
horizon with too few such rows (at origin 2019 the third year ahead has none), keeps the
two-feature prediction. Chosen on the tuning origins (docs/forecast.md, "Choosing the
defaults").
"""

from __future__ import annotations

import numpy as np

from highneeds.forecast.baselines import england_growth

#: Fewest LA-years a horizon's regression is fitted on; with fewer, a shorter horizon's rate.
MIN_ROWS = 50


def _features(total: np.ndarray, new: np.ndarray, england: np.ndarray, s: int, years: int):
    """(L, 2) the LA's yearly log growth over ``years`` years to index ``s`` and its inflow
    rate, each less England's; and England's yearly log growth over those years. Uses
    columns up to ``s`` only."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(total > 0, total, np.nan))
        own = (logs[:, s] - logs[:, s - years]) / years
        national = np.log(england_growth(total, england, s, years))
        # more new plans than children on plans cannot be right (see public._fit_at)
        plans = np.where(new[:, s] > total[:, s], np.nan, new[:, s])
        inflow = plans / total[:, s]
        both = np.isfinite(inflow)
        national_inflow = plans[both].sum() / total[both, s].sum() if both.any() else np.nan
    return np.column_stack([own - national, inflow - national_inflow]), national


def _requests_rate(total: np.ndarray, requests: np.ndarray, s: int) -> np.ndarray:
    """(L,) the LA's requests for assessment ÷ caseload at index ``s``, less England's
    (the sum over the LAs publishing both)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = requests[:, s] / total[:, s]
        both = np.isfinite(rate)
        national = requests[both, s].sum() / total[both, s].sum() if both.any() else np.nan
    return rate - national


def _fit_rows(total, new, england, logs, o, h, years, requests=None):
    """Training rows (features, outcome) of horizon ``h``: every s with s + h ≤ ``o``."""
    xs, ys = [], []
    for s in range(years, o - h + 1):
        x, _ = _features(total, new, england, s, years)
        if requests is not None:
            x = np.column_stack([x, _requests_rate(total, requests, s)])
        with np.errstate(divide="ignore", invalid="ignore"):
            realised = np.log(england_growth(total, england, s + h, h))
            y = (logs[:, s + h] - logs[:, s]) / h - realised
        good = np.isfinite(x).all(axis=1) & np.isfinite(y)
        xs.append(x[good])
        ys.append(y[good])
    if not xs:
        return None
    x, y = np.vstack(xs), np.concatenate(ys)
    return (x, y) if len(y) >= MIN_ROWS else None


def direct_growth(
    total: np.ndarray,
    new: np.ndarray,
    england: np.ndarray,
    o: int,
    horizon: int,
    years: int,
    requests: np.ndarray | None = None,
) -> np.ndarray:
    """(L, horizon) each LA's predicted log growth of caseload from index ``o`` over 1 …
    ``horizon`` years (NaN where it cannot be fitted or the LA lacks a feature).

    ``total`` and ``new`` are (L, Y) caseload and new plans, ``england`` (Y,) England's
    caseload (NaN where unpublished; the LAs' sum then serves). Only columns up to ``o`` are
    read: a training row's outcome year is at most the origin. ``requests`` (L, Y), NaN
    where unpublished, adds the requests feature where it can be fitted (module docstring).
    """
    total = total[:, : o + 1]
    new = new[:, : o + 1]
    england = england[: o + 1]
    if requests is not None:
        requests = requests[:, : o + 1]
    L = total.shape[0]
    out = np.full((L, horizon), np.nan)
    if o < years:
        return out
    here, national = _features(total, new, england, o, years)
    logs = np.log(np.where(total > 0, total, np.nan))
    rate = None  # the latest fitted horizon's predicted yearly growth
    extra = None if requests is None else _requests_rate(total, requests, o)
    for h in range(1, horizon + 1):
        rows = _fit_rows(total, new, england, logs, o, h, years)
        if rows is not None:
            beta, *_ = np.linalg.lstsq(*rows, rcond=None)
            rate = national + here @ beta
        if rate is None:
            continue
        out[:, h - 1] = rate * h
        if requests is None:
            continue
        rows = _fit_rows(total, new, england, logs, o, h, years, requests)
        if rows is not None:
            beta, *_ = np.linalg.lstsq(*rows, rcond=None)
            with_requests = (national + np.column_stack([here, extra]) @ beta) * h
            out[:, h - 1] = np.where(np.isfinite(with_requests), with_requests, out[:, h - 1])
    return out

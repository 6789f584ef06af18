"""Setting-group breakdown of the public-data model: shares of each LA's caseload.

DfE publishes caseload by setting group per LA per year but no flows between settings, so
the breakdown is a share model on top of the age-band stock-flow total. Shares are projected
in centred log-ratio (clr) space: each LA starts from its own origin shares and follows its
recent clr trend (the slope over the last ``share_years`` years, shrunk toward the national
slope by empirical Bayes, as new plans are in :mod:`highneeds.forecast.public`), damped each
further year ahead. A forecast share vector is the softmax of the projected clr, so the groups
always add up to the total — in the expected path and in every joint draw.

Scope, stated: the groups modelled are those the releases publish consistently
(:data:`GROUPS`, without ``other``); ``other`` is the age-band total minus them, so it holds
educated elsewhere, NEET, work-based learning and anything unclassified. The 2022 release
splits NEET and "other" from educated elsewhere only from 2019, has FE only from 2015 (before
that, plans could not be held in FE), and in January 2018 its groups fall short of the total
(the residual lands in ``other``); the 2025 layout folds NEET, other and Welsh placements back
into educated elsewhere. A year in which any modelled group is published for no LA (FE before
2015) has no breakdown at all, and an LA-year whose groups exceed its total is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.vocabulary import SETTING_GROUP_BY_CODE

#: Setting groups forecast, in table order; ``other`` is the remainder of the total.
GROUPS: tuple[str, ...] = tuple(
    SETTING_GROUP_BY_CODE[code].code
    for code in ("mainstream", "special", "ap_pru", "fe", "early_years", "other")
)
MODELLED = GROUPS[:-1]
#: Largest clr change a year carried forward (~5% a year relative; chosen by backtest
#: among 0, 0.05 and 0.2, docs/forecast.md).
MAX_SLOPE = 0.05
#: The early years group's one setting, published on its own in the person-level layout.
EARLY_YEARS_SETTING = "early_years_non_maintained"
#: Children added to every group before taking logs, so an empty group stays finite.
CHILD_OFFSET = 0.5


def group_caseload(
    tidy: pd.DataFrame, area_codes: pd.Series, years: np.ndarray, total: np.ndarray
) -> np.ndarray:
    """(L, Y, G) caseload by setting group (children) from the tidy DfE EHCP table's
    ``caseload`` rows with setting ``group:<code>``; ``total`` is the (L, Y) age-band total
    that ``other`` completes. NaN where a breakdown is not published (see module notes)."""
    rows = tidy[
        (tidy["geographic_level"] == "la")
        & (tidy["measure"] == "caseload")
        & (tidy["dimension"] == "total")
        & tidy["setting"].isin([*(f"group:{g}" for g in MODELLED), EARLY_YEARS_SETTING])
    ]
    # The person-level layout publishes early years as its one setting, not as a group
    keys = rows["area_code"].astype(str) + "|" + rows["year"].astype(str)
    has_group = keys[rows["setting"] == "group:early_years"]
    rows = rows[(rows["setting"] != EARLY_YEARS_SETTING) | ~keys.isin(has_group)]
    rows = rows.assign(setting=rows["setting"].replace(EARLY_YEARS_SETTING, "group:early_years"))
    out = np.full((len(area_codes), len(years), len(GROUPS)), np.nan)
    area_pos = {a: i for i, a in enumerate(area_codes)}
    year_pos = {int(y): i for i, y in enumerate(years)}
    group_pos = {f"group:{g}": i for i, g in enumerate(MODELLED)}
    rows = rows[rows["area_code"].isin(area_pos.keys()) & rows["year"].isin(year_pos.keys())]
    out[
        rows["area_code"].map(area_pos).to_numpy(dtype=int),
        rows["year"].astype(int).map(year_pos).to_numpy(dtype=int),
        rows["setting"].map(group_pos).to_numpy(dtype=int),
    ] = rows["value"].to_numpy(dtype=float)
    unpublished = np.isnan(out[:, :, :-1]).all(axis=0).any(axis=1)  # (Y,) e.g. FE pre-2015
    out[:, unpublished] = np.nan
    other = total - out[:, :, :-1].sum(axis=2)
    out[:, :, -1] = other
    out[other < 0] = np.nan  # groups exceed the total: inconsistent, so not used
    return out


def pooled_trend(
    logy: np.ndarray, national: np.ndarray, x: np.ndarray, ok: np.ndarray, mask=None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's least-squares slope of ``logy`` (L, T) on ``x`` (T,), shrunk toward the
    slope of ``national`` (T,) by empirical Bayes (weight = between-row spread of slopes ÷
    (that spread + the row's own slope variance), estimated over rows ``ok``); ``mask`` (L, T)
    marks the usable points (default all). Returns (fitted level at the last x, slope)."""
    if mask is None:
        mask = np.ones(logy.shape, dtype=bool)
    w = mask.astype(float)
    n = w.sum(axis=1)
    safe_n = np.maximum(n, 1)
    xbar = (w * x).sum(axis=1) / safe_n
    xc = (x[None, :] - xbar[:, None]) * w
    y = np.where(mask, logy, 0.0)
    ybar = y.sum(axis=1) / safe_n
    sxx = (xc**2).sum(axis=1)
    slope = np.where(sxx > 0, (y * xc).sum(axis=1) / np.where(sxx > 0, sxx, 1), 0.0)
    resid = (y - ybar[:, None] - slope[:, None] * xc) * w
    se2 = np.where(
        (n > 2) & (sxx > 0),
        (resid**2).sum(axis=1) / np.maximum(n - 2, 1) / np.where(sxx > 0, sxx, 1),
        np.inf,
    )
    gx = x - x.mean()
    nat_slope = (national * gx).sum() / max((gx**2).sum(), 1e-12)
    usable = ok & np.isfinite(se2)
    if usable.sum() > 1:
        between = max(np.var(slope[usable]) - np.mean(se2[usable]), 1e-6)
    else:
        between = 1e-6
    weight = np.where(np.isfinite(se2), between / (between + se2), 0.0)
    shrunk = weight * slope + (1 - weight) * nat_slope
    return ybar + shrunk * (x[-1] - xbar), shrunk


def clr(counts: np.ndarray) -> np.ndarray:
    """Centred log-ratio over the last axis of children counts (offset by half a child)."""
    logs = np.log(counts + CHILD_OFFSET)
    return logs - logs.mean(axis=-1, keepdims=True)


def softmax(values: np.ndarray) -> np.ndarray:
    """Shares (summing to 1 over the last axis) from clr values."""
    e = np.exp(values - values.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class ShareFit:
    start: np.ndarray  # (L, G) clr of the origin's setting-group caseload
    slope: np.ndarray  # (L, G) clr change per year
    ok: np.ndarray  # (L,) LA has a breakdown at the origin


def fit_shares(groups: np.ndarray, years: np.ndarray, o: int, share_years: int) -> ShareFit | None:
    """Setting-group share trends from ``groups`` (L, Y, G) using years up to index ``o``;
    None if no LA has a breakdown at the origin. With a single year, shares are held."""
    window = groups[:, max(0, o - share_years + 1) : o + 1]  # (L, T, G)
    start = clr(groups[:, o])
    ok = np.isfinite(start).all(axis=1)
    if not ok.any():
        return None
    mask = np.isfinite(window).all(axis=2)  # (L, T)
    values = clr(np.where(mask[:, :, None], window, 0.0))
    national_counts = np.where((mask & ok[:, None])[:, :, None], window, 0.0).sum(axis=0)
    national = clr(national_counts)  # (T, G)
    x = years[max(0, o - share_years + 1) : o + 1].astype(float)
    has_year = mask[ok].any(axis=0)
    slope = np.zeros_like(start)
    for g in range(groups.shape[2] if has_year.sum() > 1 else 0):
        _, slope[:, g] = pooled_trend(
            values[:, has_year, g], national[has_year, g], x[has_year], ok, mask[:, has_year]
        )
    # A log-ratio slope beyond ±MAX_SLOPE a year is a series starting up (FE in 2015–2017,
    # the transfer from statements), not a trend to carry forward.
    slope = np.clip(slope, -MAX_SLOPE, MAX_SLOPE)
    return ShareFit(np.where(ok[:, None], start, np.nan), slope, ok)


def project_clr(fit: ShareFit, horizon: int, damping: float) -> np.ndarray:
    """(L, G) clr ``horizon`` years after the origin: the slope, damped each further year."""
    steps = sum(damping**h for h in range(horizon))
    return fit.start + steps * fit.slope


def size_variance(errors: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each group's clr error variance as a systematic part plus a counting part that falls
    with the group's size: E[error²] = systematic + counting / children, fitted by least
    squares over earlier LA forecasts (``errors`` and the group's caseload ``size``, (n, G)),
    neither part negative. A group of a few children swings by whole children; a group of
    hundreds only by what moves its share. Returns (systematic, counting), (G,) each."""
    systematic = np.zeros(errors.shape[1])
    counting = np.zeros(errors.shape[1])
    for g in range(errors.shape[1]):
        squared, inverse = errors[:, g] ** 2, 1 / size[:, g]
        (a, b), *_ = np.linalg.lstsq(
            np.column_stack([np.ones_like(inverse), inverse]), squared, rcond=None
        )
        if b < 0:
            a, b = squared.mean(), 0.0
        elif a < 0:
            a, b = 0.0, (squared * inverse).sum() / (inverse**2).sum()
        systematic[g], counting[g] = max(a, 1e-6), b
    return systematic, counting


def group_draws(
    total: np.ndarray, centre: np.ndarray, errors: np.ndarray, scale: np.ndarray | None = None
) -> np.ndarray:
    """(L, n, G) joint draws of setting-group caseload: draw k of each LA's total (``total``,
    (L, n) children) split by the shares of clr ``centre`` (L, G) plus share error k
    (``errors``, (n, G)) times the LA's ``scale`` ((L,) or per group (L, G); default 1);
    every draw's groups add up to that draw's total."""
    width = np.ones((len(centre), 1)) if scale is None else np.asarray(scale)
    if width.ndim == 1:
        width = width[:, None]
    return total[:, :, None] * softmax(centre[:, None, :] + width[:, None, :] * errors[None])

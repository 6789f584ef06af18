"""Estimate the child-level model's parameters from indexed transitions.

Two rule sets share one output, :class:`MarkovParameters`:

* :func:`estimate_bayes` — highneeds' own: hierarchical (empirical-Bayes) priors so a sparse
  state borrows strength from its NCY × setting, NCY and age band; recency weights; a joiner
  rate per head of population with a Gamma posterior (negative-binomial joiner counts).
* :func:`estimate_witan` — witan.send's estimation rules (Beta leavers and movers with a
  per-NCY pooled prior of total weight one, Dirichlet mover destinations whose prior is the
  NCY's pooled mover destinations, a Beta joiner rate averaged over calendar years and a
  Dirichlet joiner split with a flat prior) so results can be compared like for like.

A state's outcome for the year is leave / stay / move. Leaving has probability
``Beta(leave_alpha, leave_beta)``; a child who does not leave moves with probability
``Beta(move_alpha, move_beta)`` (by the Dirichlet aggregation property this is the same as a
three-way Dirichlet); a mover's destination (need, setting) follows ``dest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import vocabulary
from highneeds.errors import ModelInputError
from highneeds.forecast.states import IndexedTransitions, StateSpace


@dataclass
class MarkovParameters:
    """Fitted parameters on the (A, K) grid. Probabilities are per child per year."""

    leave_alpha: np.ndarray  # (A, K)
    leave_beta: np.ndarray  # (A, K)
    move_alpha: np.ndarray  # (A, K)
    move_beta: np.ndarray  # (A, K)
    dest: np.ndarray  # (A, K, K) destination probabilities for movers; rows sum to 1 or 0
    #: (A, K) Dirichlet concentration of each row's destinations (observed movers + prior
    #: weight): how sure the split of movers between destinations is.
    dest_concentration: np.ndarray
    joiner_kind: str  # "gamma" (Poisson counts) or "beta" (binomial on population)
    joiner_a: np.ndarray  # (A,) by NCY in the year joined: Gamma shape / Beta alpha
    joiner_b: np.ndarray  # (A,) Gamma rate / Beta beta
    joiner_split: np.ndarray  # (A, K) Dirichlet parameters of the joiners' states
    uses_population: bool
    trend_mean: float = 0.0  # log joiner-rate change per year
    trend_sd: float = 0.0
    trend_ref_year: float = 0.0
    #: Standard deviation of a year's shock to the log joiner rate (drawn afresh for every
    #: simulation and year, mean-preserving): year-to-year swings beyond the Poisson noise.
    swing_sd: float = 0.0
    #: Standard deviation of a trend in the log joiner rate drawn once per simulation around
    #: none (mean-preserving): the course the data cannot rule out (rate_uncertainty).
    drift_sd: float = 0.0
    notes: list[str] = field(default_factory=list)

    def leave_mean(self) -> np.ndarray:
        return self.leave_alpha / (self.leave_alpha + self.leave_beta)

    def move_mean(self) -> np.ndarray:
        return self.move_alpha / (self.move_alpha + self.move_beta)

    def joiner_rate_mean(self) -> np.ndarray:
        if self.joiner_kind == "gamma":
            return np.divide(
                self.joiner_a,
                self.joiner_b,
                out=np.zeros_like(self.joiner_a),
                where=self.joiner_b > 0,
            )
        total = self.joiner_a + self.joiner_b
        return np.divide(self.joiner_a, total, out=np.zeros_like(total), where=total > 0)

    def joiner_split_mean(self) -> np.ndarray:
        total = self.joiner_split.sum(axis=1, keepdims=True)
        return np.divide(
            self.joiner_split, total, out=np.zeros_like(self.joiner_split), where=total > 0
        )


# ------------------------------------------------------------------------------------------
# Shared counting
# ------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    on_plan: np.ndarray  # (A, K) children starting the year in the state (weighted)
    leavers: np.ndarray  # (A, K)
    movers: np.ndarray  # (A, K)
    dest: np.ndarray  # (A, K, K) movers by destination
    joiners: np.ndarray  # (Y, A, K) joiners by transition year and TO state (unweighted)


def _count(
    idx: IndexedTransitions,
    space: StateSpace,
    years: np.ndarray,
    weights: np.ndarray,
    *,
    move_means_setting_change: bool,
) -> _Counts:
    A, K = space.n_ncy, space.n_pairs
    year_pos = {int(y): i for i, y in enumerate(years)}
    w = np.array([weights[year_pos[int(y)]] for y in idx.year])
    held = idx.k_from >= 0
    cell = idx.a_from[held] * K + idx.k_from[held]
    on_plan = np.bincount(cell, weights=w[held], minlength=A * K).reshape(A, K)
    leaving = held & (idx.k_to < 0)
    leavers = np.bincount(
        idx.a_from[leaving] * K + idx.k_from[leaving], weights=w[leaving], minlength=A * K
    ).reshape(A, K)
    staying = held & (idx.k_to >= 0)
    if move_means_setting_change:
        M = len(space.settings)
        moved = staying & ((idx.k_from % M) != (idx.k_to % M))
    else:
        moved = staying & (idx.k_from != idx.k_to)
    m_cell = idx.a_from[moved] * K + idx.k_from[moved]
    movers = np.bincount(m_cell, weights=w[moved], minlength=A * K).reshape(A, K)
    dest = np.bincount(m_cell * K + idx.k_to[moved], weights=w[moved], minlength=A * K * K).reshape(
        A, K, K
    )
    joining = ~held
    joiners = np.zeros((len(years), A, K))
    np.add.at(
        joiners,
        (
            np.array([year_pos[int(y)] for y in idx.year[joining]], dtype=int),
            idx.a_to[joining],
            idx.k_to[joining],
        ),
        1.0,
    )
    return _Counts(on_plan, leavers, movers, dest, joiners)


def population_array(
    population: pd.DataFrame, space: StateSpace, years: list[int], *, purpose: str
) -> np.ndarray:
    """(len(years), A) background population; a missing year or NCY raises ModelInputError.

    ``population`` has columns year (January census year), ncy, population (children).
    """
    for column in ("year", "ncy", "population"):
        if column not in population.columns:
            raise ModelInputError(f"population: missing column {column!r}")
    table = population.groupby(["year", "ncy"])["population"].sum()
    out = np.zeros((len(years), space.n_ncy))
    have_years = set(table.index.get_level_values(0))
    for i, year in enumerate(years):
        if year not in have_years:
            raise ModelInputError(
                f"population: no rows for year {year}, needed {purpose}; add that year's "
                "population by NCY (or a projection) to the population file"
            )
        row = table.loc[year]
        for a, ncy in enumerate(space.ncys):
            if ncy in row.index:
                value = float(row.loc[ncy])
                if not np.isfinite(value) or value < 0:
                    raise ModelInputError(
                        f"population: year {year}, NCY {ncy} has an invalid value {value!r}"
                    )
                out[i, a] = value
    return out


def _shrink(
    success: np.ndarray, total: np.ndarray, prior: np.ndarray, strength: float
) -> np.ndarray:
    """Posterior mean of a rate with a Beta prior of mean ``prior`` and weight ``strength``."""
    return (success + strength * prior) / (total + strength)


def _age_band_index(space: StateSpace) -> np.ndarray:
    bands = [vocabulary.age_band_of_ncy(int(n)) for n in space.ncys]
    codes = {b: i for i, b in enumerate(dict.fromkeys(bands))}
    return np.array([codes[b] for b in bands])


def _hierarchical_rate(
    success: np.ndarray, total: np.ndarray, space: StateSpace, strength: float
) -> np.ndarray:
    """Prior mean for every (a, k): overall -> age band -> NCY -> NCY x setting, shrunk."""
    A = success.shape[0]
    band = _age_band_index(space)
    p0 = (success.sum() + 0.5) / (total.sum() + 1.0)
    n_band = band.max() + 1
    s_band = np.bincount(band, weights=success.sum(axis=1), minlength=n_band)
    t_band = np.bincount(band, weights=total.sum(axis=1), minlength=n_band)
    p_band = _shrink(s_band, t_band, p0, strength)
    p_ncy = _shrink(success.sum(axis=1), total.sum(axis=1), p_band[band], strength)
    setting = space.pair_setting()
    M = len(space.settings)
    s_am = np.zeros((A, M))
    t_am = np.zeros((A, M))
    for m in range(M):
        s_am[:, m] = success[:, setting == m].sum(axis=1)
        t_am[:, m] = total[:, setting == m].sum(axis=1)
    p_am = _shrink(s_am, t_am, p_ncy[:, None], strength)
    return p_am[:, setting]


# ------------------------------------------------------------------------------------------
# highneeds' own estimation
# ------------------------------------------------------------------------------------------


def estimate_bayes(
    idx: IndexedTransitions,
    space: StateSpace,
    *,
    years: np.ndarray,
    weights: np.ndarray,
    population: np.ndarray | None,
    prior_strength: float = 2.0,
    joiner_trend: bool = False,
    rate_uncertainty: bool = False,
) -> MarkovParameters:
    """Hierarchical Bayesian estimates; ``population`` is (Y, A) for the TO years or None.

    With ``rate_uncertainty`` the joiner rate also carries the uncertainty of its course
    (:func:`_fit_rate_uncertainty`): an unknown trend and yearly swings."""
    c = _count(idx, space, years, weights, move_means_setting_change=False)
    K = space.n_pairs
    valid = space.valid
    kappa = prior_strength

    p_leave = _hierarchical_rate(c.leavers, c.on_plan, space, kappa)
    leave_alpha = c.leavers + kappa * p_leave
    leave_beta = (c.on_plan - c.leavers) + kappa * (1.0 - p_leave)

    staying = c.on_plan - c.leavers
    p_move = _hierarchical_rate(c.movers, staying, space, kappa)
    move_alpha = c.movers + kappa * p_move
    move_beta = (staying - c.movers) + kappa * (1.0 - p_move)

    dest = _destination_posterior(c.dest, space, kappa)

    # Joiners: rate per head of population (or per year without one) by NCY joined,
    # Gamma posterior whose prior mean is the age band's pooled rate.
    w = weights[:, None]
    joiners_by_ncy = c.joiners.sum(axis=2)  # (Y, A)
    exposure = population if population is not None else np.ones_like(joiners_by_ncy)
    j = (w * joiners_by_ncy).sum(axis=0)
    e = (w * exposure).sum(axis=0)
    band = _age_band_index(space)
    j_band = np.bincount(band, weights=j)
    e_band = np.bincount(band, weights=e)
    r_band = np.divide(j_band + 0.5, e_band, out=np.zeros_like(j_band), where=e_band > 0)[band]
    can_join = valid.any(axis=1) & (r_band > 0)
    joiner_a = np.where(can_join, j + kappa, 0.0)
    joiner_b = np.where(can_join, e + kappa / np.where(r_band > 0, r_band, 1.0), 1.0)

    # Joiners' states: Dirichlet with a prior pooled over the age band, over valid states.
    split_counts = (w[:, :, None] * c.joiners).sum(axis=0)  # (A, K)
    band_split = np.zeros((band.max() + 1, K))
    np.add.at(band_split, band, split_counts)
    base = band_split[band] * valid + 1e-3 * valid
    base_total = base.sum(axis=1, keepdims=True)
    base = np.divide(base, base_total, out=np.zeros_like(base), where=base_total > 0)
    joiner_split = np.where(valid, split_counts + kappa * base, 0.0)

    params = MarkovParameters(
        leave_alpha=leave_alpha,
        leave_beta=leave_beta,
        move_alpha=move_alpha,
        move_beta=move_beta,
        dest=dest,
        dest_concentration=c.movers + kappa,
        joiner_kind="gamma",
        joiner_a=joiner_a,
        joiner_b=joiner_b,
        joiner_split=joiner_split,
        uses_population=population is not None,
    )
    with np.errstate(divide="ignore", invalid="ignore"):  # a year without population
        rates = joiners_by_ncy.sum(axis=1) / exposure.sum(axis=1)
    if joiner_trend:
        _fit_trend(params, years + 1, rates, weights)
    if rate_uncertainty:
        _fit_rate_uncertainty(params, years + 1, rates, joiners_by_ncy.sum(axis=1), weights)
    return params


#: Prior for the variance of a year's swing in an LA's log joiner rate, beyond Poisson
#: noise: from the DfE releases, the median LA's yearly change in log new plans (2016–2022,
#: each year's national change taken out) has variance 0.055 after Poisson noise; for
#: independent yearly swings that is twice a swing's variance, so a swing's sd is about 0.17.
SWING_PRIOR_VARIANCE = 0.0275
#: Weight of that prior, in training years.
SWING_PRIOR_YEARS = 2.0
#: Prior variance of an LA's trend in its log joiner rate, around none: in the DfE releases
#: England's new plans grew 11–16% a year (log-linear slopes over 2015–2022 windows) and LAs'
#: own slopes spread around England's with variance about 0.006 beyond their noise, so a
#: trend of sd √(0.13² + 0.006) ≈ 0.15 a year is what an LA's history cannot rule out alone.
TREND_PRIOR_VARIANCE = 0.0225


def _fit_rate_uncertainty(
    params: MarkovParameters,
    to_years: np.ndarray,
    rates: np.ndarray,
    joiners: np.ndarray,
    weights: np.ndarray,
) -> None:
    """Widen the joiner rate by the uncertainty of its course, not only of its level.

    * **Trend**: without a fitted trend (``joiner_trend`` off) the forecast carries none, but
      the data cannot rule one out: each simulation draws a trend g from Normal(0, s²), s² =
      m² + v with m and v the posterior mean and variance of the slope of the log-linear fit
      over the training years (three or more years with joiners; else none) under a
      Normal(0, :data:`TREND_PRIOR_VARIANCE`) prior, so a short, noisy history cannot claim a
      wild trend; and h years ahead multiplies the joiner
      rate by exp(g·h − s²h²/2), whose mean is 1: the expected path is unchanged. (With
      ``joiner_trend`` on, the fitted trend's own uncertainty is already drawn.)
    * **Swings**: each simulation-year's joiner rate is multiplied by exp(e − v/2),
      e ~ Normal(0, v), v the variance of the training years' log rates around the trend
      (less Poisson noise, 1/joiners) pooled with :data:`SWING_PRIOR_VARIANCE` worth
      :data:`SWING_PRIOR_YEARS` years. Mean-preserving: the expected path is unchanged.
    """
    usable = np.isfinite(rates) & (rates > 0)  # a year without population or joiners: out
    x, y, n_join = to_years[usable].astype(float), np.log(rates[usable]), joiners[usable]
    if len(x) >= 3 and params.trend_sd == 0.0:
        probe = MarkovParameters(**{**params.__dict__, "notes": []})
        _fit_trend(probe, to_years[usable], rates[usable], weights[usable])
        # the fitted slope b (standard error s) pooled with a Normal(0, τ²) prior:
        # posterior mean b·τ²/(τ² + s²), variance τ²s²/(τ² + s²)
        prior, noise = TREND_PRIOR_VARIANCE, probe.trend_sd**2
        mean = probe.trend_mean * prior / (prior + noise)
        params.drift_sd = float(np.sqrt(mean**2 + prior * noise / (prior + noise)))
    if len(x) >= 3:
        slope = np.polyfit(x, y, 1)
        resid = y - np.polyval(slope, x)
        dof = len(x) - 2
    elif len(x) == 2:
        resid = y - y.mean()
        dof = 1
    else:  # one year or none with joiners: the prior alone
        resid, dof = np.zeros(0), 0
        n_join = np.zeros(0)
    own = float((resid**2).sum() - (1.0 / np.maximum(n_join, 1)).sum())
    own = max(own, 0.0)  # a dof-weighted sum of squares less the Poisson part
    variance = (own + SWING_PRIOR_YEARS * SWING_PRIOR_VARIANCE) / (dof + SWING_PRIOR_YEARS)
    params.swing_sd = float(np.sqrt(variance))


def _fit_trend(
    params: MarkovParameters, to_years: np.ndarray, rates: np.ndarray, weights: np.ndarray
) -> None:
    """Weighted least squares of log joiner rate on year; sets mean, sd and reference year."""
    if len(to_years) < 3 or np.any(rates <= 0):
        raise ModelInputError(
            "joiner trend needs at least three training years with joiners; "
            "train on more years or switch the trend off"
        )
    x = to_years.astype(float)
    y = np.log(rates)
    w = weights / weights.sum()
    x_bar = (w * x).sum()
    y_bar = (w * y).sum()
    sxx = (w * (x - x_bar) ** 2).sum()
    slope = (w * (x - x_bar) * (y - y_bar)).sum() / sxx
    resid = y - y_bar - slope * (x - x_bar)
    n = len(x)
    sigma2 = (w * resid**2).sum() * n / max(n - 2, 1)
    params.trend_mean = float(slope)
    params.trend_sd = float(np.sqrt(sigma2 / (sxx * n)))
    params.trend_ref_year = float(x_bar)


def _destination_posterior(dest_counts: np.ndarray, space: StateSpace, kappa: float) -> np.ndarray:
    """Mover destinations: observed counts plus a prior pooled over the NCY x setting.

    The prior keeps the child's need with the pooled probability of keeping it, and picks
    the destination setting from movers out of the same setting at the same NCY, shrunk to
    all movers at that NCY and then to an even spread over allowed settings.
    """
    A, K = dest_counts.shape[:2]
    N, M = len(space.needs), len(space.settings)
    d = dest_counts.reshape(A, N, M, N, M)
    # destination settings pooled over needs
    by_setting = d.sum(axis=(1, 3))  # (A, M, M') from setting m to m'
    by_ncy = by_setting.sum(axis=1)  # (A, M')
    uniform = np.full(M, 1.0 / M)
    s_a = (by_ncy + kappa * uniform) / (by_ncy.sum(axis=1, keepdims=True) + kappa)
    s_am = (by_setting + kappa * s_a[:, None, :]) / (by_setting.sum(axis=2, keepdims=True) + kappa)
    # need changes
    same_need = np.einsum("anmnj->a", d)
    total = d.sum(axis=(1, 2, 3, 4))
    changed = total - same_need
    rho0 = (changed.sum() + 0.5) / (total.sum() + 1.0)
    rho = (changed + kappa * rho0) / (total + kappa)  # (A,)
    need_counts = d.sum(axis=(0, 1, 2, 4))  # destination needs of all movers
    nu = (need_counts + 0.5) / (need_counts.sum() + 0.5 * N)
    eye = np.eye(N, dtype=bool)
    other = np.where(eye, 0.0, nu[None, :] / np.maximum(1.0 - nu[:, None], 1e-12))  # (N, N')
    need_part = np.where(
        eye[None], (1.0 - rho)[:, None, None], rho[:, None, None] * other[None]
    )  # (A, N, N')
    prior = need_part[:, :, None, :, None] * s_am[:, None, :, None, :]  # (A, N, M, N', M')
    allowed = (
        space.pair_allowed[None, None, None, :, :]
        & (space.move_allowed | np.eye(M, dtype=bool))[None, None, :, None, :]
    )
    same_state = eye[:, None, :, None] & np.eye(M, dtype=bool)[None, :, None, :]
    allowed = allowed & ~same_state[None]
    prior = np.where(allowed, prior, 0.0).reshape(A, K, K)
    prior_total = prior.sum(axis=2, keepdims=True)
    prior = np.divide(prior, prior_total, out=np.zeros_like(prior), where=prior_total > 0)
    post = np.where(allowed.reshape(1, K, K), dest_counts + kappa * prior, 0.0)
    post_total = post.sum(axis=2, keepdims=True)
    return np.divide(post, post_total, out=np.zeros_like(post), where=post_total > 0)


# ------------------------------------------------------------------------------------------
# witan.send's estimation rules
# ------------------------------------------------------------------------------------------


def _nearest_with_data(values: np.ndarray, has: np.ndarray, default: float) -> np.ndarray:
    """``values`` (A,) where ``has``; elsewhere the nearest NCY below with data, else the
    nearest above, else ``default``."""
    out = np.full(len(values), float(default))
    rows = np.flatnonzero(has)
    if not len(rows):
        return out
    for a in range(len(values)):
        below, above = rows[rows <= a], rows[rows > a]
        out[a] = values[below[-1]] if len(below) else values[above[0]]
    return out


def estimate_witan(
    idx: IndexedTransitions,
    space: StateSpace,
    *,
    years: np.ndarray,
    population_from_years: np.ndarray,
) -> MarkovParameters:
    """witan.send's rules; ``population_from_years`` is (Y, A) for the FROM years.

    witan.send treats a need change without a setting change as staying, and fits joiner
    rates against the population of the transition's first calendar year.
    """
    A, K = space.n_ncy, space.n_pairs
    M = len(space.settings)
    N = len(space.needs)
    c = _count(idx, space, years, np.ones(len(years)), move_means_setting_change=True)
    valid = space.valid

    def beta_rows(success: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s_a = success.sum(axis=1)
        f_a = (total - success).sum(axis=1)
        has = total.sum(axis=1) > 0
        # pooled prior per NCY with total weight one. witan.send has none for an NCY no
        # transition starts from (no parameters at all there); highneeds borrows the nearest
        # NCY below with data (as witan.send's mover destinations borrow the NCY below), else
        # the nearest above, else all NCYs: not the all-NCY rate first, which put NCY 18 of
        # witan.send's demo at a 7% leaving rate between neighbours at 83-85%.
        pa = (s_a + 0.5) / (s_a + f_a + 1.0)
        overall = (success.sum() + 0.5) / (total.sum() + 1.0)
        pa = _nearest_with_data(pa, has, overall)
        alpha = np.where(valid, success + pa[:, None], 1.0)
        beta = np.where(valid, (total - success) + (1.0 - pa)[:, None], 1.0)
        return alpha, beta

    leave_alpha, leave_beta = beta_rows(c.leavers, c.on_plan)
    staying = c.on_plan - c.leavers
    move_alpha, move_beta = beta_rows(c.movers, staying)
    can_move_anywhere = (space.move_allowed & ~np.eye(M, dtype=bool)).any(axis=1)
    no_moves = ~can_move_anywhere[space.pair_setting()]
    move_alpha = np.where(no_moves[None, :], 0.0, move_alpha)
    move_beta = np.where(no_moves[None, :], 1.0, move_beta)

    # Mover destinations: prior over settings valid for the need at this NCY and reachable,
    # plus every setting movers at this NCY went to (or the NCY below if none), total one.
    into = c.dest.reshape(A, K, N, M).sum(axis=(1, 2))  # (A, M') movers' destination settings
    into_prev = np.vstack([np.zeros((1, M)), into[:-1]])
    ay_obs = np.where(into.sum(axis=1, keepdims=True) > 0, into, into_prev)
    valid_anm = valid.reshape(A, N, M)
    dest = np.zeros((A, N, M, N, M))
    for m in range(M):
        reachable = space.move_allowed[m]
        for n in range(N):
            candidates = valid_anm[:, n, :] & reachable[None, :]  # (A, M')
            count = candidates.sum(axis=1, keepdims=True)
            prior = np.divide(candidates, count, out=np.zeros((A, M)), where=count > 0) + ay_obs
            prior[:, m] = 0.0
            # the prior keeps the child's need; only pairs in the model can receive children
            prior = prior * space.pair_allowed[n][None, :]
            total = prior.sum(axis=1, keepdims=True)
            prior = np.divide(prior, total, out=np.zeros_like(prior), where=total > 0)
            dest[:, n, m, n, :] = prior
    dest = dest.reshape(A, K, K) * valid[:, :, None] + c.dest
    total = dest.sum(axis=2, keepdims=True)
    dest = np.divide(dest, total, out=np.zeros_like(dest), where=total > 0)

    # Joiner rate per NCY: Beta averaged over the calendar years that had joiners there.
    joiners_by_ncy = c.joiners.sum(axis=2)  # (Y, A)
    present = joiners_by_ncy > 0
    n_years = max(int(present.any(axis=1).sum()), 1)
    joiner_a = (joiners_by_ncy * present).sum(axis=0) / n_years
    joiner_b = ((population_from_years - joiners_by_ncy) * present).sum(axis=0) / n_years
    if np.any(joiner_b < 0):
        a = int((joiner_b < 0).nonzero()[0][0])
        raise ModelInputError(
            f"population: NCY {space.ncys[a]} has fewer children than joiners to EHCPs; "
            "check the population file's year and NCY columns"
        )
    split_counts = c.joiners.sum(axis=0)
    n_valid = valid.sum(axis=1, keepdims=True)
    flat = np.divide(valid, n_valid, out=np.zeros((A, K)), where=n_valid > 0)
    has_joiners = split_counts.sum(axis=1, keepdims=True) > 0
    joiner_split = np.where(has_joiners, flat + split_counts, 0.0)
    joiner_a = np.where(has_joiners[:, 0], joiner_a, 0.0)
    return MarkovParameters(
        leave_alpha=leave_alpha,
        leave_beta=leave_beta,
        move_alpha=move_alpha,
        move_beta=move_beta,
        dest=dest,
        dest_concentration=c.movers + 1.0,
        joiner_kind="beta",
        joiner_a=joiner_a,
        joiner_b=np.where(has_joiners[:, 0], joiner_b, 1.0),
        joiner_split=joiner_split,
        uses_population=True,
    )

"""Project a caseload year by year: the exact expected path and a vectorised Monte Carlo.

One year, for children in state (a, k) in January of year t:

1. children in the last NCY (age 25) leave — an explicit "aged out" exit;
2. the others leave with probability p_leave, else move with probability p_move, else stay;
3. stayers whose setting does not serve NCY a + 1 (they would outstay its age range) are
   moved on like movers; movers go to a destination valid at a + 1; a child with nowhere
   valid to go is counted as an explicit leaver — nobody silently vanishes;
4. joiners arrive at each NCY (Poisson on a Gamma rate, or binomial on a Beta rate, per
   head of population) and are spread over states by a Dirichlet split.

Parameter uncertainty: every simulation draws its own leave and move probabilities, joiner
rates, joiner split and joiner trend once, then keeps them for the whole horizon (a child
never visits the same (a, k) twice, so the expected path of this process is exactly the
path under the posterior-mean parameters — the property the tests check).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from highneeds.forecast.estimate import MarkovParameters
from highneeds.forecast.states import StateSpace

LEAVER_REASONS = ("left", "aged_out", "no_valid_setting")


@dataclass
class Routes:
    """Where each (a, k) sends its stayers and movers in our rules (flattened over A*K)."""

    stay_ok: np.ndarray  # (A*K,) bool: the state is valid at a + 1
    has_dest: np.ndarray  # (A*K,) bool: some valid destination exists at a + 1
    dest: np.ndarray  # (A, K, K) destination probabilities restricted to valid at a + 1
    last_ncy: np.ndarray  # (A*K,) bool: rows in the highest NCY (everyone leaves)
    #: Only for reproducing witan.send: rows whose children silently vanish (not leavers).
    silent_drop: np.ndarray | None = None


def prepare_routes(params: MarkovParameters, space: StateSpace) -> Routes:
    A, K = space.n_ncy, space.n_pairs
    valid = space.valid
    next_valid = np.zeros((A, K), dtype=bool)
    next_valid[:-1] = valid[1:]
    dest = params.dest * next_valid[:, None, :]
    total = dest.sum(axis=2, keepdims=True)
    dest = np.divide(dest, total, out=np.zeros_like(dest), where=total > 0)
    last = np.zeros((A, K), dtype=bool)
    last[-1] = True
    return Routes(
        stay_ok=next_valid.reshape(-1),
        has_dest=(total[:, :, 0] > 0).reshape(-1),
        dest=dest,
        last_ncy=last.reshape(-1),
    )


@dataclass(frozen=True)
class Adjustment:
    """A scenario's hook into the projection: fewer joiners and redirected placements.

    ``joiner_factor`` (T, A*K), in [0, 1]: share of the joiners into each cell in projected
    year t who still join (early help: 1 − reduction × ramp). ``redirect_share`` (T, A*K),
    in [0, 1]: share of the *new placements* into each cell in year t — joiners and movers
    arriving there, not children staying put — sent instead to ``redirect_to`` (A*K,), a
    cell of the same NCY (e.g. special → mainstream, independent → in-area). ``None`` = no
    change. Children are never lost: a redirected child is placed elsewhere, a prevented
    joiner never joins.
    """

    joiner_factor: np.ndarray | None = None
    redirect_share: np.ndarray | None = None
    redirect_to: np.ndarray | None = None

    @property
    def is_identity(self) -> bool:
        joiners = self.joiner_factor is None or bool(np.all(self.joiner_factor == 1.0))
        moves = self.redirect_share is None or not bool(np.any(self.redirect_share > 0))
        return joiners and moves

    def check(self, horizon: int, cells: int, valid: np.ndarray) -> None:
        """Shapes and ranges; a redirect must land on a valid cell of the same NCY."""
        for name in ("joiner_factor", "redirect_share"):
            value = getattr(self, name)
            if value is None:
                continue
            if value.shape != (horizon, cells):
                raise ValueError(f"{name} must have shape {(horizon, cells)}, not {value.shape}")
            if np.any((value < 0) | (value > 1)):
                raise ValueError(f"{name} must lie between 0 and 1")
        if self.redirect_share is not None:
            if self.redirect_to is None or self.redirect_to.shape != (cells,):
                raise ValueError("redirect_share needs redirect_to, one target cell per cell")
            used = self.redirect_share.max(axis=0) > 0
            target = self.redirect_to[used]
            source = np.flatnonzero(used)
            flat_valid = valid.reshape(-1)
            cells_per_ncy = valid.shape[1]
            if np.any(target < 0) or not np.all(flat_valid[target]):
                raise ValueError("a redirect points to a cell that cannot hold children")
            if np.any(target // cells_per_ncy != source // cells_per_ncy):
                raise ValueError("a redirect must keep the child's NCY")

    def factor(self, t: int, cells: int) -> np.ndarray:
        return np.ones(cells) if self.joiner_factor is None else self.joiner_factor[t]

    def share(self, t: int, cells: int) -> np.ndarray:
        return np.zeros(cells) if self.redirect_share is None else self.redirect_share[t]


def _redirect_expected(arrivals: np.ndarray, share: np.ndarray, target: np.ndarray | None):
    """Expected new placements after a redirect (1-D over cells)."""
    if target is None or not np.any(share > 0):
        return arrivals
    moved = arrivals * share
    out = arrivals - moved
    np.add.at(out, target[share > 0], moved[share > 0])
    return out


def _route(n, leavers, movers, stay_ok, has_dest):
    """Split one year's non-leavers into (to_stay, to_move, outstay_leavers); arrays or floats."""
    stayers = n - leavers - movers
    to_move = np.where(has_dest, movers + np.where(stay_ok, 0, stayers), 0)
    to_stay = np.where(stay_ok, stayers + np.where(has_dest, 0, movers), 0)
    return to_stay, to_move, n - leavers - to_move - to_stay


def _route_counts(n, leavers, movers, row, routes: Routes, usual: np.ndarray):
    """:func:`_route` of simulated counts, the children of entry i being in cell ``row[i]``.

    In a ``usual`` cell (valid at the next NCY, with somewhere for its movers to go)
    stayers stay and movers move, so the rule itself is applied only to the entries of the
    other cells. Returns (to_stay, to_move, those entries, their outstay leavers)."""
    to_stay = n - leavers - movers
    to_move = movers.copy()
    odd = np.flatnonzero(~np.take(usual, row))
    odd_row = row[odd]
    stay, move, out_leave = _route(
        n[odd], leavers[odd], movers[odd], routes.stay_ok[odd_row], routes.has_dest[odd_row]
    )
    to_stay[odd] = stay
    to_move[odd] = move
    return to_stay, to_move, odd, out_leave


def trend_factor_mean(params: MarkovParameters, year: int) -> float:
    """E[exp(g * (year - ref))] for g ~ Normal(mean, sd): the lognormal mean."""
    if params.trend_mean == 0.0 and params.trend_sd == 0.0:
        return 1.0
    d = year - params.trend_ref_year
    return float(np.exp(params.trend_mean * d + 0.5 * (params.trend_sd * d) ** 2))


@dataclass
class Path:
    """Counts on the grid for the base year and each projected year."""

    years: np.ndarray  # (T + 1,) January census years
    stock: np.ndarray  # (S, T + 1, A*K); S = 1 for the expected path
    leavers: np.ndarray  # (S, T) children leaving during the year ending in years[t + 1]
    joiners: np.ndarray  # (S, T)
    #: (S, T) leavers by reason: "left" (plan ceased or moved away, by the fitted rates),
    #: "aged_out" (past NCY 20, age 25) and "no_valid_setting" (outgrew a setting with no
    #: valid setting to move on to). They add up to ``leavers``.
    leavers_by_reason: dict[str, np.ndarray] | None = None
    #: A scenario's run only: the baseline simulated jointly with it (common random numbers).
    coupled_baseline: Path | None = None


def expected_path(
    params: MarkovParameters,
    routes: Routes,
    initial: np.ndarray,
    exposure: np.ndarray,
    base_year: int,
    adjustment: Adjustment | None = None,
) -> Path:
    """Exact expected path. ``exposure`` is (T, A): population (or ones) for each TO year.

    With an ``adjustment`` it is the scenario's exact expected path (the hook is linear)."""
    A, K = params.leave_alpha.shape
    T = exposure.shape[0]
    pl = params.leave_mean().reshape(-1)
    pm = params.move_mean().reshape(-1)
    rate = params.joiner_rate_mean()
    split = params.joiner_split_mean()
    x = initial.reshape(-1).astype(float)
    stock = np.zeros((1, T + 1, A * K))
    stock[0, 0] = x
    leavers = np.zeros((1, T))
    reasons = {r: np.zeros((1, T)) for r in LEAVER_REASONS}
    joiners = np.zeros((1, T))
    for t in range(T):
        if routes.silent_drop is not None:
            x = np.where(routes.silent_drop, 0.0, x)
        aged_out = x[routes.last_ncy].sum()
        n = np.where(routes.last_ncy, 0.0, x)
        left = n * pl
        moving = (n - left) * pm
        to_stay, to_move, out_leave = _route(n, left, moving, routes.stay_ok, routes.has_dest)
        nxt = np.zeros(A * K)
        nxt[K:] += to_stay[:-K]
        arrivals = np.zeros(A * K)
        moved = np.einsum("ak,akj->aj", to_move.reshape(A, K)[:-1], routes.dest[:-1])
        arrivals[K:] += moved.reshape(-1)
        year = base_year + t + 1
        join = rate * exposure[t] * trend_factor_mean(params, year)
        join = np.where(params.joiner_split.sum(axis=1) > 0, join, 0.0)
        join_cells = (join[:, None] * split).reshape(-1)
        if adjustment is not None:
            join_cells = join_cells * adjustment.factor(t, A * K)
            join = join_cells.reshape(A, K).sum(axis=1)
            arrivals = arrivals + join_cells
            arrivals = _redirect_expected(
                arrivals, adjustment.share(t, A * K), adjustment.redirect_to
            )
            nxt += arrivals
        else:
            nxt += arrivals
            nxt += join_cells
        leavers[0, t] = aged_out + left.sum() + out_leave.sum()
        reasons["left"][0, t] = left.sum()
        reasons["aged_out"][0, t] = aged_out
        reasons["no_valid_setting"][0, t] = out_leave.sum()
        joiners[0, t] = join.sum()
        x = nxt
        stock[0, t + 1] = x
    return Path(np.arange(base_year, base_year + T + 1), stock, leavers, joiners, reasons)


def _beta(rng, alpha, beta, size):
    """Beta draws that return 0 where alpha is 0 (an impossible outcome)."""
    safe_a = np.where(alpha > 0, alpha, 1.0)
    safe_b = np.where(beta > 0, beta, 1.0)
    draws = rng.beta(safe_a, safe_b, size=size)
    if np.all(alpha > 0) and np.all(beta > 0):
        return draws  # the usual case: nothing to replace (and no passes over the draws)
    draws = np.where(alpha > 0, draws, 0.0)
    return np.where(beta > 0, draws, np.where(alpha > 0, 1.0, 0.0))


def _normalised_cumulative(prob: np.ndarray) -> np.ndarray:
    """Each row's cumulative probabilities over their total (zeros where the total is 0)."""
    cum = np.cumsum(prob, axis=1)
    total = cum[:, -1:]
    return np.divide(cum, total, out=np.zeros_like(cum), where=total > 0)


def _offset_rows(cum: np.ndarray) -> np.ndarray:
    """Rows of :func:`_normalised_cumulative` offset by their row number, so one sorted
    array serves every row: row r's values lie in [r, r + 1]; entries after the last
    positive one equal r + 1 exactly, so a draw r + u with u < 1 never lands on a
    zero-probability entry."""
    return (cum + np.arange(cum.shape[0])[:, None]).reshape(-1)


#: Rows at most this wide are drawn from column by column in :func:`_categorical`.
_NARROW = 16


def _categorical(rng, row_of_child: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Column drawn for each child from its row of ``cum`` (:func:`_normalised_cumulative`).

    The column is the number of the row's offset values (:func:`_offset_rows`) at or below
    r + u. Wide rows search one sorted array of every row's offset values; narrow rows
    count column by column, which gives the same column (the offset values are the same
    numbers) without a binary search per child.
    """
    u = rng.random(len(row_of_child)) * (1.0 - 1e-9)
    key = row_of_child + u
    rows, width = cum.shape
    if width > _NARROW:
        return np.searchsorted(_offset_rows(cum), key, side="right") - row_of_child * width
    slot = np.zeros(len(key), dtype=np.int64)
    for column in cum.T + np.arange(rows):  # the offset values, column by column
        slot += np.take(column, row_of_child) <= key
    return slot


class _MoverSampler:
    """Movers' destinations with parameter uncertainty, drawn where movers occur.

    For each (simulation, row) with movers this year, the split between the row's
    ``top`` likeliest destinations and a lump of the rest is drawn from its Dirichlet
    posterior (concentration = observed movers + prior weight); by the Dirichlet's
    aggregation property the lump needs no more than its mean split. The draws' mean is the
    posterior mean, so the expected path is unchanged.
    """

    def __init__(self, routes: Routes, concentration: np.ndarray, rng, top: int = 6):
        A, K, _ = routes.dest.shape
        prob = routes.dest.reshape(A * K, K)
        top = min(top, K)
        order = np.argsort(-prob, axis=1, kind="stable")[:, :top]
        top_prob = np.take_along_axis(prob, order, axis=1)
        rest = prob.copy()
        np.put_along_axis(rest, order, 0.0, axis=1)
        lump = rest.sum(axis=1)  # exactly zero when the top slots hold every destination
        self.top = top
        self.order = np.ascontiguousarray(order)  # indexed flat, row * top + slot
        self.alpha = np.column_stack([top_prob, lump]) * concentration[:, None]
        # Worked out once per row rather than once per (simulation, row) with movers: the
        # mean split, and its cumulative split (the split of every lone mover, below).
        self.mean = self.alpha / np.maximum(self.alpha.sum(axis=1, keepdims=True), 1e-300)
        self.mean_cum = _normalised_cumulative(self.mean)
        self.possible = self.alpha > 0
        self.gamma_shape = np.where(self.possible, self.alpha, 1.0)  # 1: any valid shape
        self.rest_cum = _normalised_cumulative(rest)
        self.rng = rng

    def destinations(self, pair_row: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Destination k for each moving child, children grouped by (simulation, row) pair:
        ``pair_row`` is each pair's row and ``counts`` its number of movers."""
        pair_of_child = np.repeat(np.arange(len(pair_row)), counts)
        child_row = np.take(pair_row, pair_of_child)
        # A lone mover's destination drawn from a Dirichlet draw of the split is, in
        # distribution, a draw from the split's mean (Dirichlet-multinomial with n = 1): only
        # pairs with two or more movers, whose destinations are correlated, need the split.
        cum = np.take(self.mean_cum, pair_row, axis=0)
        many = np.flatnonzero(counts > 1)
        if many.size:
            many_row = np.take(pair_row, many)
            shape = np.take(self.gamma_shape, many_row, axis=0)
            mean = np.take(self.mean, many_row, axis=0)
            draws = self.rng.standard_gamma(shape) * np.take(self.possible, many_row, axis=0)
            total = draws.sum(axis=1, keepdims=True)
            # all-zero draws (tiny parameters underflowing) fall back to the mean split
            share = np.where(total > 0, draws / np.where(total > 0, total, 1.0), mean)
            cum[many] = _normalised_cumulative(share)
        slot = _categorical(self.rng, pair_of_child, cum)
        # every child takes its slot's destination; the few in the lump are drawn again below
        k = np.take(self.order, child_row * self.top + np.minimum(slot, self.top - 1))
        in_lump = np.flatnonzero(slot >= self.top)
        k[in_lump] = _categorical(self.rng, child_row[in_lump], self.rest_cum)
        return k


def monte_carlo(
    params: MarkovParameters,
    routes: Routes,
    valid: np.ndarray,
    initial: np.ndarray,
    exposure: np.ndarray,
    base_year: int,
    *,
    simulations: int,
    seed: int | None,
    adjustment: Adjustment | None = None,
) -> Path:
    """All simulations at once; stock is int32 (S, T + 1, A*K).

    With an ``adjustment`` (a scenario) the path is the scenario's, and its
    ``coupled_baseline`` is the baseline simulated *jointly* with it, so the two differ only
    by the children the scenario changes (common random numbers, child by child). Each
    simulation then carries three layers of children, all with that simulation's parameter
    draws: children common to both worlds; children only in the baseline (prevented joiners,
    and the baseline's placement of a redirected child); children only in the scenario (the
    redirected child where the scenario places it). Baseline = common + baseline-only;
    scenario = common + scenario-only. The parameter draws and the year-one draws are those of
    the run without an adjustment (the same seed); adjustment draws use a separate stream.
    An adjustment that changes nothing returns exactly the unadjusted run.

    ``valid`` is the (A, K) mask of states that can hold children; a child found elsewhere
    (which the routes never produce) would be a bug, and is checked for.
    """
    if routes.silent_drop is not None:
        raise ValueError("silent drops exist only to reproduce witan.send's expected path")
    sequence = np.random.SeedSequence(seed)
    rng = np.random.default_rng(sequence)  # the same stream as default_rng(seed)
    A, K = params.leave_alpha.shape
    AK = A * K
    S = simulations
    T = exposure.shape[0]
    paired = adjustment is not None and not adjustment.is_identity
    if paired:
        adjustment.check(T, AK, valid)
    side = np.random.default_rng(sequence.spawn(1)[0]) if paired else None
    L = 3 if paired else 1  # layers: common, baseline only, scenario only
    SL = S * L

    # Parameter draws, once per simulation, only for rows that can hold children.
    # Only cells that can hold children (valid states below the last NCY) need draws.
    rows = np.flatnonzero(~routes.last_ncy & valid.reshape(-1))
    column = np.full(AK, -1, dtype=np.int64)
    column[rows] = np.arange(len(rows))
    la = params.leave_alpha.reshape(-1)[rows]
    lb = params.leave_beta.reshape(-1)[rows]
    ma = params.move_alpha.reshape(-1)[rows]
    mb = params.move_beta.reshape(-1)[rows]
    p_leave = _beta(rng, la, lb, (S, len(rows)))
    p_move = _beta(rng, ma, mb, (S, len(rows)))
    if params.joiner_kind == "gamma":
        shape = np.where(params.joiner_a > 0, params.joiner_a, 1.0)
        rate = rng.gamma(shape, 1.0, size=(S, A)) / np.where(
            params.joiner_b > 0, params.joiner_b, 1.0
        )
        rate = np.where(params.joiner_a > 0, rate, 0.0)
    else:
        rate = _beta(rng, params.joiner_a, params.joiner_b, (S, A))
    # Joiner split: a Dirichlet draw per simulation via normalised Gamma variables, kept
    # only for the cells joiners can enter.
    cells = np.flatnonzero(params.joiner_split.reshape(-1) > 0)
    cell_ncy = cells // K
    to_ncy = np.zeros((len(cells), A))
    to_ncy[np.arange(len(cells)), cell_ncy] = 1.0
    gammas = rng.standard_gamma(params.joiner_split.reshape(-1)[cells], size=(S, len(cells)))
    # tiny Dirichlet parameters can underflow to an all-zero draw: use the mean split there
    per_ncy = gammas @ to_ncy
    empty = per_ncy[:, cell_ncy] == 0
    if empty.any():
        gammas = np.where(empty, params.joiner_split_mean().reshape(-1)[cells][None, :], gammas)
        per_ncy = gammas @ to_ncy
    join_share = gammas / per_ncy[:, cell_ncy]
    del gammas
    rate = np.where(params.joiner_split.sum(axis=1)[None, :] > 0, rate, 0.0)
    trend = (
        rng.normal(params.trend_mean, params.trend_sd, size=S)
        if params.trend_sd > 0
        else np.full(S, params.trend_mean)
    )
    movers = _MoverSampler(routes, params.dest_concentration.reshape(-1), rng)
    # The joiner rate's own course (rate_uncertainty): a trend drawn per simulation around
    # none and yearly swings, both mean-preserving lognormal factors, from their own stream so
    # every other draw is the same with or without them and with or without an adjustment.
    swing = np.ones((S, T))
    if params.swing_sd > 0 or params.drift_sd > 0:
        course = np.random.default_rng(np.random.SeedSequence(sequence.entropy, spawn_key=(7,)))
        sd, drift = params.swing_sd, params.drift_sd
        ahead = np.arange(1, T + 1)[None, :]
        shocks = course.normal(-0.5 * sd**2, sd, size=(S, T)) if sd > 0 else 0.0
        slopes = course.normal(0.0, drift, size=(S, 1)) if drift > 0 else 0.0
        swing = np.exp(shocks + slopes * ahead - 0.5 * (drift * ahead) ** 2)

    # the cells joiners can enter, in every simulation's row of the flat grid
    joiner_cells = None if paired else (np.arange(S)[:, None] * AK + cells).reshape(-1)
    stock = np.zeros((S, T + 1, AK), dtype=np.int32)
    # Two reused count buffers (this year's, next year's): no fresh pages every year.
    buffers = [np.zeros(SL * AK, dtype=np.int32) for _ in range(2)]
    arrivals = np.zeros(SL * AK, dtype=np.int32) if paired else None
    x = buffers[0].reshape(SL, AK)
    x[::L] = initial.reshape(1, AK).astype(np.int32)  # everyone starts in the common layer
    stock[:, 0] = x[::L]
    baseline_stock = None
    if paired:
        baseline_stock = np.zeros_like(stock)
        baseline_stock[:, 0] = stock[:, 0]
    units = {r: np.zeros((SL, T), dtype=np.int64) for r in LEAVER_REASONS}
    join_units = np.zeros((SL, T), dtype=np.int64)
    # The last NCY, whose children all age out, is the last K cells of every row (as
    # prepare_routes builds it): it is summed, and only the cells below it are listed.
    below = AK - K
    if not np.array_equal(np.flatnonzero(routes.last_ncy), np.arange(below, AK)):
        raise ValueError("routes.last_ncy must mark the last NCY, the grid's last K cells")
    p_leave, p_move = p_leave.reshape(-1), p_move.reshape(-1)  # indexed by sim × rows + col
    usual = routes.stay_ok & routes.has_dest
    for t in range(T):
        units["aged_out"][:, t] = x[:, below:].sum(axis=1)
        # Every occupied cell below the last NCY, in the order of the flat grid. (Listing the
        # nonzero entries of a boolean mask is several times faster than of the int counts.)
        occupied = x[:, :below] != 0
        listed = np.flatnonzero(occupied)
        unit = np.repeat(np.arange(SL), np.count_nonzero(occupied, axis=1))
        row = listed - unit * below
        flat = listed + unit * K  # the same cell in the whole grid, whose rows are AK long
        n = np.take(x.reshape(-1), flat)
        col = np.take(column, row)
        if np.any(col < 0):
            raise AssertionError("a simulated child is in a state that cannot hold children")
        draw = (unit // L if L > 1 else unit) * len(rows) + col  # this sim's parameter draws
        left = rng.binomial(n, np.take(p_leave, draw))
        moving = rng.binomial(n - left, np.take(p_move, draw))
        to_stay, to_move, odd, out_leave = _route_counts(n, left, moving, row, routes, usual)
        # Stayers age one NCY: every occupied cell is listed once, so no sums are needed.
        nxt = buffers[(t + 1) % 2]
        nxt.fill(0)
        nxt[flat + K] = to_stay
        arrived = np.empty(0, dtype=np.int64)  # movers' new cells, one entry per child
        has_movers = to_move > 0
        if has_movers.any():
            counts = to_move[has_movers]
            k_to = movers.destinations(row[has_movers], counts)
            child = np.repeat(flat[has_movers], counts)  # same order as k_to
            arrived = child - child % K + K + k_to
        units["left"][:, t] = np.bincount(unit, weights=left, minlength=SL)
        units["no_valid_setting"][:, t] = np.bincount(unit[odd], weights=out_leave, minlength=SL)

        year = base_year + t + 1
        growth = np.exp(trend * (year - params.trend_ref_year)) * swing[:, t]
        mu = rate * exposure[t][None, :] * growth[:, None]
        # Poisson splitting: joiners per cell are independent Poisson(mu * share). For
        # witan's binomial rates (a few per thousand) this is the binomial's Poisson limit.
        count = rng.poisson(mu[:, cell_ncy] * join_share)
        if paired:
            arrivals.fill(0)
            where, many = np.unique(arrived, return_counts=True)
            arrivals[where] = many
            layered = arrivals.reshape(S, L, AK)
            kept = side.binomial(count, adjustment.factor(t, AK)[cells])
            layered[:, 0, cells] += kept
            layered[:, 1, cells] += count - kept  # prevented joiners: the baseline's only
            join_units[0::L, t] = kept.sum(axis=1)
            join_units[1::L, t] = (count - kept).sum(axis=1)
            _redirect_layers(layered, adjustment.share(t, AK), adjustment.redirect_to, side)
            nxt += arrivals
        else:
            where, many = np.unique(arrived, return_counts=True)
            nxt[where] += many
            nxt[joiner_cells] += count.reshape(-1)  # = grid[:, cells] += count, faster
            join_units[:, t] = count.sum(axis=1)
        x = nxt.reshape(SL, AK)
        if paired:
            stock[:, t + 1] = x[0::L] + x[2::L]
            baseline_stock[:, t + 1] = x[0::L] + x[1::L]
        else:
            stock[:, t + 1] = x
    if not paired:
        return _world_path(base_year, stock, units, join_units, (0,), 1)
    scenario = _world_path(base_year, stock, units, join_units, (0, 2), L)
    scenario.coupled_baseline = _world_path(base_year, baseline_stock, units, join_units, (0, 1), L)
    return scenario


def _redirect_layers(layered: np.ndarray, share: np.ndarray, target, side) -> None:
    """Redirect a share of new placements in place: (S, 3, AK) arrivals by layer.

    A common-layer child redirected leaves the common layer: the baseline keeps its original
    placement (layer 1), the scenario places it at the target (layer 2). Scenario-only
    children's own new placements are redirected within layer 2. Redirected children are
    not redirected twice in one year.
    """
    moving = np.flatnonzero(share > 0)
    if moving.size == 0:
        return
    goes = target[moving]
    p = share[moving]
    from_common = side.binomial(layered[:, 0, moving], p)
    from_scenario = side.binomial(layered[:, 2, moving], p)
    layered[:, 0, moving] -= from_common
    layered[:, 1, moving] += from_common
    layered[:, 2, moving] -= from_scenario
    sims = np.arange(layered.shape[0])[:, None]
    np.add.at(layered[:, 2, :], (sims, goes[None, :]), from_common + from_scenario)


def _world_path(base_year, stock, units, join_units, layers, L) -> Path:
    """Flows of one world (the sum of some layers) as a :class:`Path`."""
    S = stock.shape[0]
    T = stock.shape[1] - 1

    def world(values: np.ndarray) -> np.ndarray:
        return sum(values[layer::L] for layer in layers).reshape(S, T)

    reasons = {r: world(units[r]) for r in LEAVER_REASONS}
    leavers = sum(reasons.values())
    return Path(np.arange(base_year, base_year + T + 1), stock, leavers, world(join_units), reasons)

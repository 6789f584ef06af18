"""Scenarios run on the forecast itself: simulation × year × cell arrays, costed in NumPy.

A scenario's demand interventions act inside the child-level forecast, where they belong:

* ``early_help`` cuts the *new* EHCPs (joiners) by ``reduction`` from ``from_year``, ramped over
  ``ramp_years`` — the caseload falls only as fewer children join and the prevented children
  would have stayed on;
* ``move`` sends a ``share`` of the *new placements* (joiners and movers) into settings of
  ``from_category`` to ``to_setting`` instead (independent → in-area, special → mainstream),
  from ``from_year``, ramped; children already placed stay where they are.

Each scenario is simulated jointly with the baseline from the same seed
(:class:`highneeds.forecast.engine.Adjustment`): the two futures of one simulation differ only
by the children the scenario changes, so savings are computed simulation by simulation without
simulation noise. Places, unit-cost changes and capital act on the projected caseload; the
capacity constraint and the cost model run on ``(simulations, years, cells)`` arrays, not on long
frames. A scenario with no demand interventions uses the baseline's own simulations, so a
scenario with no interventions at all equals the baseline exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.errors import InputFileError, ModelInputError
from highneeds.finance.costs import EMPTY_PLACES, inflation_factors, unit_costs_for_states
from highneeds.finance.scenarios import BASELINE, Scenario, _payback, apply_places
from highneeds.finance.sufficiency import (
    DEFAULT_CONSTRAINED,
    DEFAULT_OVERFLOW_SETTING,
    _fill_order,
    _given,
)
from highneeds.forecast.engine import Adjustment
from highneeds.vocabulary import FUNDING_CATEGORIES, SETTING_BY_CODE, funding_category_of

CAPITAL = "(capital)"


# --------------------------------------------------------------------------------------------
# Cells: the forecast's occupied states with the labels costing needs
# --------------------------------------------------------------------------------------------


@dataclass
class Cells:
    """Labels of the cells costed: ``ncy, need, setting, age_band, funding_category`` and
    ``overflow_from`` (the capped category an overflow cell takes children from, else None)."""

    labels: pd.DataFrame
    grid_index: np.ndarray  # (C_grid,) forecast grid cell of each non-overflow cell

    @property
    def n(self) -> int:
        return len(self.labels)


def _category_map(space, funding_categories: Mapping[str, str] | None) -> dict[str, str]:
    out = {}
    for setting in space.settings:
        if funding_categories and setting in funding_categories:
            out[setting] = funding_categories[setting]
        elif setting in SETTING_BY_CODE:
            out[setting] = funding_category_of(setting)
        else:
            raise ModelInputError(
                f"the forecast's setting {setting!r} is not a vocabulary setting: give its "
                "funding category (funding_categories={setting: category})"
            )
    return out


def _space_setting(setting: str, space, categories: Mapping[str, str], purpose: str) -> str:
    """A vocabulary setting named in a scenario as the forecast's own setting label."""
    if setting in space.settings:
        return setting
    if setting not in SETTING_BY_CODE:
        raise InputFileError(f"{purpose}: {setting!r} is not a vocabulary setting")
    wanted = funding_category_of(setting)
    same = [s for s in space.settings if categories[s] == wanted]
    if len(same) != 1:
        raise ModelInputError(
            f"{purpose}: the forecast has no setting {setting!r} and "
            f"{'several' if same else 'no'} settings funded as {wanted!r} ({same})"
        )
    return same[0]


def build_cells(result, categories: Mapping[str, str], overflow_setting: str) -> Cells:
    """Cells ever occupied in any of ``result``'s worlds, plus one overflow cell per (NCY,
    need) of the capped categories (children placed beyond in-area places)."""
    labels = result.cell_labels()
    used = np.flatnonzero(result._used_cells())
    grid = labels.loc[used, ["ncy", "need", "setting", "age_band"]].reset_index(drop=True)
    grid["funding_category"] = grid["setting"].map(categories)
    grid["overflow_from"] = None
    capped = grid[grid["funding_category"].isin(DEFAULT_CONSTRAINED)]
    overflow = capped[["ncy", "need", "age_band", "funding_category"]].drop_duplicates()
    overflow = overflow.rename(columns={"funding_category": "overflow_from"})
    overflow["setting"] = overflow_setting
    overflow["funding_category"] = funding_category_of(overflow_setting)
    table = pd.concat([grid, overflow[grid.columns]], ignore_index=True)
    return Cells(table, used)


# --------------------------------------------------------------------------------------------
# Scenario → forecast adjustment
# --------------------------------------------------------------------------------------------


def _ramp(years: np.ndarray, start: int, ramp_years: int) -> np.ndarray:
    """0 before ``start``, rising linearly to 1 over ``ramp_years`` (1 = at once)."""
    return np.clip((years - start + 1) / max(int(ramp_years), 1), 0.0, 1.0)


def adjustment_for(
    scenario: Scenario, model, horizon: int, categories: Mapping[str, str]
) -> Adjustment | None:
    """The forecast adjustment for a scenario's ``early_help`` and ``move`` interventions
    (``None`` when it has neither). ``model`` is a fitted MarkovForecaster."""
    space = model.space_
    A, K = space.n_ncy, space.n_pairs
    years = model.base_year_ + np.arange(1, horizon + 1)
    labels = space.state_labels()
    valid = space.valid.reshape(-1)
    factor = np.ones((horizon, A * K))
    share = np.zeros((horizon, A * K))
    target = np.full(A * K, -1, dtype=np.int64)
    demand = False
    settings = list(space.settings)
    cell_setting = labels["setting"].map({s: i for i, s in enumerate(settings)}).to_numpy()
    cell_category = labels["setting"].map(categories).to_numpy()
    for item in scenario.interventions:
        ramp = _ramp(years, int(item.get("from_year", 0)), item.get("ramp_years", 1))
        if item["type"] == "early_help":
            demand = True
            factor *= (1 - float(item["reduction"]) * ramp)[:, None]
        elif item["type"] == "move":
            demand = True
            to = settings.index(
                _space_setting(item["to_setting"], space, categories, "move: to_setting")
            )
            # the same NCY and need, the new setting
            dest = np.arange(A * K) - cell_setting + to
            source = (cell_category == item["from_category"]) & valid & valid[dest]
            clash = source & (target >= 0) & (target != dest)
            if clash.any():
                raise ModelInputError(
                    f"scenario {scenario.name!r}: two moves redirect the same placements"
                )
            target = np.where(source, dest, target)
            share += float(item["share"]) * ramp[:, None] * source[None, :]
    if not demand:
        return None
    if np.any(share > 1):
        raise ModelInputError(f"scenario {scenario.name!r}: redirected shares add up above 1")
    return Adjustment(factor, share, target)


# --------------------------------------------------------------------------------------------
# Capacity constraint and costs on arrays
# --------------------------------------------------------------------------------------------


def constrain_year(
    x: np.ndarray, cells: Cells, provisions: Sequence, *, overflow_of: np.ndarray
) -> None:
    """Apply the capacity constraint to one year's caseload ``x`` (S, C), in place.

    As :func:`highneeds.finance.sufficiency.constrain_to_capacity`, on arrays: ``provisions``
    (that year's rows of the register, most restrictive first) fill in turn, each taking up to
    its places from the children it may admit, in proportion; children left in a covered
    category go to ``overflow_of[c]``, the overflow cell of their NCY and need. Totals per
    simulation are unchanged.
    """
    labels = cells.labels
    category = labels["funding_category"].to_numpy()
    is_overflow = labels["overflow_from"].notna().to_numpy()
    subject = np.zeros(cells.n, dtype=bool)
    capped = np.flatnonzero(np.isin(category, DEFAULT_CONSTRAINED) & ~is_overflow)
    if capped.size == 0:
        return
    need = labels["need"].to_numpy()[capped]
    ncy = labels["ncy"].to_numpy()[capped]
    remaining = x[:, capped].copy()
    for provision in provisions:
        eligible = category[capped] == provision.funding_category
        subject[capped[eligible]] = True
        if _given(provision.designated_needs):
            eligible &= np.isin(need, str(provision.designated_needs).split(";"))
        if _given(provision.min_ncy):
            eligible &= ncy >= float(provision.min_ncy)
        if _given(provision.max_ncy):
            eligible &= ncy <= float(provision.max_ncy)
        if not eligible.any():
            continue
        wanting = remaining[:, eligible].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            taken = np.where(wanting > 0, np.minimum(float(provision.places) / wanting, 1.0), 0.0)
        remaining[:, eligible] *= (1.0 - taken)[:, None]
    over = remaining * subject[capped][None, :]
    x[:, capped] -= over
    np.add.at(x, (slice(None), overflow_of[capped]), over)


def overflow_cells(cells: Cells) -> np.ndarray:
    """(C,) the overflow cell each capped cell sends children to (-1 for other cells)."""
    labels = cells.labels
    is_overflow = labels["overflow_from"].notna().to_numpy()
    key = list(zip(labels["ncy"], labels["need"].astype(str), strict=True))
    lookup = {(key[i], labels["overflow_from"].iloc[i]): i for i in np.flatnonzero(is_overflow)}
    category = labels["funding_category"].to_numpy()
    return np.array(
        [
            lookup.get((key[i], category[i]), -1) if not is_overflow[i] else -1
            for i in range(cells.n)
        ],
        dtype=np.int64,
    )


def constrain_cells(
    stock: np.ndarray, cells: Cells, register: pd.DataFrame, years: Sequence[int]
) -> np.ndarray:
    """The capacity-constrained caseload (S, T, C) for a whole (S, T, C) caseload."""
    out = stock.astype(np.float64, copy=True)
    overflow_of = overflow_cells(cells)
    covered = register[register["funding_category"].isin(DEFAULT_CONSTRAINED)]
    order = list(_fill_order(covered))
    for t, year in enumerate(years):
        x = out[:, t, :].copy()
        constrain_year(
            x, cells, [p for p in order if int(p.year) == int(year)], overflow_of=overflow_of
        )
        out[:, t, :] = x
    return out


@dataclass
class CellPrices:
    """Per cell and year (T, C): place rate and top-up per child (pounds, inflated), and the
    category place rate for an empty commissioned place (T, F)."""

    place: np.ndarray
    top_up: np.ndarray
    default: np.ndarray  # (C,) bool: rests on a national reference default
    source: np.ndarray  # (C,) text
    empty_rate: np.ndarray  # (T, F)
    empty_default: np.ndarray  # (F,)
    empty_source: np.ndarray  # (F,)


CATEGORY_CODES = tuple(c.code for c in FUNDING_CATEGORIES)


def price_cells(
    cells: Cells,
    unit_costs: pd.DataFrame,
    years: Sequence[int],
    *,
    price_year: int,
    inflation: float | Mapping[int, float] = 0.0,
) -> CellPrices:
    states = cells.labels[["setting", "need", "age_band", "funding_category"]].astype(object)
    priced = unit_costs_for_states(states, unit_costs)
    index = inflation_factors(list(years), price_year, inflation).to_numpy()[:, None]
    empty = unit_costs_for_states(
        pd.DataFrame(
            {
                "setting": [f"(empty {c} place)" for c in CATEGORY_CODES],
                "funding_category": list(CATEGORY_CODES),
            }
        ),
        unit_costs,
    )
    return CellPrices(
        place=index * priced["place_funding_gbp"].to_numpy()[None, :],
        top_up=index * priced["top_up_gbp"].to_numpy()[None, :],
        default=priced["uses_reference_default"].to_numpy(dtype=bool),
        source=priced["cost_source"].astype(str).to_numpy(),
        empty_rate=index * empty["place_funding_gbp"].to_numpy()[None, :],
        empty_default=empty["uses_reference_default"].to_numpy(dtype=bool),
        empty_source=empty["cost_source"].astype(str).to_numpy(),
    )


@dataclass
class Groups:
    """The rows of the costed output: funding category × age band × whether the unit cost is
    a reference default. ``matrix`` (C, G) sums cells into groups."""

    table: pd.DataFrame  # funding_category, age_band, uses_reference_default, cost_source
    matrix: np.ndarray
    category: np.ndarray  # (G, F) one-hot funding category of each group

    @classmethod
    def of(cls, cells: Cells, prices: CellPrices) -> Groups:
        keys = cells.labels[["funding_category", "age_band"]].astype(str).copy()
        keys["uses_reference_default"] = prices.default
        columns = list(keys.columns)
        codes = keys.groupby(columns, sort=False).ngroup().to_numpy()
        table = keys.drop_duplicates().reset_index(drop=True)  # in the order of the codes
        table["cost_source"] = (
            pd.Series(prices.source)
            .groupby(codes)
            .agg(lambda s: "; ".join(sorted(set(s))))
            .to_numpy()
        )
        matrix = np.zeros((cells.n, len(table)))
        matrix[np.arange(cells.n), codes] = 1.0
        category = np.zeros((len(table), len(CATEGORY_CODES)))
        pos = table["funding_category"].map({c: i for i, c in enumerate(CATEGORY_CODES)})
        if pos.isna().any():
            unknown = sorted(set(table["funding_category"]) - set(CATEGORY_CODES))
            raise ModelInputError(f"unknown funding categories {unknown}")
        category[np.arange(len(table)), pos.to_numpy(dtype=int)] = 1.0
        return cls(table, matrix, category)


@dataclass
class WorldCosts:
    """One world's caseload and costs by simulation, year and output group (see
    :class:`Groups`); pounds a year at each year's prices."""

    children: np.ndarray  # (S, T, G) after the capacity constraint
    place: np.ndarray  # (S, T, G) place funding of filled places
    top_up: np.ndarray  # (S, T, G)
    empty_places: np.ndarray  # (S, T, F) commissioned places left empty
    empty_cost: np.ndarray  # (S, T, F)
    capital: np.ndarray  # (T,)
    demand: np.ndarray | None = None  # (S, T, F) children before the constraint
    places: np.ndarray | None = None  # (T, F) commissioned places (NaN: not covered)

    def total(self) -> np.ndarray:
        """(S, T) cost: children's place funding and top-up, empty places and capital."""
        return (
            self.place.sum(axis=2)
            + self.top_up.sum(axis=2)
            + self.empty_cost.sum(axis=2)
            + self.capital[None, :]
        )

    def by_category(self, groups: Groups) -> np.ndarray:
        """(S, T, F) cost by funding category (capital left out)."""
        return (self.place + self.top_up) @ groups.category + self.empty_cost


def _places_by_year(register: pd.DataFrame, years: Sequence[int]) -> np.ndarray:
    """(T, F) commissioned places; NaN where the register has no row for the year and
    category (not covered: unconstrained, and left out of the sufficiency table)."""
    places = np.full((len(years), len(CATEGORY_CODES)), np.nan)
    year_pos = {int(y): i for i, y in enumerate(years)}
    cat_pos = {c: i for i, c in enumerate(CATEGORY_CODES)}
    for row in register.itertuples():
        if int(row.year) in year_pos and row.funding_category in cat_pos:
            t, f = year_pos[int(row.year)], cat_pos[row.funding_category]
            places[t, f] = np.nan_to_num(places[t, f]) + row.places
    return places


def cost_world(
    stock: np.ndarray,
    cells: Cells,
    prices: CellPrices,
    groups: Groups,
    scenario: Scenario,
    years: Sequence[int],
    capacity: pd.DataFrame | None,
) -> WorldCosts:
    """Capacity constraint, place funding (filled and empty commissioned places), top-up,
    unit-cost changes and capital for one world, a year at a time so no (S, T, cells) array
    of pounds is ever held. ``stock`` is the world's caseload (S, T, grid cells): a
    ForecastResult's ``simulated.stock`` or the public-data model's draws."""
    T, G, F = len(years), groups.matrix.shape[1], len(CATEGORY_CODES)
    S = stock.shape[0]
    if capacity is None and any(i["type"] == "places" for i in scenario.interventions):
        raise InputFileError(
            f"scenario {scenario.name!r} opens or closes places: give a capacity register"
        )
    order = places = demand = None
    if capacity is not None:
        register = apply_places(capacity, scenario, list(years))
        covered = register[register["funding_category"].isin(DEFAULT_CONSTRAINED)]
        order = list(_fill_order(covered))
        places = _places_by_year(register, years)
        demand = np.zeros((S, T, F))
        overflow_of = overflow_cells(cells)
    factor = np.ones((T, F))
    for item in scenario.interventions:
        if item["type"] == "unit_cost":
            hit = np.asarray(years) >= int(item["from_year"])
            factor[hit, CATEGORY_CODES.index(item["funding_category"])] *= float(item["factor"])
    cell_category = groups.matrix @ groups.category  # (C, F)
    children = np.zeros((S, T, G))
    place = np.zeros((S, T, G))
    top_up = np.zeros((S, T, G))
    empty = np.zeros((S, T, F))
    n_grid = len(cells.grid_index)
    for t, year in enumerate(years):
        x = np.zeros((S, cells.n))
        x[:, :n_grid] = stock[:, t, cells.grid_index]
        if order is not None:
            demand[:, t] = x @ cell_category
            constrain_year(
                x, cells, [p for p in order if int(p.year) == int(year)], overflow_of=overflow_of
            )
        cell_factor = cell_category @ factor[t]
        children[:, t] = x @ groups.matrix
        place[:, t] = x @ (groups.matrix * (prices.place[t] * cell_factor)[:, None])
        top_up[:, t] = x @ (groups.matrix * (prices.top_up[t] * cell_factor)[:, None])
        if places is not None:
            filled = x @ (cell_category * (prices.place[t] > 0)[:, None])
            empty[:, t] = np.clip(np.nan_to_num(places[t])[None, :] - filled, 0.0, None)
    empty_cost = empty * (prices.empty_rate * factor)[None]
    capital = np.zeros(T)
    for item in scenario.interventions:
        if item["type"] == "capital":
            year = int(item["year"])
            if year not in years:
                raise ModelInputError(
                    f"scenario {scenario.name!r}: capital in {year}, outside the projected "
                    f"years {years[0]}–{years[-1]}"
                )
            capital[list(years).index(year)] += float(item["amount_gbp"])
    return WorldCosts(children, place, top_up, empty, empty_cost, capital, demand, places)


# --------------------------------------------------------------------------------------------
# Long frames for the workbook and the DSG position (aggregated, not per cell)
# --------------------------------------------------------------------------------------------


def costed_frame(world: WorldCosts, groups: Groups, prices: CellPrices, years) -> pd.DataFrame:
    """Per simulation, year, funding category and age band: children, place funding, top-up,
    cost — the frame :func:`highneeds.finance.workbook.management_plan_table` and
    :func:`highneeds.finance.dsg.scenario_positions` read (plus rows for empty commissioned
    places and capital). ``uses_reference_default`` and ``cost_source`` say what each row
    rests on."""
    S, T, G = world.children.shape
    group = np.tile(np.arange(G), S * T)
    frames = [
        pd.DataFrame(
            {
                "simulation": np.repeat(np.arange(S), T * G),
                "year": np.tile(np.repeat(np.asarray(years), G), S),
                "setting": "",
                "funding_category": groups.table["funding_category"].to_numpy()[group],
                "age_band": groups.table["age_band"].to_numpy()[group],
                "count": world.children.reshape(-1),
                "places_paid": 0.0,
                "place_funding_gbp": world.place.reshape(-1),
                "top_up_gbp": world.top_up.reshape(-1),
                "uses_reference_default": groups.table["uses_reference_default"].to_numpy()[group],
                "cost_source": groups.table["cost_source"].to_numpy()[group],
            }
        )
    ]
    F = len(CATEGORY_CODES)
    if world.places is not None:
        frames.append(
            pd.DataFrame(
                {
                    "simulation": np.repeat(np.arange(S), T * F),
                    "year": np.tile(np.repeat(np.asarray(years), F), S),
                    "setting": EMPTY_PLACES,
                    "funding_category": np.tile(np.asarray(CATEGORY_CODES), S * T),
                    "age_band": None,
                    "count": 0.0,
                    "places_paid": world.empty_places.reshape(-1),
                    "place_funding_gbp": world.empty_cost.reshape(-1),
                    "top_up_gbp": 0.0,
                    "uses_reference_default": np.tile(prices.empty_default, S * T),
                    "cost_source": np.tile(prices.empty_source, S * T),
                }
            )
        )
    spent = np.flatnonzero(world.capital)
    if spent.size:
        frames.append(
            pd.DataFrame(
                {
                    "simulation": np.repeat(np.arange(S), spent.size),
                    "year": np.tile(np.asarray(years)[spent], S),
                    "setting": CAPITAL,
                    "funding_category": "capital",
                    "age_band": None,
                    "count": 0.0,
                    "places_paid": 0.0,
                    "place_funding_gbp": 0.0,
                    "top_up_gbp": np.tile(world.capital[spent], S),
                    "uses_reference_default": False,
                    "cost_source": "scenario capital cost",
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    keep = (frame["count"] != 0) | (frame["places_paid"] != 0) | (frame["top_up_gbp"] != 0)
    frame = frame[keep | (frame["place_funding_gbp"] != 0)].reset_index(drop=True)
    frame["cost_gbp"] = frame["place_funding_gbp"] + frame["top_up_gbp"]
    if world.demand is not None:
        frame.attrs["sufficiency"] = sufficiency_table(world, years)
    return frame


def sufficiency_table(world: WorldCosts, years) -> pd.DataFrame:
    """Demand (before the constraint) against commissioned places by year and capped
    category: means over simulations and the probability of being short of places."""
    rows = []
    for f, code in enumerate(CATEGORY_CODES):
        if code not in DEFAULT_CONSTRAINED:
            continue
        for t, year in enumerate(years):
            places = world.places[t, f]
            if np.isnan(places):
                continue  # the register does not cover this year and category
            demand = world.demand[:, t, f]
            rows.append(
                {
                    "year": int(year),
                    "funding_category": code,
                    "demand": demand.mean(),
                    "places": places,
                    "gap": places - demand.mean(),
                    "probability_short": float((demand > places).mean()),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Running and comparing scenarios
# --------------------------------------------------------------------------------------------


@dataclass
class ScenarioRun:
    """Everything a comparison needs: per scenario its costed world and its baseline's."""

    years: list[int]
    cells: Cells
    prices: CellPrices
    groups: Groups
    worlds: dict[str, WorldCosts]
    baselines: dict[str, WorldCosts]  # the baseline simulated jointly with each scenario
    scenarios: dict[str, Scenario]

    def costed(self) -> dict[str, pd.DataFrame]:
        return {
            name: costed_frame(world, self.groups, self.prices, self.years)
            for name, world in self.worlds.items()
        }


def run_scenarios(
    model,
    scenarios: Sequence[Scenario],
    unit_costs: pd.DataFrame,
    *,
    horizon: int,
    simulations: int,
    seed: int,
    price_year: int | None = None,
    inflation: float | Mapping[int, float] = 0.0,
    capacity: pd.DataFrame | None = None,
    funding_categories: Mapping[str, str] | None = None,
    overflow_setting: str = DEFAULT_OVERFLOW_SETTING,
) -> ScenarioRun:
    """Forecast the baseline and each scenario from a fitted ``MarkovForecaster`` with the same
    seed, and cost them. ``price_year`` defaults to the forecast's base year."""
    everything = [BASELINE, *[s for s in scenarios if s.name != BASELINE.name]]
    names = [s.name for s in everything]
    if len(set(names)) != len(names):
        raise InputFileError(f"two scenarios share a name: {names}")
    if overflow_setting not in SETTING_BY_CODE:
        raise ModelInputError(f"overflow setting {overflow_setting!r} is not a vocabulary setting")
    categories = _category_map(model.space_, funding_categories)
    baseline = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
    results = {}
    for scenario in everything:
        adjustment = adjustment_for(scenario, model, horizon, categories)
        results[scenario.name] = (
            baseline
            if adjustment is None
            else model.simulate(horizon, simulations, seed=seed, adjustment=adjustment)
        )
    years = [int(y) for y in baseline.years]  # the base year (observed) and projected years
    # one set of cells for every world: the union of the cells any of them uses
    used = np.zeros_like(baseline._used_cells())
    for result in results.values():
        used |= result._used_cells() | result.coupled_baseline()._used_cells()
    baseline._used = used
    cells = build_cells(baseline, categories, overflow_setting)
    del baseline._used  # the cache holds the union; let each result recompute its own
    prices = price_cells(
        cells,
        unit_costs,
        years,
        price_year=int(baseline.years[0]) if price_year is None else price_year,
        inflation=inflation,
    )
    groups = Groups.of(cells, prices)
    worlds, baselines = {}, {}
    base_world = cost_world(
        baseline.simulated.stock, cells, prices, groups, BASELINE, years, capacity
    )
    for scenario in everything:
        result = results[scenario.name]
        if scenario.is_baseline:
            worlds[scenario.name] = baselines[scenario.name] = base_world
            continue
        worlds[scenario.name] = cost_world(
            result.simulated.stock, cells, prices, groups, scenario, years, capacity
        )
        coupled = result.coupled_baseline()
        baselines[scenario.name] = (
            base_world
            if coupled is result
            else cost_world(
                coupled.simulated.stock, cells, prices, groups, BASELINE, years, capacity
            )
        )
    return ScenarioRun(
        years, cells, prices, groups, worlds, baselines, {s.name: s for s in everything}
    )


def comparison_table(
    run: ScenarioRun, quantiles: tuple[float, float] = (0.05, 0.95)
) -> pd.DataFrame:
    """One row per scenario and year: cost (mean and quantiles), saving against the baseline
    simulated with it (per simulation, then summarised), cumulative saving, payback year
    (net of capital) and whether any figure rests on a reference default."""
    low, high = quantiles
    lo_tag, hi_tag = f"q{round(low * 100):02d}", f"q{round(high * 100):02d}"
    rows = []
    for name, world in run.worlds.items():
        scenario = run.scenarios[name]
        cost = world.total()
        saving = run.baselines[name].total() - cost
        cumulative = saving.cumsum(axis=1)
        mean_cumulative = pd.Series(cumulative.mean(axis=0), index=run.years)
        payback = None if scenario.is_baseline else _payback(mean_cumulative)
        uses_default = _uses_default(world, run)
        for t, year in enumerate(run.years):
            rows.append(
                {
                    "scenario": name,
                    "year": year,
                    "children_mean": world.children[:, t].sum(axis=1).mean(),
                    "cost_gbp_mean": cost[:, t].mean(),
                    f"cost_gbp_{lo_tag}": np.quantile(cost[:, t], low),
                    f"cost_gbp_{hi_tag}": np.quantile(cost[:, t], high),
                    "saving_gbp_mean": saving[:, t].mean(),
                    f"saving_gbp_{lo_tag}": np.quantile(saving[:, t], low),
                    f"saving_gbp_{hi_tag}": np.quantile(saving[:, t], high),
                    "cumulative_saving_gbp_mean": mean_cumulative.iloc[t],
                    "payback_year": payback,
                    "uses_reference_default": bool(uses_default[t]),
                }
            )
    return pd.DataFrame(rows)


def _uses_default(world: WorldCosts, run: ScenarioRun) -> np.ndarray:
    """(T,) does any pound of the year rest on a reference default?"""
    flagged = run.groups.table["uses_reference_default"].to_numpy(dtype=bool)
    cells = ((world.children > 0).any(axis=0) & flagged[None, :]).any(axis=1)
    empty = ((world.empty_places > 0).any(axis=0) & run.prices.empty_default[None, :]).any(axis=1)
    return cells | empty

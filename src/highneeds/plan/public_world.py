"""Scenarios for an LA without SEN2: the public-data model's caseload, simulated and costed.

The child-level forecast (:mod:`highneeds.forecast.markov`) needs an LA's SEN2 returns. An LA
without them is forecast by the public-data model (:class:`highneeds.forecast.public.
PublicStockFlowForecaster`): its total caseload by age band and by setting group, with
empirical intervals. Here that forecast becomes a caseload by **age band × funding category**
per simulated future, so the same costing, capacity constraint, DSG position and comparison
code (:mod:`highneeds.finance.projection`) serves both kinds of LA.

How, stated (the notes of every run repeat it):

* **Draws.** Each simulation draws one standard normal ``z``; the total in year ``t`` is the
  model's median × exp(σ_t z), σ_t from its 10% and 90% quantiles (log-normal). One ``z`` per
  future for all years: a future that runs high stays high, as forecast errors accumulate.
* **Split.** Each year's total is split over age band × setting group by iterative
  proportional fitting to the model's band and group forecasts (structural zeros: FE only
  from 16, early years only under 5), then each setting group over funding categories by the
  LA's published caseload by setting at the origin (e.g. special → maintained / independent).
* **Early help** prevents a share of new plans; a prevented plan would have stayed on at the
  LA's published net retention (caseload kept from one January to the next), so the caseload
  falls by the prevented plans still "on the books". New plans are the LA's published plans
  in the origin year, growing with the forecast total. The fall is spread over cells in
  proportion to their caseload.
* **Moves** redirect a share of the new placements into a category (new plans placed there,
  in proportion to its share of the caseload) to another setting; redirected children stay
  at the same retention.
* **Places**: the capacity register caps in-area special and resourced places as for any LA;
  the public data have no need or NCY, so designated needs and NCY limits are not applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.finance.projection import (
    Cells,
    Groups,
    ScenarioRun,
    cost_world,
    price_cells,
)
from highneeds.finance.scenarios import BASELINE, Scenario
from highneeds.finance.sufficiency import DEFAULT_CONSTRAINED, DEFAULT_OVERFLOW_SETTING
from highneeds.forecast.public import BANDS, PublicStockFlowForecaster, build_panel
from highneeds.forecast.public_groups import GROUPS
from highneeds.vocabulary import FUNDING_CATEGORIES, SETTING_BY_CODE, SETTINGS

CATEGORIES: tuple[str, ...] = tuple(c.code for c in FUNDING_CATEGORIES)
#: z of the 10% and 90% quantiles of a standard normal.
_Z90 = 1.2815515655446004
#: A representative NCY per age band: keys the overflow cell of each band (no NCY is public).
_BAND_NCY = dict(zip(BANDS, (-1, 3, 9, 13, 17), strict=True))
#: Which age bands each setting group can hold (1) — the rest are structural zeros.
_PLAUSIBLE = {
    "mainstream": (1, 1, 1, 1, 0),
    "special": (1, 1, 1, 1, 1),
    "ap_pru": (0, 1, 1, 1, 0),
    "fe": (0, 0, 0, 1, 1),
    "early_years": (1, 0, 0, 0, 0),
    "other": (1, 1, 1, 1, 1),
}
#: A group's funding category when the LA publishes no finer settings for it.
_GROUP_CATEGORY = {
    "mainstream": "mainstream",
    "special": "maintained_special",
    "ap_pru": "hospital_ap",
    "fe": "post16_fe",
    "early_years": "other",
    "other": "other",
}


def representative_setting(category: str) -> str:
    """The first vocabulary setting funded as ``category`` (labels a public-data cell)."""
    return next(s.code for s in SETTINGS if s.funding_category == category)


@dataclass
class PublicCaseload:
    """One LA's public-data forecast as cells (age band × funding category) and draws.

    ``stock`` (S, T, C) children per simulation, year (origin first, observed) and cell;
    ``cells`` labels them; ``new_plans`` (T,) expected new plans; ``retention`` the LA's
    published net retention; ``notes`` say what it rests on.
    """

    la_code: str
    years: list[int]
    cells: pd.DataFrame  # age_band, funding_category
    stock: np.ndarray
    new_plans: np.ndarray
    retention: float
    notes: list[str]


def _ipf(band: np.ndarray, group: np.ndarray, iterations: int = 50) -> np.ndarray:
    """(B, G) table with the given margins and the structural zeros of :data:`_PLAUSIBLE`."""
    table = np.array([_PLAUSIBLE[g] for g in GROUPS], dtype=float).T  # (B, G)
    for _ in range(iterations):
        rows = table.sum(axis=1)
        table *= np.divide(band, rows, out=np.zeros_like(band), where=rows > 0)[:, None]
        cols = table.sum(axis=0)
        table *= np.divide(group, cols, out=np.zeros_like(group), where=cols > 0)[None, :]
    return table


def _category_split(tidy: pd.DataFrame, la_code: str, origin: int) -> np.ndarray:
    """(G, F) each setting group's split over funding categories from the LA's published
    caseload by setting at ``origin``; a group without finer figures goes to one category."""
    rows = tidy[
        (tidy["area_code"] == la_code)
        & (tidy["year"] == origin)
        & (tidy["measure"] == "caseload")
        & (tidy["dimension"] == "total")
        & tidy["setting"].isin(list(SETTING_BY_CODE))
    ]
    split = np.zeros((len(GROUPS), len(CATEGORIES)))
    for row in rows.itertuples():
        setting = SETTING_BY_CODE[row.setting]
        group = setting.group if setting.group in GROUPS else "other"
        if np.isfinite(row.value):
            split[GROUPS.index(group), CATEGORIES.index(setting.funding_category)] += row.value
    for g, group in enumerate(GROUPS):
        total = split[g].sum()
        if total > 0:
            split[g] /= total
        else:
            split[g, CATEGORIES.index(_GROUP_CATEGORY[group])] = 1.0
    return split


def _la_rows(table: pd.DataFrame, la_code: str) -> pd.DataFrame:
    # a reorganised LA is forecast as its whole lineage group, e.g. 940 -> 928+940+941
    return table[table["area_code"].str.split("+").map(lambda codes: la_code in codes)]


def public_caseload(
    tidy: pd.DataFrame,
    la_code: str,
    *,
    last_year: int,
    simulations: int,
    seed: int,
    origin: int | None = None,
    model: PublicStockFlowForecaster | None = None,
) -> PublicCaseload:
    """The LA's caseload by age band × funding category, per simulation, from the January
    ``origin`` (default: the latest year of ``tidy``) to ``last_year``."""
    panel = build_panel(tidy)
    origin = int(panel.years.max()) if origin is None else int(origin)
    horizon = int(last_year) - origin
    if horizon < 1:
        raise ModelInputError(f"the last year ({last_year}) must be after the origin {origin}")
    model = (model or PublicStockFlowForecaster()).fit(panel, origin)
    table = _la_rows(model.predict(horizon, setting_groups=True), la_code)
    if table.empty:
        raise ModelInputError(
            f"the public-data model has no forecast for LA {la_code} from January {origin}: "
            "its caseload or new plans by age band are not published for enough years"
        )
    row = next(i for i, code in enumerate(panel.areas["area_code"]) if la_code in code.split("+"))
    o = int(np.nonzero(panel.years == origin)[0][0])
    observed_bands = np.nan_to_num(panel.caseload[row, o])
    observed_total = observed_bands.sum()
    if panel.groups is None or not np.isfinite(panel.groups[row, o]).all():
        raise ModelInputError(
            f"LA {la_code} has no published caseload by setting group in January {origin}"
        )
    observed_groups = panel.groups[row, o]
    years = [origin, *range(origin + 1, last_year + 1)]
    totals = table[(table["age_band"] == "total") & (table["setting_group"] == "total")]
    totals = totals.set_index("year").loc[years[1:]]
    bands = table[table["setting_group"] == "total"].pivot_table(
        index="year", columns="age_band", values="expected"
    )
    groups = table[table["age_band"] == "total"].pivot_table(
        index="year", columns="setting_group", values="expected"
    )
    split = _category_split(tidy, la_code, origin)  # (G, F)

    shares = [_ipf(observed_bands, observed_groups) / observed_total]
    for year in years[1:]:
        band = bands.loc[year, list(BANDS)].to_numpy(dtype=float)
        group = groups.loc[year, list(GROUPS)].to_numpy(dtype=float)
        shares.append(_ipf(band, group * band.sum() / group.sum()) / band.sum())
    # (T, B, F) share of the year's caseload in each age band × funding category
    cell_share = np.einsum("tbg,gf->tbf", np.array(shares), split)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(simulations)
    median = totals["median"].to_numpy(dtype=float)
    sigma = np.log(totals["q90"].to_numpy(dtype=float) / totals["q10"].to_numpy(dtype=float))
    sigma /= 2 * _Z90
    total = np.empty((simulations, len(years)))
    total[:, 0] = observed_total
    total[:, 1:] = median[None, :] * np.exp(sigma[None, :] * z[:, None])
    stock = total[:, :, None] * cell_share.reshape(len(years), -1)[None, :, :]

    plans = np.nan_to_num(panel.new_plans[row, o]).sum()
    before = np.nan_to_num(panel.caseload[row, o - 1]).sum() if o > 0 else np.nan
    retention = float(np.clip((observed_total - plans) / before, 0.0, 1.0)) if before else 0.9
    expected = np.concatenate([[observed_total], totals["expected"].to_numpy(dtype=float)])
    new_plans = plans * expected / observed_total
    cells = pd.DataFrame(
        [(b, f) for b in BANDS for f in CATEGORIES], columns=["age_band", "funding_category"]
    )
    name = str(table["area_name"].iloc[0]) if "area_name" in table else la_code
    notes = [
        f"Caseload: the public-data model of DfE's published EHCP statistics for {name}, "
        f"from January {origin} (the latest year in the store); 90% intervals from its "
        "empirical errors, one log-normal draw per simulated future.",
        f"Split by age band × setting group (iterative proportional fitting to the model's "
        f"forecasts), then by funding category as {name}'s published caseload by setting in "
        f"January {origin}.",
        f"New plans: {plans:,.0f} published for January {origin}, growing with the forecast "
        f"total; net retention {retention:.1%} a year (caseload kept from January {origin - 1} "
        f"to {origin}, published) — what early help and moves act on.",
    ]
    return PublicCaseload(la_code, years, cells, stock, new_plans, retention, notes)


def _ramp(years: np.ndarray, start: int, ramp_years: int) -> np.ndarray:
    return np.clip((years - start + 1) / max(int(ramp_years), 1), 0.0, 1.0)


def _carried(flow: np.ndarray, retention: float) -> np.ndarray:
    """(..., T) children still on a plan from yearly ``flow`` (..., T), kept at ``retention``."""
    out = np.zeros_like(flow)
    for t in range(flow.shape[-1]):
        out[..., t] = flow[..., t] + (retention * out[..., t - 1] if t else 0.0)
    return out


def scenario_stock(caseload: PublicCaseload, scenario: Scenario) -> np.ndarray:
    """(S, T, C) the scenario's caseload: the baseline draws changed by its ``early_help`` and
    ``move`` interventions (the same draws: common random numbers)."""
    stock = caseload.stock.copy()
    years = np.asarray(caseload.years)
    B, F = len(BANDS), len(CATEGORIES)
    S, T = stock.shape[:2]
    # each future's plans scale with its own total (a high future has more new plans)
    expected_total = caseload.stock.sum(axis=2).mean(axis=0)
    ratio = caseload.stock.sum(axis=2) / np.where(expected_total > 0, expected_total, 1.0)
    flows = caseload.new_plans[None, :] * ratio  # (S, T)
    for item in scenario.interventions:
        if item["type"] != "early_help":
            continue
        ramp = _ramp(years, int(item["from_year"]), item.get("ramp_years", 1))
        ramp[0] = 0.0  # the origin is observed
        prevented = _carried(flows * float(item["reduction"]) * ramp, caseload.retention)
        total = stock.sum(axis=2)
        keep = 1 - np.divide(prevented, total, out=np.zeros_like(total), where=total > 0)
        stock *= np.clip(keep, 0.0, 1.0)[:, :, None]
    for item in scenario.interventions:
        if item["type"] != "move":
            continue
        source = CATEGORIES.index(item["from_category"])
        target = CATEGORIES.index(SETTING_BY_CODE[item["to_setting"]].funding_category)
        grid = stock.reshape(S, T, B, F)
        total = grid.sum(axis=(2, 3))
        in_source = grid[:, :, :, source].sum(axis=2)
        share = np.divide(in_source, total, out=np.zeros_like(total), where=total > 0)
        ramp = _ramp(years, int(item["from_year"]), item.get("ramp_years", 1))
        ramp[0] = 0.0
        redirected = _carried(flows * share * float(item["share"]) * ramp, caseload.retention)
        redirected = np.minimum(redirected, in_source)
        by_band = np.divide(
            grid[:, :, :, source],
            in_source[:, :, None],
            out=np.zeros((S, T, B)),
            where=in_source[:, :, None] > 0,
        )
        moved = redirected[:, :, None] * by_band
        grid[:, :, :, source] -= moved
        grid[:, :, :, target] += moved
        stock = grid.reshape(S, T, B * F)
    return stock


def _public_cells(caseload: PublicCaseload) -> Cells:
    labels = caseload.cells.copy()
    labels["ncy"] = labels["age_band"].map(_BAND_NCY)
    labels["need"] = "UNKNOWN"
    labels["setting"] = labels["funding_category"].map(representative_setting)
    labels["overflow_from"] = None
    capped = labels[labels["funding_category"].isin(DEFAULT_CONSTRAINED)]
    overflow = capped.assign(
        overflow_from=capped["funding_category"],
        setting=DEFAULT_OVERFLOW_SETTING,
        funding_category=SETTING_BY_CODE[DEFAULT_OVERFLOW_SETTING].funding_category,
    )
    columns = ["ncy", "need", "setting", "age_band", "funding_category", "overflow_from"]
    table = pd.concat([labels[columns], overflow[columns]], ignore_index=True)
    return Cells(table, np.arange(len(labels)))


def _without_designation(scenario: Scenario) -> Scenario:
    """The scenario with designated needs and NCY limits dropped from its places (the public
    data give neither need nor NCY)."""
    dropped = ("designated_needs", "min_ncy", "max_ncy")
    items = [
        {k: v for k, v in item.items() if k not in dropped} if item["type"] == "places" else item
        for item in scenario.interventions
    ]
    return replace(scenario, interventions=items)


def run_public_scenarios(
    caseload: PublicCaseload,
    scenarios: Sequence[Scenario],
    unit_costs: pd.DataFrame,
    *,
    inflation: float | Mapping[int, float] = 0.0,
    price_year: int | None = None,
    capacity: pd.DataFrame | None = None,
) -> ScenarioRun:
    """As :func:`highneeds.finance.projection.run_scenarios`, on the public-data caseload.
    Every scenario transforms the same draws, so its own baseline is the baseline."""
    everything = [BASELINE, *[s for s in scenarios if s.name != BASELINE.name]]
    names = [s.name for s in everything]
    if len(set(names)) != len(names):
        raise ModelInputError(f"two scenarios share a name: {names}")
    for scenario in everything:
        for item in scenario.interventions:
            if item["type"] == "move" and item["to_setting"] not in SETTING_BY_CODE:
                raise ModelInputError(
                    f"scenario {scenario.name!r}: {item['to_setting']!r} is not a setting"
                )
    register = None
    if capacity is not None:
        register = capacity.assign(designated_needs=None, min_ncy=np.nan, max_ncy=np.nan)
    cells = _public_cells(caseload)
    years = list(caseload.years)
    prices = price_cells(
        cells, unit_costs, years, price_year=price_year or years[0], inflation=inflation
    )
    groups = Groups.of(cells, prices)
    worlds = {}
    for scenario in everything:
        stock = caseload.stock if scenario.is_baseline else scenario_stock(caseload, scenario)
        worlds[scenario.name] = cost_world(
            stock, cells, prices, groups, _without_designation(scenario), years, register
        )
    baselines = dict.fromkeys(worlds, worlds[BASELINE.name])
    return ScenarioRun(
        years, cells, prices, groups, worlds, baselines, {s.name: s for s in everything}
    )

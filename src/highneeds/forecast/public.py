"""Public-data model: forecast every LA's EHCP caseload from DfE releases alone.

A stock-flow model by age band. For LA i, band b (DfE bands under 5, 5–10, 11–15, 16–19,
20–25) and January census year t::

    caseload[b, t+1] = f_i * (keep[b] * caseload[b, t] + up[b] * caseload[b-1, t])
                       + new_plans[b, t+1]

``keep`` (children who stay on a plan and in the band) and ``up`` (children who age into the
band from the one below) are estimated by pooled least squares over all LAs; ``f_i`` is the
LA's own net retention relative to the pool, shrunk toward 1 with a prior worth
``retention_prior`` child-years, so a small or noisy LA borrows strength. New plans follow
each LA's log-linear trend over the last ``trend_years`` years with its slope shrunk toward
the national slope by empirical Bayes (weights from each slope's standard error and the
spread of slopes between LAs), spread over bands by the LA's recent shares (shrunk toward
the national shares).

The forecast total combines, on the log scale, that stock-flow path (weight 0.2), each LA's
two-year growth pooled toward England's (0.2) and toward its region's (0.3), and the pooled
direct regression of :mod:`highneeds.forecast.public_regression` (0.3, with requests for
assessment as a leading indicator where enough years publish them): ``combination`` and
``requests``, chosen on the tuning origins 2017–2019 alone; the stock-flow path keeps the age
split.

Prediction intervals are empirical: the model is re-run from earlier origins (using only
data up to each), its errors at each horizon on log scale across all LAs give the quantiles,
which are applied to the forecast, scaled for each LA by the volatility of its own caseload
growth (shrunk toward the typical LA's) and for each horizon by a width factor calibrated on
the tuning origins (:data:`INTERVAL_SCALE`). Everything uses only data up to the chosen origin.

With ``predict(..., setting_groups=True)`` each LA's total is also split by setting group
(:mod:`highneeds.forecast.public_groups`: a damped, pooled share trend in log-ratio space,
sampled jointly with the total so the groups add up to it in every draw).

LAs reorganised within the data's years are forecast as one series for their whole territory
(:func:`combine_reorganised`), never by apportioning a predecessor's history. Defaults were
chosen by the rolling-origin backtest in :mod:`highneeds.forecast.backtest`; the numbers are in
docs/forecast.md.

Input: the tidy DfE EHCP table (highneeds.readers.dfe_ehcp): LA rows of measures
``caseload`` and ``new_plans`` by ``age_band`` with ``setting == 'total'``, ``caseload``
with setting ``group:<code>`` for the setting-group breakdown, and ``requests`` (optional).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.forecast.public_groups import (
    CHILD_OFFSET,
    GROUPS,
    ShareFit,
    clr,
    fit_shares,
    group_caseload,
    group_draws,
    pooled_trend,
    project_clr,
    size_variance,
    softmax,
)
from highneeds.forecast.public_regression import direct_growth
from highneeds.forecast.result import QUANTILES
from highneeds.vocabulary import AGE_BANDS, age_band_of_age_category

BANDS: tuple[str, ...] = tuple(b.code for b in AGE_BANDS)
#: Plans added before taking logs of yearly new plans, so a year with none stays finite.
PLAN_OFFSET = 0.5
#: Multiplier on the earlier origins' log errors by horizon (1, 2, …; the last serves every
#: later horizon): on the tuning origins the unscaled intervals were too wide (80% held for
#: 84–90%), as their earlier origins' errors spanned the 2014 reforms. Each is the factor that
#: makes that horizon's 80% interval hold 80% of tuning forecasts (docs/forecast.md).
INTERVAL_SCALE = (0.91, 0.81, 0.87, 0.89, 0.77)


@dataclass
class Panel:
    """Caseload and new plans by LA and January census year; NaN where not published.

    ``total`` and ``new_total`` are the published totals (the truth a forecast is scored
    against); the ``(L, Y, B)`` age-band arrays split them where a release publishes a split
    (the 2022 layout every year; the person-level layout caseload by single age from January
    2024 and new plans by age at start from 2023, summed into bands). Without totals (a panel
    made by hand) the band sums serve. ``england`` is England's published caseload by year
    (NaN where not published, e.g. a release filtered to a few LAs).
    """

    areas: pd.DataFrame  # area_code, area_name, region_code (one row per LA)
    years: np.ndarray  # January census years
    caseload: np.ndarray  # (L, Y, B)
    new_plans: np.ndarray  # (L, Y, B); year t holds plans issued in calendar year t - 1
    #: (L, Y, G) caseload by setting group (public_groups.GROUPS); None: no breakdown
    groups: np.ndarray | None = None
    total: np.ndarray | None = None  # (L, Y) caseload
    new_total: np.ndarray | None = None  # (L, Y) new plans
    england: np.ndarray | None = None  # (Y,) caseload
    #: (L, Y) requests for EHC needs assessment (year t: calendar year t - 1); NaN where
    #: unpublished (before 2017, or a hand-made panel)
    requests: np.ndarray | None = None

    def __post_init__(self):
        if self.total is None:
            self.total = self.caseload.sum(axis=2)
        if self.new_total is None:
            self.new_total = self.new_plans.sum(axis=2)
        if self.england is None:
            self.england = np.full(len(self.years), np.nan)
        if self.requests is None:
            self.requests = np.full(self.total.shape, np.nan)


#: Where each measure's age split is published: the 2022 layout's age bands, else the person-
#: level layout's single ages (caseload: current age; new plans: age when the plan started).
_AGE_DIMENSIONS = {"caseload": "age", "new_plans": "age_at_start"}
#: The only measures :func:`build_panel` reads (of the ~70 a release publishes): a caller
#: reading the store for the model needs no others.
PANEL_MEASURES = (*_AGE_DIMENSIONS, "requests")


def build_panel(tidy: pd.DataFrame, *, combine_lineage: bool = True) -> Panel:
    """LA caseload and new plans, in total and by age band, from the tidy DfE EHCP table of
    any release layout (or several releases merged, newest winning).

    With ``combine_lineage`` (the default), LAs reorganised within the data's years are
    replaced by one series for their whole territory (see :func:`combine_reorganised`), so
    no series breaks in the middle; without it, predecessors simply stop and successors
    start (and are left out until they have enough history).
    """
    need = {
        "geographic_level",
        "area_code",
        "year",
        "measure",
        "setting",
        "dimension",
        "category",
        "value",
    }
    missing = need - set(tidy.columns)
    if missing:
        raise ModelInputError(f"DfE EHCP table: missing column(s) {', '.join(sorted(missing))}")
    measures = tidy[
        (tidy["geographic_level"] == "la")
        & (tidy["setting"] == "total")
        & tidy["measure"].isin(list(_AGE_DIMENSIONS))
    ]
    rows = measures[measures["dimension"].isin(["total", "age_band", *_AGE_DIMENSIONS.values()])]
    if rows.empty or not (rows["measure"] == "caseload").any():
        raise ModelInputError(
            "DfE EHCP table has no LA caseload; import a DfE 'Education, health and care "
            "plans' release"
        )
    name_cols = [c for c in ("area_name", "region_code") if c in rows.columns]
    areas = (
        rows[["area_code", *name_cols]]
        .drop_duplicates("area_code")
        .sort_values("area_code")
        .reset_index(drop=True)
    )
    years = np.sort(rows["year"].unique()).astype(int)
    area_pos = {a: i for i, a in enumerate(areas["area_code"])}
    year_pos = {int(y): i for i, y in enumerate(years)}
    shape = (len(areas), len(years))
    bands = {m: _age_bands(rows, m, area_pos, year_pos) for m in _AGE_DIMENSIONS}
    totals = {}
    for measure in _AGE_DIMENSIONS:
        part = rows[(rows["measure"] == measure) & (rows["dimension"] == "total")]
        total = np.full(shape, np.nan)
        total[_positions(part, area_pos, year_pos)] = part["value"].to_numpy(dtype=float)
        # a hand-made or older table may give the bands only: their sum is the total
        totals[measure] = np.where(np.isnan(total), bands[measure].sum(axis=2), total)
    groups = group_caseload(tidy, areas["area_code"], years, totals["caseload"])
    requests = np.full(shape, np.nan)
    asked = tidy[
        (tidy["geographic_level"] == "la")
        & (tidy["measure"] == "requests")
        & (tidy["setting"] == "total")
        & (tidy["dimension"] == "total")
        & tidy["area_code"].isin(area_pos.keys())
        & tidy["year"].astype(int).isin(year_pos.keys())
    ]
    requests[_positions(asked, area_pos, year_pos)] = asked["value"].to_numpy(dtype=float)
    panel = Panel(
        areas,
        years,
        bands["caseload"],
        bands["new_plans"],
        groups,
        totals["caseload"],
        totals["new_plans"],
        _england(tidy, years),
        requests,
    )
    return combine_reorganised(panel) if combine_lineage else panel


def _age_bands(rows: pd.DataFrame, measure: str, area_pos: dict, year_pos: dict) -> np.ndarray:
    """(L, Y, B) one measure by age band: the published bands, or (where an LA-year has none)
    the sum of its published single ages in each band. A single age published as a symbol
    leaves its band unknown (NaN); an age with no row is no children; children of unknown age
    are in the total only."""
    out = np.full((len(area_pos), len(year_pos), len(BANDS)), np.nan)
    band_pos = {b: i for i, b in enumerate(BANDS)}
    part = rows[(rows["measure"] == measure) & (rows["dimension"] == _AGE_DIMENSIONS[measure])]
    if not part.empty:
        band = part["category"].map(
            {c: age_band_of_age_category(c) for c in part["category"].unique()}
        )
        part = part.assign(band=band)[band.notna()]
        keys = [part["area_code"], part["year"].astype(int), part["band"]]
        summed = part["value"].groupby(keys).sum()
        # a single age published as a symbol leaves its whole band unknown
        summed[part["value"].isna().groupby(keys).any()] = np.nan
        index = summed.index.to_frame(index=False)
        a = index["area_code"].map(area_pos).to_numpy()
        y = index["year"].map(year_pos).to_numpy()
        out[a, y] = 0.0  # an LA-year publishing single ages has every band: none is 0
        out[a, y, index["band"].map(band_pos).to_numpy()] = summed.to_numpy(dtype=float)
    part = rows[
        (rows["measure"] == measure)
        & (rows["dimension"] == "age_band")
        & rows["category"].isin(BANDS)
    ]
    out[
        (*_positions(part, area_pos, year_pos), part["category"].map(band_pos).to_numpy(dtype=int))
    ] = part["value"].to_numpy(dtype=float)
    # A band the release publishes for no LA in a year did not exist then (statements ended
    # at 19; the 20-25 band starts with EHC plans in 2015): zero children, stated as a rule.
    absent = np.isnan(out).all(axis=0)  # (Y, B)
    for y, b in zip(*np.nonzero(absent), strict=True):
        out[:, y, b] = np.where(np.isnan(out[:, y, :]).all(axis=1), np.nan, 0.0)
    return out


def _positions(rows: pd.DataFrame, area_pos: dict, year_pos: dict) -> tuple[np.ndarray, ...]:
    """(LA, year) array indices of tidy rows."""
    return (
        rows["area_code"].map(area_pos).to_numpy(dtype=int),
        rows["year"].astype(int).map(year_pos).to_numpy(dtype=int),
    )


def _england(tidy: pd.DataFrame, years: np.ndarray) -> np.ndarray:
    """(Y,) England's published caseload; NaN for a year the table has no national row."""
    rows = tidy[
        (tidy["geographic_level"] == "national")
        & (tidy["measure"] == "caseload")
        & (tidy["setting"] == "total")
        & (tidy["dimension"] == "total")
    ]
    by_year = rows.groupby("year")["value"].first()
    return by_year.reindex(years).to_numpy(dtype=float)


def combine_reorganised(panel: Panel) -> Panel:
    """Replace LAs reorganised within the panel's years by one row per lineage group.

    DfE publishes no split of a predecessor's history between its successors, and we do not
    invent one: the group's series is the predecessors' sum before the change and the
    successors' sum after it (``highneeds.readers.la_lineage``), with area code like
    ``928+940+941``. A year where a member that should be published is missing is NaN. Groups
    whose change falls after the panel's last year (e.g. Cumbria 2024 in a 2022 release) are
    left as they are.
    """
    from highneeds.readers.la_lineage import lineage_group, load_lineage

    moves = load_lineage()
    moves = moves[
        (moves["change"] == "reorganisation") & (moves["first_year"] <= panel.years.max())
    ]
    codes = panel.areas["area_code"].astype(str).tolist()
    linked = sorted(set(moves["predecessor_code"]) | set(moves["successor_code"]))
    groups = {lineage_group(c).code: lineage_group(c) for c in linked if c in codes}
    if not groups:
        return panel
    position = {c: i for i, c in enumerate(codes)}
    drop = {m for g in groups.values() for m in g.members}
    keep = [i for i, c in enumerate(codes) if c not in drop]
    areas = [panel.areas.iloc[keep]]
    sources = {
        "caseload": panel.caseload,
        "new_plans": panel.new_plans,
        "total": panel.total,
        "new_total": panel.new_total,
        "requests": panel.requests,
    }
    if panel.groups is not None:
        sources["groups"] = panel.groups
    parts = {name: [source[keep]] for name, source in sources.items()}
    for group in groups.values():
        rows = {}
        for name, source in sources.items():
            combined = np.full(source.shape[1:], np.nan)
            for t, year in enumerate(panel.years):
                members = group.expected(int(year))
                if members and members <= position.keys():
                    # NaN if any member is unpublished that year: a sum is never guessed
                    combined[t] = sum(source[position[m], t] for m in sorted(members))
            rows[name] = combined
        first = panel.areas.iloc[position[next(m for m in group.members if m in position)]]
        area = {"area_code": group.code, "area_name": group.name}
        if "region_code" in panel.areas:
            area["region_code"] = first["region_code"]
        areas.append(pd.DataFrame([area]))
        for name in sources:
            parts[name].append(rows[name][None])
    joined = {name: np.concatenate(part) for name, part in parts.items()}
    return Panel(
        pd.concat(areas, ignore_index=True)[list(panel.areas.columns)],
        panel.years,
        joined["caseload"],
        joined["new_plans"],
        joined.get("groups"),
        joined["total"],
        joined["new_total"],
        panel.england,
        joined["requests"],
    )


def _flow_pairs(panel: Panel, o: int, count: int) -> np.ndarray:
    """Year indices t of the latest ``count`` transitions t → t + 1 (t + 1 up to index ``o``)
    whose caseload by age at both ends and new plans by age at t + 1 some LA publishes. The
    person-level releases publish caseload by age only from January 2024, so a transition
    may be older than the year before the origin; it is never later than the origin."""
    usable = []
    for t in range(o - 1, -1, -1):
        ends = np.isfinite(panel.caseload[:, t]).all(axis=1)
        ends &= np.isfinite(panel.caseload[:, t + 1]).all(axis=1)
        ends &= np.isfinite(panel.new_plans[:, t + 1]).all(axis=1)
        if ends.any():
            usable.append(t)
        if len(usable) == count:
            break
    return np.array(sorted(usable), dtype=int)


def origin_bands(panel: Panel, o: int) -> np.ndarray:
    """(L, B) caseload by age band at year index ``o``, adding up to the published total: the
    published split scaled to the total (children of unpublished age spread like the rest),
    or, in a year without a split (January 2023 in the person-level releases), the total
    split like the latest earlier year's. NaN where the total or any split is missing."""
    total = panel.total[:, o]
    split = np.full(panel.caseload.shape[::2], np.nan)
    for t in range(o, -1, -1):
        bands = panel.caseload[:, t]
        found = np.isnan(split).any(axis=1) & np.isfinite(bands).all(axis=1)
        found &= bands.sum(axis=1) > 0
        split[found] = bands[found] / bands[found].sum(axis=1, keepdims=True)
        if not np.isnan(split).any():
            break
    return split * total[:, None]


#: Fewest LAs whose summed caseload gives a region's growth; with fewer, England's serves.
MIN_REGION_LAS = 3
#: Horizons the direct regression is fitted for (the backtest's five); further years ahead
#: continue the fifth's yearly rate.
DIRECT_HORIZONS = 5


def pooled_growth(
    panel: Panel, o: int, years: int, noise_years: int
) -> tuple[np.ndarray, np.ndarray]:
    """(L,) each LA's log yearly caseload growth over the ``years`` years to index ``o``,
    pooled partially toward England's and toward its region's (two arrays).

    Partial pooling by the data's own noise (empirical Bayes): the LA's growth is an estimate
    of its underlying growth with variance s² / ``years``, s² the variance of its yearly log
    growth over the last ``noise_years`` years; the underlying growths spread around the
    target with variance τ² (between-LA spread less the average noise). The LA keeps the
    share τ² / (τ² + s² / years) of its difference from the target: a noisy LA borrows
    almost everything, a steady one keeps more. An LA without the figures gets the target.
    """
    from highneeds.forecast.baselines import england_growth

    total = panel.total
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an LA with too few years
        logs = np.log(np.where(total > 0, total, np.nan))
        own = (logs[:, o] - logs[:, o - years]) / years if o >= years else logs[:, o] * np.nan
        noise = np.nanvar(np.diff(logs[:, max(0, o - noise_years) : o + 1], axis=1), axis=1, ddof=1)
    england = np.log(england_growth(total, panel.england, o, years)) if o >= years else np.nan
    region = np.full(len(own), england)
    if "region_code" in panel.areas and o >= years:
        codes = panel.areas["region_code"].to_numpy()
        both = np.isfinite(total[:, o]) & np.isfinite(total[:, o - years])
        for code in pd.unique(codes):
            members = both & (codes == code)
            if members.sum() >= MIN_REGION_LAS:
                ratio = total[members, o].sum() / total[members, o - years].sum()
                region[codes == code] = np.log(ratio) / years
    return _shrink(own, noise / years, np.full(len(own), england)), _shrink(
        own, noise / years, region
    )


def _shrink(own: np.ndarray, noise: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Empirical-Bayes partial pooling of ``own`` (noise variance ``noise``) toward
    ``target``; see :func:`pooled_growth`."""
    usable = np.isfinite(own) & np.isfinite(noise) & np.isfinite(target)
    if usable.sum() < 2:
        return target.copy()
    spread = max(np.var((own - target)[usable]) - np.mean(noise[usable]), 1e-6)
    weight = np.where(usable, spread / (spread + np.where(usable, noise, 1.0)), 0.0)
    return target + weight * np.where(usable, own - target, 0.0)


# ------------------------------------------------------------------------------------------


@dataclass
class _Fit:
    keep: np.ndarray  # (B,)
    up: np.ndarray  # (B,)
    factor: np.ndarray  # (L,)
    level: np.ndarray  # (L,) log new plans at the origin
    slope: np.ndarray  # (L,) log growth of new plans per year
    share: np.ndarray  # (L, B) band split of new plans
    start: np.ndarray  # (L, B) caseload at the origin
    ok: np.ndarray  # (L,) LA has the data the fit needs
    scale: np.ndarray  # (L,) LA's interval width relative to the pool (1 = typical)
    shares: ShareFit | None = None  # setting-group share trends, when the panel has groups
    #: (L,) log yearly growth of the total, the LA's own partially pooled toward England's
    #: and toward its region's (see pooled_growth)
    toward_england: np.ndarray | None = None
    toward_region: np.ndarray | None = None
    #: (L, DIRECT_HORIZONS) log growth of the total over 1, 2, … years by the pooled direct
    #: regression (public_regression.direct_growth); None when its weight is 0
    direct: np.ndarray | None = None


class PublicStockFlowForecaster:
    """Forecast every LA at once from a chosen origin, using data up to that year only.

    Parameters: ``flow_years`` (transitions used for keep/up), ``trend_years`` (new-plan
    trend window), ``retention_prior`` (child-years of pooling for an LA's retention),
    ``share_prior`` (plans of pooling for an LA's band split), ``damping`` (multiplier on
    the new-plan slope each further year ahead; 1 = none), ``calibration_origins`` (earlier
    origins used for the empirical intervals), ``volatility_years`` and ``volatility_prior``
    (an LA's interval width follows the spread of its own yearly caseload growth over the last
    ``volatility_years`` years, shrunk toward the typical LA's with a prior worth
    ``volatility_prior`` years; ``None`` gives every LA the same relative width),
    ``share_years`` and ``share_damping`` (the setting-group share trend's window and its
    damping each further year ahead; :mod:`highneeds.forecast.public_groups`),
    ``growth_years`` (years of the LA's growth the pooled parts start from) and
    ``combination`` (weights, adding up to 1, on the log scale: the stock-flow path, the
    LA's growth pooled toward England's, toward its region's and, optionally a fourth, the
    pooled direct regression of :mod:`highneeds.forecast.public_regression`; three weights
    leave the regression out), ``requests`` (the regression reads requests for assessment
    where it can) and ``interval_scale`` (multiplier on the earlier origins' log errors, one
    per horizon, the last serving later ones; :data:`INTERVAL_SCALE`).
    """

    def __init__(
        self,
        *,
        # Defaults chosen by backtest (docs/forecast.md, "Choosing the defaults").
        flow_years: int = 1,
        trend_years: int = 6,
        retention_prior: float = 20000.0,
        share_prior: float = 50.0,
        damping: float = 0.5,
        calibration_origins: int = 2,
        volatility_years: int = 6,
        volatility_prior: float | None = 4.0,
        share_years: int = 4,
        share_damping: float = 0.5,
        growth_years: int = 2,
        combination: tuple[float, ...] = (0.2, 0.2, 0.3, 0.3),
        requests: bool = True,
        interval_scale: float | tuple[float, ...] = INTERVAL_SCALE,
    ):
        self.flow_years = flow_years
        self.trend_years = trend_years
        self.retention_prior = retention_prior
        self.share_prior = share_prior
        self.damping = damping
        self.calibration_origins = calibration_origins
        self.volatility_years = volatility_years
        self.volatility_prior = volatility_prior
        self.share_years = share_years
        self.share_damping = share_damping
        self.growth_years = growth_years
        self.combination = tuple(combination)
        self.requests = requests
        self.interval_scale = (
            tuple(interval_scale) if np.ndim(interval_scale) else (float(interval_scale),)
        )

    def _check_params(self) -> None:
        problems = []
        if self.flow_years < 1:
            problems.append(f"flow_years must be at least 1, not {self.flow_years}")
        if self.trend_years < 3:
            problems.append(f"trend_years must be at least 3, not {self.trend_years}")
        if not 0 <= self.damping <= 1:
            problems.append(f"damping must be between 0 and 1, not {self.damping}")
        if not 0 <= self.share_damping <= 1:
            problems.append(f"share_damping must be between 0 and 1, not {self.share_damping}")
        if self.growth_years < 1:
            problems.append(f"growth_years must be at least 1, not {self.growth_years}")
        if len(self.combination) not in (3, 4) or min(self.combination) < 0:
            problems.append("combination: three or four weights, none negative")
        elif not np.isclose(sum(self.combination), 1):
            problems.append(f"combination weights must add up to 1, not {sum(self.combination)}")
        if self.share_years < 1:
            problems.append(f"share_years must be at least 1, not {self.share_years}")
        if not self.interval_scale or min(self.interval_scale) <= 0:
            problems.append(f"interval_scale must be above 0, not {self.interval_scale}")
        if self.calibration_origins < 1:
            problems.append(
                f"calibration_origins must be at least 1, not {self.calibration_origins}"
            )
        if min(self.retention_prior, self.share_prior, self.volatility_prior or 0) < 0:
            problems.append("priors must not be negative")
        if problems:
            raise ModelInputError("public-data model: " + "; ".join(problems))

    # -- one origin ---------------------------------------------------------------------------

    def _fit_at(self, panel: Panel, origin: int) -> _Fit:
        years = panel.years
        if origin not in set(years.tolist()):
            raise ModelInputError(
                f"origin {origin} is not a year of the data ({years.min()}–{years.max()})"
            )
        o = int(np.nonzero(years == origin)[0][0])
        C = panel.caseload
        N = panel.new_plans
        B = C.shape[2]
        pairs = _flow_pairs(panel, o, self.flow_years)
        if not len(pairs):
            raise ModelInputError(
                f"origin {origin}: no two consecutive Januaries up to it publish caseload by "
                "age (with new plans by age); add an older release (the bundled one has "
                "2010–2022)"
            )
        prev = C[:, pairs, :]  # t
        nxt = C[:, pairs + 1, :]  # t + 1
        new = N[:, pairs + 1, :]
        below = np.concatenate([np.zeros_like(prev[:, :, :1]), prev[:, :, :-1]], axis=2)
        complete = np.isfinite(prev).all(axis=(1, 2)) & np.isfinite(nxt).all(axis=(1, 2))
        complete &= np.isfinite(new).all(axis=(1, 2))
        keep = np.zeros(B)
        up = np.zeros(B)
        for b in range(B):
            y = (nxt[complete, :, b] - new[complete, :, b]).reshape(-1)
            x = np.column_stack(
                [prev[complete, :, b].reshape(-1), below[complete, :, b].reshape(-1)]
            )
            if b == 0:
                keep[b] = np.clip((x[:, 0] @ y) / max(x[:, 0] @ x[:, 0], 1e-9), 0, 1)
                continue
            coef, *_ = np.linalg.lstsq(x, y, rcond=None)
            keep[b], up[b] = np.clip(coef, 0, 1)
        # LA net retention relative to the pooled coefficients, shrunk toward 1
        model_kept = keep[None, None, :] * prev + up[None, None, :] * below
        kept = np.where(complete[:, None, None], nxt - new, 0.0).sum(axis=(1, 2))
        expected = np.where(complete[:, None, None], model_kept, 0.0).sum(axis=(1, 2))
        factor = (kept + self.retention_prior) / (expected + self.retention_prior)

        # new plans: log-linear trend with empirical-Bayes shrinkage of the slope
        t0 = max(0, o - self.trend_years + 1)
        window = panel.new_total[:, t0 : o + 1]
        x = years[t0 : o + 1].astype(float)
        start = origin_bands(panel, o)
        # More new plans in a year than children on plans the January after cannot be
        # right (Wakefield's 6,078 in 2022 against 3,036 plans in January 2023, in the 2025
        # release): such a year is left out of the LA's trend, as if unpublished.
        plausible = np.isfinite(window) & ~(window > panel.total[:, t0 : o + 1])
        ok = complete & (plausible.sum(axis=1) >= 3) & plausible[:, -1]
        ok &= np.isfinite(start).all(axis=1)
        if len(x) < 3:
            raise ModelInputError(f"origin {origin}: fewer than three years of new plans")
        # half a plan keeps a year with none (the Isles of Scilly) on the log scale
        logn = np.log(np.where(plausible, window, 1.0) + PLAN_OFFSET)
        # England's trend from the LAs published every year of the window
        every = ok & plausible.all(axis=1)
        national = np.log(np.where(every[:, None], window, 0.0).sum(axis=0))
        level, shrunk = pooled_trend(logn, national, x, ok, plausible)

        # band split of new plans: the last three years' published split (any layout)
        recent = np.nansum(N[:, max(0, o - 2) : o + 1, :], axis=1)  # (L, B)
        nat_share = np.nansum(np.where(ok[:, None], recent, 0.0), axis=0)
        nat_share = nat_share / nat_share.sum()
        share = (recent + self.share_prior * nat_share) / (
            recent.sum(axis=1, keepdims=True) + self.share_prior
        )
        scale = self._volatility_scale(
            panel.total[:, max(0, o - self.volatility_years) : o + 1], ok
        )
        shares = None
        if panel.groups is not None:
            shares = fit_shares(panel.groups, years, o, self.share_years)
        toward_england, toward_region = pooled_growth(
            panel, o, self.growth_years, self.volatility_years
        )
        ok &= np.isfinite(toward_england) & np.isfinite(toward_region)
        direct = None
        if self._weights()[3] > 0:
            direct = direct_growth(
                panel.total,
                panel.new_total,
                panel.england,
                o,
                DIRECT_HORIZONS,
                self.growth_years,
                panel.requests if self.requests else None,
            )
            # where the regression cannot be fitted (early origins), the LA's growth pooled
            # toward England's stands in
            steps = np.arange(1, DIRECT_HORIZONS + 1)[None, :]
            direct = np.where(np.isfinite(direct), direct, toward_england[:, None] * steps)
        return _Fit(
            keep,
            up,
            factor,
            level,
            shrunk,
            share,
            start,
            ok,
            scale,
            shares,
            toward_england,
            toward_region,
            direct,
        )

    def _weights(self) -> tuple[float, float, float, float]:
        """The combination's four weights (three given: the direct regression's is 0)."""
        return (*self.combination, 0.0)[:4]

    def _volatility_scale(self, total: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """(L,) each LA's typical forecast error relative to the pool's: the standard
        deviation of its yearly log growth in total caseload, shrunk toward the median LA's
        (empirical Bayes on the variance, prior worth ``volatility_prior`` years). Small and
        erratic LAs get wider intervals, large steady ones narrower."""
        if self.volatility_prior is None:
            return np.ones(total.shape[0])
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an LA with < 2 growth years
            growth = np.diff(np.log(np.where(total > 0, total, np.nan)), axis=1)
            dof = np.maximum(np.isfinite(growth).sum(axis=1) - 1, 0)
            own = np.where(dof > 0, np.nanvar(growth, axis=1, ddof=1), 0.0)
        pool = np.median(own[ok & (dof > 0)]) if (ok & (dof > 0)).any() else 1.0
        shrunk = (dof * own + self.volatility_prior * pool) / (dof + self.volatility_prior)
        return np.sqrt(shrunk / pool)

    def _project(self, fit: _Fit, horizon: int) -> np.ndarray:
        """(L, horizon, B) point forecast."""
        L, B = fit.start.shape
        out = np.zeros((L, horizon, B))
        c = fit.start.copy()
        growth = 0.0
        for h in range(horizon):
            growth += fit.slope * self.damping**h
            plans = np.maximum(np.exp(fit.level + growth) - PLAN_OFFSET, 0.0)[:, None] * fit.share
            below = np.concatenate([np.zeros((L, 1)), c[:, :-1]], axis=1)
            c = fit.factor[:, None] * (fit.keep[None, :] * c + fit.up[None, :] * below) + plans
            out[:, h] = c
        # Model combination on the log scale: the stock-flow path and the origin's total
        # growing at the LA's growth pooled toward England's and toward its region's, and by
        # the pooled direct regression's growth. The stock-flow's age split is kept; its
        # total is scaled to the combined one.
        w_flow, w_england, w_region, w_direct = self._weights()
        if w_flow == 1:
            return out
        steps = np.arange(1, horizon + 1)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            flow = np.log(out.sum(axis=2))
            origin = np.log(fit.start.sum(axis=1))[:, None]
            combined = w_flow * flow + (1 - w_flow) * origin
            combined += (
                steps * (w_england * fit.toward_england + w_region * fit.toward_region)[:, None]
            )
            if w_direct > 0:
                combined += w_direct * _direct_path(fit.direct, horizon)
            ratio = np.exp(combined - flow)
        return out * np.where(np.isfinite(ratio), ratio, np.nan)[:, :, None]

    # -- forecasts with intervals ---------------------------------------------------------

    def fit(
        self, history: Panel | pd.DataFrame, origin: int | None = None
    ) -> PublicStockFlowForecaster:
        """Learn every LA's rates from ``history`` up to January ``origin`` (default: the
        last year). ``history`` is a :class:`Panel` or the tidy DfE EHCP table."""
        self._check_params()
        panel = history if isinstance(history, Panel) else build_panel(history)
        origin = int(panel.years.max()) if origin is None else int(origin)
        self.fit_ = self._fit_at(panel, origin)
        self.panel_ = panel
        self.origin_ = origin
        # Never a silent drop: LAs without the figures the fit needs are listed here.
        self.left_out_ = panel.areas.loc[~self.fit_.ok].reset_index(drop=True)
        self.left_out_["reason"] = (
            f"caseload in January {origin}, new plans in "
            f"{origin - self.trend_years + 1}–{origin} or the figures by age the model learns "
            "from unpublished (DfE symbol, not in the data or not yet an LA)"
        )
        # LAs forecast in total but without a setting-group breakdown at the origin
        no_groups = self.fit_.ok & ~(self.fit_.shares.ok if self.fit_.shares else False)
        self.groups_left_out_ = panel.areas.loc[no_groups].reset_index(drop=True)
        return self

    def predict(self, horizon: int = 3, *, setting_groups: bool = False) -> pd.DataFrame:
        """One row per LA × year × breakdown: expected, mean, std, median and the interval
        bounds (children), for the ``horizon`` years after the fitted origin. Breakdowns are
        the total, each age band (``age_band``) and, with ``setting_groups``, each setting
        group (``setting_group``, :data:`highneeds.forecast.public_groups.GROUPS`); the other
        column reads ``'total'``. Setting groups add up to the total in the expected path and
        in every joint draw the statistics come from."""
        if not hasattr(self, "fit_"):
            raise ModelInputError("public-data model: call fit(history, origin) before predict")
        return self._table(self.panel_, self.origin_, self.fit_, horizon, setting_groups)

    def forecast(
        self,
        panel: Panel,
        origin: int | None = None,
        horizon: int = 3,
        *,
        setting_groups: bool = False,
    ) -> pd.DataFrame:
        """``fit(panel, origin).predict(horizon)`` in one call (origin: the latest year)."""
        return self.fit(panel, origin).predict(horizon, setting_groups=setting_groups)

    def _table(
        self, panel: Panel, origin: int, fit: _Fit, horizon: int, setting_groups: bool = False
    ) -> pd.DataFrame:
        if horizon < 1:
            raise ModelInputError(f"horizon must be at least 1 year, not {horizon}")
        if setting_groups and fit.shares is None:
            raise ModelInputError(
                f"no setting-group breakdown at origin {origin}: the data must publish "
                "caseload by setting group (the 2022 release does from 2015, when FE starts)"
            )
        point = self._project(fit, horizon)
        errors, share_errors, share_sizes = self._calibration_errors(panel, origin, horizon)
        rows = []
        band_names = [*BANDS, "total"]
        values = np.concatenate([point, point.sum(axis=2, keepdims=True)], axis=2)
        for h in range(horizon):
            err = errors.get(h + 1)
            if err is None or err.shape[0] < 30:
                raise ModelInputError(
                    f"origin {origin}: too little earlier history to calibrate intervals at "
                    f"horizon {h + 1} (the model is re-run from earlier origins and needs "
                    "30 LA forecasts it can check); choose a later origin, or read a newer "
                    "release together with an older one such as the bundled 2022 release"
                )
            # Earlier origins set the width, not the centre: their bias came from other
            # years' shocks (the 2014 reforms, the pandemic), which need not repeat.
            with warnings.catch_warnings():
                # a band with no usable earlier error (e.g. 20-25 before 2015) gets NaN bounds
                warnings.simplefilter("ignore", RuntimeWarning)
                err = err - np.nanmedian(err, axis=0)  # errors in units of each LA's scale
                # the horizon's width calibrated on the tuning origins (INTERVAL_SCALE)
                err = err * self.interval_scale[min(h, len(self.interval_scale) - 1)]
                qs = {name: np.nanquantile(err, q, axis=0) for name, q in QUANTILES}
                # (L, n, B + 1): each LA's own spread applied to every earlier error
                ratios = np.exp(fit.scale[:, None, None] * err[None, :, :])
                mean_factor = np.nanmean(ratios, axis=1)
                std_factor = np.nanstd(ratios, axis=1, ddof=1)
                del ratios
            for j, band in enumerate(band_names):
                v = values[:, h, j]
                frame = pd.DataFrame(
                    {
                        "area_code": panel.areas["area_code"],
                        "year": origin + h + 1,
                        "horizon": h + 1,
                        "age_band": band,
                        "setting_group": "total",
                        "expected": v,
                        "mean": v * mean_factor[:, j],
                        "std": v * std_factor[:, j],
                        **{name: v * np.exp(q[j] * fit.scale) for name, q in qs.items()},
                    }
                )
                rows.append(frame[fit.ok])
            if setting_groups:
                draws = _share_error_draws(share_errors, share_sizes, h + 1, err.shape[0])
                rows.extend(
                    self._group_frames(
                        panel, origin, fit, h + 1, values[:, h, -1], err[:, -1], draws
                    )
                )
        out = pd.concat(rows, ignore_index=True)
        if "area_name" in panel.areas:
            out.insert(
                1,
                "area_name",
                out["area_code"].map(
                    dict(zip(panel.areas["area_code"], panel.areas["area_name"], strict=True))
                ),
            )
        return out.sort_values(["area_code", "year", "age_band", "setting_group"]).reset_index(
            drop=True
        )

    def _group_frames(
        self,
        panel: Panel,
        origin: int,
        fit: _Fit,
        h: int,
        total: np.ndarray,
        total_err: np.ndarray,
        draws: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None,
    ) -> list[pd.DataFrame]:
        """Rows of each setting group at horizon ``h``: the expected total split by the
        projected shares, and statistics over joint draws of (total, shares), each group's
        share error as wide as its size at the origin calls for (:func:`size_variance`)."""
        centre = project_clr(fit.shares, h, self.share_damping)
        expected = total[:, None] * softmax(centre)  # (L, G), sums to the total
        L, G = expected.shape
        stats = {c: np.full((L, G), np.nan) for c in ("mean", "std", *(n for n, _ in QUANTILES))}
        if draws is not None:  # else no earlier breakdown to learn share errors from
            rows, standard, systematic, counting = draws
            totals = total[:, None] * np.exp(fit.scale[:, None] * total_err[None, rows])
            size = panel.groups[:, int(np.nonzero(panel.years == origin)[0][0])]
            width = np.sqrt(systematic + counting / np.nan_to_num(size + CHILD_OFFSET, nan=1.0))
            # (L, n, G)
            sample = group_draws(totals, np.nan_to_num(centre), standard, width)
            stats["mean"] = sample.mean(axis=1)
            stats["std"] = sample.std(axis=1, ddof=1)
            qs = np.quantile(sample, [q for _, q in QUANTILES], axis=1)
            stats.update({name: qs[k] for k, (name, _) in enumerate(QUANTILES)})
        ok = fit.ok & fit.shares.ok
        return [
            pd.DataFrame(
                {
                    "area_code": panel.areas["area_code"],
                    "year": origin + h,
                    "horizon": h,
                    "age_band": "total",
                    "setting_group": group,
                    "expected": expected[:, g],
                    **{name: value[:, g] for name, value in stats.items()},
                }
            )[ok]
            for g, group in enumerate(GROUPS)
        ]

    def _calibration_errors(
        self, panel: Panel, origin: int, horizon: int
    ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], dict[int, np.ndarray]]:
        """Log errors (actual / forecast) from earlier origins, by horizon: (n, B + 1); and,
        row for row, the setting-group clr errors (actual − forecast), (n, G), NaN where an
        earlier origin or year has no breakdown, and each group's caseload at that earlier
        origin (children, (n, G)), which sets how wide its errors run."""
        years = panel.years
        out: dict[int, list[np.ndarray]] = {}
        shares: dict[int, list[np.ndarray]] = {}
        sizes: dict[int, list[np.ndarray]] = {}
        for h in range(1, horizon + 1):
            used = scored = 0
            # The latest `calibration_origins` earlier origins, and older ones while they
            # give fewer than MIN_CALIBRATION_ERRORS LA forecasts (a newer release read on
            # its own, or filtered to a few LAs, has few LAs in its latest years).
            for earlier in range(origin - h, int(years.min()) + 1, -1):
                if used >= self.calibration_origins and scored >= MIN_CALIBRATION_ERRORS:
                    break
                try:
                    fit = self._fit_at(panel, earlier)
                except ModelInputError:
                    continue
                point = self._project(fit, h)[:, h - 1]
                t = int(np.nonzero(years == earlier + h)[0][0])
                both = np.concatenate([point, point.sum(axis=1, keepdims=True)], axis=1)
                act = np.concatenate([panel.caseload[:, t, :], panel.total[:, t, None]], axis=1)
                good = fit.ok & (act[:, -1] > 0) & (both[:, -1] > 0)
                if not good.any():
                    continue
                used += 1
                scored += int(good.sum())
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.log(act[good] / both[good]) / fit.scale[good, None]
                ratio[~np.isfinite(ratio)] = np.nan  # a band forecast or found empty
                out.setdefault(h, []).append(ratio)
                share_err = np.full((int(good.sum()), len(GROUPS)), np.nan)
                size = share_err.copy()
                if fit.shares is not None:
                    forecast = project_clr(fit.shares, h, self.share_damping)
                    share_err = (clr(panel.groups[:, t]) - forecast)[good]
                    size = panel.groups[:, int(np.nonzero(years == earlier)[0][0])][good]
                shares.setdefault(h, []).append(share_err)
                sizes.setdefault(h, []).append(size)
        return (
            {h: np.vstack(v) for h, v in out.items()},
            {h: np.vstack(v) for h, v in shares.items()},
            {h: np.vstack(v) for h, v in sizes.items()},
        )


def _direct_path(direct: np.ndarray, horizon: int) -> np.ndarray:
    """(L, horizon) the direct regression's log growth; past its last fitted horizon, that
    horizon's yearly rate continues."""
    fitted = direct.shape[1]
    if horizon <= fitted:
        return direct[:, :horizon]
    rate = direct[:, -1:] / fitted
    return np.concatenate([direct, rate * np.arange(fitted + 1, horizon + 1)[None, :]], axis=1)


#: Fewest earlier LA forecasts that set a horizon's intervals (more origins are used until met).
MIN_CALIBRATION_ERRORS = 100
#: Fewest earlier LA forecasts that may set a horizon's setting-group share errors.
MIN_SHARE_ERRORS = 30


def _share_error_draws(
    share_errors: dict[int, np.ndarray], share_sizes: dict[int, np.ndarray], h: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(rows of the total's errors, standardised share errors (rows, G), and the two parts of
    each group's error variance, (G,) each) to draw horizon ``h`` from.

    A group's clr error is standardised by the width its size calls for,
    sqrt(systematic + counting / children) (:func:`size_variance`), so a large LA's AP/PRU
    borrows the shape of every LA's errors but not the width of a small LA's.
    Where the horizon's own earlier forecasts have a breakdown, each is paired with the same
    LA-origin's total error, keeping their correlation. Where too few do (the breakdown
    starts in 2015, so from origin 2017 no 3-year-ahead share forecast can be checked), the
    errors of the longest shorter horizon are used, their variance widened by h / h' as for
    a random walk in clr space, and paired in turn with the total's errors. None if there
    are none. Standardised errors are centred on each group's median, like the total's."""
    for used in range(h, 0, -1):
        errors = share_errors.get(used)
        if errors is None:
            continue
        finite = np.isfinite(errors).all(axis=1) & np.isfinite(share_sizes[used]).all(axis=1)
        if finite.sum() < MIN_SHARE_ERRORS:
            continue
        chosen, size = errors[finite], share_sizes[used][finite] + CHILD_OFFSET
        systematic, counting = size_variance(chosen, size)
        standard = chosen / np.sqrt(systematic + counting / size)
        standard = standard - np.median(standard, axis=0)
        widen = h / used
        if used == h:
            return np.nonzero(finite)[0], standard, systematic * widen, counting * widen
        rows = np.arange(n)
        return rows, standard[rows % len(standard)], systematic * widen, counting * widen
    return None


# Baselines and backtests live in their own modules; these names stay importable from here.
from highneeds.forecast.backtest import backtest, backtest_summary  # noqa: E402
from highneeds.forecast.baselines import baseline_forecasts  # noqa: E402

__all__ = [
    "BANDS",
    "Panel",
    "PublicStockFlowForecaster",
    "backtest",
    "backtest_summary",
    "baseline_forecasts",
    "build_panel",
    "combine_reorganised",
    "origin_bands",
    "pooled_growth",
]

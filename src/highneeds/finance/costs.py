"""The DBV cost model: annual High Needs cost = caseload × unit cost, by funding category.

Costs are pounds a year per child (top-up) or per commissioned place (place funding), at the
prices of ``price_year`` (a January census year), grown by ``inflation`` for later years.

* Unit costs come from the LA's table (:func:`highneeds.finance.templates.read_unit_costs`),
  most specific row first: setting × need × age band, …, then funding category. A gap falls to
  the labelled national reference default (:data:`REFERENCE_UNIT_COSTS`); every costed row
  says whether it rests on a default (``uses_reference_default``) and which (``cost_source``).
* Place funding and top-up are separate: place funding is paid for commissioned places,
  filled or not, so empty commissioned places add a row of their own. In mainstream and FE the
  school or college meets the first £6,000 of additional support (element 2); an LA that gives
  ``additional_support_gbp`` is charged only the excess as top-up.
* Uncertainty: give the caseload per simulation (a ``simulation`` column) and
  :func:`cost_summary` reports quantiles of the annual totals across simulations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.vocabulary import (
    FUNDING_CATEGORIES,
    SETTING_BY_CODE,
    age_band_of_ncy,
    funding_category_of,
)

#: The school or college meets the first £6,000 of a pupil's additional support (element 2).
ELEMENT_2_THRESHOLD_GBP = 6_000.0
#: Funding categories where element 2 applies, so top-up = additional support − £6,000.
ELEMENT_2_CATEGORIES = ("mainstream", "post16_fe")


@dataclass(frozen=True)
class ReferenceUnitCost:
    funding_category: str
    place_funding_gbp: float
    top_up_gbp: float
    source: str


#: Categories paid place funding per commissioned place (special, resourced provision, AP).
PLACE_FUNDED_CATEGORIES = ("resourced_provision", "maintained_special", "hospital_ap")

#: National reference defaults (pounds a year) used only where the LA gives no figure.
REFERENCE_UNIT_COSTS: tuple[ReferenceUnitCost, ...] = (
    ReferenceUnitCost(
        "mainstream",
        0.0,
        3_100.0,
        "reference default: top-up at Devon's middle mainstream band (£3,100); no place funding",
    ),
    ReferenceUnitCost(
        "resourced_provision",
        6_000.0,
        4_500.0,
        "reference default: £6,000 place (DfE rate for occupied resourced places) "
        "+ Devon's top mainstream band (£4,500)",
    ),
    ReferenceUnitCost(
        "maintained_special",
        10_000.0,
        14_484.0,
        "reference default: £10,000 place + top-up at the midpoint of Devon's "
        "£11,412–£17,556 special school top-ups",
    ),
    ReferenceUnitCost(
        "independent_special",
        0.0,
        63_000.0,
        "reference default: DfE (Feb 2026) average independent special school "
        "place, ~£63,000 a year",
    ),
    ReferenceUnitCost(
        "hospital_ap",
        10_000.0,
        0.0,
        "reference default: £10,000 AP place only (no national top-up figure: supply yours)",
    ),
    ReferenceUnitCost(
        "post16_fe",
        0.0,
        6_588.0,
        "reference default: England implied cost per post-16 EHCP, S251 budget "
        "2021-22 ÷ EHCPs (highneeds finance show)",
    ),
    ReferenceUnitCost(
        "other",
        0.0,
        0.0,
        "reference default: no placement cost assumed (home education, NEET, "
        "awaiting provision); supply direct payments and EOTAS packages",
    ),
)
_DEFAULT_BY_CATEGORY = {d.funding_category: d for d in REFERENCE_UNIT_COSTS}
assert set(_DEFAULT_BY_CATEGORY) == {c.code for c in FUNDING_CATEGORIES}

#: Lookup order, most specific first: which keys a unit-cost row must name (others blank).
_SPECIFICITY: tuple[tuple[str, ...], ...] = (
    ("setting", "need", "age_band"),
    ("setting", "need"),
    ("setting", "age_band"),
    ("setting",),
    ("funding_category", "need", "age_band"),
    ("funding_category", "need"),
    ("funding_category", "age_band"),
    ("funding_category",),
)
_KEYS = ("funding_category", "setting", "need", "age_band")
_COMPONENTS = ("place_funding_gbp", "top_up_gbp")


def reference_unit_costs() -> pd.DataFrame:
    """The national reference defaults as a table (for templates and reports)."""
    return pd.DataFrame([vars(d) for d in REFERENCE_UNIT_COSTS])


def empty_unit_costs() -> pd.DataFrame:
    """A unit-cost table with no LA figures: everything falls to the reference defaults."""
    return pd.DataFrame(columns=[*_KEYS, *_COMPONENTS, "additional_support_gbp", "source"])


def inflation_factors(
    years: list[int], price_year: int, inflation: float | Mapping[int, float] = 0.0
) -> pd.Series:
    """Price index by year relative to ``price_year`` (= 1.0).

    ``inflation``: one yearly rate (0.03 = 3%) or a rate per year (the rate from year − 1 to
    year); a year before ``price_year`` is deflated by the same rates.
    """

    def rate(year: int) -> float:
        if isinstance(inflation, Mapping):
            if year not in inflation:
                raise ModelInputError(
                    f"no inflation rate for {year}; give one for every year "
                    f"from {price_year + 1} to {max(years)}"
                )
            return float(inflation[year])
        return float(inflation)

    out = {}
    for year in years:
        factor = 1.0
        for step in range(price_year + 1, year + 1):
            factor *= 1 + rate(step)
        for step in range(year + 1, price_year + 1):
            factor /= 1 + rate(step)
        out[year] = factor
    return pd.Series(out, name="price_index")


def _category_of(setting: str, unit_costs: pd.DataFrame) -> str:
    if setting in SETTING_BY_CODE:
        return funding_category_of(setting)
    named = unit_costs.loc[unit_costs["setting"] == setting, "funding_category"].dropna().unique()
    if len(named) == 1:
        return str(named[0])
    raise ModelInputError(
        f"setting {setting!r} is not a vocabulary setting and the unit-cost table does not give "
        "its funding category: add a row naming this setting and its funding_category"
        + (f" (it names {sorted(named)})" if len(named) > 1 else "")
    )


def unit_costs_for_states(states: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """Place funding and top-up (pounds a year, price-base) for each distinct state.

    ``states``: columns ``setting`` and optionally ``need``, ``age_band``, ``funding_category``
    (else taken from the vocabulary or the table), one row per state.
    Returns ``states`` plus ``funding_category``, ``place_funding_gbp``, ``top_up_gbp``,
    ``uses_reference_default`` and ``cost_source`` (one text naming where each part came from).
    """
    table = unit_costs.copy()
    for key in _KEYS:
        if key not in table.columns:
            table[key] = None
    for component in (*_COMPONENTS, "additional_support_gbp"):
        if component not in table.columns:
            table[component] = np.nan
    if "source" not in table.columns:
        table["source"] = None
    # additional support -> top-up above the element 2 threshold (mainstream and FE only).
    support = table["additional_support_gbp"].astype(float)
    wrong = support.notna() & ~table["funding_category"].isin(ELEMENT_2_CATEGORIES)
    if wrong.any():
        raise ModelInputError(
            "additional_support_gbp applies to mainstream and post16_fe only; "
            "give top_up_gbp for " + str(table.loc[wrong, "funding_category"].iloc[0])
        )
    table["top_up_gbp"] = (
        table["top_up_gbp"]
        .astype(float)
        .where(support.isna(), (support - ELEMENT_2_THRESHOLD_GBP).clip(lower=0))
    )

    out = states.copy().reset_index(drop=True)
    for key in ("need", "age_band"):
        if key not in out.columns:
            out[key] = None
    if "funding_category" not in out.columns:
        out["funding_category"] = [_category_of(s, table) for s in out["setting"]]
    for component in _COMPONENTS:
        values = pd.Series(np.nan, index=out.index)
        sources = pd.Series(None, index=out.index, dtype=object)
        for keys in _SPECIFICITY:
            others = [k for k in _KEYS if k not in keys]
            rows = table[
                table[list(keys)].notna().all(axis=1)
                & table[[o for o in others if o != "funding_category"]].isna().all(axis=1)
                & table[component].notna()
            ]
            if rows.empty:
                continue
            todo = values.isna()
            if not todo.any():
                break
            rows = rows.drop_duplicates(subset=list(keys))
            found = out.loc[todo, list(keys)].merge(
                rows[[*keys, component, "source"]], on=list(keys), how="left"
            )
            found.index = out.index[todo]
            values.loc[todo] = found[component]
            sources.loc[todo] = (
                found["source"]
                .where(found[component].notna())
                .fillna("LA unit-cost table")
                .where(found[component].notna())
            )
        defaults = out["funding_category"].map(
            {c: getattr(d, component) for c, d in _DEFAULT_BY_CATEGORY.items()}
        )
        default_source = out["funding_category"].map(
            {c: d.source for c, d in _DEFAULT_BY_CATEGORY.items()}
        )
        used = values.isna()
        out[component] = values.where(~used, defaults).astype(float)
        # Categories without place funding (mainstream, independent, FE, other) are not
        # resting on an estimate when no place rate is given: there is none to pay.
        structural = (
            used
            & (component == "place_funding_gbp")
            & ~out["funding_category"].isin(PLACE_FUNDED_CATEGORIES)
        )
        out[f"{component}_default"] = used & ~structural
        out[f"{component}_source"] = sources.where(~used, default_source).where(
            ~structural, "no place funding in this category"
        )
    out["uses_reference_default"] = out["place_funding_gbp_default"] | out["top_up_gbp_default"]
    out["cost_source"] = (
        "place: "
        + out["place_funding_gbp_source"].astype(str)
        + "; top-up: "
        + out["top_up_gbp_source"].astype(str)
    )
    return out.drop(columns=[f"{c}_{s}" for c in _COMPONENTS for s in ("default", "source")])


def cost_caseload(
    caseload: pd.DataFrame,
    unit_costs: pd.DataFrame,
    *,
    price_year: int,
    inflation: float | Mapping[int, float] = 0.0,
    commissioned_places: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cost each caseload row; add the cost of empty commissioned places.

    ``caseload``: ``year`` (January census year), ``setting``, ``count`` (children), optional
    ``need``, ``ncy`` (gives the age band) or ``age_band``, ``funding_category`` (else from the
    vocabulary or the unit-cost table) and ``simulation`` (one caseload per simulated future).
    ``commissioned_places``: ``year, funding_category, places`` — place funding is paid for
    each, filled or not; without it every child fills a paid place.

    Returns one row per caseload row (plus one per year and category with empty places, whose
    ``setting`` is ``"(empty commissioned places)"``), with ``funding_category``, ``places_paid``,
    ``place_funding_gbp``, ``top_up_gbp`` (both totals for the row, inflated), ``cost_gbp``,
    ``uses_reference_default`` and ``cost_source``.
    """
    missing = [c for c in ("year", "setting", "count") if c not in caseload.columns]
    if missing:
        raise ModelInputError(f"caseload lacks the columns {missing}")
    frame = caseload.copy()
    if frame["count"].isna().any() or (frame["count"] < 0).any():
        raise ModelInputError("caseload counts must be present and not negative")
    if "age_band" not in frame.columns:
        frame["age_band"] = frame["ncy"].map(age_band_of_ncy) if "ncy" in frame.columns else None
    if "need" not in frame.columns:
        frame["need"] = None
    state_keys = ["setting", "need", "age_band"]
    if "funding_category" in frame.columns:  # e.g. after the capacity constraint
        state_keys.append("funding_category")
    # Price each distinct state once, then give every row its state's prices.
    state_id = frame.groupby(state_keys, dropna=False, observed=True, sort=False).ngroup()
    first = state_id.drop_duplicates()
    states = frame.loc[first.index, state_keys].reset_index(drop=True)
    order = np.empty(len(first), dtype=np.int64)
    order[first.to_numpy()] = np.arange(len(first))
    priced = unit_costs_for_states(states.astype(object), unit_costs)
    extra = [c for c in priced.columns if c not in frame.columns]
    # Repeated labels as categories: cheap to copy onto millions of rows.
    priced = priced.astype({c: "category" for c in ("funding_category", "cost_source")})
    picked = priced.loc[order[state_id.to_numpy()], extra].reset_index(drop=True)
    frame = pd.concat([frame.reset_index(drop=True), picked], axis=1)
    index = inflation_factors(sorted(frame["year"].unique().tolist()), price_year, inflation)
    factor = frame["year"].map(index)
    frame["places_paid"] = frame["count"].where(frame["place_funding_gbp"] > 0, 0.0)
    frame["place_rate_gbp"] = frame["place_funding_gbp"] * factor
    frame["place_funding_gbp"] = frame["count"] * frame["place_rate_gbp"]
    frame["top_up_gbp"] = frame["count"] * frame["top_up_gbp"] * factor
    if commissioned_places is not None:
        frame = pd.concat(
            [frame, _empty_places(frame, commissioned_places, unit_costs, index)], ignore_index=True
        )
    frame["cost_gbp"] = frame["place_funding_gbp"] + frame["top_up_gbp"]
    return frame.drop(columns="place_rate_gbp")


EMPTY_PLACES = "(empty commissioned places)"


def _empty_places(
    costed: pd.DataFrame, places: pd.DataFrame, unit_costs: pd.DataFrame, index: pd.Series
) -> pd.DataFrame:
    """One row per (simulation, year, category) with commissioned places left empty."""
    needed = {"year", "funding_category", "places"} - set(places.columns)
    if needed:
        raise ModelInputError(f"commissioned places lack the columns {sorted(needed)}")
    group = ["year", "funding_category"]
    if "simulation" in costed.columns:
        group = ["simulation", *group]
    filled = costed.groupby(group, as_index=False)["places_paid"].sum()
    commissioned = places.groupby(["year", "funding_category"], as_index=False)["places"].sum()
    if "simulation" in costed.columns:
        sims = pd.DataFrame({"simulation": costed["simulation"].unique()})
        commissioned = sims.merge(commissioned, how="cross")
    merged = commissioned.merge(filled, on=group, how="left").fillna({"places_paid": 0.0})
    merged["empty"] = (merged["places"] - merged["places_paid"]).clip(lower=0)
    merged = merged[merged["empty"] > 0]
    # The category-level place rate (LA table or default) prices an empty place.
    codes = [c.code for c in FUNDING_CATEGORIES]
    rates = unit_costs_for_states(
        pd.DataFrame({"setting": [f"(empty {c} place)" for c in codes], "funding_category": codes}),
        unit_costs,
    ).set_index("funding_category")
    rate = merged["funding_category"].map(rates["place_funding_gbp"]) * merged["year"].map(index)
    return pd.DataFrame(
        {
            **({"simulation": merged["simulation"]} if "simulation" in merged.columns else {}),
            "year": merged["year"],
            "setting": EMPTY_PLACES,
            "need": None,
            "age_band": None,
            "count": 0.0,
            "funding_category": merged["funding_category"],
            "places_paid": merged["empty"],
            "place_funding_gbp": merged["empty"] * rate,
            "top_up_gbp": 0.0,
            "uses_reference_default": merged["funding_category"].map(
                rates["uses_reference_default"]
            ),
            "cost_source": merged["funding_category"].map(rates["cost_source"]),
        }
    )


QUANTILES = (0.05, 0.5, 0.95)


def cost_summary(
    costed: pd.DataFrame,
    by: tuple[str, ...] = ("funding_category",),
    quantiles: tuple[float, ...] = QUANTILES,
) -> pd.DataFrame:
    """Annual cost by ``year`` and ``by`` (plus an ``"all"`` total), pounds.

    Without simulations: ``place_funding_gbp, top_up_gbp, cost_gbp, children,
    uses_reference_default``. With a ``simulation`` column each figure is summed within a
    simulation first, then summarised across simulations as ``mean`` and the quantiles
    (``cost_gbp_q05`` …): intervals of totals, never sums of intervals.
    """
    group = ["year", *by]
    sims = "simulation" in costed.columns
    keys = (["simulation"] if sims else []) + group
    values = ["place_funding_gbp", "top_up_gbp", "cost_gbp", "count"]
    parts = costed.groupby(keys, as_index=False, dropna=False)[values].sum()
    totals = costed.groupby((["simulation"] if sims else []) + ["year"], as_index=False)[
        values
    ].sum()
    for column in by:
        totals[column] = "all"
    parts = pd.concat([parts, totals[parts.columns]], ignore_index=True)
    flags = costed.groupby(group, dropna=False)["uses_reference_default"].any()
    any_flag = costed.groupby("year")["uses_reference_default"].any()
    if not sims:
        out = parts.rename(columns={"count": "children"})
    else:
        grouped = parts.groupby(group, dropna=False)
        out = grouped[values].mean().add_suffix("_mean").reset_index()
        for q in quantiles:
            tag = f"q{round(q * 100):02d}"
            out = out.merge(
                grouped["cost_gbp"].quantile(q).rename(f"cost_gbp_{tag}").reset_index(), on=group
            )
        out = out.rename(columns={"count_mean": "children_mean"})
    flag = [
        bool(any_flag.get(row.year, False))
        if getattr(row, by[0]) == "all"
        else bool(flags.get(tuple(getattr(row, c) for c in group), False))
        for row in out.itertuples()
    ]
    out["uses_reference_default"] = flag
    return out.sort_values(group).reset_index(drop=True)


def default_note(costed: pd.DataFrame) -> str | None:
    """A sentence naming the reference defaults a result rests on, or None when it uses none."""
    used = costed.loc[costed["uses_reference_default"], "cost_source"].dropna().unique()
    if len(used) == 0:
        return None
    categories = sorted(costed.loc[costed["uses_reference_default"], "funding_category"].unique())
    return (
        "Uses national reference default unit costs (not the LA's own) for: "
        + ", ".join(categories)
        + ". Supply your own in the unit-cost template."
    )

"""Place sufficiency: demand against commissioned places, and the capacity-constrained caseload.

DBV's rule: when in-area specialist places are full, the children beyond them are placed in a
named overflow — by default independent and non-maintained special schools — at its cost.
Pure functions on a caseload frame (``[simulation,] year, setting, count`` plus any other
state columns such as ``ncy`` and ``need``), so they work on a forecast's expected caseload or
on each simulated future alike.
"""

from __future__ import annotations

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.vocabulary import SETTING_BY_CODE, funding_category_of

#: Where children go when in-area specialist places are full (DBV's default).
DEFAULT_OVERFLOW_SETTING = "special_independent"
#: Categories whose places are capped by the capacity register by default.
DEFAULT_CONSTRAINED = ("maintained_special", "resourced_provision")


def _with_category(caseload: pd.DataFrame) -> pd.DataFrame:
    if "funding_category" in caseload.columns:
        return caseload.copy()
    unknown = sorted(set(caseload["setting"]) - set(SETTING_BY_CODE))
    if unknown:
        raise ModelInputError(
            f"settings {unknown} are not vocabulary settings: add a "
            "funding_category column to the caseload"
        )
    return caseload.assign(funding_category=caseload["setting"].map(funding_category_of))


def places_by_year(capacity: pd.DataFrame) -> pd.DataFrame:
    """Commissioned places by ``year, funding_category`` from a capacity register."""
    return capacity.groupby(["year", "funding_category"], as_index=False)["places"].sum()


def sufficiency(caseload: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Demand against commissioned places: ``[simulation,] year, funding_category, demand,
    places, gap`` (places − demand; negative = short of places), ``occupancy`` (demand ÷ places).
    Only categories the register covers appear."""
    frame = _with_category(caseload)
    keys = (["simulation"] if "simulation" in frame.columns else []) + ["year", "funding_category"]
    demand = frame.groupby(keys, as_index=False)["count"].sum().rename(columns={"count": "demand"})
    out = demand.merge(places_by_year(capacity), on=["year", "funding_category"], how="inner")
    out["gap"] = out["places"] - out["demand"]
    out["occupancy"] = out["demand"] / out["places"].where(out["places"] > 0)
    return out


def constrain_to_capacity(
    caseload: pd.DataFrame,
    capacity: pd.DataFrame,
    *,
    constrained: tuple[str, ...] = DEFAULT_CONSTRAINED,
    overflow_setting: str = DEFAULT_OVERFLOW_SETTING,
) -> pd.DataFrame:
    """The caseload with demand beyond commissioned places moved to ``overflow_setting``.

    For each (simulation,) year and constrained funding category that the register covers,
    when demand exceeds places every row of that category is scaled by places ÷ demand and the
    excess is added as rows in ``overflow_setting`` keeping the rows' other state (need, NCY),
    with ``overflow_from`` naming the category they could not enter. Years or categories the
    register does not cover are unconstrained. Total children are unchanged.
    """
    if overflow_setting in SETTING_BY_CODE:
        overflow_category = funding_category_of(overflow_setting)
    else:
        raise ModelInputError(f"overflow setting {overflow_setting!r} is not a vocabulary setting")
    if overflow_category in constrained:
        raise ModelInputError("the overflow cannot be one of the capped categories")
    frame = _with_category(caseload)
    frame["overflow_from"] = None
    keys = (["simulation"] if "simulation" in frame.columns else []) + ["year", "funding_category"]
    demand = frame.groupby(keys)["count"].transform("sum")
    places = frame[["year", "funding_category"]].merge(
        places_by_year(capacity), on=["year", "funding_category"], how="left"
    )["places"]
    places.index = frame.index
    capped = frame["funding_category"].isin(constrained) & places.notna() & (demand > places)
    share = (places / demand).where(capped, 1.0)
    moved = frame.loc[capped].copy()
    moved["count"] = moved["count"] * (1 - share[capped])
    moved["overflow_from"] = moved["funding_category"]
    moved["setting"] = overflow_setting
    moved["funding_category"] = overflow_category
    kept = frame.assign(count=frame["count"] * share)
    out = pd.concat([kept, moved[moved["count"] > 0]], ignore_index=True)
    return out

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

    ``capacity``: ``year, funding_category, places`` and optionally, per provision,
    ``designated_needs`` ("ASD;SLD", blank = any need) and ``min_ncy``/``max_ncy`` (used when
    the caseload has ``need``/``ncy`` columns). For each (simulation,) year and constrained
    category the register covers, provisions fill in turn — the most restrictive first — each
    taking up to its places from the children it may admit, in proportion; children left over
    (more than the places, or no provision designated for them) go to ``overflow_setting``,
    keeping their other state (need, NCY), with ``overflow_from`` naming the category. Years
    and categories the register does not cover are unconstrained. Total children unchanged.
    """
    if overflow_setting in SETTING_BY_CODE:
        overflow_category = funding_category_of(overflow_setting)
    else:
        raise ModelInputError(f"overflow setting {overflow_setting!r} is not a vocabulary setting")
    if overflow_category in constrained:
        raise ModelInputError("the overflow cannot be one of the capped categories")
    frame = _with_category(caseload).reset_index(drop=True)
    frame["overflow_from"] = None
    keys = (["simulation"] if "simulation" in frame.columns else []) + ["year"]
    covered = capacity[capacity["funding_category"].isin(constrained)]
    remaining = frame["count"].astype(float).copy()
    subject = pd.Series(False, index=frame.index)
    for provision in _fill_order(covered):
        eligible = (frame["funding_category"] == provision.funding_category) & (
            frame["year"] == provision.year
        )
        subject |= eligible
        if "need" in frame.columns and _given(provision.designated_needs):
            eligible &= frame["need"].isin(str(provision.designated_needs).split(";"))
        if "ncy" in frame.columns and _given(provision.min_ncy):
            eligible &= frame["ncy"] >= provision.min_ncy
        if "ncy" in frame.columns and _given(provision.max_ncy):
            eligible &= frame["ncy"] <= provision.max_ncy
        if not eligible.any():
            continue
        wanting = (
            remaining[eligible]
            .groupby([frame.loc[eligible, k] for k in keys], observed=True)
            .transform("sum")
        )
        taken = (float(provision.places) / wanting.where(wanting > 0)).clip(upper=1.0).fillna(0.0)
        remaining[eligible] = remaining[eligible] * (1 - taken)
    # Children in a covered category and year who found no place overflow; the rest stay.
    over = remaining.where(subject, 0.0)
    moved = frame.loc[over > 0].copy()
    moved["count"] = over[over > 0]
    moved["overflow_from"] = moved["funding_category"]
    moved["setting"] = overflow_setting
    moved["funding_category"] = overflow_category
    kept = frame.assign(count=frame["count"] - over)
    return pd.concat([kept, moved], ignore_index=True)


def _given(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and str(value).strip() != ""
    )


def _fill_order(capacity: pd.DataFrame):
    """Provision-years, most restrictive first (designated needs, then narrower NCY range)."""
    table = capacity.copy()
    for column in ("designated_needs", "min_ncy", "max_ncy"):
        if column not in table.columns:
            table[column] = None
    table["_open"] = ~table["designated_needs"].map(_given)
    low = pd.to_numeric(table["min_ncy"], errors="coerce").fillna(-99)
    high = pd.to_numeric(table["max_ncy"], errors="coerce").fillna(99)
    table["_width"] = high - low
    table = table.sort_values(["year", "_open", "_width"], kind="stable")
    return table.itertuples(index=False)


def capacity_with_register(
    capacity: pd.DataFrame, register: pd.DataFrame, *, after: int | None = None
) -> pd.DataFrame:
    """A capacity register (``provision, funding_category, designated_needs, year, places``
    rows, as the sufficiency model reads) with the register's opened and closed places applied
    from the January of the academic year they change in, onwards.

    Changes in or before January ``after`` (the capacity register's own first year, say) are
    taken to be in the capacity register already and skipped. Planned places are not capacity
    until they open: pass them with status "opened" to ask "what if they open as planned".
    """
    changes = register[register["status"].isin(["opened", "closed"])]
    if after is not None:
        changes = changes[changes["year"] > after]
    if changes.empty:
        return capacity.copy()
    years = sorted(set(capacity["year"]))
    extra = []
    for row in changes.itertuples():
        sign = 1 if row.status == "opened" else -1
        for year in years:
            if year >= row.year:
                extra.append(
                    {
                        "provision": row.scheme,
                        "funding_category": row.funding_category,
                        "designated_needs": row.designated_needs or None,
                        "year": year,
                        "places": float(sign * row.places),
                    }
                )
    return pd.concat([capacity, pd.DataFrame(extra)], ignore_index=True)

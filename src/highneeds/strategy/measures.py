"""The measures a SEND strategy's KPIs can be bound to, computed from what highneeds holds.

Each :class:`Measure` turns :class:`KpiData` (the store's DfE EHCP statistics, the shipped
finance and KPI tables, the LA's places register) into ``area_code, year, value`` rows for
the areas asked. Years follow the measure's ``period``:

* ``january`` — January census year (caseload, AP census); flows in calendar year *Y* (new
  plans, requests, timeliness) are reported by DfE with January *Y + 1*, as everywhere else;
* ``financial`` — the year a financial year ends (2021-22 → 2022);
* ``calendar`` — the calendar year (SEND Tribunal appeals);
* ``academic`` — the January within an academic year (2024/25 → 2025).

Rates are computed from each area's own numerator and denominator (so a region's rate is its
total over its population, not a mean of its LAs' rates).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.finance import bundled as finance_bundled
from highneeds.reference.lookups import ENGLAND
from highneeds.strategy import sources

ENGLAND_CODE = ENGLAND[0]
VALUE_COLUMNS = ["area_code", "year", "value"]

#: Units a KPI can be measured in, with how a value is written (see :func:`format_value`).
UNITS = {
    "count": "number",
    "percent": "per cent",
    "per_1000": "per 1,000",
    "pounds": "pounds",
    "pounds_per_head": "pounds per head",
    "text": "",
}
PERIODS = ("january", "financial", "calendar", "academic")


@dataclass
class KpiData:
    """What measures are computed from. ``stats`` is the tidy EHCP table of
    :mod:`highneeds.readers.dfe_schema` (newest release winning); ``places`` an LA's places
    register (:mod:`highneeds.strategy.places`), or None."""

    stats: pd.DataFrame
    places: pd.DataFrame | None = None
    _population: dict = field(default_factory=dict, repr=False)

    def population(self, area_codes: list[str], min_age: int, max_age: int) -> pd.DataFrame:
        """Residents aged ``min_age``–``max_age`` by area and January census year (the ONS
        mid-year figure for the June before; estimates preferred to projections)."""
        key = (tuple(sorted(area_codes)), min_age, max_age)
        if key not in self._population:
            totals = reference.january_population(list(area_codes), min_age, max_age)
            self._population[key] = totals[["area_code", "year", "population"]]
        return self._population[key]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str
    period: str
    definition: str
    source: str
    compute: Callable[[KpiData, list[str]], pd.DataFrame] = field(repr=False)
    #: Whether other areas' values mean anything beside the LA's (not for its own register).
    comparable: bool = True


# ------------------------------------------------------------------------------------------
# Building blocks
# ------------------------------------------------------------------------------------------


def _series(stats: pd.DataFrame, measure: str, setting: str = "total") -> pd.DataFrame:
    rows = stats[
        (stats["measure"] == measure)
        & (stats["setting"] == setting)
        & (stats["dimension"] == "total")
        & (stats["category"] == "total")
    ]
    return rows[VALUE_COLUMNS].dropna(subset=["value"]).reset_index(drop=True)


def _in(frame: pd.DataFrame, area_codes: list[str]) -> pd.DataFrame:
    return frame[frame["area_code"].isin(area_codes)].reset_index(drop=True)


def _ratio(numerator: pd.DataFrame, denominator: pd.DataFrame, scale: float) -> pd.DataFrame:
    """``numerator ÷ denominator × scale`` matched on area and year (denominator column
    ``value`` or ``population``)."""
    denominator = denominator.rename(columns={"population": "value"})
    merged = numerator.merge(denominator, on=["area_code", "year"], suffixes=("", "_d"))
    merged = merged[merged["value_d"] > 0]
    merged["value"] = merged["value"] / merged["value_d"] * scale
    return merged[VALUE_COLUMNS].reset_index(drop=True)


def _with_summed_areas(frame: pd.DataFrame, area_codes: list[str]) -> pd.DataFrame:
    """Add region and England totals summed from LAs where the source publishes only LAs.
    Only for additive columns (counts, pounds, people)."""
    wanted = [c for c in area_codes if c not in set(frame["area_code"])]
    if not wanted:
        return frame
    las = reference.las()[["la_code", "region_code"]].drop_duplicates("la_code")
    region = frame.merge(las, left_on="area_code", right_on="la_code", how="inner")
    extra = []
    for code in wanted:
        if code == ENGLAND_CODE:
            part = region
        elif code in set(las["region_code"]):
            part = region[region["region_code"] == code]
        else:
            continue
        sums = part.drop(columns=["area_code", "la_code", "region_code"]).groupby("year").sum()
        extra.append(sums.reset_index().assign(area_code=code))
    return pd.concat([frame, *extra], ignore_index=True) if extra else frame


def _count(measure: str, setting: str = "total"):
    def compute(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
        return _in(_series(data.stats, measure, setting), area_codes)

    return compute


def _share_of_caseload(setting: str):
    def compute(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
        part = _in(_series(data.stats, "caseload", setting), area_codes)
        whole = _in(_series(data.stats, "caseload"), area_codes)
        return _ratio(part, whole, 100.0)

    return compute


def _per_1000_aged_0_25(measure: str):
    def compute(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
        counts = _in(_series(data.stats, measure), area_codes)
        try:
            population = data.population(area_codes, 0, 25)
        except NotFoundError:
            return pd.DataFrame(columns=VALUE_COLUMNS)
        return _ratio(counts, population, 1000.0)

    return compute


def _financial_year_end(label: pd.Series) -> pd.Series:
    """ "2021-22" -> 2022."""
    return label.str.slice(0, 4).astype(int) + 1


def _dsg_balance(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    table = finance_bundled.table("dsg_balance")
    out = pd.DataFrame(
        {
            "area_code": table["la_code"].astype(str),
            "year": _financial_year_end(table["financial_year"]),
            "value": table["balance_pct_income"],
        }
    )
    return _in(out.dropna(), area_codes)


def _high_needs_spend_per_head(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    spend = finance_bundled.table("s251_spend")
    spend = spend[(spend["statement"] == "outturn") & (spend["phase"] == "total")]
    totals = spend.groupby(["la_code", "financial_year"], as_index=False)["amount_gbp"].sum()
    people = finance_bundled.table("s251_caseload")
    people = people[people["funding_category"] == "total"][["la_code", "population_2_18"]]
    frame = totals.merge(people, on="la_code")
    frame = pd.DataFrame(
        {
            "area_code": frame["la_code"].astype(str),
            "year": _financial_year_end(frame["financial_year"]),
            "amount": frame["amount_gbp"],
            "population": frame["population_2_18"],
        }
    )
    frame = frame[frame["area_code"] != ENGLAND_CODE]  # recomputed from LAs below
    frame = _with_summed_areas(frame, area_codes)
    frame["value"] = frame["amount"] / frame["population"]
    return _in(frame[VALUE_COLUMNS], area_codes)


def _tribunal_appeal_rate(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    table = sources.table("tribunal_appeals")
    table = _with_summed_areas(table[table["area_code"] != ENGLAND_CODE], area_codes)
    england = sources.table("tribunal_appeals")
    table = pd.concat([table, england[england["area_code"] == ENGLAND_CODE]])
    table = table[table["appealable_decisions"] > 0]
    table["value"] = table["appeals"] / table["appealable_decisions"] * 100.0
    return _in(table[VALUE_COLUMNS].drop_duplicates(["area_code", "year"], keep="last"), area_codes)


def _ap_census(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    table = sources.table("ap_census").rename(columns={"pupils": "value"})
    return _in(table, area_codes)


def _places_delivered(data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    from highneeds.strategy.places import delivered_by_year  # the register's own module

    if data.places is None or data.places.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    delivered = delivered_by_year(data.places)
    # Years after the last opening or closing hold plans only: nothing delivered yet.
    done = data.places[data.places["status"].isin(["opened", "closed"])]
    if done.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    delivered = delivered[delivered["year"] <= done["year"].max()]
    la_codes = [c for c in area_codes if not c.startswith("E")]
    return pd.DataFrame(
        {
            "area_code": la_codes[0] if la_codes else "",
            "year": delivered["year"],
            "value": delivered["net_places_cumulative"],
        }
    )


# ------------------------------------------------------------------------------------------
# The catalogue
# ------------------------------------------------------------------------------------------

_DFE = "DfE, Education, health and care plans (store)"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "ehcps",
        "Children and young people with an EHC plan",
        "count",
        "january",
        "EHC plans maintained by the LA on census day in January.",
        _DFE,
        _count("caseload"),
    ),
    Measure(
        "ehcps_per_1000_aged_0_25",
        "EHC plans per 1,000 residents aged 0 to 25",
        "per_1000",
        "january",
        "EHC plans in January per 1,000 residents aged 0 to 25 (ONS mid-year estimate for the "
        "June before, or ONS projection where no estimate is shipped).",
        _DFE + "; ONS population",
        _per_1000_aged_0_25("caseload"),
    ),
    Measure(
        "new_plans",
        "New EHC plans made in the year",
        "count",
        "january",
        "EHC plans made for the first time in the calendar year before the January census.",
        _DFE,
        _count("new_plans"),
    ),
    Measure(
        "issued_within_20_weeks_pct",
        "New EHC plans issued within 20 weeks (%)",
        "percent",
        "january",
        "Share of new EHC plans issued within the statutory 20 weeks, exceptions included, in "
        "the calendar year before the January census.",
        _DFE,
        _count("timeliness_20_weeks_incl_exceptions_pc"),
    ),
    Measure(
        "requests_per_1000_aged_0_25",
        "Requests for an EHC needs assessment per 1,000 residents aged 0 to 25",
        "per_1000",
        "january",
        "Initial requests for an EHC needs assessment in the calendar year before the January "
        "census, per 1,000 residents aged 0 to 25.",
        _DFE + "; ONS population",
        _per_1000_aged_0_25("requests"),
    ),
    Measure(
        "mainstream_pct",
        "EHC plans in mainstream schools (%)",
        "percent",
        "january",
        "Share of EHC plans whose holder attends a mainstream school (including resourced "
        "provision and SEN units) in January.",
        _DFE,
        _share_of_caseload("group:mainstream"),
    ),
    Measure(
        "independent_special_pct",
        "EHC plans in independent special schools (%)",
        "percent",
        "january",
        "Share of EHC plans whose holder attends an independent special school in January.",
        _DFE,
        _share_of_caseload("special_independent"),
    ),
    Measure(
        "ap_pru_pct",
        "EHC plans in alternative provision or pupil referral units (%)",
        "percent",
        "january",
        "Share of EHC plans whose holder attends alternative provision or a pupil referral "
        "unit in January.",
        _DFE,
        _share_of_caseload("group:ap_pru"),
    ),
    Measure(
        "la_funded_ap_pupils",
        "Pupils in LA-funded alternative provision",
        "count",
        "january",
        "Pupils the LA funds in alternative provision on AP census day in January.",
        "DfE alternative provision census (shipped)",
        _ap_census,
    ),
    Measure(
        "high_needs_spend_per_head",
        "High needs spend per resident aged 2 to 18 (£)",
        "pounds_per_head",
        "financial",
        "High needs outturn on the Section 251 lines, divided by residents aged 2 to 18.",
        "DfE high needs benchmarking (Section 251 outturn, shipped)",
        _high_needs_spend_per_head,
    ),
    Measure(
        "dsg_balance_pct_income",
        "Cumulative DSG balance as % of DSG income",
        "percent",
        "financial",
        "The LA's cumulative Dedicated Schools Grant balance at the end of the financial year "
        "as a share of its DSG income; negative means a deficit.",
        "DfE, DSG deficit data (shipped)",
        _dsg_balance,
    ),
    Measure(
        "tribunal_appeal_rate_pct",
        "SEND Tribunal appeal rate (% of appealable decisions)",
        "percent",
        "calendar",
        "Appeals registered with the SEND Tribunal per 100 appealable decisions the LA made in "
        "the calendar year.",
        "HMCTS / Ministry of Justice, SEND Tribunal appeal rate (shipped)",
        _tribunal_appeal_rate,
    ),
    Measure(
        "specialist_places_delivered",
        "Specialist places added since the register began (net)",
        "count",
        "academic",
        "Specialist places opened less places closed, counted from the first academic year in "
        "the LA's places register, by the January of each academic year.",
        "The LA's places register",
        _places_delivered,
        comparable=False,
    ),
)
MEASURE_BY_CODE = {measure.code: measure for measure in MEASURES}


def values(measure: Measure, data: KpiData, area_codes: list[str]) -> pd.DataFrame:
    """``area_code, year, value`` of ``measure`` for ``area_codes`` (sorted, floats)."""
    out = measure.compute(data, [str(c) for c in area_codes])
    out = out.astype({"area_code": str}).assign(
        year=lambda f: f["year"].astype(int), value=lambda f: f["value"].astype(float)
    )
    return out[np.isfinite(out["value"])].sort_values(["area_code", "year"]).reset_index(drop=True)


def year_ending(value: object) -> int | None:
    """The year a period ends, as every KPI and register year is keyed: 2022, "2022",
    "2021-22", "2024/25" or "2024-2025" (None when it is none of those)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        ends = start + 1
        matches = end == str(ends) if len(end) == 4 else int(end) == ends % 100
        return ends if matches else None
    return int(float(text)) if re.fullmatch(r"\d{4}(\.0)?", text) else None


def period_label(period: str, year: int) -> str:
    """How a year reads in words for a measure's period: "January 2022", "2021-22", "2022",
    "2024/25"."""
    if period == "january":
        return f"January {year}"
    if period == "financial":
        return f"{year - 1}-{year % 100:02d}"
    if period == "academic":
        return f"{year - 1}/{year % 100:02d}"
    return str(year)


def format_value(unit: str, value: float | None) -> str:
    """A value in words for a table or page; a dash for none."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("pounds", "pounds_per_head"):
        return f"£{value:,.0f}"
    return f"{value:,.1f}"

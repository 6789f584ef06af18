"""Scenarios: named, dated, documented lists of interventions over the baseline caseload.

A scenario is a TOML file::

    name = "New special school"
    date = 2026-03-01
    description = "150 places from September 2027, phased intake."

    [[intervention]]
    type = "places"                  # open (or, negative, close) commissioned places
    funding_category = "maintained_special"
    from_year = 2028                 # January census year
    places = [50, 100, 150]          # phased; the last value holds afterwards

Intervention types: ``places``; ``move`` (a share of placements in one category moved to a
named setting from a year, ramped: independent → in-area, or special → mainstream for
inclusion); ``early_help`` (caseload reduced by a share from a year, ramped over
``ramp_years`` — applied to the caseload as an approximation of fewer new plans); ``unit_cost``
(a category's unit costs × ``factor`` from a year); ``capital`` (one-off pounds in a year).

Every scenario transforms the *same* simulated baseline caseload deterministically, so all
scenarios share the baseline's random draws (common random numbers): differences between
scenarios are not simulation noise, and a scenario with no interventions equals the baseline
exactly. Savings are computed per simulation, then summarised.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.errors import InputFileError
from highneeds.finance.costs import cost_caseload
from highneeds.finance.sufficiency import (
    DEFAULT_OVERFLOW_SETTING,
    constrain_to_capacity,
    sufficiency,
)
from highneeds.limits import OutOfRangeError, scenario_places
from highneeds.readers.text import read_text
from highneeds.vocabulary import (
    FUNDING_CATEGORY_BY_CODE,
    NCY_MAX,
    NCY_MIN,
    NEED_BY_CODE,
    SETTING_BY_CODE,
    funding_category_of,
)

#: Fields each intervention type needs (beyond ``type``), and optional ones.
INTERVENTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "places": (
        ("funding_category", "from_year", "places"),
        ("designated_needs", "min_ncy", "max_ncy", "note"),
    ),
    "move": (("from_category", "to_setting", "share", "from_year"), ("ramp_years", "note")),
    "early_help": (("reduction", "from_year"), ("ramp_years", "note")),
    "unit_cost": (("funding_category", "factor", "from_year"), ("note",)),
    "capital": (("year", "amount_gbp"), ("note",)),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    date: dt.date | None = None
    description: str = ""
    interventions: tuple[dict, ...] = field(default=())

    @property
    def is_baseline(self) -> bool:
        return not self.interventions


BASELINE = Scenario("Baseline", description="The forecast with no interventions.")


def read_scenario(path: str | Path) -> Scenario:
    """A scenario from a TOML file; a bad field is refused naming the file and intervention."""
    path = Path(path)
    return scenario_from_toml(read_text(path, "TOML"), source=path.name)


def scenario_from_toml(text: str, *, source: str = "scenario") -> Scenario:
    """A scenario from TOML text (``source`` names it in error messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"not valid TOML ({error})", file=source) from None
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise InputFileError("a scenario needs a name", file=source, column="name")
    items = data.get("intervention", [])
    checked = tuple(
        _check_intervention(item, source, number) for number, item in enumerate(items, 1)
    )
    date = data.get("date")
    if date is not None and not isinstance(date, dt.date):
        raise InputFileError(
            f"date {date!r} is not a TOML date like 2026-03-01", file=source, column="date"
        )
    return Scenario(data["name"].strip(), date, str(data.get("description", "")), checked)


def scenario_to_toml(scenario: Scenario) -> str:
    """The readable TOML file of a scenario; :func:`scenario_from_toml` reads it back equal."""
    lines = [f"name = {_toml_value(scenario.name)}"]
    if scenario.date is not None:
        lines.append(f"date = {_toml_value(scenario.date)}")
    lines.append(f"description = {_toml_value(scenario.description)}")
    for item in scenario.interventions:
        lines += ["", "[[intervention]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in item.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to a scenario file")


def _check_intervention(item: Mapping, file: str, number: int) -> dict:
    where = f"intervention {number}"
    kind = item.get("type")
    if kind not in INTERVENTION_FIELDS:
        raise InputFileError(
            f"{where}: unknown type {kind!r}; choose from {', '.join(INTERVENTION_FIELDS)}",
            file=file,
            column="type",
        )
    required, optional = INTERVENTION_FIELDS[kind]
    missing = [f for f in required if f not in item]
    extra = sorted(set(item) - set(required) - set(optional) - {"type"})
    if missing or extra:
        problem = f"lacks {missing}" if missing else f"has unknown fields {extra}"
        raise InputFileError(f"{where} ({kind}) {problem}", file=file)
    for key in ("funding_category", "from_category"):
        if key in item and item[key] not in FUNDING_CATEGORY_BY_CODE:
            raise InputFileError(
                f"{where}: {item[key]!r} is not a funding category", file=file, column=key
            )

    def number(key: str) -> float:
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputFileError(
                f"{where}: {key} must be a number, not {value!r}", file=file, column=key
            )
        return float(value)

    for key in ("share", "reduction"):
        if key in item and not 0 <= number(key) <= 1:
            raise InputFileError(f"{where}: {key} must be between 0 and 1", file=file, column=key)
    if kind == "unit_cost" and number("factor") < 0:
        raise InputFileError(f"{where}: factor cannot be negative", file=file, column="factor")
    if kind == "capital" and number("amount_gbp") < 0:
        raise InputFileError(f"{where}: amount_gbp cannot be negative", file=file)
    checked = dict(item)
    if kind == "places":
        phased = item["places"] if isinstance(item["places"], list | tuple) else [item["places"]]
        for value in phased:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputFileError(
                    f"{where}: places must be numbers, not {value!r}", file=file, column="places"
                )
            try:
                scenario_places().check(value, f"{where}: places in a year (negative to close)")
            except OutOfRangeError as error:
                raise InputFileError(str(error), file=file, column="places") from None
        checked.update(_checked_designation(item, where, file))
    return checked


def designated_need_codes(value) -> list[str]:
    """Need codes from a places item's ``designated_needs``: ``"ASD;SLD"`` as stored, a TOML
    list, or codes separated by commas; blank or absent = any need (an empty list)."""
    if value is None:
        return []
    parts = value if isinstance(value, list | tuple) else str(value).replace(",", ";").split(";")
    return [str(p).strip().upper() for p in parts if str(p).strip()]


def _checked_designation(item: Mapping, where: str, file: str) -> dict:
    """Designated needs as the ``"ASD;SLD"`` string the capacity constraint reads (a TOML list
    or commas are accepted and rewritten), and an NCY range inside the vocabulary's. A wrong
    code would otherwise make places that admit nobody, silently."""
    out: dict = {}
    if item.get("designated_needs") is not None:
        codes = designated_need_codes(item["designated_needs"])
        unknown = [c for c in codes if c not in NEED_BY_CODE]
        if unknown:
            raise InputFileError(
                f"{where}: designated_needs {unknown} are not need codes; "
                f"choose from {', '.join(NEED_BY_CODE)}",
                file=file,
                column="designated_needs",
            )
        out["designated_needs"] = ";".join(codes)
    for key in ("min_ncy", "max_ncy"):
        value = item.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not NCY_MIN <= value <= NCY_MAX:
            raise InputFileError(
                f"{where}: {key} must be a whole year group from {NCY_MIN} to {NCY_MAX}, "
                f"not {value!r}",
                file=file,
                column=key,
            )
    low, high = item.get("min_ncy"), item.get("max_ncy")
    if low is not None and high is not None and low > high:
        raise InputFileError(
            f"{where}: min_ncy {low} is after max_ncy {high}", file=file, column="min_ncy"
        )
    places = item["places"] if isinstance(item["places"], list | tuple) else [item["places"]]
    designated = bool(out.get("designated_needs")) or low is not None or high is not None
    if designated and any(isinstance(p, int | float) and p < 0 for p in places):
        raise InputFileError(
            f"{where}: closed places take from the whole category, so they cannot be "
            "designated for needs or year groups",
            file=file,
            column="designated_needs",
        )
    return out


def with_intervention(scenario: Scenario, item: Mapping, position: int | None = None) -> Scenario:
    """The scenario with ``item`` checked and appended, or replacing intervention number
    ``position`` (1-based), as an officer's form edits it."""
    items = list(scenario.interventions)
    if position is not None and not 1 <= position <= len(items):
        raise InputFileError(f"{scenario.name!r} has no intervention {position}")
    number = len(items) + 1 if position is None else position
    checked = _check_intervention(item, scenario.name, number)
    if position is None:
        items.append(checked)
    else:
        items[number - 1] = checked
    return replace(scenario, interventions=tuple(items))


def without_intervention(scenario: Scenario, position: int) -> Scenario:
    """The scenario without intervention number ``position`` (1-based)."""
    if not 1 <= position <= len(scenario.interventions):
        raise InputFileError(f"{scenario.name!r} has no intervention {position}")
    items = [x for n, x in enumerate(scenario.interventions, 1) if n != position]
    return replace(scenario, interventions=tuple(items))


# --------------------------------------------------------------------------------------------
# Applying a scenario
# --------------------------------------------------------------------------------------------


def _ramp(years: pd.Series, start: int, ramp_years: int) -> pd.Series:
    """0 before ``start``, rising linearly to 1 over ``ramp_years`` (1 = at once)."""
    steps = (years - start + 1).clip(lower=0)
    return (steps / max(int(ramp_years), 1)).clip(upper=1.0)


def apply_demand(caseload: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The caseload after early help and moves (places and prices act later)."""
    frame = caseload.copy()
    if "funding_category" not in frame.columns:
        frame["funding_category"] = frame["setting"].map(funding_category_of)
    for item in scenario.interventions:
        if item["type"] == "early_help":
            ramp = _ramp(frame["year"], int(item["from_year"]), item.get("ramp_years", 1))
            frame["count"] = frame["count"] * (1 - float(item["reduction"]) * ramp)
        elif item["type"] == "move":
            ramp = _ramp(frame["year"], int(item["from_year"]), item.get("ramp_years", 1))
            share = float(item["share"]) * ramp.where(
                frame["funding_category"] == item["from_category"], 0.0
            )
            moved = frame[share > 0].copy()
            moved["count"] = moved["count"] * share[share > 0]
            moved["setting"] = item["to_setting"]
            moved["funding_category"] = _category_of_setting(item["to_setting"])
            frame["count"] = frame["count"] * (1 - share)
            frame = pd.concat([frame, moved], ignore_index=True)
    return frame


def _category_of_setting(setting: str) -> str:
    if setting not in SETTING_BY_CODE:
        raise InputFileError(
            f"to_setting {setting!r} is not a vocabulary setting", column="to_setting"
        )
    return funding_category_of(setting)


_PROVISION_COLUMNS = (
    "provision",
    "year",
    "funding_category",
    "designated_needs",
    "min_ncy",
    "max_ncy",
    "places",
)


def apply_places(capacity: pd.DataFrame, scenario: Scenario, years: Sequence[int]) -> pd.DataFrame:
    """The capacity register after the scenario opens or closes places, one row per provision
    and year (``provision, year, funding_category, designated_needs, min_ncy, max_ncy,
    places``). New places are a provision of their own (with the intervention's designated
    needs and NCY range, if given); closed places (negative) come off the category's existing
    provisions that year in proportion to their places, never below zero."""
    register = capacity.copy()
    for column in _PROVISION_COLUMNS:
        if column not in register.columns:
            register[column] = None
    register = register[list(_PROVISION_COLUMNS)].astype({"places": float})
    added = []
    for number, item in enumerate(scenario.interventions, 1):
        if item["type"] != "places":
            continue
        phased = item["places"] if isinstance(item["places"], list) else [item["places"]]
        for year in years:
            step = year - int(item["from_year"])
            if step < 0:
                continue
            places = float(phased[min(step, len(phased) - 1)])
            category = item["funding_category"]
            if places >= 0:
                added.append(
                    {
                        "provision": f"{scenario.name}: intervention {number}",
                        "year": year,
                        "funding_category": category,
                        "designated_needs": item.get("designated_needs"),
                        "min_ncy": item.get("min_ncy"),
                        "max_ncy": item.get("max_ncy"),
                        "places": places,
                    }
                )
                continue
            hit = (register["year"] == year) & (register["funding_category"] == category)
            total = register.loc[hit, "places"].sum()
            if total > 0:
                register.loc[hit, "places"] *= max(0.0, 1 + places / total)
    if added:
        register = pd.concat([register, pd.DataFrame(added)], ignore_index=True)
    return register


def cost_scenario(
    caseload: pd.DataFrame,
    scenario: Scenario,
    unit_costs: pd.DataFrame,
    *,
    price_year: int,
    inflation: float | Mapping[int, float] = 0.0,
    capacity: pd.DataFrame | None = None,
    overflow_setting: str = DEFAULT_OVERFLOW_SETTING,
) -> pd.DataFrame:
    """The scenario's costed caseload (see :func:`~highneeds.finance.costs.cost_caseload`).

    With a capacity register the in-area specialist places cap demand and the excess goes to
    ``overflow_setting``; empty commissioned places are paid; ``attrs["sufficiency"]`` holds
    demand against places by year and category (means over simulations, and the probability
    of being short of places). Capital appears as rows with
    ``setting == "(capital)"``.
    """
    frame = apply_demand(caseload, scenario)
    places = None
    if capacity is None and any(i["type"] == "places" for i in scenario.interventions):
        raise InputFileError(
            f"scenario {scenario.name!r} opens or closes places: give a capacity register"
        )
    gaps = None
    if capacity is not None:
        years = sorted(frame["year"].unique().tolist())
        places = apply_places(capacity, scenario, years)
        gaps = sufficiency(frame, places)
        frame = constrain_to_capacity(frame, places, overflow_setting=overflow_setting)
    costed = cost_caseload(
        frame, unit_costs, price_year=price_year, inflation=inflation, commissioned_places=places
    )
    for item in scenario.interventions:
        if item["type"] == "unit_cost":
            hit = (costed["funding_category"] == item["funding_category"]) & (
                costed["year"] >= int(item["from_year"])
            )
            for column in ("place_funding_gbp", "top_up_gbp", "cost_gbp"):
                costed.loc[hit, column] = costed.loc[hit, column] * float(item["factor"])
    capital = [item for item in scenario.interventions if item["type"] == "capital"]
    if capital:
        sims = costed["simulation"].unique() if "simulation" in costed.columns else [None]
        rows = []
        for item in capital:
            for sim in sims:
                row = {
                    "year": int(item["year"]),
                    "setting": "(capital)",
                    "funding_category": "capital",
                    "count": 0.0,
                    "place_funding_gbp": 0.0,
                    "top_up_gbp": 0.0,
                    "cost_gbp": float(item["amount_gbp"]),
                    "uses_reference_default": False,
                    "cost_source": "scenario capital cost",
                }
                if sim is not None:
                    row["simulation"] = sim
                rows.append(row)
        costed = pd.concat([costed, pd.DataFrame(rows)], ignore_index=True)
    if gaps is not None:
        costed.attrs["sufficiency"] = _mean_gaps(gaps)
    return costed


def _mean_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """Demand before the constraint against places, averaged over simulations."""
    table = gaps.groupby(["year", "funding_category"], as_index=False, observed=True)[
        ["demand", "places", "gap"]
    ].mean()
    table["probability_short"] = (
        gaps.assign(short=gaps["gap"] < 0)
        .groupby(["year", "funding_category"], observed=True)["short"]
        .mean()
        .to_numpy()
    )
    return table


def compare_scenarios(
    caseload: pd.DataFrame,
    scenarios: Sequence[Scenario],
    unit_costs: pd.DataFrame,
    *,
    price_year: int,
    inflation: float | Mapping[int, float] = 0.0,
    capacity: pd.DataFrame | None = None,
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Cost the baseline and every scenario on the same simulations; compare them.

    Returns ``(comparison, costed)``: ``comparison`` has one row per scenario and year with
    ``cost_gbp_mean`` and quantiles, ``saving_gbp_mean`` and quantiles (baseline − scenario,
    per simulation), ``cumulative_saving_gbp_mean``, ``uses_reference_default`` and per
    scenario ``payback_year`` (first year in which the mean cumulative saving, net of capital,
    is positive and stays so; blank when it never is within the horizon). ``costed`` maps each
    scenario name to its costed caseload.
    """
    everything = [BASELINE, *[s for s in scenarios if s.name != BASELINE.name]]
    names = [s.name for s in everything]
    if len(set(names)) != len(names):
        raise InputFileError(f"two scenarios share a name: {names}")
    caseload = caseload if "simulation" in caseload.columns else caseload.assign(simulation=0)
    # Labels as categories: millions of rows, a few dozen distinct labels.
    caseload = caseload.astype(
        {
            c: "category"
            for c in ("setting", "need", "age_band", "funding_category")
            if c in caseload.columns
        }
    )
    costed: dict[str, pd.DataFrame] = {}
    for scenario in everything:
        if scenario.is_baseline and costed:
            # No interventions: the baseline's own result (identical by construction).
            costed[scenario.name] = costed[BASELINE.name]
            continue
        costed[scenario.name] = cost_scenario(
            caseload,
            scenario,
            unit_costs,
            price_year=price_year,
            inflation=inflation,
            capacity=capacity,
        )
    per_sim = {
        name: frame.groupby(["simulation", "year"])["cost_gbp"].sum().unstack("year")
        for name, frame in costed.items()
    }
    base = per_sim[BASELINE.name]
    low, high = quantiles
    rows = []
    for scenario in everything:
        cost = per_sim[scenario.name].reindex(index=base.index, columns=base.columns, fill_value=0)
        saving = base - cost
        cumulative = saving.cumsum(axis=1)
        mean_cumulative = cumulative.mean(axis=0)
        payback = _payback(mean_cumulative) if not scenario.is_baseline else None
        flags = costed[scenario.name].groupby("year")["uses_reference_default"].any()
        for year in base.columns:
            rows.append(
                {
                    "scenario": scenario.name,
                    "year": int(year),
                    "cost_gbp_mean": cost[year].mean(),
                    f"cost_gbp_q{round(low * 100):02d}": cost[year].quantile(low),
                    f"cost_gbp_q{round(high * 100):02d}": cost[year].quantile(high),
                    "saving_gbp_mean": saving[year].mean(),
                    f"saving_gbp_q{round(low * 100):02d}": saving[year].quantile(low),
                    f"saving_gbp_q{round(high * 100):02d}": saving[year].quantile(high),
                    "cumulative_saving_gbp_mean": mean_cumulative[year],
                    "payback_year": payback,
                    "uses_reference_default": bool(flags.get(year, False)),
                }
            )
    return pd.DataFrame(rows), costed


def _payback(mean_cumulative: pd.Series) -> int | None:
    values = mean_cumulative.to_numpy()
    if not np.any(values != 0):
        return None
    for position in range(len(values)):
        if values[position] > 0 and (values[position:] >= 0).all():
            return int(mean_cumulative.index[position])
    return None

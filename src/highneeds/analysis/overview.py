"""An LA's EHCP picture from DfE's published statistics, beside England, its region and its
DfE statistical neighbours.

Two tables make the overview:

* ``comparison`` — one row per area (the LA, each statistical neighbour, the neighbours'
  average, the region, England) and one column per headline measure for the chosen January;
* ``history`` — the LA's own series by January census year: caseload, growth, setting groups,
  age bands, new plans and 20-week timeliness.

Rates are EHCPs per 1,000 residents aged 0–25 (ONS mid-year estimate for the June before the
January census; projections where no estimate exists, flagged in ``notes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.vocabulary import AGE_BANDS, SETTING_GROUP_BY_CODE

ENGLAND = reference.ENGLAND_CODE

#: Headline series: (column title, measure, setting, dimension, category).
CASELOAD = ("caseload", "total", "total", "total")
NEW_PLANS = ("new_plans", "total", "total", "total")
TIMELINESS_RATE = ("timeliness_20_weeks_incl_exceptions_pc", "total", "total", "total")
#: Setting groups shown as a share of the caseload (the others are small or not always published).
SHARE_GROUPS = ("mainstream", "special", "ap_pru", "fe", "educated_elsewhere", "early_years")


@dataclass
class Overview:
    la_code: str
    la_name: str
    region_code: str | None
    region_name: str | None
    year: int
    comparison: pd.DataFrame
    history: pd.DataFrame
    notes: list[str] = field(default_factory=list)


#: Measures the overview reads; callers can load only these from the store.
MEASURES = (CASELOAD[0], NEW_PLANS[0], TIMELINESS_RATE[0])


def overview_areas(la: str, neighbours_model: str = "2021") -> list[str]:
    """Area codes an overview of ``la`` needs: the LA, its neighbours, its region, England."""
    la_row = reference.find_la(la)
    neighbours = reference.statistical_neighbours(str(la_row["la_code"]), model=neighbours_model)
    codes = [str(la_row["la_code"]), *(str(c) for c in neighbours["neighbour_code"]), ENGLAND]
    if la_row.get("region_code"):
        codes.append(str(la_row["region_code"]))
    return codes


def _series(
    stats: pd.DataFrame, measure: str, setting: str, dimension: str, category: str
) -> pd.DataFrame:
    """Rows of one published series (all areas, all years)."""
    mask = (
        (stats["measure"] == measure)
        & (stats["setting"] == setting)
        & (stats["dimension"] == dimension)
        & (stats["category"] == category)
    )
    return stats.loc[mask, ["area_code", "year", "value", "status"]]


def _wide(stats: pd.DataFrame, key: tuple[str, str, str, str]) -> pd.DataFrame:
    """area_code × year table of one series' values (NaN where not published or a symbol)."""
    rows = _series(stats, *key)
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(
        index="area_code", columns="year", values="value", aggfunc="first", dropna=False
    )


def _population_0_25(area_codes: list[str], years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """Residents aged 0–25 by area and January census year, with notes on what was used."""
    notes: list[str] = []
    wanted = sorted({year - 1 for year in years})
    pop = reference.population(area_codes=area_codes, years=None, ages=range(26))
    if pop.empty:
        return pd.DataFrame(), ["no population figures available: rates not shown"]
    totals = pop.groupby(["area_code", "year", "kind"], as_index=False)["population"].sum()
    # Prefer an estimate to a projection for the same mid-year.
    totals["rank"] = (totals["kind"] != "estimate").astype(int)
    totals = totals.sort_values("rank").drop_duplicates(["area_code", "year"])
    totals = totals[totals["year"].isin(wanted)]
    projected = sorted(totals.loc[totals["kind"] != "estimate", "year"].unique())
    if projected:
        notes.append(
            "rates for January "
            + ", ".join(str(y + 1) for y in projected)
            + " use ONS 2018-based projections (no mid-year estimate in the bundled data)"
        )
    table = totals.pivot_table(index="area_code", columns="year", values="population")
    table.columns = [int(c) + 1 for c in table.columns]  # mid-year Y -> January Y + 1
    return table, notes


def _pct_change(wide: pd.DataFrame, year: int, years_back: int) -> pd.Series:
    if year not in wide.columns or (year - years_back) not in wide.columns:
        return pd.Series(np.nan, index=wide.index)
    before = wide[year - years_back]
    return (wide[year] / before - 1.0) * 100.0


def la_overview(
    stats: pd.DataFrame, la: str, year: int | None = None, neighbours_model: str = "2021"
) -> Overview:
    """The overview of LA ``la`` (name or code) from tidy DfE statistics ``stats``.

    ``stats`` is the tidy table of :mod:`highneeds.readers.dfe_schema` (newest release winning),
    holding at least the LA, its neighbours, its region and England. ``year`` defaults to the
    latest January with a published caseload for the LA.
    """
    la_row = reference.find_la(la)
    la_code = str(la_row["la_code"])
    caseload = _wide(stats, CASELOAD)
    if caseload.empty or la_code not in caseload.index:
        raise NotFoundError(
            f"no EHCP statistics for {la_row['la_name']} ({la_code}) in the store; "
            "import a DfE release first: highneeds data import --bundled"
        )
    la_years = caseload.loc[la_code].dropna()
    if year is None:
        year = int(la_years.index.max())
    elif year not in la_years.index:
        raise NotFoundError(
            f"no published caseload for {la_row['la_name']} in January {year}; years with "
            f"data: {int(la_years.index.min())}–{int(la_years.index.max())}"
        )

    neighbours = reference.statistical_neighbours(la_code, model=neighbours_model)
    neighbour_codes = [str(c) for c in neighbours["neighbour_code"]]
    region_code = la_row.get("region_code")
    areas = [la_code, *neighbour_codes]
    names = {la_code: la_row["la_name"]}
    names.update(dict(zip(neighbour_codes, neighbours["neighbour_name"], strict=True)))

    population, notes = _population_0_25(
        areas + [c for c in (region_code, ENGLAND) if c], sorted(caseload.columns)
    )
    comparison = _comparison(stats, caseload, population, year, areas, region_code)
    comparison.insert(0, "area", [names.get(code, code) for code in comparison.index])
    labels = {
        "neighbours": f"Statistical neighbours (mean of {len(neighbour_codes)})",
        ENGLAND: "England",
    }
    if region_code:
        labels[region_code] = la_row.get("region_name") or region_code
    comparison["area"] = [
        labels.get(code, name)
        for code, name in zip(comparison.index, comparison["area"], strict=True)
    ]
    comparison.index.name = "area_code"
    history = _history(stats, caseload, population, la_code)
    if np.isnan(comparison.loc[la_code, "issued_within_20_weeks_pct"]):
        notes.append(f"20-week timeliness is not published for January {year} in the store")
    return Overview(
        la_code=la_code,
        la_name=str(la_row["la_name"]),
        region_code=region_code,
        region_name=la_row.get("region_name"),
        year=int(year),
        comparison=comparison,
        history=history,
        notes=notes,
    )


def _comparison(stats, caseload, population, year, areas, region_code) -> pd.DataFrame:
    codes = [c for c in areas if c in caseload.index]
    extra = [c for c in (region_code, ENGLAND) if c and c in caseload.index]
    table = pd.DataFrame(index=pd.Index(codes + extra))
    table["ehcps"] = caseload.reindex(table.index)[year] if year in caseload else np.nan
    if not population.empty and year in population.columns:
        pop = population[year].reindex(table.index)
        table["per_1000_aged_0_25"] = table["ehcps"] / pop * 1000.0
    else:
        table["per_1000_aged_0_25"] = np.nan
    table["growth_1y_pct"] = _pct_change(caseload, year, 1).reindex(table.index)
    table["growth_5y_pct"] = _pct_change(caseload, year, 5).reindex(table.index)
    for group in SHARE_GROUPS:
        counts = _wide(stats, ("caseload", f"group:{group}", "total", "total"))
        share = (counts[year] if year in counts else pd.Series(dtype=float)).reindex(table.index)
        table[f"{group}_pct"] = share / table["ehcps"] * 100.0
    new_plans = _wide(stats, NEW_PLANS)
    table["new_plans"] = (new_plans[year] if year in new_plans else pd.Series(dtype=float)).reindex(
        table.index
    )
    rate = _wide(stats, TIMELINESS_RATE)
    table["issued_within_20_weeks_pct"] = (
        rate[year] if year in rate else pd.Series(dtype=float)
    ).reindex(table.index)
    neighbour_rows = table.loc[[c for c in codes[1:] if c in table.index]]
    if not neighbour_rows.empty:
        mean = neighbour_rows.mean(numeric_only=True)
        table = pd.concat(
            [table.loc[[codes[0]]], neighbour_rows, mean.to_frame("neighbours").T, table.loc[extra]]
        )
    return table


def _history(stats, caseload, population, la_code) -> pd.DataFrame:
    series = caseload.loc[la_code].dropna()
    history = pd.DataFrame({"ehcps": series})
    history.index = history.index.astype(int)
    history.index.name = "year"
    history["growth_pct"] = history["ehcps"].pct_change() * 100.0
    if not population.empty and la_code in population.index:
        pop = population.loc[la_code].reindex(history.index)
        history["per_1000_aged_0_25"] = history["ehcps"] / pop * 1000.0
    for group in SETTING_GROUP_BY_CODE:
        counts = _wide(stats, ("caseload", f"group:{group}", "total", "total"))
        if not counts.empty and la_code in counts.index:
            history[group] = counts.loc[la_code].reindex(history.index)
    for band in AGE_BANDS:
        counts = _wide(stats, ("caseload", "total", "age_band", band.code))
        if not counts.empty and la_code in counts.index:
            history[f"age_{band.code}"] = counts.loc[la_code].reindex(history.index)
    for name, key in (("new_plans", NEW_PLANS), ("issued_within_20_weeks_pct", TIMELINESS_RATE)):
        wide = _wide(stats, key)
        if not wide.empty and la_code in wide.index:
            history[name] = wide.loc[la_code].reindex(history.index)
    return history.dropna(axis=1, how="all")

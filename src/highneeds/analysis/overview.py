"""An LA's EHCP picture from DfE's published statistics, beside England, its region and its
DfE statistical neighbours.

Two tables make the overview:

* ``comparison`` — one row per area (the LA, each statistical neighbour, the neighbours'
  average, the region, England) and one column per headline measure for the chosen January;
* ``history`` — the LA's own series by January census year: caseload, growth, setting groups,
  age bands, new plans and 20-week timeliness.

Rates are EHCPs per 1,000 residents aged 0–25 (ONS mid-year estimate for the June before the
January census; projections where no estimate exists, flagged in ``notes``).

Both layouts DfE has published are read the same way: where a release gives no setting-group
subtotal or age band (the 2023 layout gives non-maintained early years as a setting and ages
one year at a time), the overview adds up the published parts. A figure DfE published as a
symbol (``c``, ``x``, ``z``, ``low``, ``u``) stays missing in the numbers and its symbol is kept
beside them, in ``history_symbols`` and ``comparison_symbols``.

The neighbours come from one DfE statistical-neighbour model per overview, named in the
neighbours' row; their mean is over the neighbours that have the figure, and says how many.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.readers.dfe_ehcp import PLACEMENT_SUBTOTAL_PARTS
from highneeds.reference.bundled import DEFAULT_MODEL as DEFAULT_NEIGHBOURS_MODEL
from highneeds.vocabulary import AGE_BANDS, SETTING_BY_CODE, SETTING_GROUP_BY_CODE, age_band_of_age

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
    #: DfE statistical-neighbour model the comparison uses ("2021" or "2025").
    neighbours_model: str = DEFAULT_NEIGHBOURS_MODEL
    #: How many neighbours have a caseload for ``year`` (the LAs the neighbours' mean averages).
    neighbours_averaged: int = 0
    #: The DfE symbol standing for each missing figure, where DfE published one (else None);
    #: same rows and columns as ``history`` and ``comparison``.
    history_symbols: pd.DataFrame | None = None
    comparison_symbols: pd.DataFrame | None = None


#: Measures the overview reads; callers can load only these from the store.
MEASURES = (CASELOAD[0], NEW_PLANS[0], TIMELINESS_RATE[0])
#: Row code of the neighbours' mean in ``comparison``.
NEIGHBOURS = "neighbours"


def neighbours_label(model: str, averaged: int) -> str:
    """The neighbours' row title: which model, and how many LAs the mean is of."""
    return f"Neighbours: mean of {averaged} (DfE {model} model)"


def overview_areas(la: str, neighbours_model: str = DEFAULT_NEIGHBOURS_MODEL) -> list[str]:
    """Area codes an overview of ``la`` needs: the LA, its neighbours, its region, England."""
    la_row = reference.find_la(la)
    neighbours = reference.statistical_neighbours(str(la_row["la_code"]), model=neighbours_model)
    codes = [str(la_row["la_code"]), *(str(c) for c in neighbours["neighbour_code"])]
    return [*codes, *(str(c) for c in (la_row.get("region_code"), ENGLAND) if c)]


def overview_from_store(
    store, la: str, year: int | None = None, neighbours_model: str = DEFAULT_NEIGHBOURS_MODEL
) -> Overview:
    """The overview of ``la`` from the DfE figures in ``store``: the one path the command line
    and the web workspace both take, so the same choice gives the same numbers."""
    from highneeds.readers.dfe_stored import load_stats

    areas = overview_areas(la, neighbours_model)
    stats = load_stats(store, area_codes=areas, measures=MEASURES)
    return la_overview(stats, la, year=year, neighbours_model=neighbours_model)


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


def _pivot(rows: pd.DataFrame, values: str) -> pd.DataFrame:
    return rows.pivot_table(
        index="area_code", columns="year", values=values, aggfunc="first", dropna=False
    )


def _wide(stats: pd.DataFrame, key: tuple[str, str, str, str]) -> pd.DataFrame:
    """area_code × year table of one series' values (NaN where not published or a symbol)."""
    rows = _series(stats, *key)
    if rows.empty:
        return pd.DataFrame()
    return _pivot(rows, "value")


def _wide_symbols(stats: pd.DataFrame, key: tuple[str, str, str, str]) -> pd.DataFrame:
    """area_code × year table of the DfE symbols published in place of one series' figures."""
    rows = _series(stats, *key)
    rows = rows[rows["value"].isna() & rows["status"].notna()]
    if rows.empty:
        return pd.DataFrame()
    return _pivot(rows.astype({"status": str}), "status")


def _sum_of_parts(parts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area × year sums of ``parts`` rows, the symbol where a part was published as one).

    A sum is given only where every published part is a number: a part published as ``c`` makes
    the sum unknown, and the sum then shows that part's symbol.
    """
    if parts.empty:
        return pd.DataFrame(), pd.DataFrame()
    grouped = parts.groupby(["area_code", "year"])
    sums = grouped["value"].sum(min_count=1)
    symbolled = parts[parts["value"].isna() & parts["status"].notna()]
    symbols = symbolled.groupby(["area_code", "year"])["status"].first().astype(str)
    sums[sums.index.isin(symbols.index)] = np.nan
    return sums.unstack("year"), symbols.unstack("year") if len(symbols) else pd.DataFrame()


def _setting_group(stats: pd.DataFrame, group: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, symbols) of one setting group by area × year.

    The published subtotal where there is one; otherwise, for an area and year without it, the
    sum of the group's settings that no published subtotal already counts (the 2023 layout gives
    non-maintained early years only as a setting, and counts NEET inside "educated elsewhere").
    """
    counts = _wide(stats, ("caseload", f"group:{group}", "total", "total"))
    symbols = _wide_symbols(stats, ("caseload", f"group:{group}", "total", "total"))
    caseload = stats[
        (stats["measure"] == "caseload")
        & (stats["dimension"] == "total")
        & (stats["category"] == "total")
    ]
    published = caseload[caseload["setting"].str.startswith("group:")]
    counted = {
        (row.area_code, row.year, part)
        for row in published.itertuples()
        for part in PLACEMENT_SUBTOTAL_PARTS.get(row.setting[len("group:") :], ())
    }
    members = [code for code, setting in SETTING_BY_CODE.items() if setting.group == group]
    parts = caseload[caseload["setting"].isin(members)]
    if not counts.empty:
        have = set(counts.stack().dropna().index)
        keys = zip(parts.area_code, parts.year, strict=True)
        parts = parts[[(area, year) not in have for area, year in keys]]
    parts = parts[
        [
            (a, y, s) not in counted
            for a, y, s in zip(parts.area_code, parts.year, parts.setting, strict=True)
        ]
    ]
    added, added_symbols = _sum_of_parts(parts)
    return _combine(counts, added), _combine(symbols, added_symbols)


def _age_band(stats: pd.DataFrame, band) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, symbols) of one age band by area × year: the published band, or (2023 layout)
    the sum of the single years of age in it."""
    counts = _wide(stats, ("caseload", "total", "age_band", band.code))
    symbols = _wide_symbols(stats, ("caseload", "total", "age_band", band.code))
    ages = stats[
        (stats["measure"] == "caseload")
        & (stats["setting"] == "total")
        & (stats["dimension"] == "age")
    ]
    in_band = ages["category"].map(_band_of_age_label) == band.code
    added, added_symbols = _sum_of_parts(ages[in_band])
    return _combine(counts, added), _combine(symbols, added_symbols)


def _band_of_age_label(category: str) -> str | None:
    """Age band code of a published single-age category ("7", "under_3", "2_and_under",
    "25_and_over"); None for "unknown" or anything else."""
    if category.startswith("under_") and category[len("under_") :].isdigit():
        category = str(int(category[len("under_") :]) - 1)
    category = category.removesuffix("_and_under").removesuffix("_and_over")
    if not category.isdigit():
        return None
    try:
        return age_band_of_age(int(category))
    except ValueError:
        return None


def _combine(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """``first`` with its gaps filled from ``second`` (both area × year)."""
    if first.empty:
        return second
    if second.empty:
        return first
    return first.combine_first(second)


def _population_0_25(area_codes: list[str], years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """Residents aged 0–25 by area and January census year, with notes on what was used."""
    notes: list[str] = []
    totals = reference.january_population(area_codes)
    if totals.empty:
        return pd.DataFrame(), ["no population figures available: rates not shown"]
    totals = totals[totals["year"].isin(set(years))]
    projected = sorted(totals.loc[totals["kind"] != "estimate", "year"].unique())
    if projected:
        notes.append(
            "rates for January "
            + ", ".join(str(y) for y in projected)
            + " use ONS 2018-based projections (no mid-year estimate in the bundled data)"
        )
    table = totals.pivot_table(index="area_code", columns="year", values="population")
    table.columns = [int(c) for c in table.columns]
    return table, notes


def _pct_change(wide: pd.DataFrame, year: int, years_back: int) -> pd.Series:
    if year not in wide.columns or (year - years_back) not in wide.columns:
        return pd.Series(np.nan, index=wide.index)
    before = wide[year - years_back]
    return (wide[year] / before - 1.0) * 100.0


def la_overview(
    stats: pd.DataFrame,
    la: str,
    year: int | None = None,
    neighbours_model: str = DEFAULT_NEIGHBOURS_MODEL,
) -> Overview:
    """The overview of LA ``la`` (name or code) from tidy DfE statistics ``stats``.

    ``stats`` is the tidy table of :mod:`highneeds.readers.dfe_schema` (newest release winning),
    holding at least the LA, its neighbours, its region and England. ``year`` defaults to the
    latest January with a published caseload for the LA. The neighbours are those of DfE's
    ``neighbours_model`` ("2021" or "2025"); every one of them has a row, with gaps where the
    store has no figures for it.
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
    names = {la_code: la_row["la_name"]}
    names.update(dict(zip(neighbour_codes, neighbours["neighbour_name"], strict=True)))
    if region_code:
        names[region_code] = la_row.get("region_name") or region_code
    names[ENGLAND] = "England"

    population, notes = _population_0_25(
        [la_code, *neighbour_codes] + [c for c in (region_code, ENGLAND) if c],
        sorted(caseload.columns),
    )
    comparison, comparison_symbols = _comparison(
        stats, caseload, population, year, la_code, neighbour_codes, region_code
    )
    averaged = int(comparison.loc[neighbour_codes, "ehcps"].notna().sum())
    names[NEIGHBOURS] = neighbours_label(neighbours_model, averaged)
    comparison.insert(0, "area", [names.get(code, code) for code in comparison.index])
    comparison.index.name = "area_code"
    comparison_symbols.index.name = "area_code"
    notes += _neighbour_notes(comparison, neighbour_codes, neighbours_model, year, averaged)
    absent = [
        names[c] for c in (region_code, ENGLAND) if c and np.isnan(comparison.loc[c, "ehcps"])
    ]
    if absent:
        notes.append(
            f"the store has no January {year} caseload for {' or '.join(absent)} (a release "
            "of only some LAs' figures leaves them out)"
        )
    history, history_symbols = _history(stats, caseload, population, la_code)
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
        neighbours_model=str(neighbours_model),
        neighbours_averaged=averaged,
        history_symbols=history_symbols,
        comparison_symbols=comparison_symbols,
    )


def _neighbour_notes(comparison, neighbour_codes, model, year, averaged) -> list[str]:
    """Say which neighbours the mean leaves out, and any figure it averages over fewer LAs."""
    notes = []
    if averaged < len(neighbour_codes):
        absent = comparison.loc[neighbour_codes].query("ehcps != ehcps")["area"]
        notes.append(
            f"the neighbours' mean is of {averaged} of the {len(neighbour_codes)} neighbours in "
            f"DfE's {model} model: the store has no January {year} caseload for "
            + ", ".join(absent)
        )
    counts = comparison.loc[neighbour_codes].drop(columns="area").notna().sum()
    fewer = counts[(counts < averaged) & (counts > 0)]
    for column, count in fewer.items():
        notes.append(
            f"the neighbours' mean of {MEASURE_WORDS.get(column, column)} averages the {count} "
            "neighbours that have the figure"
        )
    return notes


#: Words for every column of ``history`` and ``comparison`` (what shells show as headers).
LABELS = {
    "year": "January census",
    "area_code": "Area code",
    "area": "Area",
    "ehcps": "EHCPs",
    "growth_pct": "Growth on a year before %",
    "per_1000_aged_0_25": "EHCPs per 1,000 aged 0–25",
    "growth_1y_pct": "Growth on a year before %",
    "growth_5y_pct": "Growth on five years before %",
    "new_plans": "New plans in the calendar year before",
    "issued_within_20_weeks_pct": "New plans issued within 20 weeks %",
    **{group.code: group.label for group in SETTING_GROUP_BY_CODE.values()},
    **{f"{group}_pct": f"{SETTING_GROUP_BY_CODE[group].label} %" for group in SHARE_GROUPS},
    **{f"age_{band.code}": band.label for band in AGE_BANDS},
}
#: Words for the comparison's measures, for notes about them.
MEASURE_WORDS = {
    "per_1000_aged_0_25": "EHCPs per 1,000 residents aged 0–25",
    "growth_1y_pct": "1-year growth",
    "growth_5y_pct": "5-year growth",
    "new_plans": "new plans",
    "issued_within_20_weeks_pct": "plans issued within 20 weeks",
}


def _comparison(stats, caseload, population, year, la_code, neighbour_codes, region_code):
    """(area × measure table for ``year``, the DfE symbols standing for its missing figures)."""
    extra = [c for c in (region_code, ENGLAND) if c]
    index = pd.Index([la_code, *neighbour_codes, *extra])
    table = pd.DataFrame(index=index)
    symbols = pd.DataFrame(index=index, dtype=object)

    def at_year(wide: pd.DataFrame) -> pd.Series:
        column = wide[year] if year in wide else pd.Series(dtype=object)
        return column.reindex(index)

    table["ehcps"] = at_year(caseload)
    symbols["ehcps"] = at_year(_wide_symbols(stats, CASELOAD))
    if not population.empty and year in population.columns:
        table["per_1000_aged_0_25"] = table["ehcps"] / population[year].reindex(index) * 1000.0
    else:
        table["per_1000_aged_0_25"] = np.nan
    table["growth_1y_pct"] = _pct_change(caseload, year, 1).reindex(index)
    table["growth_5y_pct"] = _pct_change(caseload, year, 5).reindex(index)
    for column in ("per_1000_aged_0_25", "growth_1y_pct", "growth_5y_pct"):
        symbols[column] = symbols["ehcps"]  # a rate of a count DfE withheld is withheld too
    for group in SHARE_GROUPS:
        counts, group_symbols = _setting_group(stats, group)
        table[f"{group}_pct"] = at_year(counts).astype(float) / table["ehcps"] * 100.0
        symbols[f"{group}_pct"] = at_year(group_symbols)
    for name, key in (("new_plans", NEW_PLANS), ("issued_within_20_weeks_pct", TIMELINESS_RATE)):
        table[name] = at_year(_wide(stats, key)).astype(float)
        symbols[name] = at_year(_wide_symbols(stats, key))
    neighbour_rows = table.loc[neighbour_codes]
    table.loc[NEIGHBOURS] = neighbour_rows.mean(numeric_only=True)
    order = [la_code, *neighbour_codes, NEIGHBOURS, *extra]
    symbols = symbols.reindex(order).where(table.reindex(order).isna())
    return table.loc[order], symbols.astype(object).where(symbols.notna(), None)


def _history(stats, caseload, population, la_code) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the LA's series by January census year, the DfE symbols standing for missing figures).

    Every January any of the overview's series has a figure or a symbol for is a row; a column
    with neither in any year is left out.
    """
    columns: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {
        "ehcps": (caseload, _wide_symbols(stats, CASELOAD))
    }
    for group in SETTING_GROUP_BY_CODE:
        columns[group] = _setting_group(stats, group)
    for band in AGE_BANDS:
        columns[f"age_{band.code}"] = _age_band(stats, band)
    for name, key in (("new_plans", NEW_PLANS), ("issued_within_20_weeks_pct", TIMELINESS_RATE)):
        columns[name] = (_wide(stats, key), _wide_symbols(stats, key))

    def row_of(wide: pd.DataFrame) -> pd.Series:
        if wide.empty or la_code not in wide.index:
            return pd.Series(dtype=object)
        return wide.loc[la_code].dropna()

    values = {name: row_of(wide) for name, (wide, _) in columns.items()}
    marks = {name: row_of(wide) for name, (_, wide) in columns.items()}
    years = sorted({int(y) for series in (*values.values(), *marks.values()) for y in series.index})
    index = pd.Index(years, name="year")
    history = pd.DataFrame(
        {name: series.astype(float).reindex(index) for name, series in values.items()}, index=index
    )
    symbols = pd.DataFrame(
        {name: series.reindex(index) for name, series in marks.items()}, index=index, dtype=object
    )
    history.insert(1, "growth_pct", history["ehcps"].pct_change(fill_method=None) * 100.0)
    symbols.insert(1, "growth_pct", symbols["ehcps"])
    if not population.empty and la_code in population.index:
        pop = population.loc[la_code].reindex(index)
        history.insert(2, "per_1000_aged_0_25", history["ehcps"] / pop * 1000.0)
        symbols.insert(2, "per_1000_aged_0_25", symbols["ehcps"])
    keep = history.notna().any() | symbols.notna().any()
    history, symbols = history.loc[:, keep], symbols.loc[:, keep]
    symbols = symbols.where(history.isna() & symbols.notna())
    return history, symbols.astype(object).where(symbols.notna(), None)

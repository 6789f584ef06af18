"""Reference data shipped with highneeds: LAs, statistical neighbours, population, IMD 2019.

Reads only the compact CSVs in ``highneeds/data/reference`` (built from the published files by
``scripts/build_reference_data.py``), so it works offline and never needs the source files.
Every function returns a fresh DataFrame or dict the caller may change freely.

LAs are identified by the DfE 3-digit LA number (``la_code``, e.g. "356"), the ONS GSS code
(``gss_code``, e.g. "E08000007") and name; :func:`find_la` accepts any of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from highneeds.errors import NotFoundError
from highneeds.reference.lookups import ENGLAND, REGIONS
from highneeds.reference.names import name_key, normalise_label
from highneeds.vocabulary import AGE_BANDS

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
#: Projection table's 5-year groups, by their youngest age.
_GROUP_OF_AGE = {age: f"{age // 5 * 5}-{age // 5 * 5 + 4}" for age in range(0, 30)}
#: Census day used to decide which LAs existed in a January census year.
CENSUS_DAY = "01-15"
MODELS = ("2021", "2025")
DEFAULT_MODEL = "2025"

#: Age ranges (inclusive) worth naming: all EHCP ages, and the high needs NFF population factor.
AGES_0_25 = ("0_25", "Age 0 to 25", 0, 25)
AGES_2_18 = ("2_18", "Age 2 to 18 (high needs population factor)", 2, 18)


@dataclass(frozen=True)
class LocalAuthority:
    """One upper-tier LA as :func:`find_la` resolves it."""

    la_code: str  # DfE 3-digit LA number
    gss_code: str  # ONS code, current (or last, for an abolished LA)
    la_name: str
    region_code: str
    region_name: str
    current: bool  # False for LAs abolished in a reorganisation
    successor_la_codes: tuple[str, ...] = ()

    def __getitem__(self, field: str) -> object:
        """``la["la_name"]`` as well as ``la.la_name``, for code that treats it as a row."""
        try:
            return getattr(self, field)
        except AttributeError:
            raise KeyError(field) from None

    def get(self, field: str, default: object = None) -> object:
        return getattr(self, field, default)


# ------------------------------------------------------------------------------------------
# Loading (cached; callers get copies)
# ------------------------------------------------------------------------------------------


def _read(name: str, **options) -> pd.DataFrame:
    path = DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: reinstall highneeds or run scripts/build_reference_data.py"
        )
    return pd.read_csv(path, keep_default_na=False, **options)


@cache
def _las() -> pd.DataFrame:
    table = _read("las.csv", dtype=str)
    table["current"] = table.current == "True"
    return table


@cache
def _neighbours() -> pd.DataFrame:
    return _read(
        "statistical_neighbours.csv", dtype={"model": str, "la_code": str, "neighbour_code": str}
    )


@cache
def _estimates() -> pd.DataFrame:
    return _read(
        "population_estimates.csv", dtype={"area_code": str, "sex": str, "derived_from": str}
    )


@cache
def _projection() -> pd.DataFrame:
    return _read(
        "population_projection_2018.csv",
        dtype={"area_code": str, "age_group": str, "derived_from": str},
    )


@cache
def _imd() -> pd.DataFrame:
    return _read("imd2019.csv", dtype={"la_code": str, "utla_code": str, "utla_name": str})


@cache
def _ltla_utla() -> pd.DataFrame:
    return _read("ltla_utla.csv", dtype=str)


# ------------------------------------------------------------------------------------------
# LAs and regions
# ------------------------------------------------------------------------------------------


def las(census_year: int | None = None, *, include_former: bool = True) -> pd.DataFrame:
    """Upper-tier LAs in England.

    Columns: ``la_code, gss_code, la_name, region_code, region_name, current, valid_from,
    valid_to, successor_la_codes, former_gss_codes, other_names`` (lists joined with ";").

    With no ``census_year``: every LA on today's geography (``current=True``) and, unless
    ``include_former=False``, the LAs abolished since 2019 that older EHCP statistics report
    (``current=False``, with their successors). With ``census_year``: the LAs that existed on
    the January census day of that year (e.g. 152 in 2022, with Cumbria; 153 in 2024).
    """
    table = _las().copy()
    if census_year is not None:
        day = f"{int(census_year)}-{CENSUS_DAY}"
        started = (table.valid_from == "") | (table.valid_from <= day)
        not_ended = (table.valid_to == "") | (table.valid_to >= day)
        return table[started & not_ended].reset_index(drop=True)
    if not include_former:
        table = table[table.current]
    return table.reset_index(drop=True)


def regions() -> pd.DataFrame:
    """The nine English regions: ``region_code, region_name``."""
    return pd.DataFrame(list(REGIONS.items()), columns=["region_code", "region_name"])


def lower_tier_lookup(vintage: str | None = None) -> pd.DataFrame:
    """English lower → upper tier LAs: ``vintage, ltla_code, ltla_name, utla_code, utla_name``.

    ``vintage`` is "2022" (December 2022) or "2023" (April 2023); default: the latest.
    """
    table = _ltla_utla()
    vintage = vintage or table.vintage.max()
    if vintage not in set(table.vintage):
        raise NotFoundError(f"no lookup for {vintage!r}; have {sorted(set(table.vintage))}")
    return table[table.vintage == vintage].reset_index(drop=True)


def find_la(text: str | int) -> LocalAuthority:
    """The LA named by a DfE number ("356"), GSS code (current or former) or name.

    Names match ignoring case, punctuation and "City of"/"County of" ("stockport",
    "bristol", "Kingston upon Hull, City of"). Where an abolished and a current LA share a
    name (Dorset), the current one wins. Raises :class:`NotFoundError` naming the closest
    names when nothing matches.
    """
    table = _las()
    raw = str(text).strip()
    if re.fullmatch(r"\d{3}", raw):
        hits = table[table.la_code == raw]
    elif re.fullmatch(r"[A-Za-z]\d{8}", raw):
        code = raw.upper()
        hits = table[
            (table.gss_code == code)
            | table.former_gss_codes.str.split(";").map(lambda c: code in c)
        ]
    else:
        key = name_key(raw)
        hits = table[table.apply(lambda r: key in _name_keys(r), axis=1)] if key else table[:0]
    if len(hits) > 1:
        hits = hits[hits.current] if hits.current.any() else hits
    if len(hits) == 1:
        return _as_la(hits.iloc[0])
    if len(hits) > 1:
        names = ", ".join(f"{r.la_name} ({r.la_code})" for r in hits.itertuples())
        raise NotFoundError(f"{raw!r} matches several LAs: {names}; use the LA number")
    raise NotFoundError(_not_found_message(raw, table))


def _name_keys(row: pd.Series) -> set[str]:
    names = [row.la_name, *filter(None, row.other_names.split(";"))]
    return {name_key(n) for n in names}


def _not_found_message(raw: str, table: pd.DataFrame) -> str:
    by_key = {}
    for row in table.itertuples():
        for name in [row.la_name, *filter(None, row.other_names.split(";"))]:
            by_key.setdefault(normalise_label(name), row.la_name)
    close = difflib.get_close_matches(normalise_label(raw), list(by_key), n=3, cutoff=0.6)
    message = f"no English local authority called {raw!r}"
    if close:
        message += "; did you mean " + " or ".join(repr(by_key[c]) for c in close) + "?"
    else:
        message += "; give its name, DfE LA number (e.g. 356) or GSS code (e.g. E08000007)"
    return message


def _as_la(row: pd.Series) -> LocalAuthority:
    return LocalAuthority(
        la_code=row.la_code,
        gss_code=row.gss_code,
        la_name=row.la_name,
        region_code=row.region_code,
        region_name=row.region_name,
        current=bool(row.current),
        successor_la_codes=tuple(filter(None, row.successor_la_codes.split(";"))),
    )


def _area(text: str | int) -> tuple[str, str, str]:
    """(area code, GSS code, name) of England, a region or an LA, from any code or name.

    The area code is what DfE's statistics key areas by: the LA number for an LA, the GSS
    code for a region or England.
    """
    raw = str(text).strip()
    key = normalise_label(raw)
    if raw.upper() == ENGLAND[0] or key == "england":
        return ENGLAND[0], ENGLAND[0], ENGLAND[1]
    for code, name in REGIONS.items():
        if raw.upper() == code or key == normalise_label(name):
            return code, code, name
    la = find_la(raw)
    return la.la_code, la.gss_code, la.la_name


# ------------------------------------------------------------------------------------------
# Statistical neighbours
# ------------------------------------------------------------------------------------------


def statistical_neighbours(la: str | int, model: str = DEFAULT_MODEL) -> pd.DataFrame:
    """The LA's 10 nearest statistical neighbours in DfE's ``model`` ("2021" or "2025").

    Columns: ``rank`` (1 = nearest), ``neighbour_code`` (DfE LA number), ``neighbour_name``,
    ``closeness`` ("Extremely close" … "Not close").
    """
    model = str(model)
    if model not in MODELS:
        raise NotFoundError(f"no statistical neighbours model {model!r}; have {MODELS}")
    target = find_la(la)
    table = _neighbours()
    rows = table[(table.model == model) & (table.la_code == target.la_code)]
    if rows.empty:
        raise NotFoundError(
            f"the {model} statistical neighbours model has no neighbours for "
            f"{target.la_name} ({target.la_code})"
            + ("; try the other model" if len(MODELS) > 1 else "")
        )
    names = _las().set_index("la_code").la_name
    result = rows[["rank", "neighbour_code", "closeness"]].copy()
    result.insert(2, "neighbour_name", result.neighbour_code.map(names))
    return result.sort_values("rank").reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Population
# ------------------------------------------------------------------------------------------


def _area_codes(
    area_codes: str | int | Iterable[str | int] | None,
) -> dict[str, tuple[str, str]]:
    """GSS code -> (area code, name) for the areas asked for (None: all with estimates)."""
    if area_codes is None:
        known = set(_estimates().area_code)
        found = {ENGLAND[0]: (ENGLAND[0], ENGLAND[1])}
        found.update({code: (code, name) for code, name in REGIONS.items()})
        table = _las()
        found.update(
            {
                gss: (la, name)
                for la, gss, name in zip(table.la_code, table.gss_code, table.la_name, strict=True)
            }
        )
        return {gss: area for gss, area in found.items() if gss in known}
    if isinstance(area_codes, str | int):
        area_codes = [area_codes]
    return {gss: (code, name) for code, gss, name in map(_area, area_codes)}


def population(
    area_codes: str | int | Iterable[str | int] | None = None,
    years: int | Iterable[int] | None = None,
    ages: Iterable[int] = range(0, 26),
    sex: str = "persons",
) -> pd.DataFrame:
    """People by single year of age at 30 June of each year (ONS; age 0–25 only).

    ``area_codes``: an LA (any form :func:`find_la` accepts), a region (code or name),
    "England", a list of them, or None for all. ``years``: default every year available — mid-year
    estimates 2021–2023 (``kind='estimate'``) then 2024–2043 (``kind='projection'``): the
    latest estimate for each age grown by the ONS 2018-based projection's change for that
    age's 5-year group since the latest estimate year. ``sex``: "persons", "female" or
    "male" (estimates only). Columns: ``area_code, area_name, year, age, population, kind``
    where ``area_code`` is keyed as DfE's statistics are: the 3-digit LA number for an LA
    ("356"), the GSS code for a region ("E12000002") or England ("E92000001").

    Areas are on today's geography; abolished Cumbria and Northamptonshire are the sum of
    their successors. Ages are ONS's age at 30 June, close to the age on 31 August that the
    EHCP statistics use.
    """
    codes = _area_codes(area_codes)
    ages = sorted(set(int(a) for a in ages))
    if not ages or ages[0] < 0 or ages[-1] > 25:
        raise NotFoundError("population ships ages 0 to 25 only")
    estimates = _estimates()
    estimates = estimates[estimates.sex == sex]
    if estimates.empty:
        raise NotFoundError(f"sex must be persons, female or male, not {sex!r}")
    estimate_years = sorted(estimates.year.unique())
    projection_years = [y for y in _projection_years() if y > estimate_years[-1]]
    wanted = _wanted_years(years, estimate_years, projection_years)
    if sex != "persons" and any(y in projection_years for y in wanted):
        raise NotFoundError(
            "projections are published for persons only; ask for years "
            f"{estimate_years[0]}–{estimate_years[-1]} or sex='persons'"
        )
    published = set(estimates.area_code)
    missing = [c for c in codes if c not in published]
    if missing:
        raise NotFoundError(_no_population_message(missing[0], codes[missing[0]][1]))

    columns = [f"age_{a}" for a in ages]
    chosen = estimates[estimates.area_code.isin(codes) & estimates.year.isin(wanted)]
    long = chosen.melt(
        id_vars=["area_code", "year"], value_vars=columns, var_name="age", value_name="population"
    )
    long["kind"] = "estimate"
    frames = [long]
    future = [y for y in wanted if y in projection_years]
    if future:
        frames.append(_projected(codes, ages, future, estimate_years[-1]))
    result = pd.concat(frames, ignore_index=True)
    result["age"] = result.age.astype(str).str.removeprefix("age_").astype(int)
    result.insert(1, "area_name", result.area_code.map({g: a[1] for g, a in codes.items()}))
    result["area_code"] = result.area_code.map({g: a[0] for g, a in codes.items()})
    result["population"] = result.population.astype(float)
    return result.sort_values(["area_code", "year", "age"]).reset_index(drop=True)[
        ["area_code", "area_name", "year", "age", "population", "kind"]
    ]


def _projection_years() -> list[int]:
    return sorted(int(c) for c in _projection().columns if re.fullmatch(r"\d{4}", c))


def _wanted_years(years, estimate_years: Sequence[int], projection_years: Sequence[int]):
    available = list(estimate_years) + list(projection_years)
    if years is None:
        return available
    wanted = [int(years)] if isinstance(years, int | str) else [int(y) for y in years]
    unknown = [y for y in wanted if y not in available]
    if unknown:
        raise NotFoundError(
            f"no population for {unknown[0]}: estimates cover "
            f"{estimate_years[0]}–{estimate_years[-1]}, projections "
            f"{projection_years[0]}–{projection_years[-1]}"
        )
    return wanted


def _projected(
    codes: Iterable[str], ages: list[int], years: list[int], base_year: int
) -> pd.DataFrame:
    """Latest estimate × (projected group population in year / in the base year)."""
    base = _estimates()
    codes = list(codes)  # GSS codes
    base = base[(base.sex == "persons") & (base.year == base_year) & base.area_code.isin(codes)]
    base = base.melt(
        id_vars="area_code",
        value_vars=[f"age_{a}" for a in ages],
        var_name="age",
        value_name="start",
    )
    base["age"] = base.age.str.removeprefix("age_").astype(int)
    base["age_group"] = base.age.map(_GROUP_OF_AGE)
    projection = _projection()
    projection = projection[projection.area_code.isin(codes)]
    growth = projection[["area_code", "age_group"]].copy()
    for year in years:
        growth[year] = projection[str(year)] / projection[str(base_year)]
    growth = growth.melt(id_vars=["area_code", "age_group"], var_name="year", value_name="growth")
    table = base.merge(growth, on=["area_code", "age_group"], validate="many_to_many")
    table["population"] = table.start * table.growth
    table["year"] = table.year.astype(int)
    table["kind"] = "projection"
    return table[["area_code", "year", "age", "population", "kind"]]


def _no_population_message(code: str, name: str) -> str:
    row = _las()[_las().gss_code == code]
    if not row.empty and not row.iloc[0].current:
        return (
            f"no population for {name} ({row.iloc[0].la_code}): it was abolished on "
            f"{row.iloc[0].valid_to} and the estimates we ship start in mid-2021; use its "
            f"successors {row.iloc[0].successor_la_codes.replace(';', ', ')}"
        )
    return f"no population for {name} ({code})"


def january_population(
    area_codes: str | int | Iterable[str | int] | None = None, min_age: int = 0, max_age: int = 25
) -> pd.DataFrame:
    """Residents aged ``min_age``–``max_age`` by area and January census year: the ONS figure
    for the June before (an estimate where one is shipped, else the projection). Columns:
    ``area_code, year`` (January), ``population, kind``."""
    pop = population(area_codes=area_codes, years=None, ages=range(min_age, max_age + 1))
    totals = pop.groupby(["area_code", "year", "kind"], as_index=False)["population"].sum()
    # Prefer an estimate to a projection for the same mid-year.
    totals["rank"] = (totals["kind"] != "estimate").astype(int)
    totals = totals.sort_values("rank").drop_duplicates(["area_code", "year"])
    totals["year"] = totals["year"].astype(int) + 1  # mid-year Y -> January Y + 1
    return totals.drop(columns="rank").reset_index(drop=True)


def population_by_band(
    area_codes: str | int | Iterable[str | int] | None = None,
    years: int | Iterable[int] | None = None,
    bands: Sequence[tuple[str, str, int, int]] | None = None,
    sex: str = "persons",
) -> pd.DataFrame:
    """People by age band: ``area_code, area_name, year, band, band_label, population, kind``.

    ``bands`` are ``(code, label, min_age, max_age)`` with inclusive ages; by default the EHCP
    age bands of :data:`highneeds.vocabulary.AGE_BANDS` (under 5 counted from age 0), then
    :data:`AGES_0_25` and :data:`AGES_2_18`.
    """
    if bands is None:
        bands = [(b.code, b.label, max(b.min_age, 0), b.max_age) for b in AGE_BANDS]
        bands += [AGES_0_25, AGES_2_18]
    ages = range(min(b[2] for b in bands), max(b[3] for b in bands) + 1)
    single = population(area_codes, years, ages, sex)
    frames = []
    for code, label, low, high in bands:
        part = single[(single.age >= low) & (single.age <= high)]
        summed = part.groupby(
            ["area_code", "area_name", "year", "kind"], as_index=False, sort=False
        ).population.sum()
        summed.insert(3, "band", code)
        summed.insert(4, "band_label", label)
        frames.append(summed)
    result = pd.concat(frames, ignore_index=True)
    return result[["area_code", "area_name", "year", "band", "band_label", "population", "kind"]]


def population_aged(area: str | int, year: int, min_age: int = 0, max_age: int = 25) -> float:
    """People aged ``min_age``–``max_age`` (inclusive) in ``area`` at 30 June ``year``."""
    single = population(area, year, range(min_age, max_age + 1))
    return float(single.population.sum())


# ------------------------------------------------------------------------------------------
# Deprivation
# ------------------------------------------------------------------------------------------


def imd(la: str | int) -> dict[str, object]:
    """English Indices of Deprivation 2019 summary for an upper-tier LA.

    Keys: ``la_code, utla_code, utla_name`` (the 2019 area), then for each domain (imd,
    income, employment, education…, idaci, idaopi) its average rank and score, proportion of
    LSOAs in the most deprived 10% and their ranks (rank 1 = most deprived of 151), and
    ``from_predecessor``: True when the LA did not exist in 2019 and the figures are its
    predecessor's (Cumberland and Westmorland and Furness get Cumbria's; North and West
    Northamptonshire get Northamptonshire's).
    """
    target = find_la(la)
    table = _imd()
    rows = table[table.la_code == target.la_code]
    from_predecessor = False
    if rows.empty:
        predecessors = _las()[
            _las().successor_la_codes.str.split(";").map(lambda codes: target.la_code in codes)
        ]
        rows = table[table.la_code.isin(predecessors.la_code)]
        from_predecessor = len(rows) == 1
        if not from_predecessor:
            raise NotFoundError(
                f"IMD 2019 has no figures for {target.la_name} "
                f"({target.la_code}): the LA did not exist in 2019"
            )
    record = rows.iloc[0].to_dict()
    record["from_predecessor"] = from_predecessor
    return record

"""Build the compact reference tables shipped in ``highneeds/data/reference`` from published files.

Run by ``scripts/build_reference_data.py``; tests also run it against ``../shared/data`` to show
that the bundled files are what the published ones say. Only the build reads the published
files: the product at run time reads the bundled CSVs (see :mod:`highneeds.reference.bundled`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.reference.changes import REORGANISATIONS
from highneeds.reference.imd_sources import read_imd_upper_tier
from highneeds.reference.lookups import (
    ENGLAND,
    REGIONS,
    read_ehcp_la_codes,
    read_la_region,
    read_ltla_utla,
    region_code,
)
from highneeds.reference.names import name_key
from highneeds.reference.neighbours import read_statistical_neighbours
from highneeds.reference.population_sources import MYE_SHEETS, read_mye2, read_snpp

#: Ages kept in the bundle: the 0–25 range EHCPs cover.
BUNDLED_AGES = range(0, 26)
#: SNPP 5-year groups needed to project ages 0–25.
PROJECTION_GROUPS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29")
#: Known typos in our copy of IoD2019 File 11 (sheet, published code) -> (name, right code).
IMD_CORRECTIONS = {("IMD", "E0600003"): ("Slough", "E06000039")}
#: Tolerance (people) when two ways of adding up an area must agree.
SUM_TOLERANCE = 1.0


@dataclass(frozen=True)
class SourceFiles:
    """Where each published file lives, relative to the shared data folder."""

    root: Path

    @property
    def ehcp_2022(self) -> Path:
        return self.root / "dfe-ehcp-2022" / "education-health-and-care-plans_2022.zip"

    @property
    def neighbours(self) -> dict[str, Path]:
        folder = self.root / "dfe-statistical-neighbours"
        return {"2021": folder / "sn_april_2021.xlsx", "2025": folder / "sn_may_2025.xlsx"}

    @property
    def ltla_utla(self) -> list[Path]:
        folder = self.root / "la-lookups"
        return [
            folder / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_(December_2022)"
            "_Lookup_in_England_and_Wales.csv",
            folder / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv",
        ]

    @property
    def la_region(self) -> Path:
        return self.root / "la-lookups" / "la_region_lookup_raw.xlsx"

    @property
    def mye(self) -> list[Path]:
        folder = self.root / "ons-population"
        return [
            folder / "ukpopestimatesmid2021on2021geographyfinal.xls",
            folder / "mye22final.xlsx",
            folder / "mye23tablesew.xlsx",
        ]

    @property
    def snpp(self) -> Path:
        return self.root / "ons-population" / "snpp2018_table2_persons_5yr.csv"

    @property
    def imd(self) -> Path:
        return (
            self.root
            / "imd2019"
            / "File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx"
        )


# ------------------------------------------------------------------------------------------
# LAs
# ------------------------------------------------------------------------------------------


def build_las(files: SourceFiles) -> pd.DataFrame:
    """Every upper-tier LA in England since 2010, current geography first.

    Columns: ``la_code, gss_code, la_name, region_code, region_name, current, valid_from,
    valid_to, successor_la_codes, former_gss_codes, other_names`` (lists joined with ";").
    """
    rows = _ehcp_identities(files)
    neighbours = {
        model: read_statistical_neighbours(path) for model, path in files.neighbours.items()
    }
    latest = _latest_upper_tier(files)
    _add_new_las(rows, neighbours, latest, files)
    _apply_code_changes(rows, latest, files)
    _add_other_names(rows, neighbours, latest)
    _check_regions(rows, files)
    return _las_table(rows)


def _ehcp_identities(files: SourceFiles) -> dict[str, dict]:
    """Each LA in the EHCP release under its latest GSS code, older codes kept as former."""
    codes = read_ehcp_la_codes(files.ehcp_2022).sort_values(["la_code", "time_period"])
    rows = {}
    for la_code, history in codes.groupby("la_code", sort=True):
        latest = history.iloc[-1]
        rows[la_code] = {
            "la_code": la_code,
            "gss_code": latest.gss_code,
            "la_name": latest.la_name,
            "region_code": latest.region_code,
            "former_gss_codes": [
                c for c in dict.fromkeys(history.gss_code) if c != latest.gss_code
            ],
            "other_names": [],
        }
    return rows


def _latest_upper_tier(files: SourceFiles) -> dict[str, str]:
    """GSS code -> name of every English upper-tier LA in the latest ONS lookup."""
    lookups = pd.concat([read_ltla_utla(path) for path in files.ltla_utla], ignore_index=True)
    latest = lookups[(lookups.vintage == lookups.vintage.max()) & lookups.utla_code.str[0].eq("E")]
    return dict(zip(latest.utla_code, latest.utla_name, strict=True))


def _add_new_las(
    rows: dict[str, dict],
    neighbours: dict[str, pd.DataFrame],
    latest: dict[str, str],
    files: SourceFiles,
) -> None:
    """LAs created after the last EHCP release: name and region from the newest neighbours
    model, GSS code from the latest ONS lookup, matched by name."""
    newest = max(neighbours)
    source = files.neighbours[newest].name
    model = neighbours[newest].drop_duplicates("la_code").set_index("la_code")
    by_key = {name_key(name): code for code, name in latest.items()}
    for change in REORGANISATIONS:
        for la_code in change.successors:
            if la_code in rows:
                continue
            if la_code not in model.index:
                raise InputFileError(
                    f"new LA {la_code} is in neither the EHCP release nor the newest "
                    "statistical neighbours model",
                    file=source,
                )
            name = model.loc[la_code, "la_name"]
            gss = by_key.get(name_key(name))
            if gss is None:
                raise InputFileError(
                    f"new LA {name!r} ({la_code}) is not in the latest LTLA → UTLA lookup",
                    file=files.ltla_utla[-1].name,
                )
            rows[la_code] = {
                "la_code": la_code,
                "gss_code": gss,
                "la_name": name,
                "region_code": region_code(model.loc[la_code, "region_name"], file=source),
                "former_gss_codes": [],
                "other_names": [],
            }


def _apply_code_changes(rows: dict[str, dict], latest: dict[str, str], files: SourceFiles) -> None:
    """GSS codes changed after the last EHCP release (North Yorkshire and Somerset became
    unitary in April 2023 under new codes): find the new code by name; then every current
    LA must be exactly the latest lookup's upper tier."""
    abolished = {code for change in REORGANISATIONS for code in change.predecessors}
    by_key = {name_key(name): code for code, name in latest.items()}
    for la_code, row in rows.items():
        if la_code in abolished or row["gss_code"] in latest:
            continue
        new_code = by_key.get(name_key(row["la_name"]))
        if new_code is None:
            raise InputFileError(
                f"{row['la_name']} ({la_code}, {row['gss_code']}) is in the EHCP release but "
                "not in the latest LTLA → UTLA lookup, and no reorganisation explains it",
                file=files.ltla_utla[-1].name,
                hint="add the change to highneeds.reference.changes",
            )
        row["former_gss_codes"].append(row["gss_code"])
        row["gss_code"] = new_code
    current = {row["gss_code"] for code, row in rows.items() if code not in abolished}
    if current != set(latest):
        raise InputFileError(
            "current LAs do not match the latest upper-tier lookup: "
            f"only in ours {sorted(current - set(latest))}, "
            f"only in the lookup {sorted(set(latest) - current)}",
            file=files.ltla_utla[-1].name,
        )


def _add_other_names(
    rows: dict[str, dict], neighbours: dict[str, pd.DataFrame], latest: dict[str, str]
) -> None:
    """Names other sources use, so find_la() understands all of them."""
    for model in neighbours.values():
        names = model.drop_duplicates("la_code")[["la_code", "la_name"]]
        for la_code, name in names.itertuples(index=False):
            if la_code in rows:
                rows[la_code]["other_names"].append(re.sub(r"\s*\(Pre LG\)$", "", name))
    for row in rows.values():
        if row["gss_code"] in latest:
            row["other_names"].append(latest[row["gss_code"]])


def _las_table(rows: dict[str, dict]) -> pd.DataFrame:
    successor_of = {code: change for change in REORGANISATIONS for code in change.predecessors}
    created_by = {code: change for change in REORGANISATIONS for code in change.successors}
    table = []
    for la_code, row in rows.items():
        change_in, change_out = created_by.get(la_code), successor_of.get(la_code)
        own = name_key(row["la_name"])
        others = [n for n in dict.fromkeys(row["other_names"]) if name_key(n) != own]
        table.append(
            {
                "la_code": la_code,
                "gss_code": row["gss_code"],
                "la_name": row["la_name"],
                "region_code": row["region_code"],
                "region_name": REGIONS[row["region_code"]],
                "current": change_out is None,
                "valid_from": change_in.date if change_in else "",
                "valid_to": _day_before(change_out.date) if change_out else "",
                "successor_la_codes": (
                    ";".join(change_out.successors_of(la_code)) if change_out else ""
                ),
                "former_gss_codes": ";".join(row["former_gss_codes"]),
                "other_names": ";".join(others),
            }
        )
    result = pd.DataFrame(table).sort_values(["current", "la_code"], ascending=[False, True])
    return result.reset_index(drop=True)


def _check_regions(rows: dict[str, dict], files: SourceFiles) -> None:
    """The EHCP release's regions must agree with the DfE region lookup where both name an LA."""
    lookup = read_la_region(files.la_region)
    by_key = dict(zip(lookup.la_name.map(name_key), lookup.region_code, strict=True))
    for row in rows.values():
        region = by_key.get(name_key(row["la_name"]))
        if region is not None and region != row["region_code"]:
            raise InputFileError(
                f"{row['la_name']} is in {REGIONS[region]} in the region lookup but in "
                f"{REGIONS.get(row['region_code'], row['region_code'])} in the EHCP release",
                file=files.la_region.name,
            )


def _day_before(iso_date: str) -> str:
    return (pd.Timestamp(iso_date) - pd.Timedelta(days=1)).date().isoformat()


def build_ltla_utla(files: SourceFiles) -> pd.DataFrame:
    """English rows of every LTLA → UTLA lookup vintage."""
    table = pd.concat([read_ltla_utla(path) for path in files.ltla_utla], ignore_index=True)
    return table[table.ltla_code.str.startswith("E")].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Statistical neighbours
# ------------------------------------------------------------------------------------------


def build_neighbours(files: SourceFiles, las: pd.DataFrame) -> pd.DataFrame:
    """``model, la_code, rank, neighbour_code, closeness`` for both models."""
    known = set(las.la_code)
    frames = []
    for model, path in files.neighbours.items():
        table = read_statistical_neighbours(path)
        unknown = sorted((set(table.la_code) | set(table.neighbour_code)) - known)
        if unknown:
            raise InputFileError(
                f"LA numbers {unknown} are not English upper-tier LAs", file=path.name
            )
        table.insert(0, "model", model)
        frames.append(table[["model", "la_code", "rank", "neighbour_code", "closeness"]])
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------------------------------
# Population
# ------------------------------------------------------------------------------------------


def _targets(las: pd.DataFrame) -> list[dict]:
    """England, the regions and every LA, with the codes their figures may be published under."""
    targets = [{"area_code": ENGLAND[0], "la_code": None, "codes": [ENGLAND[0]]}]
    targets += [{"area_code": code, "la_code": None, "codes": [code]} for code in REGIONS]
    for row in las.itertuples(index=False):
        former = [c for c in row.former_gss_codes.split(";") if c]
        targets.append(
            {"area_code": row.gss_code, "la_code": row.la_code, "codes": [row.gss_code, *former]}
        )
    return targets


def compositions(las: pd.DataFrame, lookups: pd.DataFrame) -> Callable[[set[str]], dict]:
    """A function giving, for the area codes a table holds, each target's ways to be summed.

    Each way is a list of codes in the table whose figures add up to the target (current
    geography): the target's own row; the districts a reorganised LA was made from; the
    districts an ONS lookup puts under it; or, for an abolished LA, its successors.
    """
    by_la = {t["la_code"]: t for t in _targets(las) if t["la_code"]}
    districts = {
        code: parts for change in REORGANISATIONS for code, parts in change.districts.items()
    }
    successors = {
        change.predecessors[0]: change.successors
        for change in REORGANISATIONS
        if len(change.predecessors) == 1
    }
    lower = lookups[lookups.ltla_code != lookups.utla_code].groupby(["vintage", "utla_code"])
    ltlas = {key: list(group.ltla_code) for key, group in lower}

    def ways_for(target: dict, available: set[str], depth: int = 0) -> list[list[str]]:
        ways = [[code] for code in target["codes"] if code in available]
        la_code = target["la_code"]
        if la_code in districts and all(c in available for c in districts[la_code]):
            ways.append(list(districts[la_code]))
        for (_, utla), parts in ltlas.items():
            if utla in target["codes"] and all(c in available for c in parts):
                ways.append(parts)
        if depth == 0 and la_code in successors:
            parts = [ways_for(by_la[s], available, depth + 1) for s in successors[la_code]]
            if all(parts):
                ways.append([code for way in parts for code in way[0]])
        unique = []
        for way in ways:
            if sorted(way) not in [sorted(u) for u in unique]:
                unique.append(way)
        return unique

    def resolve(available: set[str]) -> dict:
        return {t["area_code"]: ways_for(t, available) for t in _targets(las)}

    return resolve


def _sum_ways(values: pd.DataFrame, ways: dict, file: str, label: str) -> pd.DataFrame:
    """Add up each target's first way; every other way must give the same totals."""
    matrix = values.to_numpy(dtype=float)
    position = {code: i for i, code in enumerate(values.index)}
    rows, areas, derived = [], [], []
    for area_code, options in ways.items():
        if not options:
            continue
        totals = [matrix[[position[c] for c in way]].sum(axis=0) for way in options]
        for other, way in zip(totals[1:], options[1:], strict=True):
            gap = float(abs(other - totals[0]).max())
            if gap > SUM_TOLERANCE:
                raise InputFileError(
                    f"{label}: {area_code} adds up differently from {'+'.join(options[0])} "
                    f"and from {'+'.join(way)} (by {gap:,.0f} people)",
                    file=file,
                    hint="check highneeds.reference.changes",
                )
        rows.append(totals[0])
        areas.append(area_code)
        derived.append("" if options[0] == [area_code] else "+".join(options[0]))
    frame = pd.DataFrame(rows, columns=values.columns)
    frame.insert(0, "area_code", areas)
    frame["derived_from"] = derived
    return frame


def build_population_estimates(
    files: SourceFiles, las: pd.DataFrame, lookups: pd.DataFrame
) -> pd.DataFrame:
    """Wide estimates on current geography: ``area_code, year, sex, age_0 … age_25, all_ages,
    derived_from`` (people at 30 June; ``derived_from`` lists the codes summed, if any)."""
    resolve = compositions(las, lookups)
    frames = []
    for path in files.mye:
        for sex in MYE_SHEETS:
            long = read_mye2(path, sex)
            year = int(long.year.iloc[0])
            wide = long.pivot_table(
                index="area_code", columns="age", values="population", aggfunc="sum"
            )
            wide.columns = [f"age_{age}" for age in wide.columns]
            wide["all_ages"] = wide.sum(axis=1)
            keep = [f"age_{age}" for age in BUNDLED_AGES] + ["all_ages"]
            summed = _sum_ways(wide[keep], resolve(set(wide.index)), path.name, f"mid-{year} {sex}")
            summed.insert(1, "year", year)
            summed.insert(2, "sex", sex)
            frames.append(summed)
    table = pd.concat(frames, ignore_index=True)
    _check_continuity(table, [path.name for path in files.mye])
    number_columns = [c for c in table.columns if c.startswith("age_") or c == "all_ages"]
    table[number_columns] = table[number_columns].round().astype("int64")
    return table


#: Largest change in an area's population from one year to the next where the two years'
#: figures are added up differently (e.g. districts in 2021, the new unitary in 2022).
CONTINUITY_TOLERANCE = 0.05


def _check_continuity(table: pd.DataFrame, files: list[str]) -> None:
    """Where an area is summed from other areas one year and published whole the next, its
    total must barely move: a district recorded under the wrong new LA in ``changes.py``
    would shift tens of thousands of people between two LAs."""
    persons = table[table.sex == "persons"].sort_values(["area_code", "year"])
    for area_code, rows in persons.groupby("area_code"):
        for before, after in zip(
            rows.iloc[:-1].itertuples(), rows.iloc[1:].itertuples(), strict=True
        ):
            if before.derived_from == after.derived_from:
                continue
            change = after.all_ages / before.all_ages - 1
            if abs(change) > CONTINUITY_TOLERANCE:
                raise InputFileError(
                    f"{area_code} has {before.all_ages:,.0f} people in {before.year} "
                    f"({before.derived_from or 'as published'}) but {after.all_ages:,.0f} in "
                    f"{after.year} ({after.derived_from or 'as published'})",
                    file=" and ".join(files),
                    hint="check the districts recorded in highneeds.reference.changes",
                )


def build_population_projection(
    files: SourceFiles, las: pd.DataFrame, lookups: pd.DataFrame
) -> pd.DataFrame:
    """2018-based projections on current geography for the groups covering ages 0–25:
    ``area_code, age_group, derived_from, 2018 … 2043`` (people at 30 June, one decimal)."""
    long = read_snpp(files.snpp)
    long = long[long.age_group.isin(PROJECTION_GROUPS)]
    wide = long.pivot_table(
        index="area_code", columns=["age_group", "year"], values="population", aggfunc="sum"
    )
    wide.columns = [f"{group}|{year}" for group, year in wide.columns]
    summed = _sum_ways(
        wide, compositions(las, lookups)(set(wide.index)), files.snpp.name, "2018-based projection"
    )
    records = []
    years = sorted(long.year.unique())
    for row in summed.to_dict("records"):
        for group in PROJECTION_GROUPS:
            record = {
                "area_code": row["area_code"],
                "age_group": group,
                "derived_from": row["derived_from"],
            }
            record.update({str(year): round(float(row[f"{group}|{year}"]), 1) for year in years})
            records.append(record)
    return pd.DataFrame(records)


# ------------------------------------------------------------------------------------------
# IMD
# ------------------------------------------------------------------------------------------


def build_imd(files: SourceFiles, las: pd.DataFrame) -> pd.DataFrame:
    """IoD2019 UTLA summaries keyed by DfE LA number (the LA the 2019 code belonged to)."""
    imd = read_imd_upper_tier(files.imd, corrections=IMD_CORRECTIONS)
    la_by_gss = {}
    for row in las.itertuples(index=False):
        for code in [row.gss_code, *filter(None, row.former_gss_codes.split(";"))]:
            la_by_gss[code] = row.la_code
    missing = sorted(set(imd.utla_code) - set(la_by_gss))
    if missing:
        raise InputFileError(f"IMD areas {missing} match no LA", file=files.imd.name)
    imd.insert(0, "la_code", imd.utla_code.map(la_by_gss))
    return imd


# ------------------------------------------------------------------------------------------
# Everything
# ------------------------------------------------------------------------------------------

BUNDLE_FILES = (
    "las.csv",
    "ltla_utla.csv",
    "statistical_neighbours.csv",
    "population_estimates.csv",
    "population_projection_2018.csv",
    "imd2019.csv",
)


def build_all(root: str | Path) -> dict[str, pd.DataFrame]:
    """Every bundled table, keyed by file name, built from the shared data folder ``root``."""
    files = SourceFiles(Path(root))
    las = build_las(files)
    lookups = build_ltla_utla(files)
    return {
        "las.csv": las,
        "ltla_utla.csv": lookups,
        "statistical_neighbours.csv": build_neighbours(files, las),
        "population_estimates.csv": build_population_estimates(files, las, lookups),
        "population_projection_2018.csv": build_population_projection(files, las, lookups),
        "imd2019.csv": build_imd(files, las),
    }


def write_all(tables: dict[str, pd.DataFrame], folder: str | Path) -> Iterable[Path]:
    """Write the tables as CSV (UTF-8, LF line ends) and return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = folder / name
        table.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written

"""LA code changes and reorganisations, and continuous series across them.

The lineage table (``highneeds/data/la_lineage.csv``) lists every predecessor -> successor link
in DfE's EHCP series: reorganisations (new DfE numbers, e.g. Northamptonshire 928 -> North 940 and
West 941) and GSS-only changes (same DfE number, new GSS code, e.g. Buckinghamshire 2021).
``first_year`` is the first January census in which the successor is published.

DfE never publishes a predecessor's figures split between its successors, so neither do we: a
continuous series is built for the whole lineage group (predecessors summed before the change,
successors summed after), never by apportioning a predecessor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

_GROUP_KEY = ["year", "measure", "setting", "dimension", "category"]


@cache
def load_lineage() -> pd.DataFrame:
    """The lineage table shipped with highneeds (codes as text, ``first_year`` as int)."""
    with resources.files("highneeds.data").joinpath("la_lineage.csv").open("rb") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    table["first_year"] = table["first_year"].astype(int)
    return table


@dataclass(frozen=True)
class LineageGroup:
    """LAs that together cover one unchanged territory across a reorganisation."""

    members: tuple[str, ...]
    #: For each member: first and last January census years it is published for (inclusive;
    #: None = open).
    live: dict[str, tuple[int | None, int | None]]
    names: dict[str, str]

    @property
    def code(self) -> str:
        """Area code of the combined series, e.g. ``928+940+941``."""
        return "+".join(self.members)

    @property
    def name(self) -> str:
        """E.g. ``Northamptonshire (928) + North Northamptonshire (940) + …``."""
        return " + ".join(f"{self.names[m]} ({m})" for m in self.members)

    def expected(self, year: int) -> set[str]:
        """Members that together cover the territory in January ``year``."""
        return {
            code
            for code, (first, last) in self.live.items()
            if (first is None or year >= first) and (last is None or year <= last)
        }


def lineage_group(area_code: str) -> LineageGroup:
    """The group of LAs linked to ``area_code`` by reorganisations (itself alone if none)."""
    table = load_lineage()
    moves = table[table["change"] == "reorganisation"]
    members = {str(area_code)}
    grown = True
    while grown:
        touches = moves["predecessor_code"].isin(members) | moves["successor_code"].isin(members)
        linked = moves[touches]
        new = set(linked["predecessor_code"]) | set(linked["successor_code"])
        grown = not new <= members
        members |= new
    inside = moves[moves["predecessor_code"].isin(members)]
    live: dict[str, tuple[int | None, int | None]] = {}
    names: dict[str, str] = {}
    for code in sorted(members):
        as_successor = inside[inside["successor_code"] == code]
        as_predecessor = inside[inside["predecessor_code"] == code]
        first = int(as_successor["first_year"].min()) if len(as_successor) else None
        last = int(as_predecessor["first_year"].min()) - 1 if len(as_predecessor) else None
        live[code] = (first, last)
        name_rows = pd.concat(
            [
                as_successor["successor_name"],
                as_predecessor["predecessor_name"],
            ]
        )
        names[code] = name_rows.iloc[0] if len(name_rows) else code
    return LineageGroup(tuple(sorted(members)), live, names)


def continuous_series(stats: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """A series for the territory of ``area_code`` that runs across reorganisations.

    ``stats`` is a tidy table with one release per figure (see :func:`merge_releases`). For an
    LA never reorganised this is just its rows. Otherwise each year's figure is the sum over the
    group members that covered the territory that January (predecessors before the change,
    successors after), with ``area_code`` like ``928+940+941``. A year where one of those members
    is missing is left out; a member's DfE symbol makes the sum NaN with that symbol kept.
    Percentages (``*_pc``) are not additive and are left out.
    """
    group = lineage_group(area_code)
    if len(group.members) == 1:
        return stats[stats["area_code"] == str(area_code)].copy()
    rows = stats[stats["area_code"].isin(group.members) & ~stats["measure"].str.endswith("_pc")]
    if rows.duplicated([*_GROUP_KEY, "area_code"]).any():
        raise ValueError("stats hold several releases of one figure: merge_releases them first")
    expected = {year: group.expected(year) for year in rows["year"].unique()}
    live = pd.DataFrame(
        [(year, code) for year, codes in expected.items() for code in codes],
        columns=["year", "area_code"],
    )
    rows = rows.merge(live, on=["year", "area_code"])
    rows = rows.assign(_unpublished=rows["value"].isna())
    grouped = rows.groupby(_GROUP_KEY, sort=True)
    combined = grouped.agg(
        value=("value", "sum"),
        unpublished=("_unpublished", "any"),
        status=("status", "first"),
        members=("area_code", "nunique"),
        release=("release", "max"),
        period=("period", "first"),
        region_code=("region_code", "first"),
        geographic_level=("geographic_level", "first"),
    ).reset_index()
    complete = combined["members"] == combined["year"].map(lambda y: len(expected[y]))
    combined = combined[complete].drop(columns="members")
    combined["value"] = combined["value"].where(~combined.pop("unpublished"))
    combined["status"] = combined["status"].where(combined["value"].isna(), None)
    combined["area_code"] = group.code
    combined["area_gss"] = None
    combined["area_name"] = group.name
    return combined[list(stats.columns)].reset_index(drop=True)

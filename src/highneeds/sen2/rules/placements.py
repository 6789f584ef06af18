"""Rules on placements of active plans: rank 1, overlaps and known establishments."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.rules import Context, Flag, rows_where, rule


def _current(ctx: Context) -> pd.DataFrame:
    ref = ctx.ret.reference_date
    place = ctx.table("placement")
    live = (place["entry_date"].isna() | (place["entry_date"] <= ref)) & (
        place["leaving_date"].isna() | (place["leaving_date"] >= ref)
    )
    return place[live]


@rule(
    "S2-502",
    "Active plan has no placement of rank 1 on the census date",
    ["PlacementRank", "EntryDate", "LeavingDate"],
)
def rank1_placement(ctx: Context) -> list[Flag]:
    plans = ctx.table("active_plan")
    current = _current(ctx)
    has = set(current.loc[current["placement_rank"] == 1, "active_plan_key"])
    return [
        Flag(
            "active_plan", rows_where(plans, ~plans["active_plan_key"].isin(has)), "PlacementDetail"
        )
    ]


@rule("S2-503", "Placements of the same rank overlap in time", ["EntryDate", "LeavingDate"])
def overlapping_placements(ctx: Context) -> list[Flag]:
    place = ctx.table("placement")
    far = pd.Timestamp("2262-01-01")
    frame = place.assign(
        start=place["entry_date"].fillna(pd.Timestamp("1900-01-01")),
        end=place["leaving_date"].fillna(far),
    ).reset_index(drop=True)
    frame["pos"] = range(len(frame))
    keys = ["active_plan_key", "placement_rank", "start", "end", "pos"]
    pairs = frame[keys].merge(frame[keys], on=keys[:2], suffixes=("", "_o"))
    pairs = pairs[pairs["pos"] != pairs["pos_o"]]
    overlap = (pairs["start"] <= pairs["end_o"]) & (pairs["start_o"] <= pairs["end"])
    positions = pairs.loc[overlap, "pos"].unique()
    return [Flag("placement", place.index[positions].unique(), "EntryDate")]


@rule("S2-504", "URN is not in the establishment list; the setting cannot be known", ["URN"])
def known_urn(ctx: Context) -> list[Flag]:
    known = set(ctx.establishments["urn"])
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        flags.append(
            Flag(table, rows_where(frame, frame["urn"].notna() & ~frame["urn"].isin(known)), "URN")
        )
    return flags


@rule("S2-505", "Placement names no URN, UKPRN or SENSetting", ["URN", "UKPRN", "SENSetting"])
def placement_named(ctx: Context) -> list[Flag]:
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        bad = frame["urn"].isna() & frame["ukprn"].isna() & frame["sen_setting"].isna()
        flags.append(Flag(table, rows_where(frame, bad), "URN"))
    return flags


@rule("S2-506", "URN is not 6 digits or UKPRN is not 8 digits", ["URN", "UKPRN"])
def urn_shape(ctx: Context) -> list[Flag]:
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        bad = (frame["urn"].notna() & ~frame["urn"].fillna("").str.fullmatch(r"\d{6}")) | (
            frame["ukprn"].notna() & ~frame["ukprn"].fillna("").str.fullmatch(r"\d{8}")
        )
        flags.append(Flag(table, rows_where(frame, bad), "URN"))
    return flags

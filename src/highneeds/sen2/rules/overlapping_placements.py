"""S2-503: Placements of the same rank overlap in time."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.rules import Context, Flag, rule


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

"""S2-502: Active plan has no placement of rank 1 on the census date."""

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

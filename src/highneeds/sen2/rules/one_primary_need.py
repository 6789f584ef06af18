"""S2-206: Each active plan needs exactly one SENtype of rank 1."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-206", "Each active plan needs exactly one SENtype of rank 1", ["SENtype", "SENtypeRank"])
def one_primary_need(ctx: Context) -> list[Flag]:
    plans, need = ctx.table("active_plan"), ctx.table("need")
    rank1 = need[need["sen_type_rank"] == 1].groupby("active_plan_key").size()
    count = plans["active_plan_key"].map(rank1).fillna(0)
    return [Flag("active_plan", rows_where(plans, count != 1), "SENneed")]

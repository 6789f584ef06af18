"""S2-305: Date is after the census reference date."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-305", "Date is after the census reference date", ["ReceivedDate", "StartDate"])
def not_after_census(ctx: Context) -> list[Flag]:
    ref = ctx.ret.reference_date
    req, plan = ctx.table("request"), ctx.table("named_plan")
    return [
        Flag("request", rows_where(req, req["received_date"] > ref), "ReceivedDate"),
        Flag("named_plan", rows_where(plan, plan["start_date"] > ref), "StartDate"),
    ]

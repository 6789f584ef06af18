"""S2-304: Plan cease date is before the plan start date."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-304", "Plan cease date is before the plan start date", ["StartDate", "CeaseDate"])
def cease_after_start(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    return [
        Flag("named_plan", rows_where(plan, plan["cease_date"] < plan["start_date"]), "CeaseDate")
    ]

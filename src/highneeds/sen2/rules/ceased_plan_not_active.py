"""S2-405: The plan ceased before the census day but its request still lists an active plan."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule(
    "S2-405",
    "The plan ceased before the census day but its request still lists an active plan",
    ["CeaseDate", "ActivePlans"],
)
def ceased_plan_not_active(ctx: Context) -> list[Flag]:
    ref = ctx.ret.reference_date
    plan = ctx.table("named_plan")
    request_of = ctx.table("assessment").set_index("assessment_key")["request_key"]
    ceased = plan[plan["cease_date"] <= ref]
    requests = set(ceased["assessment_key"].map(request_of).dropna())
    active = ctx.table("active_plan")
    return [
        Flag("active_plan", rows_where(active, active["request_key"].isin(requests)), "CeaseDate")
    ]

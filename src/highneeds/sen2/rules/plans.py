"""Rules on named plans: ceasing, and what a plan's outcome implies."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-401", "A ceased plan has no CeaseReason", ["CeaseDate", "CeaseReason"])
def ceased_has_reason(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    bad = plan["cease_date"].notna() & plan["cease_reason"].isna()
    return [Flag("named_plan", rows_where(plan, bad), "CeaseReason")]


@rule("S2-402", "CeaseReason given but no CeaseDate", ["CeaseDate", "CeaseReason"])
def reason_has_date(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    bad = plan["cease_date"].isna() & plan["cease_reason"].notna()
    return [Flag("named_plan", rows_where(plan, bad), "CeaseDate")]


@rule(
    "S2-403",
    "An assessment follows a request the LA decided not to assess (outcome N)",
    ["RequestOutcome", "Assessment"],
    severity="warning",
)
def no_assessment_after_refusal(ctx: Context) -> list[Flag]:
    req = ctx.table("request").set_index("request_key")["request_outcome"]
    ass = ctx.table("assessment")
    return [
        Flag("assessment", rows_where(ass, ass["request_key"].map(req) == "N"), "RequestOutcome")
    ]


@rule(
    "S2-404", "Record's parent is missing (its parent table id is not in the export)", ["tableid"]
)
def orphans(ctx: Context) -> list[Flag]:
    flags = []
    for child, parent in (
        ("request", "person"),
        ("assessment", "request"),
        ("named_plan", "assessment"),
        ("plan_detail", "named_plan"),
        ("active_plan", "request"),
        ("placement", "active_plan"),
        ("need", "active_plan"),
    ):
        frame, keys = ctx.table(child), set(ctx.table(parent)[f"{parent}_key"])
        flags.append(
            Flag(child, rows_where(frame, ~frame[f"{parent}_key"].isin(keys)), f"{parent}_key")
        )
    return flags


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

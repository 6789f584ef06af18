"""S2-403: An assessment follows a request the LA decided not to assess (outcome N)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


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

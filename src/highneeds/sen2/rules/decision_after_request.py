"""S2-301: Request outcome date is before the date the request was received."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule(
    "S2-301",
    "Request outcome date is before the date the request was received",
    ["ReceivedDate", "RequestOutcomeDate"],
)
def decision_after_request(ctx: Context) -> list[Flag]:
    req = ctx.table("request")
    return [
        Flag(
            "request",
            rows_where(req, req["request_outcome_date"] < req["received_date"]),
            "RequestOutcomeDate",
        )
    ]

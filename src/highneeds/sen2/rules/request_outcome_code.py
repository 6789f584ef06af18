"""S2-202: RequestOutcome is not Y, N, A, W or H."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.rules.codelists import REQUEST_OUTCOMES


@rule("S2-202", "RequestOutcome is not Y, N, A, W or H", ["RequestOutcome"])
def request_outcome_code(ctx: Context) -> list[Flag]:
    frame = ctx.table("request")
    bad = frame["request_outcome"].isna() | ~frame["request_outcome"].isin(REQUEST_OUTCOMES)
    return [Flag("request", rows_where(frame, bad), "RequestOutcome")]

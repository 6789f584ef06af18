"""S2-306: Request has no received date."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-306", "Request has no received date", ["ReceivedDate"])
def received_date_present(ctx: Context) -> list[Flag]:
    req = ctx.table("request")
    return [Flag("request", rows_where(req, req["received_date"].isna()), "ReceivedDate")]

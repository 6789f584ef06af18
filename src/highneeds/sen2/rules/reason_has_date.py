"""S2-402: CeaseReason given but no CeaseDate."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-402", "CeaseReason given but no CeaseDate", ["CeaseDate", "CeaseReason"])
def reason_has_date(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    bad = plan["cease_date"].isna() & plan["cease_reason"].notna()
    return [Flag("named_plan", rows_where(plan, bad), "CeaseDate")]

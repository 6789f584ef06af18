"""S2-401: A ceased plan has no CeaseReason."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-401", "A ceased plan has no CeaseReason", ["CeaseDate", "CeaseReason"])
def ceased_has_reason(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    bad = plan["cease_date"].notna() & plan["cease_reason"].isna()
    return [Flag("named_plan", rows_where(plan, bad), "CeaseReason")]

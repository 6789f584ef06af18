"""S2-505: Placement names no URN, UKPRN or SENSetting."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-505", "Placement names no URN, UKPRN or SENSetting", ["URN", "UKPRN", "SENSetting"])
def placement_named(ctx: Context) -> list[Flag]:
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        bad = frame["urn"].isna() & frame["ukprn"].isna() & frame["sen_setting"].isna()
        flags.append(Flag(table, rows_where(frame, bad), "URN"))
    return flags

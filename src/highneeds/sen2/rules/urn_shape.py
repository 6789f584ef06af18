"""S2-506: URN is not 6 digits or UKPRN is not 8 digits."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-506", "URN is not 6 digits or UKPRN is not 8 digits", ["URN", "UKPRN"])
def urn_shape(ctx: Context) -> list[Flag]:
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        bad = (frame["urn"].notna() & ~frame["urn"].fillna("").str.fullmatch(r"\d{6}")) | (
            frame["ukprn"].notna() & ~frame["ukprn"].fillna("").str.fullmatch(r"\d{8}")
        )
        flags.append(Flag(table, rows_where(frame, bad), "URN"))
    return flags

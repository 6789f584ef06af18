"""S2-504: URN is not in the establishment list; the setting cannot be known."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-504", "URN is not in the establishment list; the setting cannot be known", ["URN"])
def known_urn(ctx: Context) -> list[Flag]:
    known = set(ctx.establishments["urn"])
    flags = []
    for table in ("placement", "plan_detail"):
        frame = ctx.table(table)
        flags.append(
            Flag(table, rows_where(frame, frame["urn"].notna() & ~frame["urn"].isin(known)), "URN")
        )
    return flags

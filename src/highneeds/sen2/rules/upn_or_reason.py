"""S2-106: Neither UPN nor ULN given, and no valid UPNunknown reason."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.rules.codelists import UPN_UNKNOWN


@rule(
    "S2-106",
    "Neither UPN nor ULN given, and no valid UPNunknown reason",
    ["UPN", "UniqueLearnerNumber", "UPNunknown"],
)
def upn_or_reason(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["upn"].isna() & person["uln"].isna() & ~person["upn_unknown"].isin(UPN_UNKNOWN)
    return [Flag("person", rows_where(person, bad), "UPNunknown")]

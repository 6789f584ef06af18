"""S2-109: The UPN is a temporary one (it ends in a letter)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.upn import is_temporary


@rule(
    "S2-109",
    "UPN is a temporary one (it ends in a letter): give the child's permanent UPN",
    ["UPN"],
    severity="warning",
)
def upn_temporary(ctx: Context) -> list[Flag]:
    """Schools give a temporary UPN while they wait for the real one and should replace it
    within weeks; one left in the return will not link the child to other years."""
    person = ctx.table("person")
    return [Flag("person", rows_where(person, is_temporary(person["upn"])), "UPN")]

"""S2-101: UPN is not 13 characters with a valid check letter."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.upn import upn_problems


@rule("S2-101", "UPN is not 13 characters with a valid check letter", ["UPN"])
def upn_valid(ctx: Context) -> list[Flag]:
    """DfE's UPN shape and check-letter algorithm (docs/import-sen2.md)."""
    person = ctx.table("person")
    return [Flag("person", rows_where(person, upn_problems(person["upn"]).notna()), "UPN")]

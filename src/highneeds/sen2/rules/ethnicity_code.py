"""S2-103: Ethnicity is not a code from the DfE list."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.rules.codelists import ETHNICITY


@rule("S2-103", "Ethnicity is not a code from the DfE list", ["Ethnicity"])
def ethnicity_code(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["ethnicity"].notna() & ~person["ethnicity"].isin(ETHNICITY)
    return [Flag("person", rows_where(person, bad), "Ethnicity")]

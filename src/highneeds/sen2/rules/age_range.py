"""S2-104: Age at the census date is outside 0 to 25."""

from __future__ import annotations

from highneeds.sen2.pseudonymise import ncy_at_census
from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.vocabulary import AGE_MAX, AGE_OFFSET


@rule("S2-104", "Age at the census date is outside 0 to 25", ["PersonBirthDate"])
def age_range(ctx: Context) -> list[Flag]:
    """Age on 31 August before the census (NCY + 4) must be 0 to 25; birth date required."""
    person = ctx.table("person")
    age = ncy_at_census(person["birth_date"], ctx.ret.year) + AGE_OFFSET
    bad = person["birth_date"].isna() | (age < -1) | (age > AGE_MAX)
    return [Flag("person", rows_where(person, bad), "PersonBirthDate")]

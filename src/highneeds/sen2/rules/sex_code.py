"""S2-105: Sex is not M, F or U (GenderCurrent: 0, 1, 2 or 9 in 2023)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.rules.codelists import GENDER_CURRENT, SEX


@rule(
    "S2-105", "Sex is not M, F or U (GenderCurrent: 0, 1, 2 or 9 in 2023)", ["Sex", "GenderCurrent"]
)
def sex_code(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = (person["sex"].notna() & ~person["sex"].isin(SEX)) | (
        person["gender_current"].notna() & ~person["gender_current"].isin(GENDER_CURRENT)
    )
    bad |= person["sex"].isna() & person["gender_current"].isna()
    return [Flag("person", rows_where(person, bad), "Sex")]

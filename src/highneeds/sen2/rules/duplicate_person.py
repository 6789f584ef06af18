"""S2-102: The same child appears more than once (same UPN, or same name and birth date)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule(
    "S2-102",
    "The same child appears more than once (same UPN, or same name and birth date)",
    ["UPN", "Surname", "Forename", "PersonBirthDate"],
)
def duplicate_person(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    by_upn = person["upn"].notna() & person.duplicated("upn", keep=False)
    name = person[["surname", "forename", "birth_date"]]
    by_name = name.notna().all(axis=1) & person.assign(
        s=person["surname"].str.lower(), f=person["forename"].str.lower()
    ).duplicated(["s", "f", "birth_date"], keep=False)
    return [Flag("person", rows_where(person, by_upn | by_name), "UPN")]

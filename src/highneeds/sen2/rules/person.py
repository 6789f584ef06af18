"""Rules on the Person module: identifiers, codes, age and duplicates."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.pseudonymise import ncy_at_census
from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.upn import upn_problems
from highneeds.vocabulary import AGE_MAX, AGE_OFFSET

ETHNICITY = {
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
}
SEX = {"M", "F", "U"}
GENDER_CURRENT = {"0", "1", "2", "9"}
UPN_UNKNOWN = {"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"}


@rule("S2-101", "UPN is not 13 characters with a valid check letter", ["UPN"])
def upn_valid(ctx: Context) -> list[Flag]:
    """DfE's UPN shape and check-letter algorithm (docs/import-sen2.md)."""
    person = ctx.table("person")
    return [Flag("person", rows_where(person, upn_problems(person["upn"]).notna()), "UPN")]


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


@rule("S2-103", "Ethnicity is not a code from the DfE list", ["Ethnicity"])
def ethnicity_code(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["ethnicity"].notna() & ~person["ethnicity"].isin(ETHNICITY)
    return [Flag("person", rows_where(person, bad), "Ethnicity")]


@rule("S2-104", "Age at the census date is outside 0 to 25", ["PersonBirthDate"])
def age_range(ctx: Context) -> list[Flag]:
    """Age on 31 August before the census (NCY + 4) must be 0 to 25; birth date required."""
    person = ctx.table("person")
    age = ncy_at_census(person["birth_date"], ctx.ret.year) + AGE_OFFSET
    bad = person["birth_date"].isna() | (age < -1) | (age > AGE_MAX)
    return [Flag("person", rows_where(person, bad), "PersonBirthDate")]


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


@rule(
    "S2-106",
    "Neither UPN nor ULN given, and no valid UPNunknown reason",
    ["UPN", "UniqueLearnerNumber", "UPNunknown"],
)
def upn_or_reason(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["upn"].isna() & person["uln"].isna() & ~person["upn_unknown"].isin(UPN_UNKNOWN)
    return [Flag("person", rows_where(person, bad), "UPNunknown")]


@rule("S2-107", "ULN is not 10 digits", ["UniqueLearnerNumber"])
def uln_shape(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["uln"].notna() & ~person["uln"].fillna("").str.fullmatch(r"\d{10}")
    return [Flag("person", rows_where(person, pd.Series(bad)), "UniqueLearnerNumber")]

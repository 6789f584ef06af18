"""SEN2 code lists the rules check against (see docs/import-sen2.md and SEN2.md section 4)."""

from __future__ import annotations

from highneeds import vocabulary
from highneeds.sen2.rules import Context, Flag, rows_where

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
SEX = {sex.code for sex in vocabulary.SEXES}
GENDER_CURRENT = {"0", "1", "2", "9"}
UPN_UNKNOWN = {"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"}
REQUEST_OUTCOMES = {"Y", "N", "A", "W", "H"}
ASSESSMENT_OUTCOMES = {"Y", "N", "A", "W", "H"}
CEASE_REASONS = {reason.code for reason in vocabulary.CEASE_REASONS}
SEN_SETTINGS = {"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}
#: The vocabulary's needs but its own "not recorded" (never a code in a return) and DS, which
#: returns may give only from 2025 (need_code.py adds it by year).
SEN_TYPES = {need.code for need in vocabulary.NEEDS} - {"UNKNOWN", "DS"}


def codes_not_in(ctx: Context, table: str, column: str, codes: set[str], field: str) -> list[Flag]:
    """Records of ``table`` whose ``column`` holds a value outside ``codes`` (missing is fine)."""
    frame = ctx.table(table)
    bad = frame[column].notna() & ~frame[column].isin(codes)
    return [Flag(table, rows_where(frame, bad), field)]

"""S2-108: The UPN's LA number (characters 2–4) is not an English or Welsh LA number."""

from __future__ import annotations

from highneeds.reference import las
from highneeds.sen2.rules import Context, Flag, rows_where, rule
from highneeds.sen2.upn import FORMER_ENGLISH_LA_NUMBERS, WELSH_LA_NUMBERS, la_number


def known_la_numbers(own: str) -> set[str]:
    """Every number a UPN can start with: English LAs now and since reorganised, Welsh LAs,
    and the returning LA's own number (which also covers a fictional demo LA)."""
    english = set(las(include_former=True)["la_code"].astype(str))
    return english | FORMER_ENGLISH_LA_NUMBERS | WELSH_LA_NUMBERS | {own}


@rule(
    "S2-108",
    "UPN does not start with a known LA number: check it was copied correctly",
    ["UPN"],
    severity="warning",
)
def upn_la_number(ctx: Context) -> list[Flag]:
    """A UPN whose check letter is right can still be mistyped in a way the letter misses, or
    be made up; the LA part is the one piece we can check against a list. Only well-shaped
    UPNs are judged here (S2-101 reports the rest)."""
    person = ctx.table("person")
    number = la_number(person["upn"])
    unknown = number.notna() & ~number.isin(known_la_numbers(ctx.ret.la_code))
    return [Flag("person", rows_where(person, unknown), "UPN")]

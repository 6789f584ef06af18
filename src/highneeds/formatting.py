"""One number format for every page, table, chart, CLI output and export.

Counts are whole numbers with thousands separators ("3,091"); money is pounds with a unit a
reader takes in at a glance ("£44.65m", "£850k", "£950") on screen and exact whole pounds in
downloads; rates and percentages have one decimal place ("31.2%", "12.4"); a central value
with its interval reads "3,091 (2,950–3,240)". A missing figure is a dash, never zero.

What kind a column holds is read from its heading in words ("Cost (£)", "Growth (%)",
"Chance of being short", "EHCPs per 1,000 …"), so every shell formats a table the same way
without being told column by column.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from numbers import Number

#: How a missing figure reads everywhere.
MISSING = "–"
_MINUS = "−"  # the typographic minus, as GOV.UK style writes negative numbers


class Kind(StrEnum):
    """What a figure measures, which decides how it is written."""

    COUNT = "count"  # children, plans, places, responses: whole numbers
    MONEY = "money"  # pounds
    PERCENT = "percent"  # already ×100: 31.2 means 31.2%
    PROBABILITY = "probability"  # 0–1, written as a percentage
    RATE = "rate"  # per 1,000, ratios, scores: one decimal place
    NUMBER = "number"  # anything else: whole numbers as counts, others to one decimal
    YEAR = "year"  # a census or calendar year: 2022, never "2,022"


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or value is _pd_na()
    except TypeError:
        return False


def _pd_na():
    try:
        import pandas as pd

        return pd.NA
    except ImportError:  # pragma: no cover - pandas is a core dependency
        return None


def _sign(value: float) -> str:
    return _MINUS if value < 0 else ""


def count(value) -> str:
    """A whole number with thousands separators: 3091.4 -> '3,091'."""
    if is_missing(value):
        return MISSING
    rounded = round(float(value))
    return f"{_sign(rounded)}{abs(rounded):,}"


def money(value, *, exact: bool = False) -> str:
    """Pounds: '£44.65m', '£850k', '£950' (three significant figures or more), or with
    ``exact`` every whole pound: '£44,652,699'. Negative amounts take a minus sign."""
    if is_missing(value):
        return MISSING
    amount = float(value)
    sign, size = _sign(amount), abs(amount)
    if exact or size < 1_000:
        return f"{sign}£{round(size):,}"
    if round(size / 1_000_000, 2) >= 1_000:
        return f"{sign}£{size / 1_000_000_000:,.2f}bn"
    if round(size / 1_000, 0) >= 1_000:
        return f"{sign}£{size / 1_000_000:,.2f}m"
    return f"{sign}£{size / 1_000:,.0f}k"


def percent(value, *, digits: int = 1) -> str:
    """A percentage already multiplied by 100: 31.1815 -> '31.2%'."""
    if is_missing(value):
        return MISSING
    return f"{_sign(float(value))}{abs(float(value)):,.{digits}f}%"


def probability(value) -> str:
    """A chance between 0 and 1 as a percentage: 0.125 -> '12.5%'."""
    return MISSING if is_missing(value) else percent(float(value) * 100)


def rate(value, *, digits: int = 1) -> str:
    """A rate or ratio to one decimal place with separators: 1234.56 -> '1,234.6'."""
    if is_missing(value):
        return MISSING
    return f"{_sign(float(value))}{abs(float(value)):,.{digits}f}"


def number(value) -> str:
    """A figure of unknown kind: whole values as counts, others to one decimal place."""
    if is_missing(value):
        return MISSING
    if float(value).is_integer():
        return count(value)
    return rate(value)


def file_size(value) -> str:
    """A file's size in bytes as people read it: '820 bytes', '14 KB', '1.2 MB'."""
    if is_missing(value):
        return MISSING
    size = float(value)
    if size < 1024:
        return f"{count(size)} bytes"
    if size < 1024**2:
        return f"{count(round(size / 1024))} KB"
    return f"{rate(size / 1024**2)} MB"


def year(value) -> str:
    """A year as written: 2022.0 -> '2022'."""
    if is_missing(value):
        return MISSING
    return str(int(value)) if float(value).is_integer() else str(value)


_WRITERS = {
    Kind.YEAR: year,
    Kind.COUNT: count,
    Kind.MONEY: money,
    Kind.PERCENT: percent,
    Kind.PROBABILITY: probability,
    Kind.RATE: rate,
    Kind.NUMBER: number,
}


def figure(value, kind: Kind | str = Kind.NUMBER) -> str:
    """Any cell as a reader sees it: numbers by ``kind``; text as it is; booleans as yes/no."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Number):
        return _WRITERS[Kind(kind)](value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return figure(value.item(), kind)
    return str(value)


def interval(middle, low, high, kind: Kind | str = Kind.COUNT) -> str:
    """A central value with its interval: '3,091 (2,950–3,240)'."""
    write = _WRITERS[Kind(kind)]
    if is_missing(low) or is_missing(high):
        return write(middle)
    return f"{write(middle)} ({write(low)}–{write(high)})"


# Words that say what a column measures. A unit (£, %, a chance, a rate) in the heading or
# the table's title outranks a word that only says "how many" ("Median", "Total").
_UNIT_PATTERNS: tuple[tuple[re.Pattern, Kind], ...] = (
    (re.compile(r"chance|probabilit", re.I), Kind.PROBABILITY),
    # "%" after a digit names an interval ("Lower 95% bound"), not a percentage.
    (re.compile(r"(?<!\d)%|per ?cent\b|percentage|\bshare\b", re.I), Kind.PERCENT),
    (re.compile(r"per 1,?000|per head|\brate\b|ratio|closeness|score|similarity", re.I), Kind.RATE),
    (
        re.compile(r"£|\bgbp\b|_gbp|pounds|cost|spend|budget|outturn|allocation|saving", re.I),
        Kind.MONEY,
    ),
)
_YEAR_HEADING = re.compile(r"\byear\b|census|\bperiod\b", re.I)
_COUNT_WORDS = re.compile(
    r"children|ehcps?\b|plans|places|pupils|demand|caseload|count|number|responses|people|"
    r"requests|assessments|residents|population|\brows\b|\btotal\b|median|mean|expected|"
    r"lower|upper|bound|\bq\d",
    re.I,
)


def column_kind(heading: str, title: str = "") -> Kind:
    """What a column measures, from its heading and then the table's title (a table titled
    "… (£)" holds pounds in columns named after areas). A year column stays a year."""
    heading, title = str(heading), str(title)

    def unit_of(text: str) -> Kind | None:
        return next((kind for pattern, kind in _UNIT_PATTERNS if pattern.search(text)), None)

    if (kind := unit_of(heading)) is not None:
        return kind
    if _YEAR_HEADING.search(heading):
        return Kind.YEAR
    if (kind := unit_of(title)) is not None:
        return kind
    if _COUNT_WORDS.search(heading) or _COUNT_WORDS.search(title):
        return Kind.COUNT
    return Kind.NUMBER


#: Excel number formats per kind: figures stay full values in the cell, shown rounded.
EXCEL_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.MONEY: '"£"#,##0;[Red]-"£"#,##0',
    Kind.PERCENT: '0.0"%"',
    Kind.PROBABILITY: "0.0%",
    Kind.RATE: "#,##0.0",
    Kind.NUMBER: "#,##0.0##",
    Kind.YEAR: "0",
}

#: Decimal places kept in a CSV download (which has no number formats): money to the penny
#: (per-head amounts need it), counts of children as means to one decimal, rates and
#: percentages to two.
CSV_DIGITS = {
    Kind.COUNT: 1,
    Kind.MONEY: 2,
    Kind.PERCENT: 2,
    Kind.PROBABILITY: 4,
    Kind.RATE: 2,
    Kind.NUMBER: 3,
    Kind.YEAR: 0,
}

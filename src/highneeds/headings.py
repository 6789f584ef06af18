"""Column codes (``cost_gbp_q05``) as headings people read ("Cost (£), 5th percentile").

Tables in the core keep short codes, which scripts rely on; every page, workbook and download
shows these words instead, with the codes kept in a data dictionary for anyone joining files.
"""

from __future__ import annotations

import re

#: Codes whose words are not their parts spelled out.
_WHOLE = {
    "year": "January census year",
    "financial_year": "Financial year",
    "la_code": "LA code",
    "la_name": "Local authority",
    "ncy": "National curriculum year",
    "probability_short": "Chance of being short",
    "uses_reference_default": "Uses a national reference default",
    "per_1000_aged_0_25": "Per 1,000 residents aged 0 to 25",
}
#: Parts of codes that are abbreviations.
_WORDS = {
    "ehcps": "EHCPs",
    "ncy": "NCY",
    "ehcp": "EHCP",
    "sen2": "SEN2",
    "dsg": "DSG",
    "hnb": "High Needs Block",
    "s251": "Section 251",
    "la": "LA",
    "fe": "FE",
    "ap": "AP",
    "pru": "PRU",
    "inmss": "INMSS",
    "std": "standard deviation",
    "sd": "standard deviation",
}
_UNIT_PARTS = {"gbp": "(£)", "pct": "(%)", "percent": "(%)"}
_CODE = re.compile(r"^[a-z][a-z0-9_.]*$")  # what a code looks like: cost_gbp_q05, scenario
_QUANTILE = re.compile(r"^(?:q|p)(\d+(?:\.\d+)?)$")


def _ordinal(number: str) -> str:
    value = float(number)
    if len(number) == 2 and number.startswith("0"):  # q05 is the 5th percentile
        value = float(number[1])
    if not value.is_integer():
        return f"{value:g}th"
    whole = int(value)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{whole}{suffix}"


def heading(code: str) -> str:
    """Words for a column code; text that is already words is returned as it is."""
    text = str(code)
    if text in _WHOLE:
        return _WHOLE[text]
    if not _CODE.match(text):
        return text  # already a heading: "Stockport", "Neighbours' median", "Cost (£)"
    words, units, qualifiers = [], [], []
    for part in text.split("_"):
        lower = part.lower()
        quantile = _QUANTILE.match(lower)
        if lower in _UNIT_PARTS:
            units.append(_UNIT_PARTS[lower])
        elif quantile:
            qualifiers.append(f"{_ordinal(quantile.group(1))} percentile")
        elif lower in ("mean", "median", "std", "expected") and words:
            qualifiers.append(_WORDS.get(lower, lower))
        elif lower:
            words.append(_WORDS.get(lower, lower))
    phrase = " ".join(words + units) or text
    phrase = phrase[0].upper() + phrase[1:]
    return ", ".join([phrase, *qualifiers])


def headings(codes) -> dict[str, str]:
    """{code: heading} for a table's columns (for ``DataFrame.rename``)."""
    return {str(code): heading(code) for code in codes}

"""Unique Pupil Numbers: shape and check letter (DfE's algorithm, see docs/import-sen2.md)."""

from __future__ import annotations

import re

import pandas as pd

#: Check letters and the values letters carry (no I, O or S).
LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")


def _value(char: str) -> int:
    return int(char) if char.isdigit() else LETTERS.index(char)


def check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it (chars 2 to 13 of the UPN)."""
    total = sum(_value(char) * position for position, char in enumerate(body, start=2))
    return LETTERS[total % 23]


def upn_with_check_letter(body: str) -> str:
    return check_letter(body) + body


def upn_problems(upns: pd.Series) -> pd.Series:
    """Per UPN: None when valid (or missing), else "shape" or "check letter"."""
    text = upns.fillna("")
    shape_ok = text.str.fullmatch(UPN_SHAPE.pattern)
    out = pd.Series(None, index=upns.index, dtype="object")
    out[(text != "") & ~shape_ok] = "shape"
    good_shape = (text != "") & shape_ok
    wrong = [check_letter(u[1:]) != u[0] for u in text[good_shape]]
    out[good_shape[good_shape].index[wrong]] = "check letter"
    return out


#: LA numbers that allocated UPNs before 2019 and have since gone, so are in no reference
#: table: Bedfordshire and Cheshire (abolished 2009). A 20-year-old's UPN can still carry them.
FORMER_ENGLISH_LA_NUMBERS = frozenset({"820", "875"})
#: Welsh LA numbers: schools in Wales allocate compatible UPNs, and children move.
WELSH_LA_NUMBERS = frozenset(str(n) for n in range(660, 682))


def is_temporary(upns: pd.Series) -> pd.Series:
    """True where a well-shaped UPN ends in a letter: a school's placeholder, not the child's."""
    text = upns.fillna("")
    return text.str.fullmatch(UPN_SHAPE.pattern) & text.str[-1].str.isalpha()


def la_number(upns: pd.Series) -> pd.Series:
    """Characters 2–4: the number of the LA whose school or service allocated the UPN."""
    return upns.where(upns.fillna("").str.fullmatch(UPN_SHAPE.pattern)).str[1:4]

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

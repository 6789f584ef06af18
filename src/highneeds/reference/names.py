"""Lenient matching of labels and LA names across sources that spell them differently."""

from __future__ import annotations

import re

import pandas as pd


def normalise_label(value: object) -> str:
    """Lower-case a header or name and squeeze punctuation and spaces, for lenient matching."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.replace("\ufeff", "").replace("&", " and ").lower()
    return re.sub(r"[^0-9a-z+]+", " ", text).strip()


def name_key(name: object) -> str:
    """A key under which DfE and ONS spellings of one LA name meet.

    "Bristol, City of" / "Bristol"; "County Durham" / "Durham"; "St. Helens" / "St Helens".
    """
    key = normalise_label(name)
    key = re.sub(r" (city|county) of$", "", key)
    return re.sub(r"^county (?=durham$)", "", key)

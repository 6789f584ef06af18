"""Text safe for every store and every file format: control characters removed.

A control character in a public answer (pasted from another program, or sent on purpose) made
every XLSX export of the consultation fail (openpyxl refuses them), a NUL in a codebook was a
server error on PostgreSQL (it cannot store one), and Word and XML files refuse them too. Input
is cleaned where it arrives and every export writer cleans again, both with ``clean_text``.
Tabs, line feeds and carriage returns are kept: they are ordinary text.
"""

from __future__ import annotations

import re

import pandas as pd

# C0 controls except tab, LF and CR; DEL; the C1 controls; and the two non-characters XML
# forbids. None is typed by a person or shown by a font.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without control characters (tab, line feed and carriage return are kept)."""
    return _CONTROL.sub("", text)


def clean_value(value: object) -> object:
    """A cell's value with control characters removed if it is text; others unchanged."""
    return clean_text(value) if isinstance(value, str) else value


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells (and column names) have no control characters."""
    cleaned = frame.map(clean_value)
    cleaned.columns = [clean_value(c) for c in frame.columns]
    return cleaned

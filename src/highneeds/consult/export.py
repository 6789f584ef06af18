"""Response exports people open in a spreadsheet: stable columns, no formula injection.

One row per response and one column per question, in the consultation's order, headed with the
question text. Columns are keyed by stable codes (``P1__agree``, ``P1__why``, as in
``highneeds.consult.analysis.schema``), so the same consultation always exports the same columns
in the same order, whichever version (standard, easy read, young person) people answered.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by Excel or LibreOffice; such text is prefixed with an apostrophe so it shows as text.
Control characters are removed from every cell (an XLSX file cannot hold them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook

from highneeds.text import clean_value

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: a stable key and the heading people read."""

    key: str
    heading: str


def neutralise_cell(value: object) -> object:
    """A cell every spreadsheet writer can store: control characters removed
    (``highneeds.text``) and text a spreadsheet would run as a formula made inert."""
    value = clean_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def responses_frame(
    columns: Sequence[ExportColumn], rows: Iterable[Mapping[str, object]]
) -> pd.DataFrame:
    """A table with exactly ``columns`` in order (missing answers blank), keyed by column key.

    A row holding a key that is not a column is refused: it means the export and the
    consultation disagree, and a silent drop would lose an answer.
    """
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise ValueError("export columns must have distinct keys")
    known = set(keys)
    records = []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - known
        if unknown:
            raise ValueError(f"response row {number} has answers for unknown columns {unknown}")
        records.append([row.get(key, "") for key in keys])
    return pd.DataFrame(records, columns=keys, dtype=object)


def _headings(columns: Sequence[ExportColumn], headers: str) -> list[str]:
    if headers == "text":
        return [c.heading for c in columns]
    if headers == "codes":
        return [c.key for c in columns]
    raise ValueError("headers must be 'text' or 'codes'")


def _safe_rows(frame: pd.DataFrame) -> Iterable[list[object]]:
    for record in frame.itertuples(index=False, name=None):
        yield [neutralise_cell("" if value is None else value) for value in record]


def to_csv(frame: pd.DataFrame, columns: Sequence[ExportColumn], *, headers: str = "text") -> bytes:
    """UTF-8 CSV (with byte-order mark so Excel reads accents) of a responses frame."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in _headings(columns, headers)])
    writer.writerows(_safe_rows(frame))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    frame: pd.DataFrame,
    columns: Sequence[ExportColumn],
    *,
    headers: str = "text",
    sheet_title: str = "Responses",
) -> bytes:
    """An XLSX workbook of a responses frame; every text cell is stored as text, not formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([neutralise_cell(h) for h in _headings(columns, headers)])
    for row in _safe_rows(frame):
        sheet.append(row)
    for cell_row in sheet.iter_rows():
        for cell in cell_row:
            if isinstance(cell.value, str):
                # openpyxl treats a string starting with "=" as a formula; force text type.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

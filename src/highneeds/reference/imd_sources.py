"""English Indices of Deprivation 2019, upper-tier LA summaries (MHCLG "File 11"), as published.

One sheet per domain (IMD, Income, Employment, Education, Health, Crime, Barriers, Living, IDACI,
IDAOPI), each with the UTLA code and name (2019 boundaries) and summary measures: average rank
and score, proportion of LSOAs in the most deprived 10%, and their ranks (1 = most deprived of
the 151 upper-tier LAs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.reference.sheets import blank_row, column_position, read_table, to_number

DOMAIN_SHEETS = (
    "IMD",
    "Income",
    "Employment",
    "Education",
    "Health",
    "Crime",
    "Barriers",
    "Living",
    "IDACI",
    "IDAOPI",
)
CODE_HEADER = "Upper Tier Local Authority District code (2019)"
NAME_HEADER = "Upper Tier Local Authority District name (2019)"


def measure_name(header: str) -> str:
    """Snake-case name for a published measure ("IDACI - Average score" -> idaci_average_score)."""
    text = re.sub(r"\bIMD 2019\b", "IMD", header)
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def read_imd_upper_tier(
    path: str | Path,
    sheets: tuple[str, ...] = DOMAIN_SHEETS,
    *,
    corrections: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """One row per upper-tier LA (2019 codes): ``utla_code, utla_name`` and every measure.

    ``corrections`` maps ``(sheet, published code)`` to ``(name, corrected code)`` for known
    typos in a copy of the file; a correction applies only when the row's name matches, so it
    can never rename a different LA. Without one, a malformed code is an error.
    """
    corrections = corrections or {}
    path = Path(path)
    merged: pd.DataFrame | None = None
    for sheet in sheets:
        body, header_row = read_table(path, [CODE_HEADER, NAME_HEADER], sheet=sheet)
        columns = list(body.columns)
        where = {"file": path.name, "sheet": sheet, "row": header_row}
        code_at = column_position(columns, CODE_HEADER, **where)
        name_at = column_position(columns, NAME_HEADER, **where)
        measures = [
            (i, name)
            for i, name in enumerate(columns)
            if i not in (code_at, name_at) and not name.startswith("_col")
        ]
        records = []
        for position, row in enumerate(body.itertuples(index=False, name=None)):
            row_number = header_row + 1 + position
            if blank_row(pd.Series(row)):
                continue
            code = str(row[code_at]).strip()
            name = str(row[name_at]).strip()
            fix = corrections.get((sheet, code))
            if fix is not None and fix[0] == name:
                code = fix[1]
            if not re.fullmatch(r"E\d{8}", code):
                raise InputFileError(
                    f"{code!r} is not an English GSS code",
                    file=path.name,
                    sheet=sheet,
                    row=row_number,
                    column=CODE_HEADER,
                )
            record = {"utla_code": code, "utla_name": name}
            for at, name in measures:
                record[measure_name(name)] = to_number(
                    row[at], file=path.name, sheet=sheet, row=row_number, column=name
                )
            records.append(record)
        table = pd.DataFrame(records)
        if merged is None:
            merged = table
        else:
            if set(table.utla_code) != set(merged.utla_code):
                raise InputFileError(
                    "this sheet lists different LAs from the IMD sheet",
                    file=path.name,
                    sheet=sheet,
                    column=CODE_HEADER,
                )
            merged = merged.merge(table.drop(columns="utla_name"), on="utla_code")
    assert merged is not None
    return merged

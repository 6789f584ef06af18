"""Turn raw text read from a SEN2 file into typed columns, strictly.

Both readers hand over text; this module decides what a date or a flag is, so XML and CSV
give identical tables. A value that cannot be a date (``31/02/2024``) stops the read with an
:class:`~highneeds.errors.InputFileError` naming file, row and item: a return with a broken
date must be fixed before anything is imported.
"""

from __future__ import annotations

import datetime

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.sen2.model import Item, Module, key_columns, table_columns

#: Date layouts seen in SEN2 files: DfE XML, Blade CSV exports, spreadsheets saved as CSV.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%b-%d %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)
_TRUE = {"1", "true", "y", "yes", "1.0"}
_FALSE = {"0", "false", "n", "no", "0.0"}


def cell_text(value) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold, so workbooks share the CSV
    path: date cells become ``YYYY-MM-DD`` (with the time only when it is not midnight),
    whole numbers lose their ``.0``, booleans become 1/0 and empty cells ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_text(series: pd.Series) -> pd.Series:
    """Strip spaces; empty strings become missing (empty elements occur in real files)."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def parse_dates(
    series: pd.Series, *, file: str, column: str, rows: pd.Series, sheet: str | None = None
) -> pd.Series:
    """Parse dates in any accepted layout; raise naming the first value that is not a date."""
    text = clean_text(series)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad = parsed.isna() & text.notna()
    if bad.any():
        first = bad.idxmax()
        raise InputFileError(
            f"{text[first]!r} is not a valid date",
            file=file,
            sheet=sheet,
            row=int(rows[first]),
            column=column,
            hint="write dates as YYYY-MM-DD and check the day exists in that month",
        )
    return parsed


def parse_flags(
    series: pd.Series, *, file: str, column: str, rows: pd.Series, sheet: str | None = None
) -> pd.Series:
    text = clean_text(series).str.lower()
    out = pd.Series(pd.NA, index=text.index, dtype="Int8")
    out[text.isin(_TRUE)] = 1
    out[text.isin(_FALSE)] = 0
    bad = text.notna() & out.isna()
    if bad.any():
        first = bad.idxmax()
        raise InputFileError(
            f"{text[first]!r} is not a yes/no flag",
            file=file,
            sheet=sheet,
            row=int(rows[first]),
            column=column,
            hint="use 1 for yes and 0 for no",
        )
    return out


def parse_ints(
    series: pd.Series, *, file: str, column: str, rows: pd.Series, sheet: str | None = None
) -> pd.Series:
    text = clean_text(series)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (numbers.isna() | (numbers % 1 != 0))
    if bad.any():
        first = bad.idxmax()
        raise InputFileError(
            f"{text[first]!r} is not a whole number",
            file=file,
            sheet=sheet,
            row=int(rows[first]),
            column=column,
        )
    return numbers.astype("Int64")


def undo_float(text: pd.Series) -> pd.Series:
    """Spreadsheets turn codes and ids like 4 or 1001 into 4.0 and 1001.0; undo the float."""
    return text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


def type_item(
    frame: pd.DataFrame,
    item: Item,
    *,
    file: str,
    label: str | None = None,
    sheet: str | None = None,
) -> pd.Series:
    """Typed values of ``item``; errors name ``label`` (the file's header), else the element,
    and ``sheet`` when the file is a workbook."""
    rows = frame["source_row"]
    where = {"file": file, "column": label or item.element, "rows": rows, "sheet": sheet}
    if item.kind == "date":
        return parse_dates(frame[item.column], **where)
    if item.kind == "flag":
        return parse_flags(frame[item.column], **where)
    if item.kind == "int":
        return parse_ints(frame[item.column], **where)
    text = clean_text(frame[item.column])
    # Codes are compared upper case (ASD, WBRI); free text keeps its case.
    if item.column not in {"sen_setting_other", "surname", "forename", "postcode"}:
        text = text.str.upper()
    return undo_float(text)


def type_table(
    raw: pd.DataFrame,
    module: Module,
    *,
    file: str,
    labels: dict[str, str] | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Typed table with exactly :func:`table_columns` for ``module``.

    ``labels`` maps an item's column to the header it was read from, and ``sheet`` names the
    workbook sheet, for error messages.
    """
    labels = labels or {}
    frame = raw.reindex(columns=table_columns(module))
    out = pd.DataFrame(index=frame.index)
    for key in key_columns(module):
        out[key] = frame[key].astype("string")
    for item in module.items:
        out[item.column] = type_item(
            frame, item, file=file, label=labels.get(item.column), sheet=sheet
        )
    out["source_row"] = pd.to_numeric(frame["source_row"]).astype("Int64")
    return out.reset_index(drop=True)


def type_header(
    raw: dict[str, str | None],
    items,
    *,
    file: str,
    sheet: str | None = None,
    row: int | None = None,
    labels: dict[str, str] | None = None,
) -> dict:
    """Typed header items; errors name ``sheet``, ``row`` and ``labels[column]`` when given."""
    labels = labels or {}
    header: dict = {}
    for item in items:
        value = raw.get(item.column)
        value = value.strip() if isinstance(value, str) else value
        if value in ("", None):
            header[item.column] = None
        elif item.kind == "date":
            one = pd.Series([value])
            header[item.column] = parse_dates(
                one,
                file=file,
                column=labels.get(item.column, item.element),
                rows=pd.Series([row or 1]),
                sheet=sheet,
            )[0]
        elif item.kind == "int":
            try:
                header[item.column] = int(float(value))
            except ValueError as exc:
                raise InputFileError(
                    f"{value!r} is not a year",
                    file=file,
                    sheet=sheet,
                    row=row,
                    column=labels.get(item.column, item.element),
                ) from exc
        else:
            header[item.column] = value
    if header.get("year") is None or header.get("reference_date") is None:
        raise InputFileError(
            "the header has no collection Year or ReferenceDate",
            file=file,
            sheet=sheet,
            row=row,
            hint="a SEN2 return's header gives CollectionDetails Year and ReferenceDate",
        )
    if header.get("lea") is not None:
        header["lea"] = str(header["lea"]).zfill(3)
    return header

"""Read published tables (Excel sheets and CSVs) whose header row is not on the first line.

Government workbooks put titles, notes and feedback links above the header, and the row it sits
on moves between releases. We therefore look for the header row by the labels it must hold
instead of trusting a row number, and every failure names the file, sheet, row and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.readers.excel import excel_file, read_sheet
from highneeds.reference.names import normalise_label

#: How far down a sheet the header may sit before we give up looking for it.
HEADER_SEARCH_ROWS = 40


def raw_table(path: Path, sheet: str | None, nrows: int | None = None) -> pd.DataFrame:
    """Every cell as text (no header), from a CSV or one sheet of a workbook."""
    if not path.exists():
        raise InputFileError("file not found", file=str(path), hint="check the path")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _raw_csv(path, nrows)
        if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
            return _raw_sheet(path, sheet, nrows)
    except InputFileError:
        raise
    except UnicodeDecodeError as error:
        raise InputFileError(f"not UTF-8 text ({error.reason})", file=path.name) from error
    except (ValueError, OSError, KeyError, csv.Error) as error:
        raise InputFileError(
            f"cannot be read as {suffix} ({error})", file=path.name, sheet=sheet
        ) from error
    raise InputFileError(
        f"unsupported file type {suffix!r}",
        file=path.name,
        hint="expected .csv, .xlsx, .xls or .ods",
    )


def _raw_sheet(path: Path, sheet: str | None, nrows: int | None) -> pd.DataFrame:
    with excel_file(path) as book:
        if sheet not in book.sheet_names:
            raise InputFileError(
                f"sheet {sheet!r} is missing",
                file=path.name,
                sheet=sheet,
                hint="sheets present: " + ", ".join(map(str, book.sheet_names)),
            )
        return read_sheet(book, sheet_name=sheet, header=None, dtype=object, nrows=nrows)


def _raw_csv(path: Path, nrows: int | None) -> pd.DataFrame:
    """CSV cells as text; rows may differ in length (title lines above the header)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = []
        for row in csv.reader(handle):
            rows.append(row)
            if nrows is not None and len(rows) >= nrows:
                break
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)


def find_header_row(
    raw: pd.DataFrame, required: Sequence[str], *, file: str, sheet: str | None = None
) -> int:
    """0-based index of the first row holding every label in ``required`` (normalised)."""
    wanted = [normalise_label(label) for label in required]
    for index in range(min(len(raw), HEADER_SEARCH_ROWS)):
        cells = {normalise_label(value) for value in raw.iloc[index].tolist()}
        if all(label in cells for label in wanted):
            return index
    raise InputFileError(
        "no header row found with the columns " + ", ".join(repr(r) for r in required),
        file=file,
        sheet=sheet,
        row=1,
        hint=f"searched the first {HEADER_SEARCH_ROWS} rows; is this the right file and sheet?",
    )


def read_table(
    path: str | Path,
    required: Sequence[str],
    *,
    sheet: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """The table under the header row that holds ``required``.

    Returns the data with the header's cells (stripped) as column names, cells as text or
    numbers as published, and the 1-based spreadsheet row number of the header so callers can
    name rows in errors as ``header_row + 1 + position``. Fully blank rows are kept (callers
    decide whether a blank row ends the table).
    """
    path = Path(path)
    raw = raw_table(path, sheet)
    header_index = find_header_row(raw, required, file=path.name, sheet=sheet)
    names = [
        str(value).replace("\ufeff", "").strip() if not _blank(value) else f"_col{i}"
        for i, value in enumerate(raw.iloc[header_index].tolist())
    ]
    body = raw.iloc[header_index + 1 :].reset_index(drop=True)
    body.columns = names
    # Title lines above the header (e.g. "MYE2: … mid-2021"), for callers that need them.
    body.attrs["preamble"] = [str(v) for v in raw.iloc[:header_index, 0].tolist() if not _blank(v)]
    return body, header_index + 1


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )


def blank_row(row: pd.Series) -> bool:
    """True when every cell of ``row`` is empty."""
    return all(_blank(value) for value in row.tolist())


def column_position(
    columns: Sequence[str],
    label: str,
    *,
    file: str,
    sheet: str | None,
    row: int,
    occurrence: int = 0,
) -> int:
    """Position of the ``occurrence``-th column whose normalised name equals ``label``."""
    wanted = normalise_label(label)
    hits = [i for i, name in enumerate(columns) if normalise_label(name) == wanted]
    if len(hits) <= occurrence:
        raise InputFileError(
            f"column {label!r} is missing", file=file, sheet=sheet, row=row, column=label
        )
    return hits[occurrence]


def to_number(value: object, *, file: str, sheet: str | None, row: int, column: str) -> float:
    """A published count as a float; text that is not a number is an error, never zero."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if pd.isna(value):
            raise InputFileError(
                "empty cell where a number was expected",
                file=file,
                sheet=sheet,
                row=row,
                column=column,
            )
        return float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise InputFileError(
            f"{value!r} is not a number", file=file, sheet=sheet, row=row, column=column
        ) from None


def drop_blank_rows(body: pd.DataFrame) -> pd.DataFrame:
    """``body`` without fully empty rows; the index (position under the header) is kept."""
    return body[~body.map(_blank).all(axis=1)]


def to_numbers(
    body: pd.DataFrame,
    positions: Sequence[int],
    *,
    file: str,
    sheet: str | None,
    header_row: int,
) -> pd.DataFrame:
    """Columns of published counts as floats, named as in the header.

    ``body`` must keep :func:`read_table`'s index so the first bad cell can be named by its
    spreadsheet row (``header_row + 1 + index``). Text that is not a number, or an empty
    cell, is an error: never zero.
    """
    block = body.iloc[:, list(positions)]
    text = block.astype(str).apply(lambda column: column.str.strip().str.replace(",", ""))
    numbers = text.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna()
    if bad.to_numpy().any():
        row_label, column_at = next(
            (index, at) for index, row in bad.iterrows() for at, flag in enumerate(row) if flag
        )
        value = block.loc[row_label].iloc[column_at]
        problem = (
            "empty cell where a number was expected"
            if _blank(value)
            else (f"{value!r} is not a number")
        )
        raise InputFileError(
            problem,
            file=file,
            sheet=sheet,
            row=header_row + 1 + int(row_label),
            column=str(block.columns[column_at]),
        )
    return numbers.astype(float)


def la_number(value: object, *, file: str, sheet: str | None, row: int, column: str) -> str:
    """A DfE 3-digit LA number as text ("356"), accepting 356, 356.0 or " 356 "."""
    text = str(value).strip()
    if re.fullmatch(r"\d{3}(\.0+)?", text):
        return text[:3]
    raise InputFileError(
        f"{value!r} is not a 3-digit DfE LA number", file=file, sheet=sheet, row=row, column=column
    )

"""Every workbook and CSV download is written here, the same way.

Headings are words (``highneeds.headings``); cells keep full values with an Excel number
format by kind (``highneeds.formatting``) so a finance officer sees "£44,652,699" and can
still sum the cell; each workbook ends with a "Data dictionary" sheet giving, per column,
its heading, the code scripts use and its unit. CSV files, which carry no formats, are
rounded sensibly (money to the pound) and open in Excel with accents intact. Where DfE
published a symbol for a missing figure (c, x, z, low), the download carries the symbol, as the
page and the command line show it, and the rest of the column keeps its number format.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from highneeds.consult.export import neutralise_cell
from highneeds.formatting import CSV_DIGITS, EXCEL_FORMATS, Kind, column_kind
from highneeds.headings import heading

DICTIONARY_SHEET = "Data dictionary"
_UNIT_WORDS = {
    Kind.COUNT: "number",
    Kind.MONEY: "pounds (£)",
    Kind.PERCENT: "per cent",
    Kind.PROBABILITY: "chance from 0 to 1 (shown as a percentage)",
    Kind.RATE: "rate",
    Kind.NUMBER: "number",
    Kind.YEAR: "year",
}


def readable(frame: pd.DataFrame, title: str = "") -> tuple[pd.DataFrame, list[dict]]:
    """The frame with word headings (index written out as columns) and, per column, its
    dictionary entry {heading, code, unit, kind} (kind None for text)."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    flat = frame.copy()
    for column in flat.columns:  # True/False read as yes/no, in words like every heading
        values = flat[column]
        if pd.api.types.is_bool_dtype(values) or (
            values.dtype == object and values.map(lambda v: isinstance(v, bool)).any()
        ):
            flat[column] = values.map(lambda v: {True: "yes", False: "no"}.get(v, v))
    flat.columns = [
        " ".join(str(p) for p in c if str(p)) if isinstance(c, tuple) else c for c in flat.columns
    ]
    # A year heading (the plan tables' 2026, 2027 … columns) stays a number.
    words = [heading(c) if isinstance(c, str) else c for c in flat.columns]
    entries = []
    for code, word in zip(flat.columns, words, strict=True):
        numeric = pd.api.types.is_numeric_dtype(flat[code]) and not pd.api.types.is_bool_dtype(
            flat[code]
        )
        kind = column_kind(str(word), title) if numeric else None
        entries.append(
            {
                "heading": word,
                "code": str(code),
                "unit": _UNIT_WORDS[kind] if kind else "text",
                "kind": kind,
            }
        )
    flat.columns = words
    return flat, entries


def with_symbols(table: pd.DataFrame, symbols: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` (as :func:`readable` returns it) with each missing figure for which DfE
    published a symbol replaced by that symbol. ``symbols`` is laid out as the frame given to
    :func:`readable` (its last columns: an index written out as columns comes first)."""
    if symbols is None:
        return table
    offset = table.shape[1] - symbols.shape[1]
    table = table.copy()
    for j in range(symbols.shape[1]):
        marks = symbols.iloc[:, j].to_numpy(dtype=object)
        shown = [isinstance(m, str) and m != "" for m in marks]
        values = table.iloc[:, offset + j]
        replace = values.isna().to_numpy() & pd.Series(shown).to_numpy()
        if replace.any():
            column = values.astype(object)
            column[replace] = marks[replace]
            table[table.columns[offset + j]] = column
    return table


def csv_bytes(
    frame: pd.DataFrame, *, title: str = "", symbols: pd.DataFrame | None = None
) -> bytes:
    """UTF-8 with BOM (Excel reads accents), word headings, figures rounded by kind, formula
    text made inert; ``symbols`` (laid out as ``frame``): DfE symbols for missing figures."""
    table, entries = readable(frame, title)
    for column, entry in zip(list(table.columns), entries, strict=True):
        if entry["kind"] is not None and pd.api.types.is_float_dtype(table[column]):
            rounded = table[column].round(CSV_DIGITS[entry["kind"]])
            whole = rounded.dropna()
            # A column of whole numbers (counts held as floats because one is missing) is
            # written as whole numbers: 2618, not 2618.0.
            if len(whole) and (whole == whole.round()).all() and whole.abs().max() < 2**53:
                rounded = rounded.astype("Int64")
            table[column] = rounded
    table = with_symbols(table, symbols)
    return table.map(neutralise_cell).to_csv(index=False).encode("utf-8-sig")


def write_sheets(
    target,
    sheets: dict[str, pd.DataFrame],
    *,
    titles: dict[str, str] | None = None,
    notes: list[str] | None = None,
    symbols: dict[str, pd.DataFrame] | None = None,
) -> None:
    """One sheet per table (names cut to Excel's 31 characters), headings in words in bold,
    frozen, columns sized to their text, number formats by kind, then a "Notes" sheet (when
    ``notes``) and the data dictionary. ``target`` is a path or a binary file object.
    ``symbols``: per sheet, the DfE symbols for missing figures (see :func:`with_symbols`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    dictionary = []
    for name, frame in sheets.items():
        sheet_name = _sheet_name(name, book.sheetnames)
        table, entries = readable(frame, (titles or {}).get(name, ""))
        table = with_symbols(table, (symbols or {}).get(name))
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for index, (column, entry) in enumerate(zip(table.columns, entries, strict=True), 1):
            letter = sheet.cell(row=1, column=index).column_letter
            if entry["kind"] is not None:
                number_format = EXCEL_FORMATS[entry["kind"]]
                for (cell,) in sheet.iter_rows(
                    min_row=2, min_col=index, max_col=index, max_row=sheet.max_row
                ):
                    cell.number_format = number_format
            longest = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)])
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
            dictionary.append([sheet_name, str(entry["heading"]), entry["code"], entry["unit"]])
        sheet.freeze_panes = "A2"
    if notes:
        sheet = book.create_sheet("Notes")
        sheet.append(["Notes"])
        sheet["A1"].font = Font(bold=True)
        for note in notes:
            sheet.append([neutralise_cell(note)])
        sheet.column_dimensions["A"].width = 100
    sheet = book.create_sheet(DICTIONARY_SHEET)
    sheet.append(["Sheet", "Heading", "Code", "Unit"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in dictionary:
        sheet.append(entry)
    for letter, width in zip("ABCD", (28, 50, 32, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(target)


def xlsx_bytes(sheets: dict[str, pd.DataFrame], **options) -> bytes:
    buffer = io.BytesIO()
    write_sheets(buffer, sheets, **options)
    return buffer.getvalue()


def _sheet_name(name: str, taken: list[str]) -> str:
    words = heading(name)
    words = words[:1].upper() + words[1:]
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in words)[:31]
    candidate, number = cleaned, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return neutralise_cell(value)


def save_csv(frame: pd.DataFrame, path: str | Path, **options) -> Path:
    path = Path(path)
    path.write_bytes(csv_bytes(frame, **options))
    return path


def read_coded(path, sheet: str) -> pd.DataFrame:
    """A sheet of a workbook written here, read back with its columns' codes (from the data
    dictionary) as headings: what a script joining our files wants."""
    from highneeds.readers.excel import read_excel

    dictionary = read_excel(path, sheet_name=DICTIONARY_SHEET)
    mine = dictionary[dictionary["Sheet"] == sheet]
    codes = {
        heading: code
        for heading, code in zip(mine["Heading"].astype(str), mine["Code"].astype(str), strict=True)
        if heading != code
    }
    table = read_excel(path, sheet_name=sheet)
    return table.rename(columns=lambda c: codes.get(str(c), c))

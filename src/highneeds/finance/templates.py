"""Templates an LA fills in (unit costs, High Needs budget/outturn, capacity), and their readers.

One declarative :class:`TemplateSpec` per template drives both the blank workbook the tool
writes and the reader, so the two cannot drift apart. Readers accept the filled ``.xlsx`` or a
``.csv`` of the data sheet. Every refusal is an :class:`~highneeds.errors.InputFileError`
naming file, sheet, spreadsheet row and column; nothing is imported from a refused file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.readers.excel import excel_file, read_sheet
from highneeds.readers.text import read_text_csv
from highneeds.vocabulary import (
    AGE_BANDS,
    FUNDING_CATEGORIES,
    NEEDS,
    S251_HIGH_NEEDS_LINES,
    SETTINGS,
    age_band_code,
    need_code,
)

MONEY, COUNT, TEXT, CODE, FINANCIAL_YEAR, DATE, YEAR, NCY = (
    "money",
    "count",
    "text",
    "code",
    "financial_year",
    "date",
    "year",
    "ncy",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    help: str = ""
    #: For CODE columns: the accepted codes (labels resolve through ``resolver`` if given).
    allowed: tuple[str, ...] = ()
    label_kind: str = ""


@dataclass(frozen=True)
class TemplateSpec:
    kind: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    instructions: tuple[str, ...]
    example_rows: tuple[dict, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


_CATEGORY_CODES = tuple(category.code for category in FUNDING_CATEGORIES)
_S251_CODES = tuple(line.code for line in S251_HIGH_NEEDS_LINES)

UNIT_COSTS = TemplateSpec(
    kind="unit_costs",
    sheet="Unit costs",
    title="High Needs unit costs (pounds per child or young person per year)",
    columns=(
        Column(
            "funding_category",
            CODE,
            help="DSG management plan category (see Lists)",
            allowed=_CATEGORY_CODES,
            label_kind="funding category",
        ),
        Column(
            "setting",
            TEXT,
            required=False,
            help="optional: a setting code (see Lists) for a finer cost",
        ),
        Column("need", TEXT, required=False, help="optional: a type of need code, e.g. ASD"),
        Column(
            "age_band", TEXT, required=False, help="optional: under_5, 5_10, 11_15, 16_19, 20_25"
        ),
        Column(
            "place_funding_gbp",
            MONEY,
            required=False,
            help="place funding per place a year (paid whether the place is filled or not)",
        ),
        Column("top_up_gbp", MONEY, required=False, help="top-up (element 3) per child a year"),
        Column(
            "additional_support_gbp",
            MONEY,
            required=False,
            help="mainstream/FE only, instead of top-up: total additional support a year; "
            "the first £6,000 (element 2) is the school's, the rest is top-up",
        ),
        Column("source", TEXT, required=False, help="where the figure comes from"),
    ),
    instructions=(
        "One row per cost. funding_category is required; setting, need and age_band make a row",
        "more specific (the most specific matching row wins). Leave a money cell blank to use",
        "the national reference default for that category: every output that uses one says so.",
        "Money in pounds a year at the price base year you give when costing (no text).",
    ),
    example_rows=tuple({"funding_category": code} for code in _CATEGORY_CODES),
)

BUDGET = TemplateSpec(
    kind="budget",
    sheet="Budget",
    title="High Needs budget and outturn by Section 251 line",
    columns=(
        Column(
            "s251_line",
            CODE,
            help="Section 251 line, e.g. 1.2.1 (see Lists)",
            allowed=_S251_CODES,
            label_kind="Section 251 high needs line",
        ),
        Column(
            "statement",
            CODE,
            help="budget or outturn",
            allowed=("budget", "outturn"),
            label_kind="statement",
        ),
        Column("period_start", DATE, help="first day covered, e.g. 2024-04-01"),
        Column("period_end", DATE, help="last day covered, e.g. 2025-03-31"),
        Column("amount_gbp", MONEY, help="net expenditure in pounds (not negative)"),
        Column("note", TEXT, required=False),
    ),
    instructions=(
        "One row per Section 251 line, statement and period (normally a financial year,",
        "1 April to 31 March). Periods of the same line and statement must not overlap and a",
        "period must lie within one financial year. Amounts in pounds, never text or negative.",
    ),
    example_rows=tuple({"s251_line": code, "statement": "budget"} for code in _S251_CODES),
)

ALLOCATION = TemplateSpec(
    kind="allocation",
    sheet="Allocation",
    title="High Needs block allocation by financial year",
    columns=(
        Column("financial_year", FINANCIAL_YEAR, help="e.g. 2024-25"),
        Column("allocation_gbp", MONEY, help="High needs block after deductions, pounds"),
        Column("note", TEXT, required=False),
    ),
    instructions=("The High Needs block the LA receives each financial year (after deductions).",),
)

CAPACITY = TemplateSpec(
    kind="capacity",
    sheet="Capacity",
    title="Capacity register: commissioned places by provision and year",
    columns=(
        Column("provision", TEXT, help="name of the setting or group of settings"),
        Column(
            "funding_category",
            CODE,
            allowed=_CATEGORY_CODES,
            label_kind="funding category",
            help="DSG management plan category of the places",
        ),
        Column(
            "designated_needs",
            TEXT,
            required=False,
            help="optional: need codes separated by ';' (blank = any need)",
        ),
        Column("min_ncy", NCY, required=False, help="optional: lowest NCY served"),
        Column("max_ncy", NCY, required=False, help="optional: highest NCY served"),
        Column("year", YEAR, help="January census year the places are commissioned for"),
        Column("places", COUNT, help="commissioned places (whole number, not negative)"),
    ),
    instructions=(
        "One row per provision and year. Places are commissioned places (paid whether filled",
        "or not). Counts are whole numbers and never negative.",
    ),
)

SPECS = {spec.kind: spec for spec in (UNIT_COSTS, BUDGET, ALLOCATION, CAPACITY)}
#: Which specs each written template holds (a workbook can have several data sheets).
WORKBOOKS = {
    "unit_costs": ("unit_costs",),
    "budget": ("budget", "allocation"),
    "capacity": ("capacity",),
}


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_template(kind: str, path: str | Path) -> Path:
    """Write the blank template ``kind`` ("unit_costs", "budget", "capacity") to ``path``."""
    if kind not in WORKBOOKS:
        raise InputFileError(f"unknown template {kind!r}; choose from {', '.join(WORKBOOKS)}")
    path = Path(path)
    specs = [SPECS[k] for k in WORKBOOKS[kind]]
    if path.suffix.lower() == ".csv":
        spec = specs[0]
        pd.DataFrame(list(spec.example_rows), columns=spec.names).to_csv(path, index=False)
        return path
    if path.suffix.lower() != ".xlsx":
        raise InputFileError("templates are written as .xlsx or .csv", file=path.name)
    book = Workbook()
    notes = book.active
    notes.title = "Instructions"
    notes.append([specs[0].title])
    notes["A1"].font = Font(bold=True)
    for spec in specs:
        notes.append([])
        notes.append([f"Sheet '{spec.sheet}'"])
        for line in spec.instructions:
            notes.append([line])
        notes.append(["column", "required", "what to enter"])
        for column in spec.columns:
            notes.append([column.name, "yes" if column.required else "no", column.help])
        data = book.create_sheet(spec.sheet)
        data.append(spec.names)
        for cell in data[1]:
            cell.font = Font(bold=True)
        for row in spec.example_rows:
            data.append([row.get(name) for name in spec.names])
        for letter_index, column in enumerate(spec.columns):
            data.column_dimensions[chr(ord("A") + letter_index)].width = max(
                14, len(column.name) + 2
            )
    if kind == "unit_costs":
        from highneeds.finance.costs import reference_unit_costs

        defaults = book.create_sheet("Reference defaults")
        table = reference_unit_costs()
        defaults.append(list(table.columns))
        for row in table.itertuples(index=False):
            defaults.append(list(row))
    lists = book.create_sheet("Lists")
    lists.append(
        [
            "funding_category",
            "setting",
            "setting funding_category",
            "need",
            "age_band",
            "s251_line",
            "s251 label",
        ]
    )
    rows = max(len(FUNDING_CATEGORIES), len(SETTINGS), len(NEEDS), len(S251_HIGH_NEEDS_LINES))
    for i in range(rows):
        lists.append(
            [
                FUNDING_CATEGORIES[i].code if i < len(FUNDING_CATEGORIES) else None,
                SETTINGS[i].code if i < len(SETTINGS) else None,
                SETTINGS[i].funding_category if i < len(SETTINGS) else None,
                NEEDS[i].code if i < len(NEEDS) else None,
                AGE_BANDS[i].code if i < len(AGE_BANDS) else None,
                S251_HIGH_NEEDS_LINES[i].code if i < len(S251_HIGH_NEEDS_LINES) else None,
                S251_HIGH_NEEDS_LINES[i].label if i < len(S251_HIGH_NEEDS_LINES) else None,
            ]
        )
    book.save(path)
    return path


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_template(kind: str, path: str | Path, *, required_sheet: bool = True) -> pd.DataFrame:
    """The validated rows of template ``kind`` in ``path`` (.xlsx data sheet or .csv).

    Returns one row per filled spreadsheet row with the spec's columns typed (money and counts
    as float, dates as ``datetime.date``, blanks as NaN/None) plus ``source_row`` (the
    spreadsheet row number). Fully blank rows are skipped. With ``required_sheet=False`` a
    workbook without the sheet gives an empty frame.
    """
    spec = SPECS[kind]
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found", file=str(path), hint="check the path")
    sheet = None
    try:
        if path.suffix.lower() == ".csv":
            raw = read_text_csv(path, header=None, dtype=str, keep_default_na=False)
        elif path.suffix.lower() in {".xlsx", ".xlsm"}:
            sheet = spec.sheet
            with excel_file(path) as book:
                if sheet not in book.sheet_names:
                    if not required_sheet:
                        return pd.DataFrame(columns=[*spec.names, "source_row"])
                    raise InputFileError(
                        f"sheet {sheet!r} is missing",
                        file=path.name,
                        hint="use the template from `highneeds finance template`",
                    )
                raw = read_sheet(book, sheet_name=sheet, header=None, dtype=object)
        else:
            raise InputFileError("expected a .xlsx or .csv file", file=path.name)
    except (ValueError, OSError) as error:
        raise InputFileError(f"cannot be read ({error})", file=path.name) from None
    if raw.empty:
        raise InputFileError(
            "the sheet is empty: no header row", file=path.name, sheet=sheet, row=1
        )
    header = [str(v).strip() if not _blank(v) else "" for v in raw.iloc[0].tolist()]
    position = {}
    for column in spec.columns:
        if column.name in header:
            position[column.name] = header.index(column.name)
        elif column.required:
            raise InputFileError(
                f"column {column.name!r} is missing from the header",
                file=path.name,
                sheet=sheet,
                row=1,
                column=column.name,
                hint="header must be: " + ", ".join(spec.names),
            )
    records = []
    for index in range(1, len(raw)):
        cells = raw.iloc[index]
        if all(_blank(v) for v in cells.tolist()):
            continue
        row_number = index + 1
        record = {"source_row": row_number}
        for column in spec.columns:
            value = cells.iloc[position[column.name]] if column.name in position else None
            record[column.name] = _cell(column, value, file=path.name, sheet=sheet, row=row_number)
        records.append(record)
    frame = pd.DataFrame(records, columns=[*spec.names, "source_row"])
    frame.attrs.update(file=path.name, sheet=sheet)
    return frame


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )


_NUMBER = re.compile(r"^-?£?-?\s*\d[\d,]*(\.\d+)?$")


def _cell(column: Column, value: object, *, file: str, sheet: str | None, row: int):
    where = {"file": file, "sheet": sheet, "row": row, "column": column.name}
    if _blank(value):
        if column.required:
            raise InputFileError("required cell is empty", **where, hint=column.help or None)
        return float("nan") if column.kind in (MONEY, COUNT) else None
    text = str(value).strip()
    if column.kind in (MONEY, COUNT):
        if isinstance(value, bool) or not (isinstance(value, int | float) or _NUMBER.match(text)):
            what = "a money cell" if column.kind == MONEY else "a count cell"
            raise InputFileError(
                f"{text!r} is text in {what}",
                **where,
                hint="enter a number of pounds only"
                if column.kind == MONEY
                else "enter a whole number only",
            )
        number = (
            float(value)
            if isinstance(value, int | float)
            else float(text.replace("£", "").replace(",", "").replace(" ", ""))
        )
        _finite(number, text, where)
        if number < 0:
            raise InputFileError(f"{number:g} is negative; a {column.name} cannot be", **where)
        if column.kind == COUNT and number != int(number):
            raise InputFileError(f"{number:g} is not a whole number", **where)
        return number
    if column.kind == CODE:
        allowed = {a.lower(): a for a in column.allowed}
        code = allowed.get(text.lower())
        if code is None:
            raise UnknownLabelError(
                text,
                column.label_kind or column.name,
                file=file,
                row=row,
                column=column.name,
                known=list(column.allowed),
            )
        return code
    if column.kind == DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise InputFileError(
                f"{text!r} is not a date", **where, hint="use a date cell or YYYY-MM-DD"
            ) from None
    if column.kind == FINANCIAL_YEAR:
        match = re.fullmatch(r"(20\d\d)[-/](\d\d)", text)
        if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
            raise InputFileError(f"{text!r} is not a financial year like 2024-25", **where)
        return text.replace("/", "-")
    if column.kind in (YEAR, NCY):
        try:
            number = float(value) if isinstance(value, int | float) else float(text)
        except ValueError:
            raise InputFileError(f"{text!r} is not a whole number", **where) from None
        _finite(number, text, where)
        if number != int(number):
            raise InputFileError(f"{number:g} is not a whole number", **where)
        if column.kind == YEAR and not 2000 <= number <= 2100:
            raise InputFileError(f"{number:g} is not a year", **where)
        return int(number)
    return text


def _finite(number: float, text: str, where: dict) -> None:
    """Refuse "nan", "inf" and numbers too large for a float (1e400): found by tests/fuzz,
    they passed the number check and then broke int() with a traceback."""
    if not math.isfinite(number):
        raise InputFileError(f"{text!r} is not a number", **where)


# --------------------------------------------------------------------------------------------
# Template-specific checks
# --------------------------------------------------------------------------------------------


def read_unit_costs(path: str | Path) -> pd.DataFrame:
    """Unit costs from the template, with need and age band labels resolved to codes."""
    frame = read_template("unit_costs", path)
    file, sheet = frame.attrs.get("file"), frame.attrs.get("sheet")
    for row in frame.itertuples():
        if pd.notna(row.need):
            frame.at[row.Index, "need"] = need_code(
                row.need, file=file, row=row.source_row, column="need"
            )
        if pd.notna(row.age_band):
            frame.at[row.Index, "age_band"] = age_band_code(
                row.age_band, file=file, row=row.source_row, column="age_band"
            )
        if pd.notna(row.additional_support_gbp) and pd.notna(row.top_up_gbp):
            raise InputFileError(
                "give top_up_gbp or additional_support_gbp, not both",
                file=file,
                sheet=sheet,
                row=row.source_row,
                column="additional_support_gbp",
            )
    keys = ["funding_category", "setting", "need", "age_band"]
    duplicated = frame.duplicated(subset=keys, keep="first")
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        first = frame[(frame[keys].fillna("") == row[keys].fillna("")).all(axis=1)].iloc[0]
        raise InputFileError(
            f"repeats the costs of row {first.source_row} (same category, setting, need and age "
            "band)",
            file=file,
            sheet=sheet,
            row=int(row.source_row),
            column="funding_category",
        )
    frame.attrs.update(file=file, sheet=sheet)
    return frame


def financial_year_of(day: dt.date) -> str:
    """The UK financial year (1 April – 31 March) holding ``day``: 2024-05-01 -> '2024-25'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def read_budget(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(lines, allocation)`` from the budget template.

    ``lines``: s251_line, statement, period_start, period_end, financial_year, amount_gbp, note,
    source_row. ``allocation`` (optional sheet): financial_year, allocation_gbp, note.
    Refuses a period that ends before it starts, spans two financial years, or overlaps another
    row's period for the same line and statement.
    """
    lines = read_template("budget", path)
    file, sheet = lines.attrs.get("file"), lines.attrs.get("sheet")
    years = []
    for row in lines.itertuples():
        if row.period_end < row.period_start:
            raise InputFileError(
                "period_end is before period_start",
                file=file,
                sheet=sheet,
                row=row.source_row,
                column="period_end",
            )
        year = financial_year_of(row.period_start)
        if financial_year_of(row.period_end) != year:
            raise InputFileError(
                f"the period spans two financial years ({year} and "
                f"{financial_year_of(row.period_end)})",
                file=file,
                sheet=sheet,
                row=row.source_row,
                column="period_end",
                hint="split it into one row per financial year",
            )
        years.append(year)
    lines["financial_year"] = years
    for (line, statement), group in lines.groupby(["s251_line", "statement"], sort=False):
        ordered = group.sort_values("period_start")
        previous = None
        for row in ordered.itertuples():
            if previous is not None and row.period_start <= previous.period_end:
                raise InputFileError(
                    f"the period {row.period_start}–{row.period_end} overlaps row "
                    f"{previous.source_row} ({previous.period_start}–{previous.period_end}) for "
                    f"line {line} {statement}",
                    file=file,
                    sheet=sheet,
                    row=row.source_row,
                    column="period_start",
                )
            if previous is None or row.period_end > previous.period_end:
                previous = row
    allocation = pd.DataFrame(columns=[*ALLOCATION.names, "source_row"])
    if Path(path).suffix.lower() != ".csv":
        allocation = read_template("allocation", path, required_sheet=False)
        repeated = allocation["financial_year"].duplicated()
        if repeated.any():
            row = allocation[repeated].iloc[0]
            raise InputFileError(
                f"financial year {row.financial_year} appears twice",
                file=Path(path).name,
                sheet=ALLOCATION.sheet,
                row=int(row.source_row),
                column="financial_year",
            )
    return lines, allocation


def read_capacity(path: str | Path) -> pd.DataFrame:
    """The capacity register, needs resolved to codes; refuses repeated provision-years."""
    frame = read_template("capacity", path)
    file, sheet = frame.attrs.get("file"), frame.attrs.get("sheet")
    needs = []
    for row in frame.itertuples():
        if pd.notna(row.min_ncy) and pd.notna(row.max_ncy) and row.min_ncy > row.max_ncy:
            raise InputFileError(
                "min_ncy is above max_ncy",
                file=file,
                sheet=sheet,
                row=row.source_row,
                column="min_ncy",
            )
        if pd.notna(row.designated_needs) and str(row.designated_needs).strip():
            needs.append(
                ";".join(
                    need_code(n.strip(), file=file, row=row.source_row, column="designated_needs")
                    for n in str(row.designated_needs).split(";")
                    if n.strip()
                )
            )
        else:
            needs.append(None)
    frame["designated_needs"] = needs
    repeated = frame.duplicated(subset=["provision", "year"])
    if repeated.any():
        row = frame[repeated].iloc[0]
        raise InputFileError(
            f"{row.provision!r} has two rows for {row.year}",
            file=file,
            sheet=sheet,
            row=int(row.source_row),
            column="year",
        )
    return frame

"""Import an LA's own filled finance templates (unit costs, budget/outturn, capacity register).

Each template is one import kind (``finance_unit_costs``, ``finance_budget``,
``finance_capacity``) owned by the LA: a corrected file replaces the previous one in the same
transaction, and the same bytes again are a no-op. The readers in
:mod:`highneeds.finance.templates` check every cell first, so a refused file never reaches the
store. :mod:`highneeds.finance.stored` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.finance import schema as tables
from highneeds.finance.stored import import_kind
from highneeds.finance.templates import (
    BUDGET,
    CAPACITY,
    UNIT_COSTS,
    TemplateSpec,
    read_budget,
    read_capacity,
    read_unit_costs,
)
from highneeds.importers import UnrecognisedFileError
from highneeds.readers.excel import excel_file
from highneeds.readers.text import read_text_csv
from highneeds.store import ImportResult, Store, file_sha256

#: Template kind -> (the spec of its main data sheet, what people call it).
TEMPLATES: dict[str, tuple[TemplateSpec, str]] = {
    "unit_costs": (UNIT_COSTS, "High Needs unit costs"),
    "budget": (BUDGET, "High Needs budget and outturn by Section 251 line"),
    "capacity": (CAPACITY, "Capacity register"),
}
SUFFIXES = {".csv", ".xlsx", ".xlsm"}


def _csv_header(path: Path) -> list[str]:
    try:
        header = read_text_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
    except InputFileError:
        raise
    except (ValueError, OSError) as error:
        raise InputFileError(f"cannot be read as CSV ({error})", file=path.name) from None
    return [] if header.empty else [str(v).strip() for v in header.iloc[0].tolist()]


def detect_template(path: str | Path) -> str:
    """Which filled template ``path`` is ("unit_costs", "budget" or "capacity"), by its
    content: the data sheet's name in a workbook, the header's required columns in a CSV.
    Raises a located InputFileError for any other file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputFileError("a finance template is a .xlsx or .csv file", file=path.name)
    if suffix == ".csv":
        header = _csv_header(path)
        # Several templates share columns (funding_category): the one whose required columns
        # are all there and that explains most of the header is the file's.
        fits = {
            kind: sum(c.name in header for c in spec.columns)
            for kind, (spec, _) in TEMPLATES.items()
            if all(c.name in header for c in spec.columns if c.required)
        }
        if fits:
            return max(fits, key=fits.get)
        raise UnrecognisedFileError(
            "the header row matches none of the finance templates (unit costs, budget, "
            "capacity register)",
            file=path.name,
            row=1,
            hint="start from `highneeds finance template` and keep its header row",
        )
    try:
        with excel_file(path) as book:
            sheets = list(book.sheet_names)
    except (ValueError, OSError) as error:
        raise InputFileError(f"cannot be read as a workbook ({error})", file=path.name) from None
    for kind, (spec, _) in TEMPLATES.items():
        if spec.sheet in sheets:
            return kind
    wanted = ", ".join(repr(spec.sheet) for spec, _ in TEMPLATES.values())
    raise UnrecognisedFileError(
        f"the workbook has none of the template sheets {wanted} (it has {', '.join(sheets)})",
        file=path.name,
        hint="start from `highneeds finance template`",
    )


@dataclass(frozen=True)
class FinanceImportResult:
    template: str  # "unit_costs", "budget" or "capacity"
    label: str
    result: ImportResult


def _rows(frame: pd.DataFrame, la_code: str) -> pd.DataFrame:
    return frame.assign(la_code=la_code)


def import_finance(
    store: Store, path: str | Path, *, la_code: str, imported_by: str | None = None
) -> FinanceImportResult:
    """Read, check and store one filled template for ``la_code``, all or nothing."""
    path = Path(path)
    template = detect_template(path)
    if template == "unit_costs":
        frames = {tables.unit_costs: _rows(read_unit_costs(path), la_code)}
    elif template == "capacity":
        frames = {tables.capacity: _rows(read_capacity(path), la_code)}
    else:
        lines, allocation = read_budget(path)
        frames = {
            tables.budget_lines: _rows(lines, la_code),
            tables.budget_allocation: _rows(allocation, la_code),
        }
    store.create_all()
    result = store.import_tables(
        kind=import_kind(template),
        owner=la_code,
        file_name=path.name[:500],
        sha256=file_sha256(path),
        frames=frames,
        imported_by=imported_by,
        replace_kind=True,
    )
    return FinanceImportResult(template, TEMPLATES[template][1], result)

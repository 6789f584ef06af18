"""Import an LA's own filled finance templates (unit costs, budget/outturn, capacity register).

Each template is one import kind (``finance_unit_costs``, ``finance_budget``,
``finance_capacity``) owned by the LA: a corrected file replaces the previous one in the same
transaction, and the same bytes again are a no-op. The readers in
:mod:`highneeds.finance.templates` check every cell first, so a refused file never reaches the
store. ``load_*`` give back exactly the frames the readers return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.finance import schema as tables
from highneeds.finance.templates import (
    ALLOCATION,
    BUDGET,
    CAPACITY,
    COUNT,
    MONEY,
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


def import_kind(template: str) -> str:
    return f"finance_{template}"


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


def _load(store: Store, table: sa.Table, spec: TemplateSpec, la_code: str, extra=()):
    """The stored rows rebuilt the way the reader builds them (same values, same dtypes)."""
    store.create_all()
    names = [*spec.names, "source_row", *extra]
    query = (
        sa.select(*(table.c[n] for n in names))
        .where(table.c.la_code == la_code)
        .order_by(table.c.id)
    )
    with store.engine.connect() as conn:
        found = conn.execute(query).all()
    numeric = {c.name for c in spec.columns if c.kind in (MONEY, COUNT)}
    records = [
        {
            name: (float("nan") if name in numeric else None)
            if value is None
            else (float(value) if name in numeric else value)
            for name, value in zip(names, row, strict=True)
        }
        for row in found
    ]
    frame = pd.DataFrame(records, columns=names)
    frame.attrs.update(file=_file_name(store, spec, la_code), sheet=None)
    return frame


def _file_name(store: Store, spec: TemplateSpec, la_code: str) -> str | None:
    kind = import_kind("budget" if spec is ALLOCATION else spec.kind)
    imports = store.imports()
    mine = imports[(imports["kind"] == kind) & (imports["owner"] == la_code)]
    return None if mine.empty else str(mine["file_name"].iloc[-1])


def load_unit_costs(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's stored unit costs, as :func:`read_unit_costs` returned them (empty if none)."""
    return _load(store, tables.unit_costs, UNIT_COSTS, la_code)


def load_budget(store: Store, la_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The LA's stored ``(lines, allocation)``, as :func:`read_budget` returned them."""
    lines = _load(store, tables.budget_lines, BUDGET, la_code, extra=("financial_year",))
    allocation = _load(store, tables.budget_allocation, ALLOCATION, la_code)
    return lines, allocation


def load_capacity(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's stored capacity register, as :func:`read_capacity` returned it."""
    return _load(store, tables.capacity, CAPACITY, la_code)

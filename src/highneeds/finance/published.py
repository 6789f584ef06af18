"""Readers for DfE's published high needs money files, read as published.

* The high needs benchmarking workbook ``Outturn data 202122.xlsx``: one sheet, a header spread
  over rows 2–6, one row per LA from row 8: 2–18 population, EHCPs by provision type, the
  Section 251 budget 2021-22 and outturn 2020-21 on the high needs lines.
* The DSG allocation tables (``dedicated-schools-grant_*.ods``): ``Allocations_summary``
  (blocks before and after deductions) and ``High_needs_block`` (the high needs NFF elements).
* ``DSG_by_year_dr.xlsx`` (total DSG by LA and year) and ``dsg_deficit_derived.xlsx``
  (cumulative DSG balance as a % of income).

Each reader returns a tidy frame; money in pounds (cash, as published). Columns are found by
their header labels, never by position alone, and a cell that is not what its column promises
raises :class:`~highneeds.errors.InputFileError` naming file, sheet, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from highneeds.errors import InputFileError
from highneeds.readers.excel import excel_file
from highneeds.reference.lookups import ENGLAND_CODE
from highneeds.reference.sheets import la_number, normalise_label, raw_table, to_number

# --------------------------------------------------------------------------------------------
# The high needs benchmarking workbook (S251 budget 2021-22 and outturn 2020-21)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedLine:
    """A high needs spending line as the benchmarking workbook groups Section 251 lines."""

    code: str
    label: str
    s251_lines: tuple[str, ...]
    #: Phase columns under the line's total, in sheet order ("income" is subtracted).
    phases: tuple[str, ...] = ()


_PHASES = ("early_years", "primary", "secondary", "special", "ap_pru", "post_school")

#: The workbook's lines, in sheet order. The workbook adds 1.2.1 and 1.2.2 together, and
#: 1.2.5 and 1.2.8 ("SEN support and inclusion services"); lines 1.2.4, 1.2.9–1.2.11 are absent.
PUBLISHED_LINES: tuple[PublishedLine, ...] = (
    PublishedLine("place_funding", "Place funding", ("1.0.2",), _PHASES),
    PublishedLine(
        "top_up_maintained",
        "Top-up funding: maintained schools, academies, free schools and colleges",
        ("1.2.1", "1.2.2"),
        (*_PHASES, "income"),
    ),
    PublishedLine(
        "top_up_independent",
        "Top-up funding: non-maintained and independent schools and colleges",
        ("1.2.3",),
        (*_PHASES, "income"),
    ),
    PublishedLine(
        "sen_support_inclusion", "SEN support and inclusion services", ("1.2.5", "1.2.8")
    ),
    PublishedLine("alternative_provision", "Alternative provision services", ("1.2.7",)),
    PublishedLine("hospital_education", "Hospital education services", ("1.2.6",)),
    PublishedLine("therapies", "Therapies and other health-related services", ("1.2.13",)),
)
PUBLISHED_LINE_BY_CODE = {line.code: line for line in PUBLISHED_LINES}

#: Row-4 labels that start each line's columns (normalised), to check the layout.
_LINE_HEADERS = {
    "place_funding": "place funding",
    "top_up_maintained": "top up funding (maintained schools",
    "top_up_independent": "top up funding (non maintained",
    "sen_support_inclusion": "sen support and inclusion services",
    "alternative_provision": "alternative provision services",
    "hospital_education": "hospital education services",
    "therapies": "therapies and other health related services",
}

#: Statement blocks: (title in the row above the line labels, statement, financial year).
_STATEMENTS = (
    ("section 251 budget", "budget", "2021-22"),
    ("section 251 outturn", "outturn", "2020-21"),
)

#: EHCP placement columns (row 6 labels, normalised) -> vocabulary funding category.
_CASELOAD_COLUMNS = {
    "mainstream schools or academies": "mainstream",
    "resourced provision or sen units": "resourced_provision",
    "maintained special schools or special academies": "maintained_special",
    "nmss or independent schools": "independent_special",
    "hospital schools or alternative provision": "hospital_ap",
    "post 16": "post16_fe",
    "other": "other",
}


def _letter(position: int) -> str:
    return get_column_letter(position + 1)


def _norm(value: object) -> str:
    # sheets.normalise_label drops brackets; keep them so "(1)" suffixes stay visible.
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return re.sub(r"[\s\-]+", " ", text.replace("-", " ")).strip().lower()


def _find_row(raw: pd.DataFrame, labels: list[str], file: str, sheet: str | None) -> int:
    for index in range(min(len(raw), 40)):
        cells = {normalise_label(v) for v in raw.iloc[index].tolist()}
        if all(normalise_label(label) in cells for label in labels):
            return index
    raise InputFileError(
        "no header row with " + ", ".join(repr(label) for label in labels),
        file=file,
        sheet=sheet,
        row=1,
        hint="is this the DfE high needs benchmarking workbook?",
    )


def _find_in_row(
    raw: pd.DataFrame, row: int, startswith: str, file: str, sheet: str | None, after: int = 0
) -> int:
    for position in range(after, raw.shape[1]):
        if _norm(raw.iat[row, position]).startswith(startswith):
            return position
    raise InputFileError(f"no column headed {startswith!r}", file=file, sheet=sheet, row=row + 1)


def read_s251_benchmarking(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The high needs benchmarking workbook as two tidy frames.

    Returns ``(spend, caseload)``:

    * ``spend``: ``la_code, statement ("budget"|"outturn"), financial_year, line, phase,
      amount_gbp`` — one row per LA, statement, line and phase; ``phase`` is ``"total"`` for
      the line's published total (phases minus ``income`` where a line has income).
    * ``caseload``: ``la_code, la_name, region_name, population_2_18, funding_category,
      ehcps`` — EHCPs by provision type as published, with ``funding_category == "total"``
      for the published total.
    """
    path = Path(path)
    sheet = None if path.suffix.lower() == ".csv" else _first_sheet(path)
    raw = raw_table(path, sheet)
    file = path.name
    header = _find_row(raw, ["LA code", "LA name", "Region"], file, sheet)
    labels_row = header - 1  # the row naming each line and phase
    title_row = header - 2  # the row naming the statement block
    columns = [normalise_label(v) for v in raw.iloc[header].tolist()]
    code_at = columns.index("la code")
    name_at = columns.index("la name")
    region_at = columns.index("region")
    population_at = _find_in_row(raw, header, "2 18 population", file, sheet)
    total_at = _find_in_row(
        raw, header, "no. aged up to 25 with sen statement or ehcp", file, sheet
    )
    sub_header = header + 1
    category_at = {}
    for position in range(total_at + 1, total_at + 1 + len(_CASELOAD_COLUMNS)):
        label = normalise_label(raw.iat[sub_header, position])
        if label not in _CASELOAD_COLUMNS:
            raise InputFileError(
                f"expected an EHCP placement column, found {raw.iat[sub_header, position]!r}",
                file=file,
                sheet=sheet,
                row=sub_header + 1,
                column=_letter(position),
            )
        category_at[_CASELOAD_COLUMNS[label]] = position

    blocks = []
    for title, statement, year in _STATEMENTS:
        start = _find_in_row(raw, title_row, title, file, sheet)
        blocks.append((statement, year, _line_columns(raw, labels_row, start, file, sheet)))

    spend, caseload = [], []
    for index in range(sub_header + 1, len(raw)):
        row = raw.iloc[index]
        code_cell = row.iloc[code_at]
        if code_cell is None or (isinstance(code_cell, float) and pd.isna(code_cell)):
            continue  # blank separator rows
        excel_row = index + 1
        where = {"file": file, "sheet": sheet, "row": excel_row}
        la_code = la_number(code_cell, column=_letter(code_at), **where)
        population = _number_or_blank(
            row.iloc[population_at], column=_letter(population_at), **where
        )
        caseload.append(
            (
                la_code,
                str(row.iloc[name_at]).strip(),
                _region(row.iloc[region_at]),
                population,
                "total",
                _number_or_blank(row.iloc[total_at], column=_letter(total_at), **where),
            )
        )
        for category, position in category_at.items():
            caseload.append(
                (
                    la_code,
                    str(row.iloc[name_at]).strip(),
                    _region(row.iloc[region_at]),
                    population,
                    category,
                    _number_or_blank(row.iloc[position], column=_letter(position), **where),
                )
            )
        for statement, year, line_columns in blocks:
            for line, phase, position in line_columns:
                amount = _number_or_blank(row.iloc[position], column=_letter(position), **where)
                spend.append((la_code, statement, year, line, phase, amount))
    if not caseload:
        raise InputFileError(
            "no LA rows under the header", file=file, sheet=sheet, row=sub_header + 2
        )
    spend_frame = pd.DataFrame(
        spend, columns=["la_code", "statement", "financial_year", "line", "phase", "amount_gbp"]
    )
    caseload_frame = pd.DataFrame(
        caseload,
        columns=[
            "la_code",
            "la_name",
            "region_name",
            "population_2_18",
            "funding_category",
            "ehcps",
        ],
    )
    duplicated = caseload_frame.loc[caseload_frame["funding_category"] == "total", "la_code"]
    if duplicated.duplicated().any():
        raise InputFileError(
            f"LA {duplicated[duplicated.duplicated()].iloc[0]} appears twice",
            file=file,
            sheet=sheet,
        )
    return spend_frame, caseload_frame


def _region(value: object) -> str:
    """'YORKSHIRE AND THE HUMBER ' -> 'Yorkshire and the Humber'."""
    words = str(value).strip().lower().split()
    small = {"and", "the", "of"}
    return " ".join(w if w in small else w.capitalize() for w in words)


def _number_or_blank(value: object, **where) -> float:
    """A published number; an empty cell (LA not published, e.g. after reorganisation) is NaN."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return float("nan")
    return to_number(value, **where)


def _first_sheet(path: Path) -> str:
    try:
        with excel_file(path) as book:
            return str(book.sheet_names[0])
    except (ValueError, OSError) as error:
        raise InputFileError(f"cannot be opened as a workbook ({error})", file=path.name) from None


def _line_columns(
    raw: pd.DataFrame, labels_row: int, start: int, file: str, sheet: str | None
) -> list[tuple[str, str, int]]:
    """(line, phase, column position) for one statement block starting at ``start``."""
    out = []
    position = start
    for line in PUBLISHED_LINES:
        label = _norm(raw.iat[labels_row, position])
        if not label.startswith(_LINE_HEADERS[line.code]):
            raise InputFileError(
                f"expected the column {line.label!r} here, found {raw.iat[labels_row, position]!r}",
                file=file,
                sheet=sheet,
                row=labels_row + 1,
                column=_letter(position),
                hint="the workbook layout has changed; update highneeds.finance.published",
            )
        out.append((line.code, "total", position))
        position += 1
        for phase in line.phases:
            out.append((line.code, phase, position))
            position += 1
    return out


# --------------------------------------------------------------------------------------------
# DSG allocation tables (.ods)
# --------------------------------------------------------------------------------------------

#: High_needs_block header labels (start, normalised) -> element code and unit.
HIGH_NEEDS_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("national funding formula nff allocations", "nff_formula", "gbp"),
    ("total high needs elements in the funding floor", "nff_formula", "gbp"),
    ("basic entitlement factor", "basic_entitlement_rate", "gbp_per_pupil"),
    ("number of pupils in special schools", "special_school_pupils", "pupils"),
    ("import export adjustment", "import_export_adjustment", "gbp"),
    ("additional funding for special free schools", "special_free_schools", "gbp"),
    ("hospital education", "hospital_ap_supplementary", "gbp"),
    ("high needs national funding formula for historical spend", "nff_historic_proxy_floor", "gbp"),
    ("additional high needs allocation", "additional_allocation", "gbp"),
    ("total high needs block before deductions", "total_before_deductions", "gbp"),
)

_BLOCKS = (
    ("schools block", "schools"),
    ("central school services block", "central_school_services"),
    ("high needs block", "high_needs"),
    ("early years block", "early_years"),
    ("total dsg allocation", "total"),
)


def financial_year_from_title(title: object, *, file: str, sheet: str) -> str:
    """'… 2020 to 2021 …' -> '2020-21'."""
    match = re.search(r"(20\d\d)\s*(?:to|-)\s*(20\d\d)", str(title))
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise InputFileError(
            f"no financial year 'YYYY to YYYY' in the title {title!r}",
            file=file,
            sheet=sheet,
            row=1,
            column="A",
        )
    return f"{match.group(1)}-{match.group(2)[2:]}"


def _la_rows(raw: pd.DataFrame, first_data: int, file: str, sheet: str):
    """(excel row, la_code or ENGLAND_CODE, la_name, row) for England and each LA row."""
    for index in range(first_data, len(raw)):
        row = raw.iloc[index]
        code = row.iloc[0]
        text = "" if code is None or (isinstance(code, float) and pd.isna(code)) else str(code)
        text = text.strip()
        if normalise_label(text) == "england":
            yield index + 1, ENGLAND_CODE, "England", row
        elif re.fullmatch(r"\d{3}(\.0+)?", text):
            la_code = la_number(text, file=file, sheet=sheet, row=index + 1, column="A")
            yield index + 1, la_code, str(row.iloc[1]).strip(), row
        # Region subtotals and notes below the LAs are recomputable; they are not read.


def read_high_needs_block(path: str | Path) -> pd.DataFrame:
    """The ``High_needs_block`` sheet: ``la_code, la_name, financial_year, element, unit, value``.

    England is ``la_code == ENGLAND_CODE``. ``unit`` is ``gbp`` (pounds), ``gbp_per_pupil`` or
    ``pupils``. Elements a year does not publish are absent (e.g. the additional allocation
    before 2022-23).
    """
    path = Path(path)
    sheet = "High_needs_block"
    raw = raw_table(path, sheet)
    year = financial_year_from_title(raw.iat[0, 0], file=path.name, sheet=sheet)
    header = 0
    elements = {}
    for position in range(2, raw.shape[1]):
        label = normalise_label(raw.iat[header, position])
        if not label:
            continue
        for start, element, unit in HIGH_NEEDS_ELEMENTS:
            if label.startswith(start):
                elements[position] = (element, unit)
                break
        else:
            raise InputFileError(
                f"unknown high needs block column {raw.iat[header, position]!r}",
                file=path.name,
                sheet=sheet,
                row=header + 1,
                column=_letter(position),
            )
    if "total_before_deductions" not in {e for e, _ in elements.values()}:
        raise InputFileError(
            "no 'Total high needs block before deductions' column",
            file=path.name,
            sheet=sheet,
            row=1,
        )
    records = []
    for excel_row, la_code, la_name, row in _la_rows(raw, 1, path.name, sheet):
        for position, (element, unit) in elements.items():
            value = to_number(
                row.iloc[position],
                file=path.name,
                sheet=sheet,
                row=excel_row,
                column=_letter(position),
            )
            records.append((la_code, la_name, year, element, unit, value))
    return pd.DataFrame(
        records, columns=["la_code", "la_name", "financial_year", "element", "unit", "value"]
    )


def read_allocations_summary(path: str | Path) -> pd.DataFrame:
    """``Allocations_summary``: ``la_code, la_name, financial_year, stage, block, amount_gbp``.

    ``stage`` is ``before_deductions`` (the LA's whole allocation) or ``after_deductions``
    (after academies recoupment and places ESFA funds directly: what the LA receives).
    """
    path = Path(path)
    sheet = "Allocations_summary"
    raw = raw_table(path, sheet)
    year = financial_year_from_title(raw.iat[0, 0], file=path.name, sheet=sheet)
    columns = {}
    stage = None
    for position in range(2, raw.shape[1]):
        group = normalise_label(raw.iat[0, position])
        if "before" in group:
            stage = "before_deductions"
        elif "after" in group:
            stage = "after_deductions"
        label = normalise_label(raw.iat[1, position])
        block = next((code for start, code in _BLOCKS if label.startswith(start)), None)
        if block is None or stage is None:
            raise InputFileError(
                f"unknown allocations column {raw.iat[1, position]!r}",
                file=path.name,
                sheet=sheet,
                row=2,
                column=_letter(position),
            )
        columns[position] = (stage, block)
    records = []
    for excel_row, la_code, la_name, row in _la_rows(raw, 2, path.name, sheet):
        for position, (stage_code, block) in columns.items():
            amount = to_number(
                row.iloc[position],
                file=path.name,
                sheet=sheet,
                row=excel_row,
                column=_letter(position),
            )
            records.append((la_code, la_name, year, stage_code, block, amount))
    return pd.DataFrame(
        records, columns=["la_code", "la_name", "financial_year", "stage", "block", "amount_gbp"]
    )


def read_dsg_by_year(path: str | Path) -> pd.DataFrame:
    """``DSG_by_year_dr.xlsx``: ``la_code, la_name, financial_year, total_dsg_gbp``.

    One sheet per year, header ``la_code, la_name, Total DSG allocation (£s), time_period``
    (``time_period`` like 202021). Region rows are not read.
    """
    path = Path(path)
    try:
        with excel_file(path) as book:
            sheets = list(book.sheet_names)
    except (ValueError, OSError) as error:
        raise InputFileError(f"cannot be opened as a workbook ({error})", file=path.name) from None
    frames = []
    for sheet in sheets:
        raw = raw_table(path, sheet)
        header = _find_row(raw, ["la_code", "la_name", "time_period"], path.name, sheet)
        labels = [normalise_label(v) for v in raw.iloc[header].tolist()]
        amount_at = next(
            (i for i, label in enumerate(labels) if label.startswith("total dsg allocation")), None
        )
        if amount_at is None:
            raise InputFileError(
                "no 'Total DSG allocation (£s)' column", file=path.name, sheet=sheet, row=header + 1
            )
        period_at = labels.index("time_period".replace("_", " "))
        records = []
        for excel_row, la_code, la_name, row in _la_rows(raw, header + 1, path.name, sheet):
            period = str(row.iloc[period_at]).strip().split(".")[0]
            if not re.fullmatch(r"20\d\d\d\d", period):
                raise InputFileError(
                    f"{row.iloc[period_at]!r} is not a time period like 202021",
                    file=path.name,
                    sheet=sheet,
                    row=excel_row,
                    column=_letter(period_at),
                )
            amount = to_number(
                row.iloc[amount_at],
                file=path.name,
                sheet=sheet,
                row=excel_row,
                column=_letter(amount_at),
            )
            records.append((la_code, la_name, f"{period[:4]}-{period[4:]}", amount))
        frames.append(
            pd.DataFrame(records, columns=["la_code", "la_name", "financial_year", "total_dsg_gbp"])
        )
    return pd.concat(frames, ignore_index=True)


def read_dsg_balance(path: str | Path, la_codes: pd.DataFrame) -> pd.DataFrame:
    """``dsg_deficit_derived.xlsx``: ``la_code, la_name, financial_year, balance_pct_income``.

    The file names LAs without codes; ``la_codes`` (``la_code, la_name``) supplies them, and a
    name it does not hold is an error (never dropped). ``balance_pct_income`` is the cumulative
    DSG balance as a % of DSG income: negative is a deficit. England has ``ENGLAND_CODE``.
    """
    path = Path(path)
    sheet = _first_sheet(path)
    raw = raw_table(path, sheet)
    header = _find_row(raw, ["time_period", "geographic_level", "la_name"], path.name, sheet)
    labels = [normalise_label(v) for v in raw.iloc[header].tolist()]
    at = {name: labels.index(name) for name in ("geographic level", "la name", "financial year")}
    pct_at = next((i for i, label in enumerate(labels) if "cumulative balance" in label), None)
    if pct_at is None:
        raise InputFileError(
            "no 'DSG cumulative balance as a % of the total income' column",
            file=path.name,
            sheet=sheet,
            row=header + 1,
        )
    by_name = {
        _name_key(name): code
        for code, name in la_codes[["la_code", "la_name"]].drop_duplicates().itertuples(index=False)
    }
    records = []
    for index in range(header + 1, len(raw)):
        row = raw.iloc[index]
        level = normalise_label(row.iloc[at["geographic level"]])
        where = {"file": path.name, "sheet": sheet, "row": index + 1}
        if level == "national":
            code, name = ENGLAND_CODE, "England"
        elif level == "local authority":
            name = str(row.iloc[at["la name"]]).strip()
            code = by_name.get(_name_key(name))
            if code is None:
                raise InputFileError(
                    f"LA name {name!r} matches no DfE LA",
                    column="la_name",
                    hint="add the name variant to the LA list",
                    **where,
                )
        elif level == "regional":
            continue
        else:
            raise InputFileError(
                f"unknown geographic level {row.iloc[at['geographic level']]!r}",
                column="geographic_level",
                **where,
            )
        year = str(row.iloc[at["financial year"]]).strip()
        if not re.fullmatch(r"20\d\d-\d\d", year):
            raise InputFileError(
                f"{year!r} is not a financial year like 2021-22", column="financial_year", **where
            )
        pct = to_number(row.iloc[pct_at], column=_letter(pct_at), **where)
        records.append((code, name, year, pct))
    return pd.DataFrame(
        records, columns=["la_code", "la_name", "financial_year", "balance_pct_income"]
    )


def _name_key(name: object) -> str:
    """LA names as keys: 'Bristol, City of' and 'Bristol City of' and 'St Helens'/'St. Helens'."""
    text = normalise_label(name).replace("saint", "st")
    return re.sub(r"\b(city of|county of|the)\b", "", text).replace(" ", "")

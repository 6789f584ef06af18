"""Read a SEN2 return from a workbook: the DfE Excel template or a pre-submission workbook.

**The DfE template** has one sheet, "Data Entry Template", holding every module one below the
other: a title row ("Header Record", "Person Record", "Requests Records"...), a header row of
long labels ("Date request was received", "Person ID\\n\\n(This must be a unique ID for each
Person record)"), the records, then blank rows before the next title. **A pre-submission
workbook** has one sheet per module ("Person", "Requests", "Assessments"...) headed by the
Blade item names (``receiveddate``) and no header record, so the caller names the year and LA.

The layout is known only from MastodonC/witan.sen2's reader (no DfE template file was
available): :data:`SECTIONS` is that knowledge as data, and everything else is the path the
CSV readers share (:func:`~highneeds.sen2.values.type_table`). Headers are matched after
dropping notes in brackets, unifying dashes and spaces and ignoring case, and the Blade item
names are accepted in either layout.

Records are keyed by the LA-made ``Person ID`` and ``Requests record ID``. An assessment, a
named plan and an active plan are each at most one per request, so the request id keys them
(as in the m1-m5 CSVs); plan details, placements and needs hang off their request's named or
active plan and are keyed by their sheet row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.readers.archive import check_unpacked_size
from highneeds.sen2.model import HEADER_ITEMS, MODULE_BY_NAME, MODULES, Sen2Return
from highneeds.sen2.read_csv import VERSION_ITEMS
from highneeds.sen2.read_modules import caller_header, split_gender
from highneeds.sen2.values import cell_text, clean_text, type_header, type_table, undo_float

TEMPLATE_SHEET = "Data Entry Template"
HEADER = "header"  # the header record's section (not a module of the model)
PERSON_KEY, REQUEST_KEY = "person_key", "request_key"
#: Modules with at most one record per request: the request id is their key.
ONE_PER_REQUEST = frozenset({"request", "assessment", "named_plan", "active_plan"})

#: Key headers as the template writes them (the writer uses these; the reader normalises).
PERSON_ID_OWN = "Person ID\n\n(This must be a unique ID for each Person record)"
PERSON_ID = "Person ID\n\n(This must match the relevant ID in the Person record table)"
REQUEST_ID_OWN = "Requests record ID\n\n(This must be a unique ID for each Requests record)"
REQUEST_ID = "Requests record ID\n\n(This must match the relevant ID in the Requests table)"
LA_COLUMN = "LA\n(From Header Record)"
_KEY_NAMES = {
    "person id": PERSON_KEY,
    "persontableid": PERSON_KEY,
    "requests record id": REQUEST_KEY,
    "requeststableid": REQUEST_KEY,
}
#: Columns the template has that carry nothing the return needs.
_IGNORED = {"record type", "la", "nativeid"}


@dataclass(frozen=True)
class Section:
    """One module's block: its title in the template, its sheet in a pre-submission workbook,
    and each template header (as written) with our column."""

    module: str
    title: str
    sheet: str | None
    labels: tuple[tuple[str, str], ...]

    def label(self, column: str) -> str:
        return next((text for text, col in self.labels if col == column), column)


_RES, _WBL = "Residential Settings", "Work Based Learning Activity"
_PLACE = (
    ("URN - Unique Reference Number", "urn"),
    ("UKPRN - UK Provider Reference Number", "ukprn"),
    ("SEN Setting – Establishment type", "sen_setting"),
    ("SEN Setting - Other", "sen_setting_other"),
    ("Placement Rank (1=Primary, 2=Secondary)", "placement_rank"),
)
_UNIT_RP = (
    ("SEN Unit Indicator", "sen_unit_indicator"),
    ("Resourced Provision Indicator", "resourced_provision_indicator"),
)
SECTIONS: tuple[Section, ...] = (
    Section(
        HEADER,
        "Header Record",
        None,
        (
            ("Collection Name", "collection"),
            ("Year", "year"),
            ("Reference Date", "reference_date"),
            ("Source Level", "source_level"),
            ("LA Number", "lea"),
            ("Software Code", "software_code"),
            ("Release", "release"),
            ("Serial Number", "serial_no"),
            ("Date & Time \n(ccyy-mm-ddThh:mm:ss)", "date_time"),
            ("Designated Medical Officer", "dmo"),
            ("Designated Clinical Officer", "dco"),
            ("Designated Social Care Officer", "dsco"),
        ),
    ),
    Section(
        "person",
        "Person Record",
        "Person",
        (
            ("Surname", "surname"),
            ("Forename", "forename"),
            ("Date of Birth \n(ccyy-mm-dd)", "birth_date"),
            ("Gender", "gender"),  # 2023 (v1.1) GenderCurrent 0/1/2/9, or M/F: see split_gender
            ("Sex", "sex"),  # 2024+
            ("Ethnicity", "ethnicity"),
            ("Post Code", "postcode"),
            ("UPN - Unique Pupil Number", "upn"),
            ("ULN - Young Persons Unique Learner Number", "uln"),
            ("UPN and ULN unavailable – Reason", "upn_unknown"),
        ),
    ),
    Section(
        "request",
        "Requests Records",
        "Requests",
        (
            ("Date request was received", "received_date"),
            ("Source of request for an EHC needs assessment", "request_source"),
            ("rquestsource", "request_source"),  # pre-submission workbooks spell it so
            ("Initial Request Whilst In RYA", "rya"),
            ("Request Outcome Date", "request_outcome_date"),
            ("Request Outcome", "request_outcome"),
            ("Request Mediation", "request_mediation"),
            ("Request Tribunal", "request_tribunal"),
            (
                "Exported - Child or young person moves out of LA before assessment is completed",
                "exported",
            ),
        ),
    ),
    Section(
        "assessment",
        "Assessments Records",
        "Assessments",
        (
            ("Assessment Outcome - Decision to issue EHC plan", "assessment_outcome"),
            ("Assessment Outcome Date", "assessment_outcome_date"),
            ("Assessment Mediation", "assessment_mediation"),
            ("Assessment Tribunal", "assessment_tribunal"),
            ("Other Mediation", "other_mediation"),
            ("Other Tribunal", "other_tribunal"),
            ("Twenty week time limit exceptions apply", "week20"),
        ),
    ),
    Section(
        "named_plan",
        "Named Plan Records",
        "Named Plan",
        (
            ("EHC Plan Start Date", "start_date"),
            (_RES, "plan_res"),
            (_WBL, "plan_wbp"),
            ("Personal Budget taken up", "pb"),
            ("Personal Budget - Organised Arrangements", "oa"),
            ("Personal Budget - Direct Payments", "dp"),
            ("Date EHC plan ceased", "cease_date"),
            ("Reason EHC plan ceased", "cease_reason"),
        ),
    ),
    Section("plan_detail", "Plan Detail Records", "Plan Detail", _PLACE + _UNIT_RP),
    Section(
        "active_plan",
        "Active Plan Records",
        "Active Plan",
        (
            ("EHC Plan transferred in from another LA during calendar year", "transfer_la"),
            (_RES, "res"),  # 2023 only
            (_WBL, "wbp"),  # 2023 only
            # witan.sen2 maps these two the other way round; we follow the item meanings
            # (LastReview is the review decision date, as m5's "EHCP review decisions date").
            ("Annual Review Meeting Date", "review_meeting"),
            ("EHC Plan Review Decisions Date", "last_review"),
            ("Annual Review Decision", "review_outcome"),
            ("Annual review – date draft amended EHC plan issued", "review_draft"),
            ("Phase transfer review - due date for any amended plan", "phase_transfer_due_date"),
            ("Phase transfer review - final plan date", "phase_transfer_final_date"),
        ),
    ),
    Section(
        "placement",
        "Placement Detail Records",
        "Placement Detail",
        (
            *_PLACE,
            ("Placement Start Date", "entry_date"),
            ("Placement Leaving Date", "leaving_date"),
            ("Attendance Pattern", "attendance_pattern"),
            *_UNIT_RP,
            (_RES, "res"),
            (_WBL, "wbp"),
        ),
    ),
    Section(
        "need",
        "SEN Need Records",
        "SEN Need",
        (
            ("SEN Type of Need", "sen_type"),
            ("SEN Type of Need rank  (1=Primary, 2=Secondary)", "sen_type_rank"),
        ),
    ),
)
SECTION_BY_MODULE = {section.module: section for section in SECTIONS}
MODULE_SECTIONS = tuple(s for s in SECTIONS if s.module != HEADER)


def norm(header) -> str:
    """A header as matched: notes in brackets dropped, dashes unified, spaces collapsed,
    lower case ("Date of Birth \\n(ccyy-mm-dd)" -> "date of birth")."""
    text = re.sub(r"\(.*?\)", " ", str(header), flags=re.S)
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.split()).lower()


def _lookup(section: Section) -> dict[str, str]:
    """Normalised header -> our column: the template's labels and the Blade item names."""
    found = dict(_KEY_NAMES)
    items = HEADER_ITEMS if section.module == HEADER else MODULE_BY_NAME[section.module].items
    for item in items:
        for name in item.names:
            found.setdefault(name, item.column)
    for text, column in section.labels:
        found[norm(text)] = column
    return found


@dataclass
class Block:
    """One module's records as found in a sheet: cells as CSV-like text, with sheet rows."""

    sheet: str
    header_row: int
    headers: list[str | None]
    rows: list[tuple[int, list[str | None]]]


class Book:
    """A workbook's cell values by sheet, read with calamine (Rust): ~50 times faster than
    openpyxl on a template of 50,000 children, which matters at the size of a real LA."""

    def __init__(self, path: str | Path):
        from python_calamine import CalamineWorkbook

        check_unpacked_size(path)
        self.file = Path(path).name
        self._book = CalamineWorkbook.from_path(str(path))
        self.sheetnames: list[str] = list(self._book.sheet_names)

    def rows(self, name: str, max_rows: int | None = None) -> list[list]:
        """The sheet's rows from A1 (row 1 first, blank rows kept so numbers match Excel).
        A sheet calamine cannot read (the workbook is damaged or cut short: sheets are read
        only when asked for) raises InputFileError."""
        try:
            sheet = self._book.get_sheet_by_name(name)
            return sheet.to_python(skip_empty_area=False, nrows=max_rows)
        except Exception as error:  # calamine's zip, XML and format errors have no common base
            raise InputFileError(
                f"the workbook is damaged: this sheet cannot be read ({type(error).__name__})",
                file=self.file,
                sheet=name,
                hint="open it in Excel and save it again, or export the return again",
            ) from None

    def close(self) -> None:
        self._book.close()


def _text_rows(book: Book, name: str) -> list[tuple[int, list[str | None]]]:
    """Every non-blank row of sheet ``name`` as (sheet row, cell texts)."""
    out = []
    for number, values in enumerate(book.rows(name), start=1):
        cells = [cell_text(v) for v in values]
        cells = [None if c is None or not c.strip() else c for c in cells]
        if any(c is not None for c in cells):
            out.append((number, cells))
    return out


def _block(name: str, rows: list[tuple[int, list[str | None]]]) -> Block:
    header_row, headers = rows[0]
    return Block(name, header_row, headers, rows[1:])


_TITLES = {norm(section.title): section.module for section in SECTIONS}


def _title_of(cells: list[str | None]) -> str | None:
    return _TITLES.get(norm(cells[0])) if cells and cells[0] else None


def template_sheet(book) -> str | None:
    """The sheet holding the template's sections: "Data Entry Template", or any sheet whose
    first column has the template's section titles near the top (a renamed sheet)."""
    for name in book.sheetnames:
        if norm(name) == norm(TEMPLATE_SHEET):
            return name
    for name in book.sheetnames:
        for values in book.rows(name, max_rows=30):
            if values and values[0] and _title_of([cell_text(values[0])]) in {HEADER, "person"}:
                return name
    return None


def _pre_submission_sheets(book) -> dict[str, str]:
    """Our module -> the sheet holding it, in a pre-submission workbook."""
    names = {norm(name): name for name in book.sheetnames}
    return {
        s.module: names[norm(s.sheet)]
        for s in MODULE_SECTIONS
        if s.sheet and norm(s.sheet) in names
    }


def _layout(book: Book) -> str | None:
    if template_sheet(book):
        return "template"
    if {"person", "request"} <= set(_pre_submission_sheets(book)):
        return "pre_submission"
    return None


def _open(path: str | Path) -> Book | None:
    """The workbook, or None when ``path`` cannot be read as one. A file too large unpacked
    is refused (InputFileError), not taken for another kind of file."""
    try:
        return Book(path)
    except InputFileError:
        raise
    except Exception:  # any other unreadable file is simply not a SEN2 workbook
        return None


def workbook_layout(path: str | Path) -> str | None:
    """ "template", "pre_submission" or None: which SEN2 workbook ``path`` is, by its sheets."""
    book = _open(path)
    if book is None:
        return None
    try:
        return _layout(book)
    finally:
        book.close()


def _template_blocks(book, file: str) -> tuple[str, dict[str, Block]]:
    name = template_sheet(book)
    blocks: dict[str, list] = {}
    current = None
    for number, cells in _text_rows(book, name):
        module = _title_of(cells)
        if module is not None:
            if module in blocks:
                raise InputFileError(
                    f"a second {cells[0]!r} section",
                    file=file,
                    sheet=name,
                    row=number,
                    hint="each module appears once in the template",
                )
            current = blocks[module] = []
        elif current is not None:
            current.append((number, cells))
    missing = [s.title for s in SECTIONS if s.module not in blocks]
    if missing:
        raise InputFileError(
            f"the template lacks the section(s) {', '.join(missing)}",
            file=file,
            sheet=name,
            hint="each section starts with its title in column A ('Header Record', "
            "'Person Record', 'Requests Records'...) and the next row holds its headers",
        )
    for module, rows in blocks.items():
        if not rows:
            title = SECTION_BY_MODULE[module].title
            raise InputFileError(f"the {title!r} section has no header row", file=file, sheet=name)
    return name, {module: _block(name, rows) for module, rows in blocks.items()}


def _pre_submission_blocks(book, file: str) -> dict[str, Block]:
    sheets = _pre_submission_sheets(book)
    missing = [s.sheet for s in MODULE_SECTIONS if s.module not in sheets]
    if missing:
        raise InputFileError(
            f"the pre-submission workbook lacks the sheet(s) {', '.join(missing)}",
            file=file,
            hint="it has one sheet per module: " + ", ".join(str(s.sheet) for s in MODULE_SECTIONS),
        )
    blocks = {}
    for module, name in sheets.items():
        rows = _text_rows(book, name)
        if not rows:
            raise InputFileError("the sheet is empty: no header row", file=file, sheet=name, row=1)
        blocks[module] = _block(name, rows)
    return blocks


def _columns(block: Block, section: Section, file: str) -> tuple[dict[str, int], list[str]]:
    """Our column -> cell index, and the headers not read; refuses missing required columns."""
    lookup = _lookup(section)
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(block.headers):
        if header is None:
            continue
        column = lookup.get(norm(header))
        if column is None:
            if norm(header) not in _IGNORED:
                unknown.append(f"{block.sheet}: {' '.join(header.split())}")
        else:
            found.setdefault(column, index)
    if section.module == HEADER:
        required = ["year", "reference_date", "lea"]
    else:
        module = MODULE_BY_NAME[section.module]
        keys = [PERSON_KEY] if module.name == "person" else [REQUEST_KEY]
        keys += [PERSON_KEY] if module.name == "request" else []
        required = keys + [i.column for i in module.items if i.column not in VERSION_ITEMS]
    missing = [c for c in required if c not in found]
    if missing:
        names = [
            _key_label(c) if c in (PERSON_KEY, REQUEST_KEY) else section.label(c) for c in missing
        ]
        names = [" ".join(n.split()) for n in names]
        raise InputFileError(
            f"missing column(s) {'; '.join(names)}",
            file=file,
            sheet=block.sheet,
            row=block.header_row,
            column=names[0],
            hint="keep every column of the module's header row; only version-specific "
            "items may be absent",
        )
    return found, unknown


def _key_label(column: str) -> str:
    return "Person ID" if column == PERSON_KEY else "Requests record ID"


def _frame(block: Block, found: dict[str, int]) -> pd.DataFrame:
    width = len(block.headers)
    cells = [(cells + [None] * width)[:width] for _, cells in block.rows]
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    out = pd.DataFrame({column: frame[index] for column, index in found.items()}, dtype=object)
    out["source_row"] = [number for number, _ in block.rows]
    return out.reset_index(drop=True)


def _keys(frame: pd.DataFrame, column: str, block: Block, file: str, *, unique: bool):
    """The ids in ``column``, with ``1.0`` read as ``1``; refuses an empty or repeated id."""
    ids = undo_float(clean_text(frame[column]))
    bad = ids.isna() | (ids.duplicated(keep="first") if unique else False)
    if bad.any():
        first = bad.idxmax()
        what = "is empty" if ids.isna()[first] else f"repeats {ids[first]!r}"
        label = _key_label(column)
        raise InputFileError(
            f"{label} {what}",
            file=file,
            sheet=block.sheet,
            row=int(frame["source_row"][first]),
            column=label,
            hint=f"every record needs a {label}"
            + ("; a request has at most one record here" if unique else ""),
        )
    return ids


def _module_table(
    block: Block, section: Section, file: str, people_of: pd.Series | None
) -> tuple[pd.DataFrame, list[str]]:
    module = MODULE_BY_NAME[section.module]
    found, unknown = _columns(block, section, file)
    frame = _frame(block, found)
    raw = pd.DataFrame({"source_row": frame["source_row"]})
    if module.name == "person":
        raw[module.key] = _keys(frame, PERSON_KEY, block, file, unique=True)
    else:
        request = _keys(frame, REQUEST_KEY, block, file, unique=module.name in ONE_PER_REQUEST)
        if module.name in ONE_PER_REQUEST:
            raw[module.key] = request
        else:  # several per plan: the sheet row tells them apart
            raw[module.key] = frame["source_row"].astype(str)
        if module.parent:
            raw[f"{module.parent}_key"] = request
        person = undo_float(clean_text(frame[PERSON_KEY])) if PERSON_KEY in found else None
        # Below the request the Person ID is optional: the request says whose it is.
        from_request = request.map(people_of) if people_of is not None else None
        if person is None:
            raw[PERSON_KEY] = from_request
        elif from_request is not None:
            raw[PERSON_KEY] = person.fillna(from_request)
        else:
            raw[PERSON_KEY] = person
    for item in module.items:
        raw[item.column] = frame[item.column] if item.column in found else None
    if "gender" in found:  # a "Gender" column may hold either year's codes
        sex, gender_current = split_gender(frame["gender"])
        raw["sex"] = raw["sex"].fillna(sex) if "sex" in found else sex
        raw["gender_current"] = raw["gender_current"].fillna(gender_current)
    labels = {
        item.column: " ".join(block.headers[found[item.column]].split())
        for item in module.items
        if item.column in found
    }
    return type_table(raw, module, file=file, labels=labels, sheet=block.sheet), unknown


def _template_header(block: Block, file: str) -> dict:
    section = SECTION_BY_MODULE[HEADER]
    found, _ = _columns(block, section, file)
    if len(block.rows) != 1:
        raise InputFileError(
            f"the Header Record has {len(block.rows)} rows; expected one",
            file=file,
            sheet=block.sheet,
            row=block.header_row,
        )
    number, cells = block.rows[0]
    cells = cells + [None] * len(block.headers)
    raw = {column: cells[index] for column, index in found.items()}
    labels = {c: " ".join(str(block.headers[i]).split()) for c, i in found.items()}
    return type_header(raw, HEADER_ITEMS, file=file, sheet=block.sheet, row=number, labels=labels)


def read_workbook(
    path: str | Path,
    *,
    year: int | None = None,
    la_code: str | None = None,
    reference_date: str | pd.Timestamp | None = None,
) -> Sen2Return:
    """Read the DfE Excel template or a pre-submission workbook into a :class:`Sen2Return`.

    ``year`` and ``la_code`` are needed only for a pre-submission workbook (it has no header
    record); ``reference_date`` then defaults to the census day of ``year``.
    """
    path = Path(path)
    file = path.name
    book = _open(path)  # one opening: the layout is read from the same book
    layout = _layout(book) if book is not None else None
    if layout is None:
        if book is not None:
            book.close()
        raise InputFileError(
            "not a SEN2 workbook: no 'Data Entry Template' sheet with the template's sections, "
            "and no pre-submission sheets 'Person', 'Requests'...",
            file=file,
            hint="give the DfE SEN2 Excel template, a pre-submission workbook, the XML return "
            "or its CSV export",
        )
    try:
        if layout == "template":
            _, blocks = _template_blocks(book, file)
            header = _template_header(blocks[HEADER], file)
            header["unknown_elements"] = []
        else:
            blocks = _pre_submission_blocks(book, file)
            header = caller_header(
                year, la_code, reference_date, file=file, what="pre-submission workbooks"
            )
        tables: dict[str, pd.DataFrame] = {}
        people_of = None
        for module in MODULES:  # person and requests come first, so children find their person
            table, unknown = _module_table(
                blocks[module.name], SECTION_BY_MODULE[module.name], file, people_of
            )
            tables[module.name] = table
            header["unknown_elements"] += unknown
            if module.name == "request":
                people_of = table.set_index("request_key")["person_key"]
    finally:
        book.close()
    kind = "excel_template" if layout == "template" else "excel_pre_submission"
    return Sen2Return(header=header, tables=tables, file_name=file, layout=kind)

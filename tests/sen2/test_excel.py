"""The DfE SEN2 Excel template and pre-submission workbooks: variants read, bad files refused
at their cell, and a refused file leaves the store as it was."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.importers.sen2 import import_sen2
from highneeds.sen2.read import read_return
from highneeds.sen2.read_excel import TEMPLATE_SHEET, norm, workbook_layout
from highneeds.sen2.write import write_workbook, write_xml
from highneeds.store import schema


@pytest.fixture
def template(tmp_path, small_la):
    return write_workbook(small_la[-1], tmp_path / "sen2-template.xlsx")


def _find(sheet, text: str) -> tuple[int, int]:
    """(row, column) of the first cell whose header reads as ``text`` after normalising."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and norm(cell.value) == norm(text):
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not in the sheet")


def _edit(path, change):
    book = openpyxl.load_workbook(path)
    change(book[TEMPLATE_SHEET])
    book.save(path)
    return path


def test_long_headers_float_ids_and_date_cells_read(template, small_la):
    ret = small_la[-1]

    def as_excel_would(sheet):
        # An LA's Excel: ids and codes typed as numbers come back as floats (1.0), a date
        # typed as text, a header with a different dash and spacing.
        row, col = _find(sheet, "Requests Records")
        first = row + 2  # title, header, first request
        sheet.cell(first, 1).value = float(sheet.cell(first, 1).value)
        sheet.cell(first, 2).value = float(sheet.cell(first, 2).value)
        received = _find(sheet, "Date request was received")[1]
        value = sheet.cell(first, received).value
        assert isinstance(value, datetime.datetime)
        sheet.cell(first, received).value = value.strftime("%d/%m/%Y")
        row, col = _find(sheet, "UPN and ULN unavailable – Reason")
        sheet.cell(row, col).value = "UPN  and ULN unavailable -   reason"

    back = read_return(_edit(template, as_excel_would))
    assert back.layout == "excel_template" and back.year == 2024 and back.la_code == "999"
    request = back["request"].iloc[0]
    expected = ret["request"].iloc[0]
    assert request["request_key"] == expected["request_key"]  # "1.0" read as "1"
    assert request["person_key"] == expected["person_key"]
    assert request["received_date"] == expected["received_date"]
    assert back["person"]["upn_unknown"].isna().all()  # the column was still found
    assert back.header["unknown_elements"] == []


def test_a_gender_column_holds_either_years_codes(tmp_path, template, small_la):
    older = write_workbook(small_la[0], tmp_path / "sen2-2023.xlsx")  # GenderCurrent 1/2
    back = read_return(older)
    assert back.year == 2023 and back["person"]["sex"].isna().all()
    assert (
        back["person"]["gender_current"].tolist()
        == small_la[0]["person"]["gender_current"].tolist()
    )

    def sex_as_gender(sheet):
        row, col = _find(sheet, "Sex")
        sheet.cell(row, col).value = "Gender"

    newer = read_return(_edit(template, sex_as_gender))  # a 2024 template saying "Gender"
    assert newer["person"]["gender_current"].isna().all()
    assert newer["person"]["sex"].tolist() == small_la[-1]["person"]["sex"].tolist()


def test_pre_submission_workbook_needs_the_year_and_la(tmp_path, small_la):
    ret = small_la[-1]
    path = write_workbook(ret, tmp_path / "pre.xlsx", layout="pre_submission")
    assert workbook_layout(path) == "pre_submission"
    with pytest.raises(InputFileError, match="do not say which collection year") as raised:
        read_return(path)
    assert raised.value.location.file == "pre.xlsx"
    back = read_return(path, year=2024, la_code="999")
    assert back.layout == "excel_pre_submission" and len(back["person"]) == len(ret["person"])


def test_a_renamed_template_sheet_is_still_recognised(template, small_la):
    book = openpyxl.load_workbook(template)
    book[TEMPLATE_SHEET].title = "Sheet1"
    book.save(template)
    assert workbook_layout(template) == "template"
    assert len(read_return(template)["need"]) == len(small_la[-1]["need"])


def _missing_column(sheet):
    row, col = _find(sheet, "Request Outcome")
    sheet.cell(row, col).value = None
    return row, "Request Outcome"


def _text_in_date(sheet):
    row, col = _find(sheet, "Date request was received")
    sheet.cell(row + 3, col).value = "last Tuesday"
    return row + 3, "Date request was received"


def _unknown_layout(sheet):
    for row in sheet.iter_rows():
        for cell in row:
            cell.value = None
    sheet.title = "Notes"
    sheet["A1"] = "Nothing to see"
    return None, None


def _missing_section(sheet):
    row, _ = _find(sheet, "SEN Need Records")
    sheet.cell(row, 1).value = "SEN Needs (old)"
    return None, None


BROKEN = {
    "missing_column": _missing_column,
    "text_in_date": _text_in_date,
    "unknown_layout": _unknown_layout,
    "missing_section": _missing_section,
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_template_is_refused_at_its_cell(case, template):
    where = {}

    def change(sheet):
        where["row"], where["column"] = BROKEN[case](sheet)

    _edit(template, change)
    with pytest.raises(InputFileError) as raised:
        read_return(template)
    location = raised.value.location
    assert location.file == "sen2-template.xlsx"
    if case == "unknown_layout":
        assert "not a SEN2 workbook" in str(raised.value)
    else:
        assert location.sheet == TEMPLATE_SHEET
    if where["row"] is not None:
        assert (location.row, location.column) == (where["row"], where["column"])
    if case == "missing_section":
        assert "SEN Need Records" in str(raised.value)


def _count_rows(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in schema.metadata.sorted_tables
        }


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_template_leaves_the_store_unchanged(
    case, tmp_path, template, store, small_la, establishments, secret
):
    import_sen2([write_xml(small_la[0], tmp_path / "ok.xml")], store, establishments=establishments)
    before = _count_rows(store)
    _edit(template, lambda sheet: BROKEN[case](sheet))
    with pytest.raises(InputFileError):
        import_sen2([template], store, establishments=establishments)
    assert _count_rows(store) == before


def test_a_template_imports_like_the_xml(
    tmp_path, template, store, small_la, establishments, secret
):
    via_template = import_sen2([template], store, establishments=establishments)[0]
    assert via_template.year == 2024 and via_template.children > 0
    assert not via_template.unavailable  # the template carries placements and needs
    again = import_sen2([template], store, establishments=establishments)[0]
    assert again.result.already_imported

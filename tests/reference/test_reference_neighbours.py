"""Reading DfE statistical neighbours as published, and refusing damaged copies clearly."""

from __future__ import annotations

import openpyxl
import pytest

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.reference.neighbours import CLOSENESS_BANDS, read_statistical_neighbours

# Stockport (356), row 55 of sn_april_2021.xlsx, sheet "LA SN Groups", read by eye: SN1..SN10.
STOCKPORT_2021 = ["896", "334", "877", "937", "881", "885", "351", "888", "886", "802"]
# Row 124 of sn_may_2025.xlsx.
STOCKPORT_2025 = ["334", "358", "896", "916", "919", "938", "937", "802", "803", "873"]


@pytest.fixture(scope="module")
def folder(shared_data):
    return shared_data / "dfe-statistical-neighbours"


def test_stockport_2021_neighbours_in_rank_order(folder):
    table = read_statistical_neighbours(folder / "sn_april_2021.xlsx")
    stockport = table[table.la_code == "356"].sort_values("rank")
    assert stockport.neighbour_code.tolist() == STOCKPORT_2021
    assert set(stockport.closeness) == {"Very close"}
    assert stockport.la_name.iloc[0] == "Stockport"


def test_stockport_2025_neighbours(folder):
    table = read_statistical_neighbours(folder / "sn_may_2025.xlsx")
    assert table[table.la_code == "356"].sort_values("rank").neighbour_code.tolist() == (
        STOCKPORT_2025
    )


def test_workbook_and_csv_agree_2021(folder):
    book = read_statistical_neighbours(folder / "sn_april_2021.xlsx")
    text = read_statistical_neighbours(
        folder / "New_Statistical_Neighbour_Groupings_April_2021.csv"
    )
    columns = ["la_code", "rank", "neighbour_code", "closeness"]
    assert book[columns].reset_index(drop=True).equals(text[columns].reset_index(drop=True))


def test_2025_csv_layout_matches_workbook_for_current_las(folder):
    book = read_statistical_neighbours(folder / "sn_may_2025.xlsx")
    text = read_statistical_neighbours(folder / "sn_model_2025_wide.csv")
    assert text.la_code.nunique() == 153  # the CSV has no "Old SNs" block
    merged = text.merge(book, on=["la_code", "rank"], suffixes=("_csv", "_xlsx"))
    assert len(merged) == len(text)
    assert (merged.neighbour_code_csv == merged.neighbour_code_xlsx).all()
    # "Close " with a trailing space in the CSV and "Close" in the workbook are one band.
    assert (merged.closeness_csv == merged.closeness_xlsx).all()


def test_old_sns_block_and_las_without_neighbours(folder):
    table = read_statistical_neighbours(folder / "sn_april_2021.xlsx")
    # Abolished LAs listed under "Old SNs:" are read too.
    assert {"835", "836", "837", "928"} <= set(table.la_code)
    # Cumberland (942) and Westmorland and Furness (943) are published with "-" in 2021.
    assert not {"942", "943"} & set(table.la_code)
    assert set(table.closeness) <= set(CLOSENESS_BANDS)
    assert (table.groupby("la_code").size() == 10).all()


def _copy_sheet(source, target, *, sheet="LA SN Groups", shift=0, edit=None):
    """Write the workbook's sheet to a new workbook, ``shift`` rows lower, optionally edited."""
    rows = list(openpyxl.load_workbook(source, read_only=True)[sheet].iter_rows(values_only=True))
    book = openpyxl.Workbook()
    out = book.active
    out.title = sheet
    for _ in range(shift):
        out.append(["Statistical neighbours (a title row that moved the header down)"])
    for row in rows:
        out.append(list(row))
    if edit:
        edit(out, shift)
    book.save(target)
    return target


def test_shifted_header_still_reads(folder, tmp_path):
    moved = _copy_sheet(folder / "sn_april_2021.xlsx", tmp_path / "moved.xlsx", shift=4)
    original = read_statistical_neighbours(folder / "sn_april_2021.xlsx")
    assert read_statistical_neighbours(moved).equals(original)


def test_missing_sheet_names_the_sheets_present(folder, tmp_path):
    renamed = _copy_sheet(folder / "sn_april_2021.xlsx", tmp_path / "renamed.xlsx")
    book = openpyxl.load_workbook(renamed)
    book["LA SN Groups"].title = "Groups"
    book.save(renamed)
    with pytest.raises(InputFileError) as caught:
        read_statistical_neighbours(renamed)
    assert "sheet 'LA SN Groups' is missing" in str(caught.value)
    assert "Groups" in str(caught.value) and "renamed.xlsx" in str(caught.value)


def test_unknown_closeness_names_row_and_column(folder, tmp_path):
    def damage(sheet, shift):
        sheet.cell(row=55 + shift, column=7, value="Quite near")  # Stockport's first SNP

    damaged = _copy_sheet(folder / "sn_april_2021.xlsx", tmp_path / "damaged.xlsx", edit=damage)
    with pytest.raises(UnknownLabelError) as caught:
        read_statistical_neighbours(damaged)
    assert caught.value.location.row == 55
    assert caught.value.location.column == "SNP"
    assert "Quite near" in str(caught.value)


def test_bad_la_number_names_row(folder, tmp_path):
    def damage(sheet, shift):
        sheet.cell(row=55 + shift, column=6, value="Trafford")  # SN1 should be a number

    damaged = _copy_sheet(folder / "sn_april_2021.xlsx", tmp_path / "bad.xlsx", edit=damage)
    with pytest.raises(InputFileError, match=r"row 55, column 'SN1'.*not a 3-digit"):
        read_statistical_neighbours(damaged)


def test_not_a_neighbours_file(shared_data):
    with pytest.raises(InputFileError, match="not a DfE statistical neighbours table"):
        read_statistical_neighbours(
            shared_data / "la-lookups" / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
        )


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match=r"empty\.csv.*not a DfE statistical neighbours"):
        read_statistical_neighbours(empty)


def test_non_utf8_file(folder, tmp_path):
    text = (folder / "sn_model_2025_wide.csv").read_text(encoding="utf-8-sig")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.replace("Barnet", "Barnét").encode("latin-1"))
    with pytest.raises(InputFileError, match=r"latin\.csv: not UTF-8"):
        read_statistical_neighbours(latin)

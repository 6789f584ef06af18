"""The readers of DfE's published money files, checked against the workbook's own cells."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.finance import bundled
from highneeds.finance.published import (
    ENGLAND_CODE,
    read_dsg_balance,
    read_high_needs_block,
    read_s251_benchmarking,
)


@pytest.fixture(scope="module")
def s251(s251_path):
    return read_s251_benchmarking(s251_path)


def _amount(spend, statement, line, phase="total", la="356"):
    hit = spend[
        (spend.la_code == la)
        & (spend.statement == statement)
        & (spend.line == line)
        & (spend.phase == phase)
    ]
    assert len(hit) == 1
    return hit.amount_gbp.iloc[0]


def test_s251_reader_matches_stockport_cells(s251, stockport_cells):
    spend, caseload = s251
    assert _amount(spend, "budget", "place_funding") == stockport_cells("P")
    assert _amount(spend, "budget", "place_funding", "special") == stockport_cells("T")
    assert _amount(spend, "budget", "top_up_maintained", "income") == stockport_cells("AD")
    assert _amount(spend, "budget", "sen_support_inclusion") == stockport_cells("AM")
    assert _amount(spend, "outturn", "top_up_maintained") == stockport_cells("BP")
    assert _amount(spend, "outturn", "top_up_independent", "special") == stockport_cells("CB")
    assert _amount(spend, "outturn", "hospital_education") == stockport_cells("CH")
    mine = caseload[caseload.la_code == "356"].set_index("funding_category")
    assert mine.at["total", "ehcps"] == stockport_cells("G")
    assert mine.at["independent_special", "ehcps"] == stockport_cells("K")
    assert mine.at["other", "ehcps"] == stockport_cells("N")
    assert mine.at["total", "population_2_18"] == pytest.approx(stockport_cells("E"))
    assert mine.at["total", "region_name"] == "North West"


def test_s251_reader_reads_every_la_and_keeps_unpublished_cells_blank(s251):
    spend, caseload = s251
    assert caseload.la_code.nunique() == 154
    # North Northamptonshire had no EHCP counts in this release: blank, never zero.
    north = caseload[(caseload.la_name == "North Northamptonshire")]
    assert north.ehcps.isna().all()
    # A line's published total is its phases minus income wherever all are published.
    budget = spend[(spend.statement == "budget") & (spend.line == "top_up_maintained")]
    wide = budget.pivot(index="la_code", columns="phase", values="amount_gbp").dropna()
    phases = ["early_years", "primary", "secondary", "special", "ap_pru", "post_school"]
    rebuilt = wide[phases].sum(axis=1) - wide["income"]
    assert (rebuilt - wide["total"]).abs().max() < 1.0


def test_s251_reader_refuses_text_in_a_money_cell_with_its_location(s251_path, tmp_path):
    copy = tmp_path / "damaged.xlsx"
    shutil.copy(s251_path, copy)
    book = openpyxl.load_workbook(copy)
    sheet = book.worksheets[0]
    row = next(r[0].row for r in sheet.iter_rows(min_row=8) if r[3].value == "Stockport")
    sheet[f"AM{row}"] = "see note"
    book.save(copy)
    with pytest.raises(InputFileError) as caught:
        read_s251_benchmarking(copy)
    assert caught.value.location.row == row
    assert caught.value.location.column == "AM"
    assert caught.value.location.file == "damaged.xlsx"
    assert "see note" in str(caught.value)


def test_s251_reader_refuses_a_changed_layout(s251_path, tmp_path):
    copy = tmp_path / "moved.xlsx"
    shutil.copy(s251_path, copy)
    book = openpyxl.load_workbook(copy)
    book.worksheets[0]["AM4"] = "Something else"
    book.save(copy)
    with pytest.raises(InputFileError) as caught:
        read_s251_benchmarking(copy)
    assert caught.value.location.row == 4
    assert caught.value.location.column == "AM"


@pytest.mark.slow
def test_high_needs_block_reader_2023_24(shared_data):
    path = shared_data / "dfe-dsg-allocations/dedicated-schools-grant_2024_07_20.ods"
    block = read_high_needs_block(path)
    assert set(block.financial_year) == {"2023-24"}
    raw = pd.read_excel(path, sheet_name="High_needs_block", engine="odf", header=None)
    stockport = raw[raw.iloc[:, 1].astype(str).str.strip() == "Stockport"].iloc[0]
    total = block[(block.la_code == "356") & (block.element == "total_before_deductions")]
    assert total.value.iloc[0] == stockport.iloc[10]
    england = block[(block.la_code == ENGLAND_CODE) & (block.element == "total_before_deductions")]
    assert england.value.iloc[0] == raw.iloc[3, 10]
    assert (block.element == "additional_allocation").any()


def test_dsg_balance_refuses_an_unmatched_la_name(shared_data):
    path = shared_data / "dfe-dsg-allocations/dsg_deficit_derived.xlsx"
    names = pd.DataFrame({"la_code": ["356"], "la_name": ["Stockport"]})
    with pytest.raises(InputFileError) as caught:
        read_dsg_balance(path, names)
    assert caught.value.location.column == "la_name"
    assert caught.value.location.row is not None


def test_bundled_tables_equal_a_fresh_read(s251):
    """The shipped CSVs are the reader's output, not a hand-edited copy."""
    spend, caseload = s251
    shipped = bundled.table("s251_spend")
    pd.testing.assert_frame_equal(
        shipped.sort_values(list(spend.columns[:5])).reset_index(drop=True),
        spend.sort_values(list(spend.columns[:5])).reset_index(drop=True),
        check_dtype=False,
    )
    assert len(bundled.table("s251_caseload")) == len(caseload)
    notice = (bundled.DATA_DIR / "NOTICE").read_text()
    assert bundled.ATTRIBUTION in notice

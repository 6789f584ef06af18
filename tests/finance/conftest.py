"""Fixtures for the finance tests: the published high needs workbook and a cell reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

WORKBOOK = "dfe-high-needs-s251-2021-22/Outturn data 202122.xlsx"


@pytest.fixture(scope="session")
def s251_path(shared_data) -> Path:
    return shared_data / WORKBOOK


@pytest.fixture(scope="session")
def stockport_cells(s251_path):
    """Stockport's row of the published workbook, as a ``cell(column_letter)`` function."""
    book = openpyxl.load_workbook(s251_path, data_only=True, read_only=True)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=8):
        if row[3].value == "Stockport":
            values = {
                cell.column_letter: cell.value for cell in row if hasattr(cell, "column_letter")
            }
            book.close()
            return values.__getitem__
    raise AssertionError("Stockport row not found in the workbook")

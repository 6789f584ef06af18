"""Fixtures for the import tests: filled finance templates and a small SEN2 return."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from highneeds.finance.demo import EXAMPLES
from highneeds.finance.templates import write_template

SECRET = "test-installation-secret-0123456789"


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SECRET", SECRET)


@pytest.fixture
def unit_costs_csv(tmp_path):
    """The shipped example unit costs, under a name that says nothing about them."""
    return shutil.copy(EXAMPLES / "unit_costs.csv", tmp_path / "upload-1.csv")


@pytest.fixture
def capacity_csv(tmp_path):
    return shutil.copy(EXAMPLES / "capacity.csv", tmp_path / "upload-2.csv")


@pytest.fixture
def budget_xlsx(tmp_path):
    """The budget template filled in: every S251 line budgeted for 2024-25, and an allocation."""
    return filled_budget(tmp_path / "upload-3.xlsx")


def filled_budget(path):
    """The budget template at ``path``, every S251 line budgeted for 2024-25, an allocation."""
    path = write_template("budget", path)
    book = openpyxl.load_workbook(path)
    for number, row in enumerate(book["Budget"].iter_rows(min_row=2), start=1):
        row[2].value, row[3].value, row[4].value = "2024-04-01", "2025-03-31", 1000.0 * number
    book["Allocation"].append(["2024-25", 5_000_000, "after deductions"])
    book.save(path)
    return path


@pytest.fixture(scope="session")
def small_return():
    """One small SEN2 return (LA 999, 2024) of invented children."""
    from highneeds.sen2.synth import SynthConfig, generate

    return generate(SynthConfig(first_year=2024, last_year=2024, children=300, seed=11))[0]

"""Templates round-trip (generate → fill → import) and refuse bad cells with their location."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from typer.testing import CliRunner

from highneeds.cli.finance import app
from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.finance.templates import (
    read_budget,
    read_capacity,
    read_unit_costs,
    write_template,
)


def _fill(path, sheet, rows, *, start_row=2):
    book = openpyxl.load_workbook(path)
    data = book[sheet]
    data.delete_rows(2, data.max_row)
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            data.cell(row=start_row + offset, column=column, value=value)
    book.save(path)


def test_unit_cost_template_round_trip(tmp_path):
    path = tmp_path / "unit-costs.xlsx"
    result = CliRunner().invoke(app, ["template", "unit-costs", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert {"Instructions", "Unit costs", "Reference defaults", "Lists"} <= set(book.sheetnames)
    blank = read_unit_costs(path)
    assert len(blank) == 7 and blank.top_up_gbp.isna().all()  # one row per category, no money
    _fill(
        path,
        "Unit costs",
        [
            ("maintained_special", None, None, None, 10000, 15000, None, "2025 budget"),
            ("maintained_special", None, "Autistic spectrum disorder", "Age 5 to 10", None, 21000),
            ("mainstream", None, None, None, None, None, 9500),
        ],
    )
    costs = read_unit_costs(path)
    assert costs.top_up_gbp.tolist()[:2] == [15000, 21000]
    assert costs.need.tolist()[1] == "ASD" and costs.age_band.tolist()[1] == "5_10"
    assert costs.additional_support_gbp.iloc[2] == 9500
    assert costs.source_row.tolist() == [2, 3, 4]


def test_unit_cost_template_refuses_text_in_a_money_cell(tmp_path):
    path = write_template("unit_costs", tmp_path / "u.xlsx")
    _fill(
        path,
        "Unit costs",
        [
            ("maintained_special", None, None, None, 10000, 15000),
            ("independent_special", None, None, None, None, "about 60k"),
        ],
    )
    with pytest.raises(InputFileError) as caught:
        read_unit_costs(path)
    where = caught.value.location
    assert (where.sheet, where.row, where.column) == ("Unit costs", 3, "top_up_gbp")
    assert "about 60k" in str(caught.value)


def test_unit_cost_csv_accepts_pound_signs_but_refuses_unknown_category(tmp_path):
    good = tmp_path / "u.csv"
    good.write_text('funding_category,top_up_gbp\nindependent_special,"£61,000"\n')
    assert read_unit_costs(good).top_up_gbp.iloc[0] == 61000
    bad = tmp_path / "bad.csv"
    bad.write_text("funding_category,top_up_gbp\nindependant_special,61000\n")
    with pytest.raises(UnknownLabelError) as caught:
        read_unit_costs(bad)
    assert caught.value.location.row == 2
    assert "independent_special" in str(caught.value)  # the suggestion


def _budget_rows():
    return [
        ("1.2.1", "outturn", dt.date(2023, 4, 1), dt.date(2024, 3, 31), 12_000_000),
        ("1.2.3", "outturn", dt.date(2023, 4, 1), dt.date(2024, 3, 31), 8_000_000),
        ("1.2.1", "budget", dt.date(2024, 4, 1), dt.date(2024, 9, 30), 6_500_000),
        ("1.2.1", "budget", dt.date(2024, 10, 1), dt.date(2025, 3, 31), 6_600_000),
    ]


def test_budget_template_round_trip_with_allocation(tmp_path):
    path = tmp_path / "budget.xlsx"
    assert CliRunner().invoke(app, ["template", "budget", str(path)]).exit_code == 0
    _fill(path, "Budget", _budget_rows())
    _fill(path, "Allocation", [("2023-24", 46_000_000), ("2024-25", 49_000_000)])
    lines, allocation = read_budget(path)
    assert lines.financial_year.tolist() == ["2023-24", "2023-24", "2024-25", "2024-25"]
    assert lines.amount_gbp.sum() == 33_100_000
    assert allocation.allocation_gbp.tolist() == [46_000_000, 49_000_000]


@pytest.mark.parametrize(
    ("row", "column", "needle"),
    [
        (("1.2.12", "budget", dt.date(2024, 4, 1), dt.date(2025, 3, 31), 1), "s251_line", "1.2.12"),
        (
            ("1.2.5", "budget", dt.date(2024, 4, 1), dt.date(2025, 3, 31), -5),
            "amount_gbp",
            "negative",
        ),
        (
            ("1.2.5", "budget", dt.date(2024, 4, 1), dt.date(2025, 3, 31), "tbc"),
            "amount_gbp",
            "text in a money cell",
        ),
        (
            ("1.2.1", "budget", dt.date(2024, 9, 1), dt.date(2024, 12, 31), 10),
            "period_start",
            "overlaps row",
        ),
        (
            ("1.2.5", "budget", dt.date(2024, 4, 1), dt.date(2025, 4, 30), 10),
            "period_end",
            "two financial years",
        ),
    ],
)
def test_budget_template_refusals_are_located(tmp_path, row, column, needle):
    path = write_template("budget", tmp_path / "b.xlsx")
    _fill(path, "Budget", [*_budget_rows(), row])
    with pytest.raises(InputFileError) as caught:
        read_budget(path)
    assert caught.value.location.column == column
    assert caught.value.location.row in (5, 6)  # the offending row (or the later of a pair)
    assert needle in str(caught.value)


def test_capacity_template_round_trip_and_negative_places(tmp_path):
    path = tmp_path / "capacity.xlsx"
    assert CliRunner().invoke(app, ["template", "capacity", str(path)]).exit_code == 0
    _fill(
        path,
        "Capacity",
        [
            ("Valley School", "maintained_special", "ASD; SLD", 0, 14, 2026, 150),
            ("Valley School", "maintained_special", "ASD; SLD", 0, 14, 2027, 160),
        ],
    )
    register = read_capacity(path)
    assert register.places.tolist() == [150, 160]
    assert register.designated_needs.iloc[0] == "ASD;SLD"
    _fill(path, "Capacity", [("Valley School", "maintained_special", None, 0, 14, 2026, -3)])
    with pytest.raises(InputFileError) as caught:
        read_capacity(path)
    assert (caught.value.location.row, caught.value.location.column) == (2, "places")
    assert "negative" in str(caught.value)


def test_a_workbook_whose_sheet_xml_is_damaged_is_refused_in_one_sentence(tmp_path):
    """Found by tests/fuzz: openpyxl reads sheets lazily, so XML damaged inside a sheet raised
    ParseError from read_budget rather than a located error."""
    import zipfile

    from highneeds.errors import InputFileError
    from highneeds.finance.templates import read_budget, write_template

    good = write_template("budget", tmp_path / "good.xlsx")
    damaged = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data += b"<junk/>"
            target.writestr(info, data)
    with pytest.raises(InputFileError, match=r"budget\.xlsx: cannot be read .*damaged"):
        read_budget(damaged)


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf", "1e400"])
def test_a_number_that_is_not_finite_is_refused_naming_the_cell(tmp_path, cell):
    """Found by tests/fuzz: "nan" in a year column ended in int(nan) ValueError."""
    from highneeds.errors import InputFileError
    from highneeds.finance.demo import EXAMPLES
    from highneeds.finance.templates import read_capacity

    lines = (EXAMPLES / "capacity.csv").read_text().splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("year")] = cell
    path = tmp_path / "capacity.csv"
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    with pytest.raises(InputFileError, match=rf"capacity\.csv, row 2, column 'year': '{cell}'"):
        read_capacity(path)

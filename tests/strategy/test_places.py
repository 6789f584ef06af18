"""The places register: checked row by row, summed by academic year, applied to capacity."""

import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.strategy.places import (
    academic_year_end,
    against_plan,
    capacity_with_register,
    delivered_by_year,
    read_register,
    register_for_download,
)

HEADER = "Scheme,Type of place,Designated needs,Phase,Status,Academic year,Places,Source\n"


def write(tmp_path, *rows):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2024/25", 2025),
        ("2024-25", 2025),
        ("2024-2025", 2025),
        ("2025", 2025),
        ("1999/00", 2000),
        ("2024/26", None),
        ("soon", None),
        ("2022.0", 2022),
    ],
)
def test_academic_year_end(text, year):
    assert academic_year_end(text) == year


def test_worked_example_against_plan(stockport_register):
    # Opened 120 + 60 + 150 + 200 + 70 since 2020/21, 20 closed, 120 + 80 still planned.
    assert against_plan(stockport_register, since=2021) == {
        "opened": 600,
        "closed": 20,
        "net": 580,
        "planned": 200,
    }
    assert against_plan(stockport_register, since=2023)["opened"] == 420


def test_delivered_by_year(stockport_register):
    table = delivered_by_year(stockport_register).set_index("academic_year")
    assert list(table.index) == [
        "2020/21",
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
        "2025/26",
        "2026/27",
    ]
    assert table.loc["2023/24", "net_places"] == 250
    assert table.loc["2023/24", "net_places_cumulative"] == 580
    assert table.loc["2026/27", "planned_cumulative"] == 200
    assert table.loc["2024/25", ["opened", "closed", "planned"]].tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (
            "A,Mainstream schools and academies,,Primary,Opened,2024/25,10,",
            "Type of place",
            "not a type of specialist place",
        ),
        (
            "A,Resourced provision and SEN units,XYZ,Primary,Opened,2024/25,10,",
            "Designated needs",
            "not need codes",
        ),
        (
            "A,Resourced provision and SEN units,,Nursery school,Opened,2024/25,10,",
            "Phase",
            "not a phase",
        ),
        ("A,Resourced provision and SEN units,,Primary,Maybe,2024/25,10,", "Status", "not Planned"),
        (
            "A,Resourced provision and SEN units,,Primary,Opened,next year,10,",
            "Academic year",
            "not an academic year",
        ),
        (
            "A,Resourced provision and SEN units,,Primary,Opened,2024/25," + "1" * 26 + ",",
            "Places",
            "whole number",
        ),
        (
            "A,Resourced provision and SEN units,,Primary,Opened,2024/25,-5,",
            "Places",
            "whole number",
        ),
        (
            "A,Resourced provision and SEN units,,Primary,Opened,2024/25,2.5,",
            "Places",
            "whole number",
        ),
        (
            ",Resourced provision and SEN units,,Primary,Opened,2024/25,10,",
            "Scheme",
            "scheme's name",
        ),
    ],
)
def test_bad_rows_are_located(tmp_path, row, column, words):
    path = write(
        tmp_path, "Good,Resourced provision and SEN units,ASD,Primary,Opened,2023/24,12,", row
    )
    with pytest.raises(InputFileError) as error:
        read_register(path)
    assert error.value.location.row == 3 and error.value.location.column == column
    assert words in str(error.value)


def test_codes_or_words_and_blank_lines(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "scheme,funding_category,status,academic_year,places\n"
        "Unit,resourced_provision,opened,2025,8\n,,,,\n"
    )
    register = read_register(path)
    assert register.to_dict("records")[0] | {"source": ""} == {
        "scheme": "Unit",
        "funding_category": "resourced_provision",
        "designated_needs": "",
        "phase": "",
        "status": "opened",
        "academic_year": "2024/25",
        "places": 8,
        "source": "",
        "year": 2025,
    }


def test_missing_columns_and_empty(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("Scheme,Places\nA,3\n")
    with pytest.raises(InputFileError, match="Type of place, Status, Academic year"):
        read_register(path)
    path.write_text(HEADER)
    with pytest.raises(InputFileError, match="no rows"):
        read_register(path)


def test_xlsx_round_trip(tmp_path, stockport_register):
    path = tmp_path / "register.xlsx"
    register_for_download(stockport_register).to_excel(path, index=False)
    again = read_register(path)
    pd.testing.assert_frame_equal(again, stockport_register)


def test_capacity_from_january_of_opening(stockport_register):
    capacity = pd.DataFrame(
        {
            "provision": ["Special schools"] * 3,
            "funding_category": ["maintained_special"] * 3,
            "designated_needs": [""] * 3,
            "year": [2023, 2024, 2025],
            "places": [500, 500, 500],
        }
    )
    out = capacity_with_register(capacity, stockport_register)
    by_year = out.groupby(["year", "funding_category"])["places"].sum()
    # The new school (200) and satellite (70) open in 2023/24, i.e. from January 2024.
    assert by_year[(2023, "maintained_special")] == 500
    assert by_year[(2024, "maintained_special")] == 770
    # Resourced provision: 120 + 150 opened by 2023, 20 closed in 2023/24.
    assert by_year[(2023, "resourced_provision")] == 270
    assert by_year[(2024, "resourced_provision")] == 250
    # Planned places are not capacity.
    assert by_year[(2025, "maintained_special")] == 770


def test_changes_already_in_the_capacity_register_are_skipped(stockport_register):
    capacity = pd.DataFrame(
        {
            "provision": ["Special schools"] * 2,
            "funding_category": ["maintained_special"] * 2,
            "designated_needs": [""] * 2,
            "year": [2023, 2024],
            "places": [500, 500],
        }
    )
    out = capacity_with_register(capacity, stockport_register, after=2023)
    by_year = out.groupby(["year", "funding_category"])["places"].sum()
    assert by_year[(2024, "maintained_special")] == 770
    # Resourced provision opened by 2022/23 is in the register's 2023 figures: only the
    # closure of 2023/24 changes it.
    assert by_year[(2024, "resourced_provision")] == -20

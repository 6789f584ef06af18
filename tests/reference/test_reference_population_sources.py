"""Reading ONS population estimates (MYE2) and 2018-based projections as published."""

from __future__ import annotations

import openpyxl
import pytest

from highneeds.errors import InputFileError
from highneeds.reference.lookups import read_ltla_utla
from highneeds.reference.population_sources import read_mye2, read_snpp


@pytest.fixture(scope="module")
def folder(shared_data):
    return shared_data / "ons-population"


@pytest.fixture(scope="module")
def mye2021(folder):
    return read_mye2(folder / "ukpopestimatesmid2021on2021geographyfinal.xls")


def _cell(table, code, age):
    return table[(table.area_code == code) & (table.age == age)].population.item()


def test_cells_checked_in_the_published_files(folder, mye2021):
    # .xls, sheet "MYE2 - Persons", row 48: E08000007 Stockport, age 0 = 3175.
    assert mye2021.year.iloc[0] == 2021
    assert _cell(mye2021, "E08000007", 0) == 3175
    # mye23tablesew.xlsx, row 10: ENGLAND, age 0 = 573100, age 25 (column AD) = 740801.
    mye2023 = read_mye2(folder / "mye23tablesew.xlsx")
    assert mye2023.year.iloc[0] == 2023
    assert _cell(mye2023, "E92000001", 0) == 573100
    assert _cell(mye2023, "E92000001", 25) == 740801
    assert mye2023[mye2023.area_code == "E92000001"].population.sum() == 57690323


@pytest.mark.slow
def test_sexes_add_up_to_persons(folder):
    path = folder / "mye22final.xlsx"
    persons, female, male = (read_mye2(path, sex) for sex in ("persons", "female", "male"))
    stockport = [t[t.area_code == "E08000007"].population.sum() for t in (persons, female, male)]
    assert stockport[0] == stockport[1] + stockport[2]


def test_counties_equal_the_sum_of_their_districts(shared_data, mye2021):
    lookup = read_ltla_utla(
        shared_data / "la-lookups" / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_"
        "(December_2022)_Lookup_in_England_and_Wales.csv"
    )
    two_tier = lookup[(lookup.ltla_code != lookup.utla_code) & lookup.utla_code.str.startswith("E")]
    totals = mye2021.groupby("area_code").population.sum()
    assert two_tier.utla_code.nunique() == 24  # the 24 "County" rows of the mid-2021 sheet
    for county, districts in two_tier.groupby("utla_code"):
        assert totals[county] == totals[districts.ltla_code].sum(), county


def test_projection_cells(folder):
    projection = read_snpp(folder / "snpp2018_table2_persons_5yr.csv")
    stockport = projection[(projection.area_code == "E08000007") & (projection.age_group == "0-4")]
    # Line 722 of the CSV: Stockport 0-4, 2018 = "   17631", 2043 = "   18269.2".
    assert stockport.set_index("year").population[2018] == 17631
    assert stockport.set_index("year").population[2043] == pytest.approx(18269.2)
    assert "All ages" not in set(projection.age_group)


def _mye_workbook(path, *, header_row=8, sheet="MYE2 - Persons", all_ages=None):
    """A small MYE2-shaped workbook: title rows, then the header on ``header_row``."""
    book = openpyxl.Workbook()
    out = book.active
    out.title = sheet
    out.append(["MYE2: Persons by single year of age and sex for local authorities, mid-2023"])
    for _ in range(header_row - 2):
        out.append([])
    out.append(["Code", "Name", "Geography", "All ages", *range(90), "90+"])
    counts = [10] * 91
    out.append(
        [
            "E08000007",
            "Stockport",
            "Metropolitan District",
            all_ages if all_ages is not None else sum(counts),
            *counts,
        ]
    )
    book.save(path)
    return path


def test_header_found_wherever_it_sits(tmp_path):
    for header_row in (3, 8, 12):
        table = read_mye2(_mye_workbook(tmp_path / f"h{header_row}.xlsx", header_row=header_row))
        assert table.year.iloc[0] == 2023
        assert table.population.sum() == 910


def test_ages_not_adding_up_names_row_and_column(tmp_path):
    path = _mye_workbook(tmp_path / "bad.xlsx", all_ages=999)
    with pytest.raises(InputFileError) as caught:
        read_mye2(path)
    assert caught.value.location.row == 9
    assert caught.value.location.column == "All ages"
    assert caught.value.location.sheet == "MYE2 - Persons"


def test_missing_sheet(tmp_path):
    path = _mye_workbook(tmp_path / "wrong.xlsx", sheet="MYE2 Persons")
    with pytest.raises(InputFileError, match=r"sheet 'MYE2 - Persons' is missing.*MYE2 Persons"):
        read_mye2(path)


def test_missing_age_column(tmp_path):
    path = _mye_workbook(tmp_path / "short.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.delete_cols(4 + 1 + 45)  # the column for age 45
    book.save(path)
    with pytest.raises(InputFileError, match="column '45' is missing"):
        read_mye2(path)


def test_projection_with_unknown_age_group(tmp_path):
    path = tmp_path / "snpp.csv"
    path.write_text('"","CODE","AREA","AGE GROUP","2018"\n"1","E08000007","Stockport","0-5","10"\n')
    with pytest.raises(InputFileError, match=r"row 2, column 'AGE GROUP'.*'0-5'"):
        read_snpp(path)

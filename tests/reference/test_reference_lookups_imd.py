"""Geography lookups and IMD 2019 upper-tier summaries, read as published."""

from __future__ import annotations

import pytest

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.reference.imd_sources import read_imd_upper_tier
from highneeds.reference.lookups import (
    read_ehcp_la_codes,
    read_la_region,
    read_ltla_utla,
    region_code,
)

IMD_FILE = "File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx"


def test_upper_tier_counts_by_vintage(shared_data):
    folder = shared_data / "la-lookups"
    dec22 = read_ltla_utla(
        folder / "Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_(December_2022)"
        "_Lookup_in_England_and_Wales.csv"
    )
    apr23 = read_ltla_utla(folder / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv")
    english = [t[t.utla_code.str.startswith("E")] for t in (dec22, apr23)]
    assert [t.utla_code.nunique() for t in english] == [152, 153]
    assert (dec22.vintage == "2022").all() and (apr23.vintage == "2023").all()
    cumbria = dec22[dec22.utla_code == "E10000006"]
    assert len(cumbria) == 6
    assert "E10000006" not in set(apr23.utla_code)


def test_lookup_with_header_lower_down(tmp_path, shared_data):
    source = shared_data / "la-lookups" / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
    moved = tmp_path / "moved.csv"
    moved.write_text("Lookup as at April 2023\n\n" + source.read_text(encoding="utf-8-sig"))
    assert read_ltla_utla(moved).equals(read_ltla_utla(source))


def test_lookup_with_bad_code_names_row(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LTLA23CD,LTLA23NM,UTLA23CD,UTLA23NM\nE06000001,Hartlepool,E0600001,X\n")
    with pytest.raises(InputFileError, match=r"row 2, column 'UTLA23CD'"):
        read_ltla_utla(path)


def test_region_lookup_fills_regions_down(shared_data):
    table = read_la_region(shared_data / "la-lookups" / "la_region_lookup_raw.xlsx")
    assert len(table) == 153  # 2021/22 LAs, with Northamptonshire listed as well
    regions = dict(zip(table.la_name, table.region_code, strict=True))
    assert regions["Stockport"] == "E12000002"
    assert regions["Wiltshire"] == "E12000009"
    assert regions["Westminster"] == "E12000007"


def test_region_names_as_sources_write_them():
    assert region_code("London (Inner)", file="x") == "E12000007"
    assert region_code("Yorkshire and the Humber", file="x") == "E12000003"
    assert region_code("NORTH EAST", file="x") == "E12000001"
    with pytest.raises(UnknownLabelError, match="'North Midlands'"):
        region_code("North Midlands", file="x")


def test_ehcp_release_records_code_changes(shared_data):
    codes = read_ehcp_la_codes(
        shared_data / "dfe-ehcp-2022" / "education-health-and-care-plans_2022.zip"
    )
    gateshead = codes[codes.la_code == "390"]
    assert set(gateshead.gss_code) == {"E08000020", "E08000037"}
    assert codes[codes.la_code == "356"].gss_code.unique().tolist() == ["E08000007"]


def test_imd_upper_tier_figures(shared_data):
    table = read_imd_upper_tier(
        shared_data / "imd2019" / IMD_FILE,
        corrections={("IMD", "E0600003"): ("Slough", "E06000039")},
    )
    assert len(table) == 151
    stockport = table.set_index("utla_code").loc["E08000007"]
    # Sheet IMD row 64 and sheet IDACI, read by eye.
    assert stockport.imd_average_score == pytest.approx(20.826)
    assert stockport.imd_rank_of_average_score == 86
    assert stockport.idaci_average_score == pytest.approx(0.146)
    assert table.imd_rank_of_average_score.min() == 1
    assert "E06000039" in set(table.utla_code)


def test_imd_typo_is_an_error_unless_corrected_for_that_name(shared_data):
    path = shared_data / "imd2019" / IMD_FILE
    with pytest.raises(InputFileError) as caught:
        read_imd_upper_tier(path, sheets=("IMD",))
    assert caught.value.location.sheet == "IMD"
    assert caught.value.location.row == 38
    assert "'E0600003'" in str(caught.value)
    # A correction for another name does not apply.
    with pytest.raises(InputFileError):
        read_imd_upper_tier(
            path, sheets=("IMD",), corrections={("IMD", "E0600003"): ("Reading", "E06000039")}
        )


def test_imd_missing_sheet(shared_data):
    with pytest.raises(InputFileError, match="sheet 'Deprivation' is missing"):
        read_imd_upper_tier(shared_data / "imd2019" / IMD_FILE, sheets=("Deprivation",))

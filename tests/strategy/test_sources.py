"""The shipped KPI tables are what the readers make of the files as published."""

import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.strategy import sources


def test_tribunal_table_matches_published_file(shared_data):
    read = sources.read_tribunal_appeals(
        shared_data / "dfe-send-kpi-sources" / "send_appeal_rate_table_2022.ods"
    )
    shipped = sources.table("tribunal_appeals")
    pd.testing.assert_frame_equal(read.reset_index(drop=True), shipped, check_dtype=False)
    # Every LA resolved to a DfE number; England from table SEND_1.
    assert read.area_code.str.fullmatch(r"\d{3}|E92000001").all()
    england = read[(read.area_code == "E92000001") & (read.year == 2014)].iloc[0]
    assert (england.appeals, england.appealable_decisions) == (4108, 251096)


def test_ap_census_matches_published_file(shared_data):
    read = sources.read_ap_census(
        shared_data / "dfe-send-kpi-sources" / "ap_placements_ap_census.csv.gz"
    )
    pd.testing.assert_frame_equal(read, sources.table("ap_census"), check_dtype=False)
    assert set(read.year) == set(range(2018, 2024))  # 2017/18 to 2022/23


def test_not_an_ap_census(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputFileError, match=r"other\.csv: columns"):
        sources.read_ap_census(path)

"""Reading SEN2 XML and Blade CSV: the sample mock-up, variants and broken files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.sen2.read import read_return
from highneeds.sen2.write import write_blade_csv, write_xml


def test_reads_the_liia_tools_mockup(shared_data):
    ret = read_return(shared_data / "sen2-samples" / "SEN2-2024-mockup.xml")
    assert ret.year == 2024 and ret.la_code == "201"
    assert ret.reference_date == pd.Timestamp("2024-01-18")
    assert len(ret["person"]) == 2
    assert len(ret["request"]) == 3  # Requests repeats: one element per request
    assert ret["plan_detail"]["urn"].tolist() == ["999999", "999998"]
    # Empty elements (<UPNunknown></UPNunknown>, <SENSetting></SENSetting>) are missing values.
    assert ret["person"]["upn_unknown"].isna().all()
    assert ret["plan_detail"]["sen_setting"].isna().tolist() == [False, True]
    # Placements and needs hang off the request's ActivePlans; person keys propagate down.
    assert set(ret["need"]["sen_type"]) == {"SEMH", "SPLD"}
    assert (ret["need"]["person_key"] == ret["person"]["person_key"].iloc[0]).all()


def test_element_names_match_case_insensitively_and_aliases(tmp_path, shared_data):
    text = (shared_data / "sen2-samples" / "SEN2-2024-mockup.xml").read_text()
    text = text.replace("<PlanWBP>", "<PlanWPB>").replace("</PlanWBP>", "</PlanWPB>")
    text = text.replace("<SENSetting>", "<SENsetting>").replace("</SENSetting>", "</SENsetting>")
    path = tmp_path / "variant.xml"
    path.write_text(text)
    ret = read_return(path)
    assert ret["named_plan"]["plan_wbp"].tolist() == ["T"]
    assert ret["plan_detail"]["sen_setting"].tolist()[0] == "OTH"


def test_blade_csv_accepts_blade_dates(tmp_path, small_la):
    paths = write_blade_csv(small_la[-1], tmp_path)
    person = next(p for p in paths if p.name.endswith("_person.csv"))
    frame = pd.read_csv(person, dtype=str, keep_default_na=False)
    frame.loc[0, "personbirthdate"] = "2012-Sep-28 00:00:00"
    frame.to_csv(person, index=False)
    ret = read_return(paths)
    assert ret["person"]["birth_date"].iloc[0] == pd.Timestamp("2012-09-28")


def test_2023_returns_read_gender_current(tmp_path, small_la):
    ret2023 = small_la[0]
    assert ret2023.year == 2023
    again = read_return(write_xml(ret2023, tmp_path / "r.xml"))
    assert again["person"]["sex"].isna().all()
    assert set(again["person"]["gender_current"].dropna()) <= {"1", "2"}


# --- broken inputs: each gives a clear error --------------------------------------------


def test_malformed_xml(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<Message><Header><CollectionDetails><Year>2024</Year></Header>")
    with pytest.raises(InputFileError, match="not well-formed XML") as err:
        read_return(path)
    assert "broken.xml" in str(err.value)


def test_wrong_namespace(tmp_path):
    path = tmp_path / "ns.xml"
    path.write_text('<Message xmlns="http://www.dfe.gov.uk/CIN"><Header/></Message>')
    with pytest.raises(InputFileError, match="namespace"):
        read_return(path)


def test_entity_declarations_are_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><Message>&a;</Message>')
    with pytest.raises(InputFileError, match="DTD"):
        read_return(path)


def test_impossible_date_names_file_row_and_item(tmp_path, shared_data):
    text = (shared_data / "sen2-samples" / "SEN2-2024-mockup.xml").read_text()
    path = tmp_path / "date.xml"
    path.write_text(text.replace("<ReceivedDate>2023-11-30", "<ReceivedDate>31/02/2024", 1))
    with pytest.raises(InputFileError, match="'31/02/2024' is not a valid date") as err:
        read_return(path)
    assert err.value.location.column == "ReceivedDate"
    assert err.value.location.row is not None


def test_csv_missing_a_column(tmp_path, small_la):
    paths = write_blade_csv(small_la[-1], tmp_path)
    requests = next(p for p in paths if p.name.endswith("_requests.csv"))
    pd.read_csv(requests, dtype=str).drop(columns=["receiveddate"]).to_csv(requests, index=False)
    with pytest.raises(InputFileError, match=r"missing column.*receiveddate") as err:
        read_return(paths)
    assert err.value.location.file == requests.name


def test_csv_export_missing_a_module_file(tmp_path, small_la):
    paths = write_blade_csv(small_la[-1], tmp_path)
    with pytest.raises(InputFileError, match=r"lacks the module file.*senneed"):
        read_return([p for p in paths if not p.name.endswith("_senneed.csv")])


def test_file_over_the_size_limit(tmp_path, monkeypatch, shared_data):
    path = tmp_path / "big.xml"
    shutil.copy(shared_data / "sen2-samples" / "SEN2-2024-mockup.xml", path)
    monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", "0.001")  # about 1 KB
    with pytest.raises(InputFileError, match=r"over the .* limit"):
        read_return(path)

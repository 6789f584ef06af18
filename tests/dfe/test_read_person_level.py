"""The 2025 sample (person-level layout, ten LAs) read into the tidy table."""

from __future__ import annotations

import shutil

import pandas as pd

from highneeds import vocabulary
from highneeds.readers.dfe_ehcp import additivity_breaks, read_release
from highneeds.readers.dfe_schema import TIDY_COLUMNS

TEN_LAS = {"301", "801", "895", "881", "888", "928", "852", "319", "384", "872"}


def test_ten_las_release_year_and_columns(tidy_2025):
    assert list(tidy_2025.columns) == TIDY_COLUMNS
    assert set(tidy_2025["release"]) == {"2025"}
    assert set(tidy_2025["area_code"]) == TEN_LAS


def test_academic_years_are_their_january(tidy_2025):
    caseload = tidy_2025[tidy_2025["measure"] == "caseload"]
    assert set(zip(caseload["period"], caseload["year"], strict=True)) >= {
        ("201819", 2019),
        ("202425", 2025),
    }
    assert (caseload["year"] == caseload["period"].str[:4].astype(int) + 1).all()
    new = tidy_2025[tidy_2025["measure"] == "new_plans"]
    assert (new["year"] == new["period"].astype(int) + 1).all()


def test_breakdowns_use_vocabulary_and_slugs(tidy_2025):
    dims = tidy_2025.groupby("dimension")["category"].agg(set)
    assert {"female", "male"} <= dims["sex"] <= {"female", "male", "unknown"}
    assert {"white_white_british", "asian_bangladeshi", "unclassified"} <= dims["ethnicity"]
    assert {"2_and_under", "10", "20_and_over"} <= dims["age"]
    assert dims["need"] <= set(vocabulary.NEED_BY_CODE)
    assert "ASD|female" in dims["need|sex"]
    settings = set(tidy_2025["setting"])
    plain = {s for s in settings if not s.startswith("group:")} - {"total"}
    assert plain <= set(vocabulary.SETTING_BY_CODE)
    assert {"group:mainstream", "group:educated_elsewhere"} <= settings
    # "Type of placement" breakdown rows land in the setting column.
    reviews = tidy_2025[tidy_2025["measure"] == "annual_review_plans"]
    assert "mainstream_academy_unit" in set(reviews["setting"])


def test_placement_subtotals_add_up(tidy_2025):
    checked = tidy_2025[(tidy_2025["measure"] == "caseload") & (tidy_2025["year"] >= 2024)]
    assert checked["value"].notna().sum() > 1000
    assert additivity_breaks(tidy_2025).empty


def test_needs_add_up_to_the_caseload(tidy_2025):
    plans = tidy_2025[(tidy_2025["measure"] == "caseload") & (tidy_2025["setting"] == "total")]
    by_need = plans[plans["dimension"] == "need"].groupby(["area_code", "year"])["value"].sum()
    total = plans[plans["dimension"] == "total"].set_index(["area_code", "year"])["value"]
    compared = (by_need - total).dropna()
    assert len(compared) == 9  # nine LAs in January 2025 (Northamptonshire ended 2021)
    assert (compared == 0).all()


def test_symbols_never_become_zero(tidy_2025, folder_2025):
    raw = pd.read_csv(folder_2025 / "data" / "caseload.csv", dtype=str, keep_default_na=False)
    read_columns = [c for c in raw.columns[12:] if not c.lower().endswith("_pc")]
    published_x = int((raw[read_columns] == "x").to_numpy().sum())
    from_file = tidy_2025[
        (tidy_2025["measure"] == "caseload") & ~tidy_2025["dimension"].str.contains("need")
    ]
    assert published_x > 100
    assert int((from_file["status"] == "x").sum()) == published_x
    assert tidy_2025.loc[tidy_2025["status"].notna(), "value"].isna().all()


def test_timeliness_keeps_published_rates(tidy_2025):
    rate = tidy_2025[
        (tidy_2025["measure"] == "timeliness_20_weeks_incl_exceptions_pc")
        & (tidy_2025["area_code"] == "888")
        & (tidy_2025["year"] == 2020)
        & (tidy_2025["dimension"] == "total")
    ]
    assert rate["value"].tolist() == [74.8]  # Lancashire, calendar 2019, as published


def test_a_zip_reads_like_its_folder(small_2025, tmp_path):
    archive = shutil.make_archive(str(tmp_path / "ehcp"), "zip", small_2025)
    from_zip, from_folder = read_release(archive), read_release(small_2025)
    assert from_zip["release"].iloc[0] == "2025"
    pd.testing.assert_frame_equal(from_zip, from_folder)

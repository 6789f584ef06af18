"""The 2022 release (LA-aggregate layout, every LA) read into the tidy table."""

from __future__ import annotations

import zipfile

import pandas as pd

from highneeds import vocabulary
from highneeds.readers.dfe_ehcp import additivity_breaks
from highneeds.readers.dfe_schema import TIDY_COLUMNS


def _figure(
    tidy, area, year, measure="caseload", setting="total", dimension="total", category="total"
):
    row = tidy[
        (tidy["area_code"] == area)
        & (tidy["year"] == year)
        & (tidy["measure"] == measure)
        & (tidy["setting"] == setting)
        & (tidy["dimension"] == dimension)
        & (tidy["category"] == category)
    ]
    assert len(row) == 1, row
    return row.iloc[0]


def test_columns_are_the_store_contract(tidy_2022):
    assert list(tidy_2022.columns) == TIDY_COLUMNS
    assert set(tidy_2022["release"]) == {"2022"}
    assert set(tidy_2022["geographic_level"]) == {"national", "regional", "la"}


def test_stockport_caseload_january_2022_and_2019(tidy_2022):
    assert _figure(tidy_2022, "356", 2022)["value"] == 2618
    assert _figure(tidy_2022, "356", 2019)["value"] == 2195
    assert _figure(tidy_2022, "356", 2022)["area_gss"] == "E08000007"
    assert _figure(tidy_2022, "356", 2022)["region_code"] == "E12000002"


def test_statements_and_plans_make_the_continuous_series(tidy_2022):
    # January 2014: statements still existed alongside the first EHC plans.
    total = _figure(tidy_2022, "356", 2015)["value"]
    ehc = _figure(tidy_2022, "356", 2015, "caseload_ehc")["value"]
    statements = _figure(tidy_2022, "356", 2015, "caseload_statements")["value"]
    assert ehc > 0 and statements > 0
    assert total == ehc + statements
    # Before 2014 EHC plans did not exist: published as z, kept as a symbol.
    early = _figure(tidy_2022, "356", 2012, "caseload_ehc")
    assert pd.isna(early["value"]) and early["status"] == "z"


def test_flows_in_a_calendar_year_belong_to_the_next_january(tidy_2022):
    flows = tidy_2022[tidy_2022["measure"].isin(["new_plans", "requests"])]
    assert (flows["year"] == flows["period"].astype(int) + 1).all()
    stocks = tidy_2022[tidy_2022["measure"] == "caseload"]
    assert (stocks["year"] == stocks["period"].astype(int)).all()
    # Stockport's new plans made in calendar 2021 (published as 360) count towards January 2022.
    new = _figure(tidy_2022, "356", 2022, "new_plans")
    assert new["period"] == "2021" and new["value"] == 360


def test_every_la_setting_groups_sum_to_total(tidy_2022):
    las = tidy_2022[tidy_2022["geographic_level"] == "la"]
    assert las["area_code"].nunique() >= 150
    groups = las[las["setting"].str.startswith("group:") & (las["measure"] == "caseload")]
    assert len(groups) > 10_000  # the check below has something to check
    assert additivity_breaks(tidy_2022).empty


def test_additivity_check_catches_a_wrong_figure(tidy_2022):
    stockport = tidy_2022[tidy_2022["area_code"] == "356"].copy()
    wrong = (
        (stockport["measure"] == "caseload")
        & (stockport["year"] == 2022)
        & (stockport["setting"] == "special_la_maintained")
    )
    stockport.loc[wrong, "value"] += 1
    breaks = additivity_breaks(stockport)
    assert set(breaks["parent"]) == {"group:special"}


def test_settings_and_age_bands_are_vocabulary_codes(tidy_2022):
    settings = set(tidy_2022["setting"])
    groups = {s for s in settings if s.startswith("group:")}
    assert {g.removeprefix("group:") for g in groups} <= set(vocabulary.SETTING_GROUP_BY_CODE)
    assert settings - groups - {"total"} <= set(vocabulary.SETTING_BY_CODE)
    bands = tidy_2022.loc[tidy_2022["dimension"] == "age_band", "category"]
    assert set(bands) == set(vocabulary.AGE_BAND_BY_CODE)


def test_symbols_are_kept_never_zero(tidy_2022, zip_2022):
    with zipfile.ZipFile(zip_2022) as archive, archive.open("data/sen2_estab_caseload.csv") as f:
        raw = pd.read_csv(f, dtype=str, keep_default_na=False)
    published_z = int((raw[["Total_all", "Total_ehc", "Total_st"]] == "z").to_numpy().sum())
    from_file = tidy_2022[
        tidy_2022["measure"].isin(["caseload", "caseload_ehc", "caseload_statements"])
        & (tidy_2022["dimension"] == "total")
    ]
    assert published_z > 1000
    assert int((from_file["status"] == "z").sum()) == published_z
    symbols = tidy_2022[tidy_2022["status"].notna()]
    assert symbols["value"].isna().all()
    assert tidy_2022.loc[tidy_2022["value"].isna(), "status"].notna().all()


def test_management_information_measures(tidy_2022):
    # England, calendar 2021 (January 2022): 59.9% of plans issued within 20 weeks excl. exceptions
    rate = _figure(tidy_2022, "E92000001", 2022, "timeliness_20_weeks_excl_exceptions_pc")
    assert rate["value"] == 59.9
    within = _figure(tidy_2022, "E92000001", 2022, "plans_issued_20_weeks_excl_exceptions")
    issued = _figure(tidy_2022, "E92000001", 2022, "plans_issued_excl_exceptions")
    assert round(100 * within["value"] / issued["value"], 1) == 59.9
    assert _figure(tidy_2022, "E92000001", 2022, "requests")["value"] == 93302
    residential = _figure(tidy_2022, "E92000001", 2022, "residential_placements_52_weeks")
    assert residential["value"] == 1240

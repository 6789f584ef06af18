"""Lay simulated children out as a SEN2 return of one collection year (the synthetic LA)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from highneeds.sen2.model import MODULES, Sen2Return, table_columns

#: Setting codes written as SENSetting (no URN), by vocabulary setting code.
_SEN2_CODE = {
    "other_arrangements_la": "OLA",
    "other_arrangements_parents": "OPA",
    "elective_home_education": "EHE",
    "early_years_non_maintained": "EYP",
    "other_placement": "OTH",
    "neet": "NEET",
    "not_in_education_notice_to_cease": "NIEC",
    "not_in_education_other": "NIEO",
}


def census_day(year: int) -> pd.Timestamp:
    """The SEN2 census day: the Thursday of the third week of January (2024-01-18)."""
    day = pd.Timestamp(year, 1, 15)
    return day + pd.Timedelta(days=(3 - day.weekday()) % 7)


def _place_columns(setting: pd.Series, urn: pd.Series) -> dict:
    setting = setting.fillna("")
    return {
        "urn": urn.where(urn.notna(), None),
        "ukprn": None,
        "sen_setting": setting.map(_SEN2_CODE).where(urn.isna(), None),
        "sen_setting_other": None,
        "placement_rank": 1,
        "sen_unit_indicator": np.where(
            urn.notna(), setting.str.endswith("_unit").astype(int), None
        ),
        "resourced_provision_indicator": np.where(
            urn.notna(), setting.str.endswith("_rp").astype(int), None
        ),
    }


def _finish(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Typed tables with the reader's columns and dtypes, so synthetic == re-read."""
    from highneeds.sen2.values import type_table

    out = {}
    for module in MODULES:
        frame = frames.get(module.name, pd.DataFrame())
        frame = frame.reindex(columns=table_columns(module))
        frame["source_row"] = range(1, len(frame) + 1)
        text = frame.copy()
        for item in module.items:
            column = text[item.column]
            if item.kind == "date":
                text[item.column] = pd.to_datetime(column).dt.strftime("%Y-%m-%d")
            else:
                text[item.column] = column.map(lambda v: None if v is None or v != v else str(v))
        out[module.name] = type_table(text, module, file="synthetic")
    return out


def build_return(
    active: pd.DataFrame, ceased: pd.DataFrame, requesters: pd.DataFrame, year: int, la: str
) -> Sen2Return:
    """The return of collection ``year``: plans active at its census, plans ceased and
    requests decided in the calendar year before it."""
    ref = census_day(year)
    start = pd.Timestamp(year - 1, 1, 1)
    people = pd.concat(
        [
            active.assign(kind="active"),
            ceased.assign(kind="ceased"),
            requesters.assign(kind="request"),
        ],
        ignore_index=True,
    )
    people["person_key"] = (np.arange(len(people)) + 1).astype(str)
    people["request_key"] = people["person_key"]
    person = pd.DataFrame(
        {
            "person_key": people["person_key"],
            "surname": people["surname"],
            "forename": people["forename"],
            "birth_date": people["birth"],
            "sex": people["sex"] if year >= 2024 else None,
            "gender_current": people["sex"].map({"M": "1", "F": "2"}) if year < 2024 else None,
            "ethnicity": people["ethnicity"],
            "postcode": people["postcode"],
            "upn": people["upn"],
            "uln": None,
            "upn_unknown": None,
        }
    )
    issued_in_period = people["issued"].between(start, ref) & people["transfer_la"].isna()
    new_plan = issued_in_period & (people["kind"] != "request")
    outcome = people.get("outcome", pd.Series(None, index=people.index))
    request_outcome = np.select(
        [people["kind"] == "request", new_plan], [outcome.replace({"NI": "Y"}), "Y"], "H"
    )
    request = pd.DataFrame(
        {
            "request_key": people["request_key"],
            "person_key": people["person_key"],
            "received_date": people["received"],
            "request_source": "1" if year >= 2025 else None,
            "rya": 0,
            "request_outcome_date": people["decided"],
            "request_outcome": request_outcome,
            "request_mediation": 0,
            "request_tribunal": 0,
            "exported": None,
        }
    )
    has_assessment = request["request_outcome"] != "N"
    assessment_outcome = np.select(
        [outcome.eq("NI").to_numpy(), new_plan.to_numpy()], ["N", "Y"], "H"
    )
    assessment = pd.DataFrame(
        {
            "assessment_key": people["request_key"],
            "request_key": people["request_key"],
            "person_key": people["person_key"],
            "assessment_outcome": assessment_outcome,
            "assessment_outcome_date": people["issued"],
            "assessment_mediation": 0,
            "assessment_tribunal": 0,
            "other_mediation": 0,
            "other_tribunal": 0,
            "week20": people["week20"],
        }
    )[has_assessment.to_numpy()]
    named = new_plan | (people["kind"] == "ceased")
    named_plan = pd.DataFrame(
        {
            "named_plan_key": people["request_key"],
            "assessment_key": people["request_key"],
            "person_key": people["person_key"],
            "start_date": people["issued"],
            "plan_res": None,
            "plan_wbp": None,
            "pb": 0,
            "oa": 0,
            "dp": None,
            "cease_date": people["cease_date"],
            "cease_reason": people["cease_reason"],
        }
    )[named.to_numpy()]
    detail_people = people[new_plan]
    plan_detail = pd.DataFrame(
        {
            "plan_detail_key": detail_people["request_key"],
            "named_plan_key": detail_people["request_key"],
            "person_key": detail_people["person_key"],
            **_place_columns(detail_people["setting"], detail_people["urn"]),
        }
    )
    live = people[people["kind"] == "active"]
    active_plan = pd.DataFrame(
        {
            "active_plan_key": live["request_key"],
            "request_key": live["request_key"],
            "person_key": live["person_key"],
            "transfer_la": live["transfer_la"].where(
                live["issued"] >= start - pd.Timedelta(days=400), None
            ),
        }
    )
    current = pd.DataFrame(
        {
            "active_plan_key": live["request_key"],
            "person_key": live["person_key"],
            **_place_columns(live["setting"], live["urn"]),
            "entry_date": live["entry"],
            "leaving_date": pd.NaT,
        }
    )
    moved = live[live["prev_leave"].notna() & live["prev_setting"].notna()]
    previous = pd.DataFrame(
        {
            "active_plan_key": moved["request_key"],
            "person_key": moved["person_key"],
            **_place_columns(moved["prev_setting"], moved["prev_urn"]),
            "entry_date": pd.NaT,
            "leaving_date": moved["prev_leave"],
        }
    )
    placement = pd.concat([previous, current], ignore_index=True)
    placement = placement.sort_values("active_plan_key", kind="stable").reset_index(drop=True)
    placement["placement_key"] = (np.arange(len(placement)) + 1).astype(str)
    need1 = pd.DataFrame(
        {
            "active_plan_key": live["request_key"],
            "person_key": live["person_key"],
            "sen_type": live["need"],
            "sen_type_rank": 1,
        }
    )
    two = live[live["need2"].notna() & (live["need2"] != live["need"])]
    need2 = pd.DataFrame(
        {
            "active_plan_key": two["request_key"],
            "person_key": two["person_key"],
            "sen_type": two["need2"],
            "sen_type_rank": 2,
        }
    )
    need = pd.concat([need1, need2], ignore_index=True).sort_values(
        "active_plan_key", kind="stable"
    )
    need["need_key"] = (np.arange(len(need)) + 1).astype(str)
    header = {
        "collection": "SEN2",
        "year": year,
        "reference_date": ref,
        "source_level": "L",
        "lea": la,
        "software_code": "highneeds synth",
        "release": "1",
        "serial_no": "001",
        "date_time": f"{year}-01-25T09:00:00",
        "dmo": "Y",
        "dco": "Y",
        "dsco": "Y" if year >= 2025 else None,
        "unknown_elements": [],
    }
    tables = _finish(
        {
            "person": person,
            "request": request,
            "assessment": assessment,
            "named_plan": named_plan,
            "plan_detail": plan_detail,
            "active_plan": active_plan,
            "placement": placement,
            "need": need,
        }
    )
    return Sen2Return(
        header=header, tables=tables, file_name=f"synthetic-{year}", layout="synthetic"
    )
